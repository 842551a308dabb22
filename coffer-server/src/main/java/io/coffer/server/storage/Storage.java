package io.coffer.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import io.coffer.server.CofferException;
import io.coffer.server.config.ConfigException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Where Coffer keeps its state: embedded SQLite (one node) or a shared PostgreSQL (many stateless
 * nodes). Both hold ciphertext only; encryption happens above this package.
 *
 * <p>SQLite runs in WAL mode with {@code synchronous=FULL}, so a commit is on disk when it returns;
 * one connection writes (serialised by {@link Writer}) and a small pool reads. PostgreSQL runs
 * every transaction at read committed on a small pool, locking the rows a write depends on (see
 * {@link SqlSecretStore}); a commit returns once PostgreSQL made it durable.
 */
public final class Storage implements AutoCloseable {
  private static final int READERS = 4;

  /** Advisory-lock namespace of Coffer's background jobs ("Cof"). */
  private static final int JOB_LOCKS = 0x436f66;

  private final Dialect dialect;
  private final HikariDataSource pool;
  private final Writer writer;
  private final SecretStore secrets;
  private final DirectoryStore directory;
  private final VaultStore vaults;
  private final OneTimeStore oneTime;
  private final SigningKeyStore signingKeys;
  private final ClusterRecords cluster;
  private final SqlChangeLog changes;
  private final SqlEventStore events;
  private final SqlRotationStore rotations;
  private final ReadBarrier barrier;
  private final ReadLease lease;

  private Storage(
      Dialect dialect,
      HikariDataSource pool,
      Writer writer,
      long readCacheBytes,
      Optional<MeterRegistry> metrics) {
    this.dialect = dialect;
    this.pool = pool;
    this.writer = writer;
    Transactions transactions = writer != null ? writer : new PooledTransactions(this::connection);
    Jdbc jdbc = new Jdbc(this::connection);
    // On shared storage with caches this node holds a read lease; every writer on shared storage
    // waits after its commit for the nodes holding one.
    ReadLease lease =
        isShared() && readCacheBytes != 0 ? new ReadLease(() -> listening(pool), jdbc) : null;
    ReadLease.Holders holders =
        lease != null
            ? lease::awaitApplied
            : isShared() ? (p, g) -> ReadLease.awaitHolders(jdbc, p, g) : (p, g) -> {};
    this.changes = new SqlChangeLog(jdbc, transactions, isShared(), holders);
    SecretStore sql = new SqlSecretStore(transactions, this::connection, dialect, changes);
    DirectoryCache directoryCache;
    ReadBarrier barrier = null;
    if (readCacheBytes == 0) {
      this.secrets = sql;
      directoryCache = DirectoryCache.off();
    } else if (!isShared()) {
      // This process alone writes the database: its own writes keep the cache current, and the
      // directory is cached above storage.
      this.secrets = new CachedSecretStore(sql, readCacheBytes, metrics);
      directoryCache = DirectoryCache.off();
    } else {
      // Other nodes write too: every cached read waits for the barrier, which tells both caches
      // what changed anywhere, unless this node holds its read lease.
      SharedCaches caches = new SharedCaches();
      barrier = new ReadBarrier(this::connection, caches, lease);
      CachedSecretStore cached =
          new CachedSecretStore(sql, readCacheBytes, metrics, barrier::await);
      directoryCache = DirectoryCache.on(barrier::await, metrics);
      caches.secrets = cached;
      caches.directory = directoryCache;
      this.secrets = cached;
      lease.start(barrier::caughtUp);
      metrics.ifPresent(m ->
          Gauge.builder("coffer.storage.read.lease", lease, l -> l.held() ? 1 : 0)
              .description("1 while this node holds its read lease (reads need no round trip)")
              .register(m));
    }
    // Every node's directory writes move the generation, cached or not: other nodes cache.
    Transactions directoryTransactions =
        isShared() ? new DirectoryGeneration(transactions, holders) : transactions;
    this.lease = lease;
    this.barrier = barrier;
    this.directory = new SqlDirectoryStore(directoryTransactions, jdbc, directoryCache);
    this.vaults = new SqlVaultStore(directoryTransactions, jdbc, dialect, directoryCache);
    this.oneTime = new SqlOneTimeStore(transactions, jdbc, dialect);
    this.signingKeys = new SqlSigningKeyStore(transactions, jdbc);
    this.cluster = new ClusterRecords(transactions, jdbc);
    this.events = new SqlEventStore(jdbc, transactions);
    this.rotations = new SqlRotationStore(jdbc, transactions);
  }

