package io.coffer.server.http;

/**
 * How an answered request's audit record reaches the trail before its answer leaves: written at
 * once ({@link AuditRecorder}), or with the others its event loop answered in the same turn ({@link
 * AuditBatch}).
 */
interface AuditWrites {
  /** Writes the exchange's record, settles its answer, then runs {@code then}. */
  void record(Exchange exchange, Runnable then);
}
