package io.coffer.server.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.coffer.server.CofferException;
import io.coffer.server.config.Rate;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Token buckets by key: a burst of a whole budget is allowed, then requests flow at the budget's
 * rate. The least recently used keys are forgotten first, so a flood of new keys costs memory only
 * up to a bound.
 */
final class Budgets {
  private final LongSupplier nanos;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  Budgets(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /**
   * Spends one request from a key's budget.
   *
   * @throws CofferException.Throttled when it is spent, with the wait until the next request
   */
  void spend(String key, Rate rate, String what) {
    Bucket bucket = buckets.get(key, k -> new Bucket(rate.requests(), nanos.getAsLong()));
    long waitNanos = bucket.take(rate, nanos.getAsLong());
    if (waitNanos > 0) {
      long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
      throw new CofferException.Throttled(
          "Request was not allowed because of throttling: the "
              + what
              + " budget of "
              + rate.requests()
              + " requests per "
              + rate.window().toMillis()
              + " ms is spent. Please try again after "
              + seconds
              + " seconds.",
          Duration.ofSeconds(seconds));
    }
  }

  /** Tokens refill continuously at requests/window, up to one window's worth. */
  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    /** Takes a token, or returns how long until one is available. */
    synchronized long take(Rate rate, long now) {
      double perNano = rate.requests() / (double) rate.window().toNanos();
      tokens = Math.min(rate.requests(), tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / perNano);
    }
  }
}
