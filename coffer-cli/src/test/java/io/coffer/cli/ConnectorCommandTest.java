package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code coffer connector db-info} against a real Coffer and a real PostgreSQL, run twice. */
class ConnectorCommandTest {
  @TempDir Path dir;

  @Test
  void db_info_reads_the_vault_and_upserts_one_row_however_often_it_runs() throws Exception {
    RunningCoffer coffer = RunningCoffer.shared();
    TestPostgres postgres = TestPostgres.get();
    String role = "cli_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = postgres.superuser("postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'cli-password-1'");
      s.execute("CREATE DATABASE src_" + role + " OWNER " + role);
      s.execute("CREATE DATABASE dst_" + role + " OWNER " + role);
    }
    String url = postgres.jdbcUrl("src_" + role);
    String hostPort = url.substring("jdbc:postgresql://".length(), url.lastIndexOf('/'));
    SecretClient admin = coffer.secretClient();
    admin.setSecret("postgresHost", hostPort.substring(0, hostPort.indexOf(':')));
    admin.setSecret("postgresPort", hostPort.substring(hostPort.indexOf(':') + 1));
    admin.setSecret("postgresDatabase", "src_" + role);
    admin.setSecret("postgresUser", role);
    admin.setSecret("postgresPassword", "cli-password-1");
    admin.setSecret("destination-password", "cli-password-1");
    Path secret = Files.writeString(dir.resolve("secret"), coffer.credentials().clientSecret());
    Path destinationPassword =
        Files.writeString(dir.resolve("dest"), coffer.vaultUrl() + "::destination-password");

    String[] args = {
      "db-info",
      "--vault-url",
      coffer.vaultUrl(),
      "--destination",
      postgres.jdbcUrl("dst_" + role).replace("jdbc:", "jdbc:coffer:"),
      "--destination-user",
      role,
      "--destination-password-file",
      destinationPassword.toString(),
      "--tenant-id",
      coffer.credentials().tenantId(),
      "--client-id",
      coffer.credentials().clientId(),
      "--client-secret-file",
      secret.toString(),
      "--authority-host",
      coffer.credentials().authorityHost()
    };
    assertThat(run(args)).contains("src_" + role, "PostgreSQL").doesNotContain("cli-password-1");
    assertThat(run(args)).contains("upserted");

    try (Connection c = postgres.superuser("dst_" + role);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), min(database) FROM database_info")) {
      r.next();
      assertThat(r.getInt(1)).isEqualTo(1);
      assertThat(r.getString(2)).isEqualTo("src_" + role);
    }
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new ConnectorCommand());
    command.setOut(new PrintWriter(out));
    assertThat(command.execute(args)).as(out.toString()).isZero();
    return out.toString();
  }
}