  /** Where the read barrier's findings go; set once, before the first read. */
  private static final class SharedCaches implements ReadBarrier.Caches {
    private CachedSecretStore secrets;
    private DirectoryCache directory;

    @Override
    public void secretsChanged(List<ReadBarrier.Written> written) {
      secrets.forget(written);
    }

    @Override
    public void everySecretChanged() {
      secrets.forgetAll();
    }

    @Override
    public void directoryChanged() {
      directory.forgetAll();
    }
  }

  /** Opens (creating and migrating if needed) the database file, for tools: no read cache. */
  public static Storage openSqlite(Path file) {
    return openSqlite(file, 0);
  }

  /**
   * Opens the database file for a server, which alone writes it: GETs are answered from up to
   * {@code readCacheBytes} of sealed rows in memory.
   */
  public static Storage openSqlite(Path file, long readCacheBytes) {
    return openSqlite(file, readCacheBytes, Optional.empty());
  }

  /**
   * As {@link #openSqlite(Path, long)}, with the reader pool's and the read cache's meters in
   * {@code metrics} ({@code hikaricp_*{pool="coffer-readers"}}, {@code
   * cache_*{cache="secret-reads"}}).
   */
  public static Storage openSqlite(Path file, long readCacheBytes, MeterRegistry metrics) {
    return openSqlite(file, readCacheBytes, Optional.of(metrics));
  }

