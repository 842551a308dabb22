package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** How a read turns its SQL into a statement on a pooled connection. */
interface ReadStatements {

  <T> List<T> query(Connection connection, String sql, Jdbc.RowMapper<T> mapper, Object... args)
      throws SQLException;

  /** Compiles the SQL for each read: PostgreSQL's driver keeps server-side statements itself. */
  ReadStatements COMPILED_EACH_TIME = Jdbc::query;
}
