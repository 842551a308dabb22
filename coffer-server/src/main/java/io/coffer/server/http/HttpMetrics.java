package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the web layer counts, recorded by the pipeline once per request: requests by the route's
 * operation and the status (a latency histogram each), token issues by grant and refusals by OAuth
 * error, throttled requests, and the audit trail's write latency and failures.
 *
 * <p>A request's timer is found without allocating: each operation (a route's, so a bounded set)
 * holds its timers in an array by status, filled on first use.
 */
final class HttpMetrics {
  /** The operation of a request no route took (404, 405). */
  static final String UNROUTED = "Unrouted";

  /** Latency buckets: a cached GET answers well under a millisecond, a PostgreSQL write in ms. */
  private static final Duration[] REQUEST_BUCKETS =
      durations(0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);

  private static final Duration[] AUDIT_BUCKETS =
      durations(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000);

  /** Grants named as such; anything else a client sends counts as "other". */
  private static final Set<String> GRANTS =
      Set.of(
          "client_credentials",
          "authorization_code",
          "refresh_token",
          "password",
          "urn:ietf:params:oauth:grant-type:jwt-bearer",
          "urn:ietf:params:oauth:grant-type:token-exchange",
          "device_code");

  private static final String OTHER_GRANT = "other";

  private final MeterRegistry registry;
  private final Map<String, AtomicReferenceArray<Timer>> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> throttled = new ConcurrentHashMap<>();
  private final Map<String, Counter> issued;
  private final Map<CofferException.Reason, Counter> refused =
      new EnumMap<>(CofferException.Reason.class);
  private final Timer auditWrites;
  private final Counter auditFailures;

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
    Map<String, Counter> grants = new HashMap<>();
    for (String grant : GRANTS) {
      grants.put(grant, issuedCounter(grant));
    }
    grants.put(OTHER_GRANT, issuedCounter(OTHER_GRANT));
    this.issued = Map.copyOf(grants);
    // Every reason up front: a refusal rate reads 0, not "no data", before the first one.
    for (CofferException.Reason reason : CofferException.Reason.values()) {
      refused.put(
          reason,
          Counter.builder("coffer.tokens.refused")
              .description("Token requests refused, by OAuth error")
              .tag("error", reason.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    this.auditWrites =
        Timer.builder("coffer.audit.write")
            .description("Time to append one record to the audit trail")
            .serviceLevelObjectives(AUDIT_BUCKETS)
            .register(registry);
    this.auditFailures =
        Counter.builder("coffer.audit.write.failures")
            .description("Audit records that could not be written")
            .register(registry);
  }

  /** Counts an answered request under its route's operation and its status, with its latency. */
  void request(String operation, int status, long nanos) {
    if (status < 100 || status >= 600) {
      return;
    }
    AtomicReferenceArray<Timer> byStatus = requests.get(operation);
    if (byStatus == null) {
      byStatus = requests.computeIfAbsent(operation, k -> new AtomicReferenceArray<>(600));
    }
    Timer timer = byStatus.get(status);
    if (timer == null) {
      timer = register(operation, status);
      byStatus.set(status, timer);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
    if (status == 429) {
      throttled(operation);
    }
  }

  private Timer register(String operation, int status) {
    return Timer.builder("coffer.requests")
        .description("Requests answered, by the route's operation and the HTTP status")
        .tag("operation", operation)
        .tag("status", Integer.toString(status))
        .serviceLevelObjectives(REQUEST_BUCKETS)
        .register(registry);
  }

  void tokenIssued(String grantType) {
    issued.getOrDefault(grantType, issued.get(OTHER_GRANT)).increment();
  }

  void tokenRefused(CofferException.TokenRefused refusal) {
    refused.get(refusal.reason()).increment();
  }

  /**
   * Counts a request refused because a budget was spent. Every answer with status 429 is counted
   * here by {@link #request}, whichever limit refused it (a vault's budget, a sign-in or token
   * throttle); a limit that refuses without such an answer (a dropped connection) calls this
   * itself, with its route's operation.
   */
  void throttled(String operation) {
    Counter counter = throttled.get(operation);
    if (counter == null) {
      counter =
          throttled.computeIfAbsent(
              operation,
              k ->
                  Counter.builder("coffer.requests.throttled")
                      .description("Requests refused because a request budget was spent")
                      .tag("operation", k)
                      .register(registry));
    }
    counter.increment();
  }

  private Counter issuedCounter(String grant) {
    return Counter.builder("coffer.tokens.issued")
        .description("Access tokens issued, by grant type")
        .tag("grant", grant)
        .register(registry);
  }

  void auditWrite(long nanos, boolean written) {
    auditWrites.record(nanos, TimeUnit.NANOSECONDS);
    if (!written) {
      auditFailures.increment();
    }
  }

  private static Duration[] durations(double... millis) {
    Duration[] durations = new Duration[millis.length];
    for (int i = 0; i < millis.length; i++) {
      durations[i] = Duration.ofNanos((long) (millis[i] * 1_000_000));
    }
    return durations;
  }
}