  private static Storage openSqlite(
      Path file, long readCacheBytes, Optional<MeterRegistry> metrics) {
    try {
      SQLiteConfig writeConfig = config();
      writeConfig.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      SQLiteDataSource writeSource = new SQLiteDataSource(writeConfig);
      writeSource.setUrl("jdbc:sqlite:" + file);
      Connection writeConnection = writeSource.getConnection();
      Migrations.apply(writeConnection, Dialect.SQLITE);

      // Readers only ever run SELECTs; every write goes through the one Writer connection.
      SQLiteDataSource readSource = new SQLiteDataSource(config());
      readSource.setUrl("jdbc:sqlite:" + file);
      HikariConfig pool = new HikariConfig();
      pool.setDataSource(readSource);
      pool.setPoolName("coffer-readers");
      pool.setMaximumPoolSize(READERS);
      pool.setMinimumIdle(1);
      pool.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
      metrics.ifPresent(m -> pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(m)));
      return new Storage(
          Dialect.SQLITE,
          new HikariDataSource(pool),
          new Writer(writeConnection),
          readCacheBytes,
          metrics);
    } catch (SQLException e) {
      throw new StorageException("cannot open the database " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Connects to a shared PostgreSQL and migrates its schema (nodes starting together take turns),
   * for tools: no read cache.
   *
   * @throws ConfigException when PostgreSQL cannot be reached or refuses the credentials
   */
  public static Storage openPostgresql(PostgresOptions options) {
    return openPostgresql(options, 0, Optional.empty());
  }

  /**
   * As {@link #openPostgresql(PostgresOptions)}, for a server: GETs and the directory reads of
   * every request are answered from up to {@code readCacheBytes} of sealed rows in memory, never
   * older than a write any node acknowledged before the read began (see {@link ReadBarrier}); with
   * the pool's and the caches' meters in {@code metrics} ({@code
   * hikaricp_*{pool="coffer-postgresql"}}, {@code cache_*{cache="secret-reads"}}, {@code
   * cache_*{cache="directory-reads"}}).
   */
  public static Storage openPostgresql(
      PostgresOptions options, long readCacheBytes, MeterRegistry metrics) {
    return openPostgresql(options, readCacheBytes, Optional.of(metrics));
  }

  private static Storage openPostgresql(
      PostgresOptions options, long readCacheBytes, Optional<MeterRegistry> metrics) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("coffer-postgresql");
    config.setJdbcUrl(options.jdbcUrl());
    config.setUsername(options.user());
    config.setPassword(options.password());
    config.setMaximumPoolSize(options.poolSize());
    config.setMinimumIdle(Math.min(2, options.poolSize()));
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    // A request waits at most this long for a connection before it is answered 503.
    config.setConnectionTimeout(Duration.ofSeconds(3).toMillis());
    config.setValidationTimeout(Duration.ofSeconds(2).toMillis());
    config.setKeepaliveTime(Duration.ofSeconds(30).toMillis());
    config.addDataSourceProperty("connectTimeout", "3");
    config.addDataSourceProperty("socketTimeout", "30");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "coffer");
    metrics.ifPresent(m -> config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(m)));
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      throw new ConfigException(
          "jdbc-url",
          "cannot connect to "
              + options.jdbcUrl()
              + " as "
              + options.user()
              + " ("
              + cause(e)
              + ")",
          "start PostgreSQL, or check --jdbc-url, --db-user and the password");
    }
    try (Connection connection = pool.getConnection()) {
      Migrations.apply(connection, Dialect.POSTGRESQL);
    } catch (SQLException e) {
      pool.close();
      throw new StorageException("cannot migrate " + options.jdbcUrl() + ": " + e.getMessage(), e);
    }
    return new Storage(Dialect.POSTGRESQL, pool, null, readCacheBytes, metrics);
  }

  public SecretStore secrets() {
    return secrets;
  }

  public DirectoryStore directory() {
    return directory;
  }

  public VaultStore vaults() {
    return vaults;
  }

  public OneTimeStore oneTime() {
    return oneTime;
  }

  public SigningKeyStore signingKeys() {
    return signingKeys;
  }

  /** What the nodes of this database must agree on: the master key's id, the TLS CA's digest. */
  public ClusterRecords cluster() {
    return cluster;
  }

  /** Every committed secret write, in commit order. */
  public ChangeLog changes() {
    return changes;
  }

  public EventStore events() {
    return events;
  }

  public RotationStore rotations() {
    return rotations;
  }

  /**
   * Whether other Coffer nodes may write to this database too; then nothing may be cached above
   * storage that another node's write could make stale (storage's own caches wait for the {@link
   * ReadBarrier}).
   */
  public boolean isShared() {
    return dialect == Dialect.POSTGRESQL;
  }

  /**
   * Where a request that reads through the caches (a secret read) runs, given the executor of
   * requests that may block: on this process's own storage, right where it came in, since what it
   * may wait for is a local file; on shared storage, right there too while this node holds its read
   * lease ({@link ReadLease}), else on {@code requests} once the read barrier has passed for it
   * ({@link ReadBarrier#gate}); without caches, on {@code requests}.
   */
  public Executor reads(Executor requests) {
    if (!isShared()) {
      return Runnable::run;
    }
    return barrier == null ? requests : barrier.gate(requests);
  }

  /** Whether the database answers a trivial query. */
  public boolean isReachable() {
    try (Connection c = connection();
        var statement = c.createStatement()) {
      return statement.execute("SELECT 1");
    } catch (SQLException | CofferException e) {
      return false;
    }
  }

  /**
   * Runs background {@code work} unless another node is running the same job: on PostgreSQL under a
   * session advisory lock, which PostgreSQL releases if this node dies, so the next sweep of a
   * surviving node takes over.
   *
   * @return whether this node ran the work
   */
  public boolean exclusively(String job, Runnable work) {
    if (!isShared()) {
      work.run();
      return true;
    }
    try (Connection c = connection();
        Statement statement = c.createStatement()) {
      int key = job.hashCode();
      if (!lock(statement, "SELECT pg_try_advisory_lock(" + JOB_LOCKS + ", " + key + ")")) {
        return false;
      }
      try {
        work.run();
        return true;
      } finally {
        lock(statement, "SELECT pg_advisory_unlock(" + JOB_LOCKS + ", " + key + ")");
      }
    } catch (SQLException e) {
      throw Jdbc.failure(e);
    }
  }

  /**
   * Copies everything this store holds into {@code target}, which must be empty, and verifies the
   * copy (row counts per table, a checksum per secret version) before committing it.
   *
   * @return the rows now in each table of the target
   */
  public Map<String, Long> copyTo(Storage target) {
    try (Connection from = connection();
        Connection to = target.connection()) {
      return StorageCopy.copy(from, to);
    } catch (SQLException e) {
      throw new StorageException("the copy failed and was rolled back: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
    pool.close();
    if (writer != null) {
      writer.close();
    }
  }

  private static boolean lock(Statement statement, String sql) throws SQLException {
    try (ResultSet row = statement.executeQuery(sql)) {
      return row.next() && row.getBoolean(1);
    }
  }

  /** A connection of its own, outside the pool, for the read lease to listen on. */
  private static Connection listening(HikariDataSource pool) {
    Properties properties = new Properties();
    properties.putAll(pool.getDataSourceProperties());
    properties.setProperty("user", pool.getUsername());
    properties.setProperty("password", pool.getPassword());
    properties.setProperty("ApplicationName", "coffer-read-lease");
    try {
      return DriverManager.getConnection(pool.getJdbcUrl(), properties);
    } catch (SQLException e) {
      throw Jdbc.failure(e); // says why, for the lease thread's warning
    }
  }

  private Connection connection() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw new CofferException.Unavailable("storage is unavailable", Duration.ofSeconds(1));
    }
  }

  private static String cause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  private static SQLiteConfig config() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    return config;
  }
}
