package io.coffer.server.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The GET read ({@link #activeVersion}) served from memory when this process is the only writer of
 * its database (SQLite). Entries are sealed rows, ciphertext and wrapped key as stored, never
 * plaintext, bounded by their bytes. Every write drops the entries of each secret it touched once
 * it committed; a read that raced a write is not kept (see {@link #activeVersion}), so a GET never
 * answers older data than the last acknowledged write.
 */
final class CachedSecretStore extends ForwardedReads implements SecretStore {
  private static final int ENTRY_OVERHEAD = 256;
  private static final String CACHE_NAME = "secret-reads";

  /** A secret, by vault and lower-cased name. */
  private record Key(String vaultId, String nameKey) {
    static Key of(String vaultId, String name) {
      return new Key(vaultId, SqlSecretStore.key(name));
    }
  }

  /** The versions of one secret read so far, by requested version ("" for the newest). */
  private record Versions(Map<String, VersionRecord> byVersion) {
    Versions plus(Versions other) {
      Map<String, VersionRecord> all = new HashMap<>(byVersion);
      all.putAll(other.byVersion);
      return new Versions(Map.copyOf(all));
    }

    int weight() {
      int bytes = 0;
      for (VersionRecord v : byVersion.values()) {
        bytes += ENTRY_OVERHEAD + v.ciphertext().length + v.wrappedKey().length;
      }
      return bytes;
    }
  }

  private final SecretStore store;
  private final Cache<Key, Versions> active;

  /** Counts committed writes; a read that saw it move may hold what a write just replaced. */
  private final AtomicLong writes = new AtomicLong();

  /**
   * @param maxBytes 64 MiB hold about 150k small secrets; a 25 KB value weighs its size
   * @param metrics where hits, misses, evictions and size are counted ({@code
   *     cache_*{cache="secret-reads"}})
   */
  CachedSecretStore(SecretStore store, long maxBytes, Optional<MeterRegistry> metrics) {
    super(store);
    this.store = store;
    Caffeine<Key, Versions> builder =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .<Key, Versions>weigher((key, versions) -> versions.weight());
    if (metrics.isPresent()) {
      builder.recordStats();
    }
    this.active = builder.build();
    metrics.ifPresent(m -> CaffeineCacheMetrics.monitor(m, active, CACHE_NAME));
  }

  /**
   * Cached, or read and cached. The entry is put first and checked after: a write that committed
   * meanwhile either dropped it already or moved the counter, and then the entry is dropped here.
   */
  @Override
  public Optional<VersionRecord> activeVersion(String vaultId, String name, String version) {
    Key key = Key.of(vaultId, name);
    Versions cached = active.getIfPresent(key);
    if (cached != null && cached.byVersion().containsKey(version)) {
      return Optional.of(cached.byVersion().get(version));
    }
    long before = writes.get();
    Optional<VersionRecord> read = store.activeVersion(vaultId, name, version);
    read.ifPresent(record -> {
      active.asMap().merge(key, new Versions(Map.of(version, record)), Versions::plus);
      if (writes.get() != before) {
        active.invalidate(key);
      }
    });
    return read;
  }

  @Override
  public <T> T write(Function<SecretWrites, T> work) {
    Set<Key> touched = ConcurrentHashMap.newKeySet();
    try {
      return store.write(tx -> work.apply(new Touching(tx, touched)));
    } finally {
      writes.incrementAndGet();
      active.invalidateAll(touched);
    }
  }

  @Override
  public boolean replaceWrappedKey(WrappedKeyRecord old, byte[] wrappedKey, String masterKeyId) {
    try {
      return store.replaceWrappedKey(old, wrappedKey, masterKeyId);
    } finally {
      writes.incrementAndGet();
      active.invalidate(new Key(old.vaultId(), old.nameKey()));
    }
  }

  /** A transaction that notes every secret it changes. */
  private static final class Touching extends ForwardedReads implements SecretWrites {
    private final SecretWrites tx;
    private final Set<Key> touched;

    Touching(SecretWrites tx, Set<Key> touched) {
      super(tx);
      this.tx = tx;
      this.touched = touched;
    }

    @Override
    public void createHead(String vaultId, String name) {
      touched.add(Key.of(vaultId, name));
      tx.createHead(vaultId, name);
    }

    @Override
    public void insertVersion(VersionRecord version) {
      touched.add(Key.of(version.vaultId(), version.name()));
      tx.insertVersion(version);
    }

    @Override
    public void updateVersion(VersionRecord version) {
      touched.add(Key.of(version.vaultId(), version.name()));
      tx.updateVersion(version);
    }

    @Override
    public void markDeleted(String vaultId, String name, long deleted, long purgeAfter) {
      touched.add(Key.of(vaultId, name));
      tx.markDeleted(vaultId, name, deleted, purgeAfter);
    }

    @Override
    public void markRecovered(String vaultId, String name) {
      touched.add(Key.of(vaultId, name));
      tx.markRecovered(vaultId, name);
    }

    @Override
    public void purge(String vaultId, String name) {
      touched.add(Key.of(vaultId, name));
      tx.purge(vaultId, name);
    }

    @Override
    public long nextSeq(String vaultId, String name) {
      return tx.nextSeq(vaultId, name);
    }

    @Override
    public void logChange(
        String vaultId,
        String name,
        String version,
        ChangeKind kind,
        OptionalLong nbf,
        OptionalLong exp) {
      tx.logChange(vaultId, name, version, kind, nbf, exp);
    }
  }

  @Override
  public List<SecretHead> purgeDue(long now, int limit) {
    return store.purgeDue(now, limit);
  }

  @Override
  public List<WrappedKeyRecord> wrappedNotBy(String masterKeyId, int limit) {
    return store.wrappedNotBy(masterKeyId, limit);
  }

  @Override
  public long countWrappedNotBy(String masterKeyId) {
    return store.countWrappedNotBy(masterKeyId);
  }

  @Override
  public SecretCounts count(String vaultId) {
    return store.count(vaultId);
  }
}
