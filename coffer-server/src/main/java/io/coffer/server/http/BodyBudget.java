package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the heap that request bodies take. Reading and parsing a body costs several times its
 * size, so sixteen clients sending 20 MiB at once ran a 256 MiB heap out of memory. Only a restore
 * carries a backup near the 20 MiB limit; every other body is refused over 1 MiB by its
 * Content-Length, before a byte of it is read. Large bodies (over 64 KiB, or of unknown length) are
 * read only while those in flight fit a budget of a tenth of the heap, at least one full body; the
 * rest wait for their turn and, after {@link #WAIT}, are told to retry (429).
 */
final class BodyBudget {
  /** A backup of 500 versions of 25 KB values, base64url, fits; anything larger is refused. */
  static final long MAX_BODY = 20L * 1024 * 1024;

  private static final long SMALL_ROUTE_LIMIT = 1024 * 1024;
  private static final long UNCOUNTED = 64 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String HELD = "coffer.body-budget";
  private static final int UNIT = 1024;

  private final Semaphore kibibytes;

  BodyBudget(long maxHeapBytes) {
    this.kibibytes = new Semaphore((int) (Math.max(MAX_BODY, maxHeapBytes / 10) / UNIT), true);
  }

  /** Before the body is read: refuse it by its length, or wait for room to read it. */
  void reserve(Context ctx) throws InterruptedException {
    long declared = declaredLength(ctx);
    long limit = ctx.path().endsWith("/secrets/restore") ? MAX_BODY : SMALL_ROUTE_LIMIT;
    if (declared > limit) {
      throw new ContentTooLargeResponse();
    }
    if (declared >= 0 && declared <= UNCOUNTED) {
      return;
    }
    // A body of unknown length may grow to the server-wide limit before it is cut off.
    int permits = (int) ((declared < 0 ? MAX_BODY : declared) / UNIT) + 1;
    if (!kibibytes.tryAcquire(permits, WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new CofferException.Throttled(
          "Too many large request bodies are being received; retry later.", Duration.ofSeconds(5));
    }
    ctx.attribute(HELD, permits);
  }

  /** After the answer: give the room back. */
  void release(Context ctx) {
    Integer permits = ctx.attribute(HELD);
    if (permits != null) {
      ctx.attribute(HELD, null);
      kibibytes.release(permits);
    }
  }

  private static long declaredLength(Context ctx) {
    String length = ctx.header("Content-Length");
    if (length == null) {
      String encoding = ctx.header("Transfer-Encoding");
      return encoding == null ? 0 : -1;
    }
    try {
      return Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
