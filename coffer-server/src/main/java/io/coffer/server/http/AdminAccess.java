package io.coffer.server.http;

import io.coffer.server.config.Endpoints;
import io.coffer.server.identity.Directory;
import io.coffer.server.identity.TokenVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a management route is built: an administrator's token first, then the action, whose object is
 * the JSON answer (none: 204); every change is logged (never a secret). Shared by the management
 * API's route tables.
 */
final class AdminAccess {
  private static final Logger LOG = LoggerFactory.getLogger(AdminAccess.class);
  static final String BASE = "/admin/v1";

  /** A route body that answers with a JSON object (none: 204), run for an administrator. */
  interface AdminAction {
    Object run(Exchange exchange);
  }

  private final TokenVerifier verifier;
  private final Endpoints endpoints;

  AdminAccess(TokenVerifier verifier, Endpoints endpoints) {
    this.verifier = verifier;
    this.endpoints = endpoints;
  }

  Route route(String method, String path, AdminAction action) {
    Route.Handler handler =
        exchange -> {
          exchange.challenge(
              "Bearer authorization=\""
                  + endpoints.authority()
                  + "/"
                  + Directory.ADMIN_TENANT
                  + "\", resource=\""
                  + endpoints.managementResource()
                  + "\"");
          var principal = verifier.administrator(exchange.requestHeader("Authorization"));
          exchange.principal(principal);
          Object body = action.run(exchange);
          if (!method.equals("GET")) {
            LOG.info(
                "event=admin-change method={} path={} admin={} status={}",
                method,
                exchange.path(),
                principal.objectId(),
                body == null ? 204 : 200);
          }
          if (body == null) {
            exchange.empty(204);
          } else {
            exchange.json(200, body);
          }
        };
    return Route.of(method, BASE + path, "Admin " + method + " " + BASE + path, handler);
  }
}
