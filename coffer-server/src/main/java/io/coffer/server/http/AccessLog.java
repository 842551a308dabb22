package io.coffer.server.http;

import io.javalin.http.Context;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logfmt line per request at DEBUG: who asked what of which host and vault, and the outcome.
 * Paths hold secret names and queries paging tokens, never values; bodies are never logged.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

  private AccessLog() {}

  static void record(Context ctx) {
    if (LOG.isDebugEnabled()) {
      record(
          ctx.attribute(Headers.REQUEST_ID),
          ctx.method().name(),
          ctx.host(),
          ctx.path(),
          ctx.queryString(),
          ctx.statusCode(),
          Optional.ofNullable(ctx.<VaultRequest>attribute(VaultRequest.ATTRIBUTE)),
          ctx.ip());
    }
  }

  static void record(
      String requestId,
      String method,
      String host,
      String path,
      String query,
      int status,
      Optional<VaultRequest> request,
      String clientAddress) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    LOG.debug(
        "event=request request_id={} method={} host={} path={} query={} status={} vault={}"
            + " principal={} client_ip={}",
        requestId,
        method,
        host == null ? "-" : host,
        path,
        query == null || query.isEmpty()
            ? "-"
            : query.length() > 300 ? query.substring(0, 300) : query,
        status,
        request.map(r -> r.vault().name()).orElse("-"),
        request.map(r -> r.principal().objectId()).orElse("-"),
        clientAddress);
  }
}
