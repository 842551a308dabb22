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
 * The GET read ({@link #activeVersion}) served from memory. Entries are sealed rows, ciphertext and
 * wrapped key as stored, never plaintext, bounded by their bytes. Every write of this process drops
 * the entries of each secret it touched once it committed; a read that raced a write is not kept
 * (see {@link #activeVersion}), so a GET never answers older data than the last acknowledged write.
 *
 * <p>On SQLite this process is the only writer, so that is all. On shared storage each read first
 * runs {@code catchUp}, the {@link ReadBarrier}, which drops the secrets other nodes wrote ({@link
 * #forget}) or everything ({@link #forgetAll}) before the read may use the cache.
 *
 * <p>A master-key rotation's re-wrap ({@link #replaceWrappedKey}) is not in the change log, so
 * another node may keep serving a row with the data key wrapped by the previous master key: the
 * same value, which that node still opens, since its keyring is the one it started with; a node
 * started without the old key starts with an empty cache.
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

  /** Sealed rows read in one epoch of {@link #writes}, the oldest of the reads merged. */
  private record Stamped(long since, Versions versions) {}

  private final SecretStore store;
  private final Runnable catchUp;
  private final Cache<Key, Stamped> active;

  /**
   * Counts writes seen (this process's commits and other nodes' changes); a read that saw it move
   * may hold what a write just replaced.
   */
  private final AtomicLong writes = new AtomicLong();

  /** Entries loaded before this count of {@link #writes} are not served: all were forgotten. */
  private volatile long floor;

  /**
   * @param maxBytes 64 MiB hold about 150k small secrets; a 25 KB value weighs its size
   * @param metrics where hits, misses, evictions and size are counted ({@code
   *     cache_*{cache="secret-reads"}})
   */
  CachedSecretStore(SecretStore store, long maxBytes, Optional<MeterRegistry> metrics) {
    this(store, maxBytes, metrics, () -> {});
  }

  /**
   * @param catchUp run before every read, on shared storage the read barrier's await
   */
  CachedSecretStore(
      SecretStore store, long maxBytes, Optional<MeterRegistry> metrics, Runnable catchUp) {
    super(store);
    this.store = store;
    this.catchUp = catchUp;
    Caffeine<Key, Stamped> builder =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .<Key, Stamped>weigher((key, stamped) -> stamped.versions().weight());
    if (metrics.isPresent()) {
      builder.recordStats();
    }
    this.active = builder.build();
    metrics.ifPresent(m -> CaffeineCacheMetrics.monitor(m, active, CACHE_NAME));
  }

  /**
   * Cached, or read and cached. The entry is kept only if no write was seen since the read began,
   * checked under the entry's lock: a write seen later drops the entry after it was put (its count
   * moves first, then it drops what it touched, under the same lock).
   */
  @Override
  public Optional<VersionRecord> activeVersion(String vaultId, String name, String version) {
    catchUp.run();
    Key key = Key.of(vaultId, name);
    Stamped cached = active.getIfPresent(key);
    if (cached != null
        && cached.since() >= floor
        && cached.versions().byVersion().containsKey(version)) {
      return Optional.of(cached.versions().byVersion().get(version));
    }
    long before = writes.get();
    Optional<VersionRecord> read = store.activeVersion(vaultId, name, version);
    read.ifPresent(record -> {
      Stamped loaded = new Stamped(before, new Versions(Map.of(version, record)));
      active
          .asMap()
          .compute(
              key,
              (k, old) -> {
                if (writes.get() != before) {
                  return old;
                }
                return old == null || old.since() < floor
                    ? loaded
                    : new Stamped(old.since(), old.versions().plus(loaded.versions()));
              });
    });
    return read;
  }

  /** Other nodes wrote these secrets. */
  void forget(List<ReadBarrier.Written> written) {
    writes.incrementAndGet();
    for (ReadBarrier.Written w : written) {
      active.invalidate(Key.of(w.vaultId(), w.name()));
    }
  }

  /** Changes were missed: nothing read before now may be served. */
  void forgetAll() {
    floor = writes.incrementAndGet();
    active.invalidateAll();
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
