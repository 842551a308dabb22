package io.coffer.cli;

import io.coffer.server.config.ConfigException;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer storage}: move a Coffer's state from one store to another. */
@Command(
    name = "storage",
    mixinStandardHelpOptions = true,
    description = "Move Coffer's state between stores.",
    subcommands = StorageCommand.Migrate.class)
final class StorageCommand {

  /** {@code coffer storage migrate --from sqlite:<data-dir> --to postgresql:<jdbc-url>}. */
  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description =
          "Copy everything from a stopped node's SQLite into an empty PostgreSQL, verified by row"
              + " counts and a checksum per secret version.")
  static final class Migrate implements Callable<Integer> {
    private static final String SQLITE = "sqlite:";
    private static final String POSTGRESQL = "postgresql:";

    @Option(names = "--from", required = true, description = "sqlite:<data-dir>")
    String from;

    @Option(names = "--to", required = true, description = "postgresql:<jdbc-url>")
    String to;

    @Option(names = "--db-user", required = true, description = "PostgreSQL role to connect as")
    String dbUser;

    @Option(
        names = "--db-password-file",
        description = "file holding the role's password (or set COFFER_DB_PASSWORD)")
    Path dbPasswordFile;

    @Override
    public Integer call() {
      if (!from.startsWith(SQLITE)) {
        throw new ConfigException(
            "from", "'" + from + "' is not sqlite:<data-dir>", "e.g. sqlite:/var/lib/coffer");
      }
      if (!to.startsWith(POSTGRESQL)) {
        throw new ConfigException(
            "to",
            "'" + to + "' is not postgresql:<jdbc-url>",
            "e.g. postgresql:jdbc:postgresql://db:5432/coffer");
      }
      Path database = Path.of(from.substring(SQLITE.length())).resolve("coffer.db");
      if (!Files.isRegularFile(database)) {
        throw new ConfigException(
            "from", "there is no " + database, "pass the data directory of the node");
      }
      StorageOptions target = new StorageOptions();
      target.storage = "postgresql";
      target.jdbcUrl = to.substring(POSTGRESQL.length());
      target.dbUser = dbUser;
      target.dbPasswordFile = dbPasswordFile;
      PostgresOptions options = target.postgresql(System.getenv()).orElseThrow();
      try (Storage source = Storage.openSqlite(database);
          Storage destination = Storage.openPostgresql(options)) {
        Map<String, Long> counts = source.copyTo(destination);
        counts.forEach((table, rows) -> System.out.println(table + ": " + rows));
        System.out.println(
            "Copied and verified. Start every node with this data directory's master key"
                + " (master.key, or COFFER_MASTER_KEY) and --storage postgresql.");
      }
      return 0;
    }
  }
}
