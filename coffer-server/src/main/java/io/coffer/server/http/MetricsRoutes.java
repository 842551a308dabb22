package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.config.Endpoints;
import io.coffer.server.identity.Directory;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.server.metrics.ServerMetrics;
import java.util.List;

/**
 * {@code GET /metrics} in Prometheus' text format, in two places: on the HTTPS port for an
 * administrator's token, at any host but a vault's (a vault answers 404, as for any path it does
 * not serve); and on the plain-HTTP metrics listener ({@code metrics-port}), without a token, where
 * only it and {@code /healthz} are served.
 */
final class MetricsRoutes {
  static final String PATH = "/metrics";
  private static final String OPERATION = "Metrics";

  private final ServerMetrics metrics;
  private final Endpoints endpoints;
  private final TokenVerifier verifier;

  MetricsRoutes(ServerMetrics metrics, Endpoints endpoints, TokenVerifier verifier) {
    this.metrics = metrics;
    this.endpoints = endpoints;
    this.verifier = verifier;
  }

  /** The route on the HTTPS port: administrators only, never at a vault's host. */
  Route forAdministrators() {
    return Route.get(
        PATH,
        OPERATION,
        exchange -> {
          if (endpoints.vaultNameOf(exchange.host()).isPresent()) {
            throw new CofferException.NotFound("The requested resource was not found.");
          }
          exchange.challenge(
              "Bearer authorization=\""
                  + endpoints.authority()
                  + "/"
                  + Directory.ADMIN_TENANT
                  + "\", resource=\""
                  + endpoints.managementResource()
                  + "\"");
          exchange.principal(verifier.administrator(exchange.requestHeader("Authorization")));
          scrape(exchange);
        });
  }

  /** The metrics listener's whole route table. */
  List<Route> forListener(Route health) {
    return List.of(Route.get(PATH, OPERATION, this::scrape), health);
  }

  private void scrape(Exchange exchange) {
    exchange.header("Cache-Control", "no-store");
    exchange.text(200, ServerMetrics.contentType(), metrics.scrape());
  }
}
