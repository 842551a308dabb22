package io.coffer.client.jdbc;

import java.sql.SQLException;
import java.util.Set;

/** Whether a database refused a login because of its user name or password. */
final class AuthenticationFailure {
  /** PostgreSQL: invalid_password, invalid_authorization_specification. */
  private static final Set<String> SQL_STATES = Set.of("28P01", "28000");

  /** MySQL/MariaDB 1045, SQL Server 18456, Oracle ORA-01017. */
  private static final Set<Integer> VENDOR_CODES = Set.of(1045, 18456, 1017);

  private AuthenticationFailure() {}

  static boolean is(SQLException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException e = sql; e != null; e = e.getNextException()) {
          if (SQL_STATES.contains(e.getSQLState()) || VENDOR_CODES.contains(e.getErrorCode())) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
