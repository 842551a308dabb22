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
  /** In order; append, never edit a released script. */
  static final List<String> SCRIPTS =
      List.of("V1__initial.sql", "V2__identity_and_access.sql", "V3__rewrap_index.sql");

  private Migrations() {}

  static void apply(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS schema_version ("
              + "version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied INTEGER NOT NULL)");
    }
    int current = currentVersion(connection);
    if (current > SCRIPTS.size()) {
      throw new SQLException(
          "the database has schema version "
              + current
              + " but this Coffer knows only "
              + SCRIPTS.size()
              + "; run a newer Coffer");
    }
    for (int version = current + 1; version <= SCRIPTS.size(); version++) {
      run(connection, version, SCRIPTS.get(version - 1));
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
