package io.coffer.client;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Secret values in memory for a bounded time, so a connection pool or a connector does not ask the
 * vault on every use, yet a rotated secret is picked up within the TTL without a restart.
 *
 * <ul>
 *   <li>A value is served for at most {@code ttl} after it was fetched; from {@code refreshAt} (80%
 *       of the TTL) a read triggers a refresh in the background and still answers at once.
 *   <li>One vault call per secret at a time, however many threads ask (single flight).
 *   <li>When the vault fails, the last value is served for up to {@code staleFor} past its TTL,
 *       then the failure surfaces.
 *   <li>At most {@code maximumSize} secrets are held.
 * </ul>
 *
 * With {@link #followChanges} the cache also hears of changes from the vault (Coffer's change
 * channel) and refreshes a changed secret at once, so a rotation reaches it in about a second; the
 * TTL still bounds every value, so when the channel is down nothing is served longer than without
 * it.
 *
 * <p>Values live only in this process's memory; nothing is written anywhere.
 */
public final class SecretCache implements AutoCloseable {
  /** A fetched value and when it was fetched (ticker nanos). */
  private record Entry(String value, long fetchedAt) {
    @Override
    public String toString() {
      return "Entry[fetchedAt=" + fetchedAt + "]";
    }
  }

  private final Function<SecretReference, String> fetch;
  private final long ttl;
  private final long staleFor;
  private final Ticker ticker;
  private final LoadingCache<SecretReference, Entry> entries;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder refreshes = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private final LongAdder calls = new LongAdder();
  private final LongAdder heard = new LongAdder();
  private final Map<String, AutoCloseable> following = new ConcurrentHashMap<>();
  private volatile ChangeFeed feed;

  /**
   * @param fetch reads one secret (reference without JSON key) from its vault
   */
  public SecretCache(
      Function<SecretReference, String> fetch,
      Duration ttl,
      Duration staleFor,
      long maximumSize,
      Ticker ticker,
      Executor refresher) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the TTL must be positive");
    }
    this.fetch = fetch;
    this.ttl = ttl.toNanos();
    this.staleFor = staleFor.toNanos();
    this.ticker = ticker;
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .ticker(ticker)
            .expireAfterWrite(ttl.plus(staleFor))
            .refreshAfterWrite(Duration.ofNanos(Math.max(1, this.ttl * 4 / 5)))
            .executor(refresher)
            .build(
                new CacheLoader<>() {
                  @Override
                  public Entry load(SecretReference key) {
                    return fetchNow(key);
                  }

                  @Override
                  public Entry reload(SecretReference key, Entry old) {
                    refreshes.increment();
                    return fetchNow(key);
                  }
                });
  }

  /** A cache with the defaults: 5 minutes TTL, 1 hour stale-on-error, 10,000 secrets. */
  public static SecretCache withDefaults(Function<SecretReference, String> fetch) {
    return new SecretCache(
        fetch,
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        10_000,
        Ticker.systemTicker(),
        REFRESHER);
  }

  /**
   * Where refreshes run by default: a virtual thread each. A refresh is a blocking vault call; on
   * the common pool (a single thread on a two-core machine) it would wait behind, and hold up,
   * whatever else the application runs there, and a change heard would wait with it.
   */
  public static final Executor REFRESHER =
      task -> Thread.ofVirtual().name("coffer-cache-refresh").start(task);

  /**
   * The secret's value.
   *
   * @throws RuntimeException what the vault call threw, once no usable value is held
   */
  public String get(SecretReference reference) {
    SecretReference key = reference.secret();
    Entry present = entries.getIfPresent(key);
    if (present == null) {
      misses.increment();
      return unwrap(() -> entries.get(key)).value();
    }
    long age = ticker.read() - present.fetchedAt();
    if (withinTtl(present)) {
      hits.increment();
      return present.value();
    }
    // Past its TTL: fetch now (one call however many threads wait), or serve stale on failure.
    misses.increment();
    try {
      Entry fresh = unwrap(() -> entries.refresh(key).join());
      return Objects.requireNonNullElse(fresh, present).value();
    } catch (RuntimeException failure) {
      if (age <= ttl + staleFor) {
        stale.increment();
        return present.value();
      }
      throw failure;
    }
  }

  /**
   * The value when it is held and within its TTL (a hit); empty otherwise, without calling the
   * vault — for callers that fetch what is missing themselves.
   */
  public Optional<String> fresh(SecretReference reference) {
    Entry present = entries.getIfPresent(reference.secret());
    if (present == null || !withinTtl(present)) {
      return Optional.empty();
    }
    hits.increment();
    return Optional.of(present.value());
  }

  private boolean withinTtl(Entry entry) {
    return ticker.read() - entry.fetchedAt() <= ttl;
  }

  /** Forgets a secret, e.g. after a login failed with its value (a rotated password). */
  public void invalidate(SecretReference reference) {
    entries.invalidate(reference.secret());
  }

  public CacheMetrics metrics() {
    return new CacheMetrics(
        hits.sum(),
        misses.sum(),
        refreshes.sum(),
        errors.sum(),
        stale.sum(),
        calls.sum(),
        heard.sum());
  }

  /**
   * Follows the changes of every vault this cache reads from (each from its first read on) and
   * refreshes a changed secret at once.
   *
   * @return this cache
   */
  public SecretCache followChanges(ChangeFeed changes) {
    this.feed = changes;
    return this;
  }

  /** Stops following changes; the values stay until they expire. */
  @Override
  public void close() {
    feed = null;
    following.values().forEach(SecretCache::closeQuietly);
    following.clear();
  }

  private void follow(String vaultUri) {
    ChangeFeed changes = feed;
    if (changes != null && !following.containsKey(vaultUri)) {
      following.computeIfAbsent(vaultUri, uri -> changes.follow(uri, new Refresher(uri)));
    }
  }

  /** Refreshes what a followed vault says changed; the old value serves until the new arrives. */
  private final class Refresher implements ChangeFeed.ChangeListener {
    private final String vaultUri;

    Refresher(String vaultUri) {
      this.vaultUri = vaultUri;
    }

    @Override
    public void changed(String name) {
      heard.increment();
      for (SecretReference key : entries.asMap().keySet()) {
        if (key.vaultUri().equals(vaultUri) && key.name().equalsIgnoreCase(name)) {
          entries.refresh(key);
        }
      }
    }

    @Override
    public void missed() {
      for (SecretReference key : entries.asMap().keySet()) {
        if (key.vaultUri().equals(vaultUri)) {
          entries.refresh(key);
        }
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Stopping a follower cannot fail in a way that matters here.
    }
  }

  private Entry fetchNow(SecretReference key) {
    calls.increment();
    try {
      Entry fetched = new Entry(fetch.apply(key), ticker.read());
      follow(key.vaultUri());
      return fetched;
    } catch (RuntimeException e) {
      errors.increment();
      throw e;
    }
  }

  private static <T> T unwrap(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
