package io.coffer.server.http;

import io.javalin.http.Context;
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
    if (!LOG.isDebugEnabled()) {
      return;
    }
    VaultRequest request = ctx.attribute(VaultRequest.ATTRIBUTE);
    LOG.debug(
        "event=request request_id={} method={} path={} status={} vault={} principal={} client_ip={}",
        ctx.attribute(Headers.REQUEST_ID),
        ctx.method(),
        ctx.path(),
        ctx.statusCode(),
        request == null ? "-" : request.vault().name(),
        request == null ? "-" : request.principal().objectId(),
        ctx.ip());
  }
}
