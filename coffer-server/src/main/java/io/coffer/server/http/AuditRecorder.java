package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.audit.AuditClock;
import io.coffer.server.audit.AuditEvent;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.identity.Principal;
import io.coffer.server.vault.Vault;
import io.coffer.wire.ErrorCode;
import io.coffer.wire.KeyVaultError;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records every request in the audit trail once it is answered: the route's operation, principal,
 * vault, secret name and version, status and error code, client address. In fail-closed mode a
 * request is refused (503) while the trail cannot be written, and an answer whose record could not
 * be written is replaced by a 503.
 */
final class AuditRecorder implements AuditWrites {
  /** The answer that replaces one whose record could not be written, in fail-closed mode. */
  private static final KeyVaultError UNRECORDED =
      KeyVaultError.of(
          ErrorCode.SERVICE_UNAVAILABLE,
          "The audit trail cannot be written; the request's outcome is unknown to the caller and"
              + " must be checked.");

  private static final String HEALTH = "/healthz";

  private final AuditTrail trail;
  private final boolean failClosed;
  private final HttpMetrics metrics;
  private final boolean recording;
  private final AuditClock times = new AuditClock(Clock.systemUTC());

  AuditRecorder(AuditTrail trail, boolean failClosed, HttpMetrics metrics) {
    this(trail, failClosed, metrics, true);
  }

  private AuditRecorder(
      AuditTrail trail, boolean failClosed, HttpMetrics metrics, boolean recording) {
    this.trail = trail;
    this.failClosed = failClosed;
    this.metrics = metrics;
    this.recording = recording;
  }

  /**
   * For the metrics listener, like health checks: a scrape every few seconds is no one's access to
   * a vault, and is served while the trail cannot be written.
   */
  AuditRecorder unrecorded() {
    return new AuditRecorder(trail, false, metrics, false);
  }

  /** Before anything else: refuse at once if fail-closed and the trail cannot be written. */
  void admit(Exchange exchange) {
    if (!recording || exchange.path().equals(HEALTH) || trail.ready()) {
      return;
    }
    // Under the free-space floor every request is refused, fail-closed or not: each would write a
    // record, and an unauthenticated flood must not fill the disk the database shares.
    if (trail.belowFloor()) {
      throw new CofferException.Unavailable(
          "The server is short of disk space for its audit trail; requests are refused until"
              + " space is freed.",
          Duration.ofSeconds(30));
    }
    if (failClosed) {
      throw new CofferException.Unavailable(
          "The audit trail cannot be written; requests are refused until it can.",
          Duration.ofSeconds(5));
    }
  }

  /** Writes the answered request's record at once, then goes on. */
  @Override
  public void record(Exchange exchange, Runnable then) {
    record(exchange);
    then.run();
  }

  void record(Exchange exchange) {
    Optional<AuditEvent> event = event(exchange);
    if (event.isPresent()) {
      long start = System.nanoTime();
      boolean written = trail.append(event.get());
      settle(exchange, written, System.nanoTime() - start);
    }
  }

  /** Writes the records of several answered requests at once: how many, from the first, were. */
  int write(List<AuditEvent> events) {
    return trail.append(events);
  }

  /** The record of an answered request; none for a health check or on the metrics listener. */
  Optional<AuditEvent> event(Exchange exchange) {
    if (!recording || exchange.path().equals(HEALTH)) {
      return Optional.empty();
    }
    String operation =
        exchange
            .route()
            .map(Route::operation)
            .orElseGet(() -> exchange.routedMethod() + " (no route)");
    Map<String, String> parameters = exchange.pathParameters();
    String tenant =
        exchange
            .targetVault()
            .map(Vault::tenantId)
            .or(() -> exchange.principal().map(Principal::tenantId))
            .orElse(parameters.getOrDefault("tenant", ""));
    return Optional.of(
        new AuditEvent(
            times.now(),
            exchange.requestId(),
            operation,
            exchange.principal().map(Principal::objectId).orElse(""),
            exchange.appId().orElse(""),
            exchange.userName(),
            tenant,
            exchange.targetVault().map(Vault::name).orElse(""),
            parameters.getOrDefault("name", ""),
            parameters.getOrDefault("version", ""),
            exchange.auditStatus(),
            exchange.auditErrorCode(),
            exchange.clientAddress(),
            Duration.ofNanos(System.nanoTime() - exchange.started()).toMillis()));
  }

  /**
   * Once its record's write is done: counted, and in fail-closed mode an answer whose record could
   * not be written is replaced.
   */
  void settle(Exchange exchange, boolean written, long writeNanos) {
    metrics.auditWrite(writeNanos, written);
    if (!written && failClosed) {
      exchange.header("Retry-After", "5");
      exchange.json(503, UNRECORDED);
    }
  }
}
