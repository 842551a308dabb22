package io.coffer.client.dbinfo;

import io.coffer.client.ConfigResolver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The seed example connector: reads {@code postgresHost}, {@code postgresPort}, {@code
 * postgresDatabase}, {@code postgresUser} and {@code postgresPassword} from a vault in one
 * resolution, connects, asks {@code SELECT version()}, and upserts a row {@code database_info(id,
 * host, database, connected_at, db_version)} into a destination database. The id is {@code
 * host:port/database}, so reruns update the same row.
 */
public final class DatabaseInfoConnector {
  /** The secret names the connector reads. */
  public static final String[] SECRETS = {
    "postgresHost", "postgresPort", "postgresDatabase", "postgresUser", "postgresPassword"
  };

  /** What one run found; never the password. */
  public record Result(String id, String host, String database, String version, Instant at) {}

  private final ConfigResolver resolver;
  private final Clock clock;

  public DatabaseInfoConnector(ConfigResolver resolver, Clock clock) {
    this.resolver = resolver;
    this.clock = clock;
  }

  /**
   * @param vaultUri the vault holding the five secrets
   * @param destinationUrl JDBC URL of the destination (may be {@code jdbc:coffer:…})
   * @param destination user/password (and {@code coffer.*} settings) for the destination
   */
  public Result run(String vaultUri, String destinationUrl, Properties destination)
      throws SQLException {
    Map<String, String> references = new LinkedHashMap<>();
    for (String name : SECRETS) {
      references.put(name, vaultUri + "::" + name);
    }
    Map<String, String> source = resolver.resolve(references);
    String host = source.get("postgresHost");
    String port = source.get("postgresPort");
    String database = source.get("postgresDatabase");
    String version;
    Properties login = new Properties();
    login.setProperty("user", source.get("postgresUser"));
    login.setProperty("password", source.get("postgresPassword"));
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/" + database, login);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT version()")) {
      rows.next();
      version = rows.getString(1);
    }
    Result result =
        new Result(host + ":" + port + "/" + database, host, database, version, clock.instant());
    try (Connection c = DriverManager.getConnection(destinationUrl, destination)) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS database_info (id TEXT PRIMARY KEY, host TEXT NOT NULL,"
                + " database TEXT NOT NULL, connected_at TIMESTAMPTZ NOT NULL,"
                + " db_version TEXT NOT NULL)");
      }
      try (PreparedStatement upsert =
          c.prepareStatement(
              "INSERT INTO database_info (id, host, database, connected_at, db_version)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host,"
                  + " database = EXCLUDED.database, connected_at = EXCLUDED.connected_at,"
                  + " db_version = EXCLUDED.db_version")) {
        upsert.setString(1, result.id());
        upsert.setString(2, host);
        upsert.setString(3, database);
        upsert.setTimestamp(4, Timestamp.from(result.at()));
        upsert.setString(5, version);
        upsert.executeUpdate();
      }
    }
    return result;
  }
}
