package io.coffer.server.storage;

import io.coffer.server.CofferException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** Statement plumbing shared by the SQL stores: binding, mapping rows, nullable columns. */
final class Jdbc {
  interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  private final Supplier<Connection> readers;

  Jdbc(Supplier<Connection> readers) {
    this.readers = readers;
  }

  /** Runs a query on a pooled read connection. */
  <T> List<T> read(String sql, RowMapper<T> mapper, Object... parameters) {
    try (Connection connection = readers.get()) {
      return query(connection, sql, mapper, parameters);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  <T> Optional<T> readOne(String sql, RowMapper<T> mapper, Object... parameters) {
    return first(read(sql, mapper, parameters));
  }

  static <T> List<T> query(Connection connection, String sql, RowMapper<T> mapper, Object... args)
      throws SQLException {
    PreparedStatement kept = KeptStatements.kept(connection, sql);
    if (kept != null) {
      return run(kept, mapper, args);
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      return run(statement, mapper, args);
    }
  }

  /** Binds and runs a compiled query, reading every row (which also ends SQLite's read). */
  static <T> List<T> run(PreparedStatement statement, RowMapper<T> mapper, Object... args)
      throws SQLException {
    bind(statement, args);
    try (ResultSet rows = statement.executeQuery()) {
      List<T> result = new ArrayList<>();
      while (rows.next()) {
        result.add(mapper.map(rows));
      }
      return result;
    }
  }

  static int update(Connection connection, String sql, Object... args) throws SQLException {
    PreparedStatement kept = KeptStatements.kept(connection, sql);
    if (kept != null) {
      bind(kept, args);
      return kept.executeUpdate();
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, args);
      return statement.executeUpdate();
    }
  }

  /**
   * The query with a LIMIT of {@code rows} written into its text, for the reads a request makes.
   * SQLite lets a LIMIT's value steer its plan, so a statement whose LIMIT is a parameter compiles
   * afresh at every run (sqlite-jdbc binds every parameter again each time): for a page of the
   * listing's join that was 70 µs of about 200. A kept statement per page size compiles once.
   */
  static String limit(String sql, int rows) {
    return sql + " LIMIT " + rows;
  }

  static <T> Optional<T> first(List<T> rows) {
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  static RuntimeException failure(SQLException e) {
    String state = e.getMessage() == null ? "" : e.getMessage();
    if (state.contains("SQLITE_BUSY") || state.contains("database is locked")) {
      return new CofferException.Unavailable("storage is busy", Duration.ofSeconds(1));
    }
    if (unreachable(e)) {
      return new CofferException.Unavailable("storage is unavailable", Duration.ofSeconds(2));
    }
    if (contended(e)) {
      return new CofferException.Unavailable("storage is busy", Duration.ofSeconds(1));
    }
    if ("22021".equals(e.getSQLState())) {
      // PostgreSQL text cannot hold NUL, so nothing stored has one: the request brought it.
      return new CofferException.BadRequest(
          "The request contains a NUL character, which no name, id or value here may hold.");
    }
    return new StorageException("query failed: " + state, e);
  }

  /**
   * The database cannot be reached or is shutting down (SQLSTATE class 08, 57P01-57P03, 53300): the
   * request may succeed later, so it is a 503, never a 500.
   */
  static boolean unreachable(SQLException e) {
    if (e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03")
            || state.equals("53300"));
  }

  /** A serialisation failure or deadlock: running the transaction again may well succeed. */
  static boolean contended(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }

  static OptionalLong optionalLong(ResultSet row, String column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
  }

  static Object nullable(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : Null.LONG;
  }

  static Object nullable(Optional<String> value) {
    return value.isPresent() ? value.get() : Null.TEXT;
  }

  static String tagsJson(Map<String, String> tags) {
    return FlatJson.write(tags, false);
  }

  static Map<String, String> tags(String json) {
    if (json.equals("{}")) {
      return Map.of(); // most secrets have no tags: skip the parser on the read path
    }
    try {
      return FlatJson.read(json);
    } catch (IOException e) {
      throw new StorageException("stored tags are corrupt", e);
    }
  }

  /** Typed SQL NULLs for binding. */
  enum Null {
    LONG(Types.BIGINT),
    TEXT(Types.VARCHAR);

    final int type;

    Null(int type) {
      this.type = type;
    }
  }

  private static void bind(PreparedStatement statement, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object arg = args[i];
      switch (arg) {
        case Null n -> statement.setNull(i + 1, n.type);
        case String s -> statement.setString(i + 1, s);
        case Long l -> statement.setLong(i + 1, l);
        case Integer n -> statement.setInt(i + 1, n);
        case Boolean b -> statement.setInt(i + 1, b ? 1 : 0);
        case byte[] bytes -> statement.setBytes(i + 1, bytes);
        default ->
            throw new IllegalArgumentException("cannot bind " + arg.getClass().getSimpleName());
      }
    }
  }
}
