package io.coffer.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * Versioned schema migrations: each script runs once, in order, in its own transaction, and is
 * recorded in {@code schema_version}. A database newer than this build is refused rather than
 * misread.
 */
final class Migrations {
  /** Nodes starting together on one PostgreSQL migrate one after the other under this lock. */
  private static final long MIGRATION_LOCK = 0x436f666665720001L;

  private Migrations() {}

  static void apply(Connection connection) throws SQLException {
    apply(connection, Dialect.SQLITE);
  }

  static void apply(Connection connection, Dialect dialect) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      advisoryLock(connection, "pg_advisory_lock");
    }
    try {
      migrate(connection, dialect);
    } finally {
      if (dialect == Dialect.POSTGRESQL) {
        advisoryLock(connection, "pg_advisory_unlock");
      }
    }
  }

  private static void migrate(Connection connection, Dialect dialect) throws SQLException {
    List<String> scripts = dialect.scripts;
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS schema_version ("
              + "version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied BIGINT NOT NULL)");
    }
    int current = currentVersion(connection);
    if (current > scripts.size()) {
      throw new SQLException(
          "the database has schema version "
              + current
              + " but this Coffer knows only "
              + scripts.size()
              + "; run a newer Coffer");
    }
    for (int version = current + 1; version <= scripts.size(); version++) {
      run(connection, version, dialect.scriptFolder + scripts.get(version - 1));
    }
  }

  private static void advisoryLock(Connection connection, String function) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT " + function + "(" + MIGRATION_LOCK + ")");
    }
  }

  private static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      return rows.next() ? rows.getInt(1) : 0;
    }
  }

  private static void run(Connection connection, int version, String script) throws SQLException {
    String sql = read(script);
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (String part : sql.split(";\\s*(\\r?\\n|$)")) {
        String trimmed = stripComments(part).trim();
        if (!trimmed.isEmpty()) {
          statement.execute(trimmed);
        }
      }
      try (var insert =
          connection.prepareStatement(
              "INSERT INTO schema_version(version, script, applied) VALUES (?, ?, ?)")) {
        insert.setInt(1, version);
        insert.setString(2, script);
        insert.setLong(3, Instant.now().getEpochSecond());
        insert.executeUpdate();
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw new SQLException("migration " + script + " failed: " + e.getMessage(), e);
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static String stripComments(String part) {
    StringBuilder kept = new StringBuilder();
    for (String line : part.split("\n")) {
      if (!line.stripLeading().startsWith("--")) {
        kept.append(line).append('\n');
      }
    }
    return kept.toString();
  }

  private static String read(String script) {
    try (InputStream in = Migrations.class.getResourceAsStream(script)) {
      if (in == null) {
        throw new IllegalStateException("migration " + script + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + script, e);
    }
  }
}
