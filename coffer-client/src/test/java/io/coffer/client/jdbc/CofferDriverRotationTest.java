package io.coffer.client.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.coffer.client.ConfigResolver;
import io.coffer.client.SecretCache;
import io.coffer.client.VaultAccess;
import io.coffer.client.VaultSettings;
import io.coffer.client.dbinfo.DatabaseInfoConnector;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real PostgreSQL and a real Coffer: a HikariCP pool on {@code CofferDriver} keeps
 * serving while the database password is rotated (ALTER ROLE, then the vault), with zero failed
 * queries; and the database-info connector reads its five secrets and upserts idempotently.
 */
class CofferDriverRotationTest {
  private static RunningCoffer coffer;
  private static SecretClient admin;
  private static TestPostgres postgres;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    admin = coffer.secretClient();
    postgres = TestPostgres.get();
  }

  @Test
  void a_pool_survives_a_password_rotation_with_zero_failed_queries() throws Exception {
    String role = "app_" + UUID.randomUUID().toString().substring(0, 8);
    String database = "rotation_" + role;
    superuser("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'first-password-1'");
    superuser("postgres", "CREATE DATABASE " + database + " OWNER " + role);
    admin.setSecret("jdbc-" + role.replace('_', '-') + "-user", role);
    admin.setSecret("jdbc-" + role.replace('_', '-') + "-password", "first-password-1");

    HikariConfig config = new HikariConfig();
    config.setDriverClassName(CofferDriver.class.getName());
    config.setJdbcUrl(postgres.jdbcUrl(database).replace("jdbc:", CofferDriver.PREFIX));
    config.setUsername(coffer.vaultUrl() + "::jdbc-" + role.replace('_', '-') + "-user");
    // The password as a Kafka Connect placeholder: the same secret to the driver as a bare one.
    config.setPassword(
        "${coffer:" + coffer.vaultUrl() + "::jdbc-" + role.replace('_', '-') + "-password}");
    config.addDataSourceProperty("coffer.tenant.id", coffer.credentials().tenantId());
    config.addDataSourceProperty("coffer.client.id", coffer.credentials().clientId());
    config.addDataSourceProperty("coffer.client.secret", coffer.credentials().clientSecret());
    config.addDataSourceProperty("coffer.authority.host", coffer.credentials().authorityHost());
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(30_000);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger queries = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try (HikariDataSource pool = new HikariDataSource(config)) {
      ExecutorService load = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        load.execute(() -> {
          while (!stop.get()) {
            try (Connection c = pool.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT 1")) {
              r.next();
              queries.incrementAndGet();
            } catch (SQLException e) {
              failures.add(e.getSQLState() + " " + e.getClass().getSimpleName());
            }
          }
        });
      }
      awaitQueries(queries, 200);
      // Rotation as an operator does it: the database first, then the vault.
      superuser("postgres", "ALTER ROLE " + role + " PASSWORD 'second-password-2'");
      admin.setSecret("jdbc-" + role.replace('_', '-') + "-password", "second-password-2");
      // New connections from now on need the new password; the cached one is refused once.
      pool.getHikariPoolMXBean().softEvictConnections();
      int before = queries.get();
      awaitQueries(queries, before + 400);
      stop.set(true);
      load.shutdown();
      assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(failures).isEmpty();
      try (Connection fresh = pool.getConnection()) {
        assertThat(fresh.isValid(5)).isTrue();
      }
    }
    // The database really has the new password only.
    Properties login = new Properties();
    login.setProperty("user", role);
    login.setProperty("password", "second-password-2");
    try (Connection direct =
        java.sql.DriverManager.getConnection(postgres.jdbcUrl(database), login)) {
      assertThat(direct.isValid(5)).isTrue();
    }
  }

  @Test
  void the_database_info_connector_reads_five_secrets_and_upserts_idempotently() throws Exception {
    String role = "info_" + UUID.randomUUID().toString().substring(0, 8);
    String source = "source_" + role;
    String destination = "dest_" + role;
    superuser("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'info-password-1'");
    superuser("postgres", "CREATE DATABASE " + source + " OWNER " + role);
    superuser("postgres", "CREATE DATABASE " + destination + " OWNER " + role);
    String url = postgres.jdbcUrl(source);
    String hostPort = url.substring("jdbc:postgresql://".length(), url.lastIndexOf('/'));
    admin.setSecret("postgresHost", hostPort.substring(0, hostPort.indexOf(':')));
    admin.setSecret("postgresPort", hostPort.substring(hostPort.indexOf(':') + 1));
    admin.setSecret("postgresDatabase", source);
    admin.setSecret("postgresUser", role);
    admin.setSecret("postgresPassword", "info-password-1");

    SecretCache cache =
        SecretCache.withDefaults(
            VaultAccess.from(
                    VaultSettings.from(
                        Map.of(
                            "tenant.id", coffer.credentials().tenantId(),
                            "client.id", coffer.credentials().clientId(),
                            "client.secret", coffer.credentials().clientSecret(),
                            "authority.host", coffer.credentials().authorityHost()),
                        ""))
                ::fetch);
    DatabaseInfoConnector connector =
        new DatabaseInfoConnector(new ConfigResolver(cache), Clock.systemUTC());
    Properties destinationLogin = new Properties();
    destinationLogin.setProperty("user", role);
    destinationLogin.setProperty("password", "info-password-1");

    DatabaseInfoConnector.Result first =
        connector.run(coffer.vaultUrl(), postgres.jdbcUrl(destination), destinationLogin);
    DatabaseInfoConnector.Result second =
        connector.run(coffer.vaultUrl(), postgres.jdbcUrl(destination), destinationLogin);

    assertThat(first.version()).startsWith("PostgreSQL");
    assertThat(cache.metrics().vaultCalls()).isEqualTo(5);
    List<String> rows = new ArrayList<>();
    try (Connection c =
            java.sql.DriverManager.getConnection(postgres.jdbcUrl(destination), destinationLogin);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, database, db_version FROM database_info")) {
      while (r.next()) {
        rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3));
      }
    }
    assertThat(rows).containsExactly(second.id() + "|" + source + "|" + second.version());
  }

  private static void awaitQueries(AtomicInteger queries, int atLeast) throws InterruptedException {
    for (int i = 0; i < 600 && queries.get() < atLeast; i++) {
      Thread.sleep(50);
    }
    assertThat(queries.get()).isGreaterThanOrEqualTo(atLeast);
  }

  private static void superuser(String database, String sql) throws SQLException {
    try (Connection c = postgres.superuser(database);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
