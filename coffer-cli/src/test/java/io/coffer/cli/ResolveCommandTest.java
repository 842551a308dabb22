package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code coffer resolve} renders a real config file resolved, or redacted without any read. */
class ResolveCommandTest {
  @TempDir Path dir;

  @Test
  void a_properties_file_resolves_and_redacts() throws IOException {
    RunningCoffer coffer = RunningCoffer.shared();
    coffer.secretClient().setSecret("resolve-db", "{\"password\":\"rs-pw\"}");
    Path config = dir.resolve("connector.properties");
    Files.writeString(
        config,
        "# connector\nname=pg-sink\nconnection.password="
            + coffer.vaultUrl()
            + "::resolve-db::password\n");
    Path secret = Files.writeString(dir.resolve("secret"), coffer.credentials().clientSecret());

    String resolved =
        run(
            "--file", config.toString(),
            "--tenant-id", coffer.credentials().tenantId(),
            "--client-id", coffer.credentials().clientId(),
            "--client-secret-file", secret.toString(),
            "--authority-host", coffer.credentials().authorityHost());
    assertThat(resolved).isEqualTo("# connector\nname=pg-sink\nconnection.password=rs-pw\n");

    String redacted = run("--file", config.toString(), "--redact");
    assertThat(redacted)
        .contains("connection.password=<secret 'resolve-db' (JSON key 'password') in https://")
        .doesNotContain("rs-pw");
  }

  @Test
  void a_connector_file_resolves_its_managed_keys_and_its_worker_placeholders() throws IOException {
    RunningCoffer coffer = RunningCoffer.shared();
    coffer
        .secretClient()
        .setSecret("resolve-connector", "{\"user\":\"etl\",\"password\":\"c-pw\"}");
    String vault = coffer.vaultUrl();
    Path connector =
        Files.writeString(
            dir.resolve("pg-sink.json"),
            "{\"name\":\"pg-sink\",\"config\":{"
                + "\"secret.manager.managed.configs\":\"connection.password\","
                + "\"connection.password\":\""
                + vault
                + "::resolve-connector::password\","
                + "\"connection.user\":\"${coffer:"
                + vault
                + "::resolve-connector::user}\","
                + "\"docs.url\":\""
                + vault
                + "::not-managed\"}}");
    Path secret = Files.writeString(dir.resolve("secret"), coffer.credentials().clientSecret());

    String resolved =
        run(
            "--file", connector.toString(),
            "--tenant-id", coffer.credentials().tenantId(),
            "--client-id", coffer.credentials().clientId(),
            "--client-secret-file", secret.toString(),
            "--authority-host", coffer.credentials().authorityHost());

    assertThat(resolved)
        .contains("\"connection.password\" : \"c-pw\"")
        .contains("\"connection.user\" : \"etl\"")
        .contains("\"docs.url\" : \"" + vault + "::not-managed\"");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new ResolveCommand());
    command.setOut(new PrintWriter(out));
    assertThat(command.execute(args)).isZero();
    return out.toString();
  }
}
