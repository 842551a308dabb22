package io.coffer.server.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The directory reads every request makes (its principal, its vault, the principal's role
 * assignments or access policies) answered from memory on shared storage. Each read first waits for
 * the {@link ReadBarrier}, which forgets everything here when the directory's generation moved; an
 * entry counts only if it was loaded in the current epoch, so a load that raced a forgetting is
 * never served, whenever it lands. Without shared storage or with the read cache off every read
 * goes to the database (a single node caches above storage instead).
 */
final class DirectoryCache {
  private static final int ENTRIES = 50_000;
  private static final String CACHE_NAME = "directory-reads";

  /** One cached read: which statement and its argument. */
  private record Key(String read, String argument) {}

  private record Stamped(long epoch, Object value) {}

  private final Runnable catchUp;
  private final Cache<Key, Stamped> entries;
  private final AtomicLong epoch = new AtomicLong();

  private DirectoryCache(Runnable catchUp, Cache<Key, Stamped> entries) {
    this.catchUp = catchUp;
    this.entries = entries;
  }

  /** Every read goes to the database. */
  static DirectoryCache off() {
    return new DirectoryCache(() -> {}, null);
  }

  /** Reads wait for {@code catchUp} (the read barrier's await), then answer from memory. */
  static DirectoryCache on(Runnable catchUp, Optional<MeterRegistry> metrics) {
    Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(ENTRIES);
    if (metrics.isPresent()) {
      builder.recordStats();
    }
    Cache<Key, Stamped> entries = builder.build();
    metrics.ifPresent(m -> CaffeineCacheMetrics.monitor(m, entries, CACHE_NAME));
    return new DirectoryCache(catchUp, entries);
  }

  /**
   * The value {@code load} reads for {@code read} of {@code argument}, from memory when it was
   * loaded since the directory last changed; values must be immutable.
   */
  @SuppressWarnings("unchecked")
  <V> V read(String read, String argument, Supplier<V> load) {
    if (entries == null) {
      return load.get();
    }
    catchUp.run();
    Key key = new Key(read, argument);
    long current = epoch.get();
    Stamped cached = entries.getIfPresent(key);
    if (cached != null && cached.epoch() == current) {
      return (V) cached.value();
    }
    V value = load.get();
    entries.put(key, new Stamped(current, value));
    return value;
  }

  /** The directory changed somewhere: nothing loaded before now may be served. */
  void forgetAll() {
    if (entries != null) {
      epoch.incrementAndGet();
      entries.invalidateAll();
    }
  }
}
