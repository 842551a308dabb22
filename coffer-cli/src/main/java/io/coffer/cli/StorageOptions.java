package io.coffer.cli;

import io.coffer.server.config.ConfigException;
import io.coffer.server.storage.PostgresOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where {@code serve} keeps its state: SQLite in the data directory (the default), or a PostgreSQL
 * shared by several nodes. The database password comes from a file or {@code COFFER_DB_PASSWORD},
 * never from the command line, where other users could read it.
 */
final class StorageOptions {
  static final String PASSWORD_VARIABLE = "COFFER_DB_PASSWORD";

  @Option(
      names = "--storage",
      description = "sqlite (in --data-dir) or postgresql (default ${DEFAULT-VALUE})")
  String storage = "sqlite";

  @Option(names = "--jdbc-url", description = "jdbc:postgresql://host:5432/database")
  String jdbcUrl;

  @Option(names = "--db-user", description = "PostgreSQL role to connect as")
  String dbUser;

  @Option(
      names = "--db-password-file",
      description =
          "file holding the role's password (or set "
              + PASSWORD_VARIABLE
              + ", or db-password in a config file readable by its owner alone)")
  Path dbPasswordFile;

  @Option(
      names = "--db-pool-size",
      description = "PostgreSQL connections per node (default ${DEFAULT-VALUE})")
  int dbPoolSize = PostgresOptions.DEFAULT_POOL_SIZE;

  /** As {@link #postgresql(ConfigSources)}, every option set as a flag. */
  Optional<PostgresOptions> postgresql(Map<String, String> environment) {
    return postgresql(ConfigSources.environmentOnly(environment));
  }

  /** The PostgreSQL to use, or empty for SQLite; a wrong combination fails naming the option. */
  Optional<PostgresOptions> postgresql(ConfigSources sources) {
    switch (storage.toLowerCase(Locale.ROOT)) {
      case "sqlite" -> {
        if (jdbcUrl != null) {
          throw new ConfigException(
              "jdbc-url", "is set but storage is sqlite", "add --storage postgresql");
        }
        return Optional.empty();
      }
      case "postgresql", "postgres" -> {
        if (jdbcUrl == null) {
          throw new ConfigException(
              "jdbc-url",
              "is required with --storage postgresql",
              "pass --jdbc-url jdbc:postgresql://host:5432/coffer");
        }
        return Optional.of(new PostgresOptions(jdbcUrl, dbUser, password(sources), dbPoolSize));
      }
      default ->
          throw new ConfigException(
              "storage", "'" + storage + "' is not a storage", "use sqlite or postgresql");
    }
  }

  /**
   * The password, from the strongest source (flag, environment, file); at one level a password file
   * ({@code db-password-file}) wins over the password itself ({@code db-password}, which only the
   * environment, as {@code COFFER_DB_PASSWORD}, and the config file can hold).
   */
  private String password(ConfigSources sources) {
    Optional<ConfigSources.Sourced> inline = sources.lookUp(ConfigFile.DB_PASSWORD);
    if (dbPasswordFile != null
        && (inline.isEmpty()
            || sources.sourceOf("db-password-file").compareTo(inline.get().source()) <= 0)) {
      try {
        return Files.readString(dbPasswordFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ConfigException(
            "db-password-file",
            "cannot read " + dbPasswordFile + " (" + e.getMessage() + ")",
            "pass a readable file holding only the password");
      }
    }
    return inline
        .map(ConfigSources.Sourced::value)
        .orElseThrow(() ->
            new ConfigException(
                "db-password",
                "is not set",
                "pass --db-password-file <file>, set "
                    + PASSWORD_VARIABLE
                    + ", or put"
                    + " db-password-file in the config file"));
  }
}
