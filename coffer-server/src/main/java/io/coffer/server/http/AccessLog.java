package io.coffer.server.http;

import io.javalin.http.Context;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logfmt line per request at DEBUG: who asked what of which vault, and the outcome. Paths hold
 * secret names, never values; bodies are never logged.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

  private AccessLog() {}

  static void record(Context ctx) {
    if (LOG.isDebugEnabled()) {
      record(
          ctx.attribute(Headers.REQUEST_ID),
          ctx.method().name(),
          ctx.path(),
          ctx.statusCode(),
          Optional.ofNullable(ctx.<VaultRequest>attribute(VaultRequest.ATTRIBUTE)),
          ctx.ip());
    }
  }

  static void record(
      String requestId,
      String method,
      String path,
      int status,
      Optional<VaultRequest> request,
      String clientAddress) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    LOG.debug(
        "event=request request_id={} method={} path={} status={} vault={} principal={} client_ip={}",
        requestId,
        method,
        path,
        status,
        request.map(r -> r.vault().name()).orElse("-"),
        request.map(r -> r.principal().objectId()).orElse("-"),
        clientAddress);
  }
}
