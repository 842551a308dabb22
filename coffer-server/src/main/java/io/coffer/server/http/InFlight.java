package io.coffer.server.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests being served, counted so a stop can let them finish: once stopping, a new request is
 * refused (503) and every answer closes its connection. Counted without a lock, since every request
 * passes here from every event loop; only a stop waits, polling.
 */
final class InFlight {
  private static final long POLL_MILLIS = 10;

  private final AtomicInteger serving = new AtomicInteger();
  private volatile boolean stopping;

  boolean stopping() {
    return stopping;
  }

  void begin() {
    serving.incrementAndGet();
  }

  void end() {
    serving.decrementAndGet();
  }

  /**
   * Refuses new requests from now on and waits for those being served.
   *
   * @return whether they all finished in time
   */
  boolean stop(long timeoutMillis) {
    stopping = true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (serving.get() > 0) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
