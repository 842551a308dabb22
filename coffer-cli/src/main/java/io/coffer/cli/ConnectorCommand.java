package io.coffer.cli;

import io.coffer.client.ConfigResolver;
import io.coffer.client.ResolutionException;
import io.coffer.client.SecretCache;
import io.coffer.client.VaultAccess;
import io.coffer.client.dbinfo.DatabaseInfoConnector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coffer connector}: the example connectors that read their credentials from a vault. */
@Command(
    name = "connector",
    mixinStandardHelpOptions = true,
    description = "Run an example connector that reads its credentials from a vault.",
    subcommands = {ConnectorCommand.DbInfo.class})
final class ConnectorCommand {

  @Command(
      name = "db-info",
      mixinStandardHelpOptions = true,
      description =
          "Read postgresHost/Port/Database/User/Password from the vault, connect, and upsert"
              + " database_info(id, host, database, connected_at, db_version) into a destination.")
  static final class DbInfo implements Callable<Integer> {
    @Option(names = "--vault-url", required = true, defaultValue = "${env:VAULT_URL}")
    String vaultUrl;

    @Option(
        names = "--destination",
        required = true,
        description = "JDBC URL of the destination (jdbc:coffer:… takes vault references)")
    String destination;

    @Option(names = "--destination-user", description = "user, or a vault reference")
    String destinationUser;

    @Option(
        names = "--destination-password-file",
        description = "password (or a vault reference) from a file")
    Path destinationPasswordFile;

    @Mixin VaultLoginOptions login = new VaultLoginOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Properties properties = new Properties();
      if (destinationUser != null) {
        properties.setProperty("user", destinationUser);
      }
      if (destinationPasswordFile != null) {
        properties.setProperty(
            "password", Files.readString(destinationPasswordFile, StandardCharsets.UTF_8).strip());
      }
      login.settingsMap().forEach((k, v) -> properties.setProperty("coffer." + k, v));
      DatabaseInfoConnector connector =
          new DatabaseInfoConnector(
              new ConfigResolver(
                  SecretCache.withDefaults(VaultAccess.from(login.settings())::fetch)),
              Clock.systemUTC());
      try {
        DatabaseInfoConnector.Result result = connector.run(vaultUrl, destination, properties);
        var out = spec.commandLine().getOut();
        out.printf(
            "%s: %s at %s (upserted into database_info)%n",
            result.id(), result.version(), result.at());
        out.flush();
        return 0;
      } catch (ResolutionException e) {
        throw new CommandFailure(e.getMessage());
      } catch (SQLException e) {
        throw new CommandFailure(
            "database error " + e.getSQLState() + ": " + e.getClass().getSimpleName());
      }
    }
  }
}
