package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs work in one committed transaction; the SQLite and PostgreSQL stores share their SQL. */
interface Transactions {
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} and commits; may run it again after a serialisation failure. */
  <T> T transaction(Work<T> work);

  /** One statement in its own transaction; returns how many rows it changed. */
  default int change(String sql, Object... args) {
    return transaction(connection -> Jdbc.update(connection, sql, args));
  }
}
