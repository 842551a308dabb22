package io.coffer.server.storage;

import io.coffer.server.config.ConfigException;

/**
 * How to reach a shared PostgreSQL. The password is never printed.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database}
 * @param user the role Coffer connects as
 * @param password that role's password
 * @param poolSize connections per node
 */
public record PostgresOptions(String jdbcUrl, String user, String password, int poolSize) {
  /** 2 cores: HikariCP's rule of thumb, cores x 2 + 1, leaves room for a slow query. */
  public static final int DEFAULT_POOL_SIZE = 5;

  public PostgresOptions {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new ConfigException(
          "jdbc-url",
          "'" + jdbcUrl + "' is not a PostgreSQL JDBC URL",
          "use jdbc:postgresql://host:5432/coffer");
    }
    if (user == null || user.isBlank()) {
      throw new ConfigException("db-user", "is required with PostgreSQL storage", "pass --db-user");
    }
    if (password == null) {
      throw new ConfigException(
          "db-password", "is required", "pass --db-password-file or set COFFER_DB_PASSWORD");
    }
    if (poolSize < 1 || poolSize > 100) {
      throw new ConfigException("db-pool-size", poolSize + " is out of range", "use 1-100");
    }
  }

  public PostgresOptions(String jdbcUrl, String user, String password) {
    this(jdbcUrl, user, password, DEFAULT_POOL_SIZE);
  }

  @Override
  public String toString() {
    return "PostgresOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=****]";
  }
}
