package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sqlite.SQLiteConnection;

/**
 * SQLite statements kept compiled per connection, for the readers and the one writer alike:
 * compiling a secret's query costs about three times running it (some 23 µs against 7), a SET runs
 * seven statements inside the writer's lock, and the code only ever runs the same few dozen.
 * PostgreSQL's driver keeps server-side statements itself, so its connections are not kept here.
 *
 * <p>Statements belong to the physical connection under the pool's proxy, which one thread at a
 * time borrows (the writer's, one lock holder at a time), so each connection's map needs no lock;
 * the hand-over orders the accesses. A connection that has been closed is forgotten when the next
 * new one is first seen.
 */
final class KeptStatements {
  /** More distinct statements than the code has means SQL is being built per call: start over. */
  private static final int LIMIT = 256;

  private static final Map<SQLiteConnection, Map<String, PreparedStatement>> BY_CONNECTION =
      new ConcurrentHashMap<>();

  private KeptStatements() {}

  /**
   * The connection's kept statement for {@code sql}, parameters cleared, or null when the
   * connection is not SQLite's. The caller must not close it, and must finish with it (read every
   * row, or run the update) before the connection is handed on.
   */
  static PreparedStatement kept(Connection connection, String sql) throws SQLException {
    if (!connection.isWrapperFor(SQLiteConnection.class)) {
      return null;
    }
    SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
    Map<String, PreparedStatement> kept = BY_CONNECTION.get(sqlite);
    if (kept == null) {
      BY_CONNECTION.keySet().removeIf(KeptStatements::retired);
      kept = new HashMap<>();
      BY_CONNECTION.put(sqlite, kept);
    }
    PreparedStatement statement = kept.get(sql);
    if (statement == null || statement.isClosed()) {
      if (kept.size() >= LIMIT) {
        closeAll(kept);
      }
      statement = sqlite.prepareStatement(sql);
      kept.put(sql, statement);
    } else {
      statement.clearParameters();
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
