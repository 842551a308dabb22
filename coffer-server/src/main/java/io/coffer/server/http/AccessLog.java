package io.coffer.server.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logfmt line per request at DEBUG: who asked what of which host and vault, and the outcome.
 * Paths hold secret names and queries paging tokens, never values; bodies are never logged.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  private static final int MAX_QUERY = 300;

  private AccessLog() {}

  static void record(Exchange exchange) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    String query = exchange.rawQuery();
    LOG.debug(
        "event=request request_id={} method={} host={} path={} query={} status={} vault={}"
            + " principal={} client_ip={}",
        exchange.requestId(),
        exchange.method(),
        exchange.host().isEmpty() ? "-" : exchange.host(),
        exchange.path(),
        query == null || query.isEmpty()
            ? "-"
            : query.length() > MAX_QUERY ? query.substring(0, MAX_QUERY) : query,
        exchange.status(),
        exchange.vault().map(r -> r.vault().name()).orElse("-"),
        exchange.principal().map(p -> p.objectId()).orElse("-"),
        exchange.clientAddress());
  }
}
