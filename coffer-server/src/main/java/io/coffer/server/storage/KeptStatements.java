package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sqlite.SQLiteConnection;

/**
 * SQLite read statements kept compiled per connection: compiling a secret's query costs about three
 * times running it (some 23 µs against 7), and the reads are always the same few dozen statements.
 *
 * <p>Statements belong to the physical connection under the pool's proxy, which one thread at a
 * time borrows, so each connection's map needs no lock; the pool's hand-over orders the accesses. A
 * connection the pool has retired is forgotten when the next new one is first seen.
 */
final class KeptStatements implements ReadStatements {
  /** More distinct statements than the code has means SQL is being built per call: start over. */
  private static final int LIMIT = 256;

  private final Map<SQLiteConnection, Map<String, PreparedStatement>> byConnection =
      new ConcurrentHashMap<>();

  @Override
  public <T> List<T> query(
      Connection connection, String sql, Jdbc.RowMapper<T> mapper, Object... args)
      throws SQLException {
    PreparedStatement statement = statement(connection.unwrap(SQLiteConnection.class), sql);
    statement.clearParameters();
    return Jdbc.run(statement, mapper, args);
  }

  private PreparedStatement statement(SQLiteConnection connection, String sql) throws SQLException {
    Map<String, PreparedStatement> kept = byConnection.get(connection);
    if (kept == null) {
      byConnection.keySet().removeIf(KeptStatements::retired);
      kept = new HashMap<>();
      byConnection.put(connection, kept);
    }
    PreparedStatement statement = kept.get(sql);
    if (statement == null || statement.isClosed()) {
      if (kept.size() >= LIMIT) {
        closeAll(kept);
      }
      statement = connection.prepareStatement(sql);
      kept.put(sql, statement);
    }
    return statement;
  }

  private static boolean retired(SQLiteConnection connection) {
    try {
      return connection.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private static void closeAll(Map<String, PreparedStatement> kept) throws SQLException {
    for (PreparedStatement statement : kept.values()) {
      statement.close();
    }
    kept.clear();
  }
}
