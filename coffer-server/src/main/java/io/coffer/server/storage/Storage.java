package io.coffer.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.coffer.server.CofferException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: SQLite in WAL mode with {@code synchronous=FULL}, so a commit is on disk when
 * it returns. One connection writes (serialised by {@link Writer}); a small pool reads
 * concurrently.
 */
public final class Storage implements AutoCloseable {
  private static final int READERS = 4;

  private final Writer writer;
  private final HikariDataSource readers;
  private final SqliteSecretStore secrets;
  private final SqliteDirectoryStore directory;

  private Storage(Writer writer, HikariDataSource readers) {
    this.writer = writer;
    this.readers = readers;
    this.secrets = new SqliteSecretStore(writer, this::reader);
    this.directory = new SqliteDirectoryStore(writer, this::reader);
  }

  /** Opens (creating and migrating if needed) the database file. */
  public static Storage openSqlite(Path file) {
    try {
      SQLiteConfig writeConfig = config();
      writeConfig.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      SQLiteDataSource writeSource = new SQLiteDataSource(writeConfig);
      writeSource.setUrl("jdbc:sqlite:" + file);
      Connection writeConnection = writeSource.getConnection();
      Migrations.apply(writeConnection);

      // Readers only ever run SELECTs; every write goes through the one Writer connection.
      SQLiteDataSource readSource = new SQLiteDataSource(config());
      readSource.setUrl("jdbc:sqlite:" + file);
      HikariConfig pool = new HikariConfig();
      pool.setDataSource(readSource);
      pool.setPoolName("coffer-readers");
      pool.setMaximumPoolSize(READERS);
      pool.setMinimumIdle(1);
      pool.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
      return new Storage(new Writer(writeConnection), new HikariDataSource(pool));
    } catch (SQLException e) {
      throw new StorageException("cannot open the database " + file + ": " + e.getMessage(), e);
    }
  }

  public SecretStore secrets() {
    return secrets;
  }

  public DirectoryStore directory() {
    return directory;
  }

  /** Whether the database answers a trivial query. */
  public boolean isReachable() {
    try (Connection c = reader();
        var statement = c.createStatement()) {
      return statement.execute("SELECT 1");
    } catch (SQLException | CofferException e) {
      return false;
    }
  }

  @Override
  public void close() {
    readers.close();
    writer.close();
  }

  private Connection reader() {
    try {
      return readers.getConnection();
    } catch (SQLException e) {
      throw new CofferException.Unavailable("storage is unavailable", Duration.ofSeconds(1));
    }
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
