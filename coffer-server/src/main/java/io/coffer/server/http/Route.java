package io.coffer.server.http;

import io.coffer.server.authz.Action;
import java.util.List;
import java.util.Optional;

/**
 * A route as data: what it answers, what it needs, how it is recorded and run. Everything the
 * pipeline does around a handler is decided from these fields, in one place.
 *
 * @param method GET, PUT, PATCH, POST or DELETE (HEAD is served by the GET route)
 * @param pattern a path of literal segments and {@code {parameter}} segments
 * @param requires the data action a vault route needs and its scope; empty for routes that are not
 *     a vault's (the token service, the management API, which authenticate in their handlers)
 * @param operation the audit trail's name for it, e.g. {@code SecretGet}
 * @param bodyLimit the largest body accepted, refused with 413 by its length before it is read (a
 *     body a route does not read is still held to it)
 * @param inline whether it may be answered on the thread that read it when storage is not shared:
 *     only what never blocks on more than a local read
 * @param handler the work itself
 */
record Route(
    String method,
    String pattern,
    Optional<Requires> requires,
    String operation,
    long bodyLimit,
    boolean inline,
    Handler handler) {

  /** The work of a route: reads the exchange, writes its answer, or throws a domain failure. */
  @FunctionalInterface
  interface Handler {
    void handle(Exchange exchange);
  }

  /** The access a vault route needs: the data action, and whether its scope is the named secret. */
  record Requires(Action action, boolean secretScoped) {}

  /** A body no route but restore needs more of: a secret's value is at most 25 KB. */
  static final long SMALL_BODY = 1024 * 1024;

  Route {
    segments(pattern);
  }

  static Route get(String pattern, String operation, Handler handler) {
    return of("GET", pattern, operation, handler);
  }

  static Route post(String pattern, String operation, Handler handler) {
    return of("POST", pattern, operation, handler);
  }

  static Route put(String pattern, String operation, Handler handler) {
    return of("PUT", pattern, operation, handler);
  }

  static Route patch(String pattern, String operation, Handler handler) {
    return of("PATCH", pattern, operation, handler);
  }

  static Route delete(String pattern, String operation, Handler handler) {
    return of("DELETE", pattern, operation, handler);
  }

  /** A route of no vault, with the small body limit, served on a thread of its own. */
  static Route of(String method, String pattern, String operation, Handler handler) {
    return new Route(method, pattern, Optional.empty(), operation, SMALL_BODY, false, handler);
  }

  /** The same route as a vault route needing {@code action} on the secret the path names. */
  Route onSecret(Action action) {
    return new Route(
        method,
        pattern,
        Optional.of(new Requires(action, true)),
        operation,
        bodyLimit,
        inline,
        handler);
  }

  /** The same route as a vault route needing {@code action} on the whole vault. */
  Route onVault(Action action) {
    return new Route(
        method,
        pattern,
        Optional.of(new Requires(action, false)),
        operation,
        bodyLimit,
        inline,
        handler);
  }

  Route bodyLimit(long limit) {
    return new Route(method, pattern, requires, operation, limit, inline, handler);
  }

  /** The same route, answered on the thread that read it when storage is not shared. */
  Route onReadingThread() {
    return new Route(method, pattern, requires, operation, bodyLimit, true, handler);
  }

  /** The pattern's segments; a trailing slash is no segment of its own. */
  List<String> segments() {
    return segments(pattern);
  }

  private static List<String> segments(String pattern) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
    }
    return Router.segments(pattern);
  }

  @Override
  public String toString() {
    return method + " " + pattern;
  }
}
