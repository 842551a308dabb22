package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.throttle.CredentialThrottle;

/**
 * The one path every request takes, in the order of its life: stamp (request id, the service's
 * headers) → audit admission → route → sign-in budget (routes that present a credential) → body
 * budget → guard (vault routes: token, budget, api-version, access) → handler → error mapping →
 * access log → audit → metrics. No step knows which server carried the request; the server's
 * adapter ({@link NettyDoor}) only turns the wire into an {@link Exchange} and back.
 */
final class Pipeline {
  private final Router router;
  private final Guard guard;
  private final BodyBudget bodies;
  private final AuditRecorder audit;
  private final CredentialThrottle signIns;
  private final HttpMetrics metrics;

  Pipeline(
      Router router,
      Guard guard,
      BodyBudget bodies,
      AuditRecorder audit,
      CredentialThrottle signIns,
      HttpMetrics metrics) {
    this.router = router;
    this.signIns = signIns;
    this.guard = guard;
    this.bodies = bodies;
    this.audit = audit;
    this.metrics = metrics;
  }

  /**
   * Finds the request's route, once, before it is served, so the adapter can choose its thread: a
   * route marked inline, or a refusal (no such path or method), is cheap enough for the thread that
   * read the request.
   *
   * @return whether the request may be served on the reading thread
   */
  boolean route(Exchange exchange) {
    try {
      Router.Match match = router.match(exchange.routedMethod(), exchange.path());
      exchange.route(match.route(), match.parameters());
      return match.route().inline();
    } catch (CofferException unrouted) {
      exchange.unrouted(unrouted);
      return true;
    }
  }

  /** Serves a routed request: the exchange holds the answer afterwards. Never throws. */
  void serve(Exchange exchange) {
    serve(exchange, audit, () -> {});
  }

  /**
   * Serves a routed request; {@code then} runs once the exchange holds the final answer, its audit
   * record written by {@code writes}: at once, or with its event loop's turn. Throws only what
   * {@code then} throws.
   */
  void serve(Exchange exchange, AuditWrites writes, Runnable then) {
    exchange.requestId(Headers.stamp(exchange));
    try {
      audit.admit(exchange);
      Route route = exchange.routeOrRefusal();
      if (route.presentsCredential()) {
        signIns.admitAddress(exchange.clientAddress());
      }
      int held = bodies.reserve(exchange);
      try {
        if (route.requires().isPresent()) {
          guard.check(exchange, route.requires().get());
        }
        route.handler().handle(exchange);
      } finally {
        bodies.release(held);
      }
    } catch (Exception failure) {
      Failures.answer(exchange, failure);
    }
    AccessLog.record(exchange);
    writes.record(
        exchange,
        () -> {
          metrics.request(
              exchange.route().map(Route::operation).orElse(HttpMetrics.UNROUTED),
              exchange.status(),
              System.nanoTime() - exchange.started());
          then.run();
        });
  }

  /** The audit recorder, for the event loops' {@link AuditBatch}es. */
  AuditRecorder audit() {
    return audit;
  }
}
