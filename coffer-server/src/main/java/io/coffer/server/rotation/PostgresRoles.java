package io.coffer.server.rotation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * The two login roles of a rotated secret, on the database whose password it holds, through an
 * administrator's own connection: {@code <role>_a} and {@code <role>_b}, members of {@code <role>}
 * that act as it ({@code SET role}), so what either creates is owned by {@code <role>}. The new
 * password is sent as a SCRAM verifier computed here, so it reaches no server log in the clear.
 * This is the one place Coffer speaks SQL to a database that is not its own.
 */
final class PostgresRoles implements AutoCloseable {
  private final Connection connection;

  private PostgresRoles(Connection connection) {
    this.connection = connection;
  }

  static PostgresRoles connect(String jdbcUrl, String user, String password) throws SQLException {
    Properties login = new Properties();
    login.setProperty("user", user);
    login.setProperty("password", password);
    login.setProperty("connectTimeout", "10");
    login.setProperty("socketTimeout", "30");
    login.setProperty("ApplicationName", "coffer-rotation");
    return new PostgresRoles(DriverManager.getConnection(jdbcUrl, login));
  }

  /** The two logins of {@code role}; roles are checked against {@link RotationPolicy#ROLE}. */
  static String[] logins(String role) {
    return new String[] {role + "_a", role + "_b"};
  }

  /** Creates the login as a member acting as {@code role}, unless it exists. */
  void ensureLogin(String role, String login) throws SQLException {
    try (Statement s = connection.createStatement()) {
      boolean exists;
      try (var rows = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + login + "'")) {
        exists = rows.next();
      }
      if (!exists) {
        s.execute("CREATE ROLE " + login + " LOGIN IN ROLE " + role);
        s.execute("ALTER ROLE " + login + " SET role = '" + role + "'");
      }
    }
  }

  /** Sets the login's password and lets it log in without end. */
  void setPassword(String login, char[] password) throws SQLException {
    connection.unwrap(PGConnection.class).alterUserPassword(login, password, "scram-sha-256");
    validUntil(login, "infinity");
  }

  /** Ends the login's password at {@code end}: PostgreSQL enforces the grace even without us. */
  void endAt(String login, Instant end) throws SQLException {
    validUntil(login, end.toString());
  }

  private void validUntil(String login, String when) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("ALTER ROLE " + login + " VALID UNTIL '" + when + "'");
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing a connection that failed: nothing to keep.
    }
  }
}
