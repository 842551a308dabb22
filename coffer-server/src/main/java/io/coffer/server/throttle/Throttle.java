package io.coffer.server.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.coffer.server.CofferException;
import io.coffer.server.config.Rate;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Request budgets per principal and per vault, as token buckets: a burst of a whole budget is
 * allowed, then requests flow at the budget's rate. Over budget, the caller is told how long to
 * wait, which the SDKs' retry policies honour.
 */
public final class Throttle {
  private final Optional<Rate> perPrincipal;
  private final Optional<Rate> perVault;
  private final LongSupplier nanos;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  public Throttle(Optional<Rate> perPrincipal, Optional<Rate> perVault, LongSupplier nanos) {
    this.perPrincipal = perPrincipal;
    this.perVault = perVault;
    this.nanos = nanos;
  }

  /**
   * Spends one request from the principal's and the vault's budgets.
   *
   * @throws CofferException.Throttled when either is spent, with the wait until the next request
   */
  public void admit(String principalId, String vaultId) {
    if (perPrincipal.isPresent()) {
      spend("principal/" + principalId, perPrincipal.get(), "caller");
    }
    if (perVault.isPresent()) {
      spend("vault/" + vaultId, perVault.get(), "vault");
    }
  }

  private void spend(String key, Rate rate, String what) {
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
