package io.coffer.server.http;

import io.coffer.server.CofferException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the heap that request bodies take. Reading and parsing a body costs several times its
 * size, so sixteen clients sending 20 MiB at once ran a 256 MiB heap out of memory. Every body is
 * refused over its route's limit by its Content-Length, before a byte of it is read (only a restore
 * carries a backup near the 20 MiB limit). Large bodies (over 64 KiB, or of unknown length) are
 * read only while those in flight fit a budget of a tenth of the heap, at least one full body; the
 * rest wait for their turn and, after {@link #WAIT}, are told to retry (429).
 */
final class BodyBudget {
  /** A backup of 500 versions of 25 KB values, base64url, fits; anything larger is refused. */
  static final long MAX_BODY = 20L * 1024 * 1024;

  private static final long UNCOUNTED = 64 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int UNIT = 1024;

  private final Semaphore kibibytes;

  BodyBudget(long maxHeapBytes) {
    this.kibibytes = new Semaphore((int) (Math.max(MAX_BODY, maxHeapBytes / 10) / UNIT), true);
  }

  /**
   * Before the body is read: refuse it by its length, or wait for room to read it.
   *
   * @return the room held, to be given back with {@link #release}
   */
  int reserve(Exchange exchange) throws InterruptedException {
    long declared = declaredLength(exchange);
    if (declared == 0) {
      return 0;
    }
    long limit = exchange.routeOrRefusal().bodyLimit();
    if (declared > limit) {
      throw new CofferException.TooLarge("The request body is too large.");
    }
    if (declared > 0 && declared <= UNCOUNTED) {
      return 0;
    }
    // A body of unknown length may grow to its route's limit before it is cut off.
    int permits = (int) ((declared < 0 ? limit : declared) / UNIT) + 1;
    if (!kibibytes.tryAcquire(permits, WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new CofferException.Throttled(
          "Too many large request bodies are being received; retry later.", Duration.ofSeconds(5));
    }
    return permits;
  }

  /** After the answer: give the room back. */
  void release(int permits) {
    if (permits > 0) {
      kibibytes.release(permits);
    }
  }

  /** 0 for no body, -1 for a body of unknown length. */
  private static long declaredLength(Exchange exchange) {
    return exchange
        .requestHeader("Content-Length")
        .map(length -> {
          try {
            return Long.parseLong(length.strip());
          } catch (NumberFormatException e) {
            return -1L;
          }
        })
        .orElseGet(() -> exchange.requestHeader("Transfer-Encoding").isPresent() ? -1L : 0L);
  }
}
