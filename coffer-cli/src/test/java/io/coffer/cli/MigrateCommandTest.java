package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Plaintext credentials move into a real Coffer; files are rewritten to references. */
class MigrateCommandTest {
  private static RunningCoffer coffer;
  private static SecretClient admin;
  @TempDir Path dir;
  private static Path secretFile;

  @BeforeAll
  static void start(@TempDir Path shared) throws IOException {
    coffer = RunningCoffer.shared();
    admin = coffer.secretClient();
    secretFile =
        Files.writeString(shared.resolve("client-secret"), coffer.credentials().clientSecret());
  }

  @Test
  void a_kafka_connector_moves_after_a_dry_run_and_a_rerun_writes_no_new_version()
      throws IOException {
    String prefix = "pgsink-" + UUID.randomUUID().toString().substring(0, 6);
    String original =
        "{\"name\":\"pg-sink\",\"config\":{\"connection.user\":\"etl\","
            + "\"connection.password\":\"pw-kafka-1\",\"topics\":\"orders\"}}";
    Path connector = Files.writeString(dir.resolve("pg-sink.json"), original);
    String name = prefix + "-config-connection-password";

    String dry = migrate(prefix, connector);
    assertThat(dry)
        .contains("would write 1 secret(s)", "config.connection.password → " + name)
        .contains("-", "+")
        .doesNotContain("pw-kafka-1");
    assertThat(Files.readString(connector)).isEqualTo(original);

    String applied = migrate(prefix, connector, "--apply", "--tag", "owner=data");
    assertThat(applied).contains("1 secret(s) written");
    assertThat(admin.getSecret(name).getValue()).isEqualTo("pw-kafka-1");
    assertThat(admin.getSecret(name).getProperties().getTags())
        .containsEntry("owner", "data")
        .containsEntry("coffer-migrated-from", "pg-sink.json");
    String rewritten = Files.readString(connector);
    assertThat(rewritten)
        .contains(coffer.vaultUrl() + "::" + name)
        .contains("\"connection.user\" : \"etl\"")
        .doesNotContain("pw-kafka-1");
    assertThat(backups(connector)).hasSize(1);
    assertThat(Files.readString(backups(connector).get(0))).isEqualTo(original);

    Files.writeString(connector, original);
    assertThat(migrate(prefix, connector, "--apply"))
        .contains("0 secret(s) written, 1 already up to date");
    assertThat(admin.listPropertiesOfSecretVersions(name).stream().count()).isEqualTo(1);
  }

  @Test
  void a_managed_connector_keeps_its_secret_manager_settings_and_lists_each_moved_key()
      throws IOException {
    String prefix = "managed-" + UUID.randomUUID().toString().substring(0, 6);
    Path connector =
        Files.writeString(
            dir.resolve("managed.json"),
            "{\"name\":\"pg-sink\",\"config\":{\"secret.manager.enabled\":\"false\","
                + "\"secret.manager.managed.configs\":\"connection.user\","
                + "\"connection.user\":\""
                + coffer.vaultUrl()
                + "::"
                + prefix
                + "-user\",\"connection.password\":\"pw-managed\","
                + "\"sasl.jaas.config\":\"${file:/etc/kafka/jaas.properties:sasl}\"}}");

    migrate(prefix, connector, "--apply");

    String rewritten = Files.readString(connector);
    assertThat(rewritten)
        .contains("\"secret.manager.enabled\" : \"true\"")
        .contains("\"secret.manager.managed.configs\" : \"connection.user,connection.password\"")
        .contains(
            "\"connection.password\" : \""
                + coffer.vaultUrl()
                + "::"
                + prefix
                + "-config-connection-password\"")
        .contains("${file:/etc/kafka/jaas.properties:sasl}")
        .doesNotContain("pw-managed");
    assertThat(admin.getSecret(prefix + "-config-connection-password").getValue())
        .isEqualTo("pw-managed");
  }

  @Test
  void airflow_variables_move_under_airflows_own_names_and_leave_the_env_file() throws IOException {
    String id = UUID.randomUUID().toString().substring(0, 6).replace('-', '_');
    Path env =
        Files.writeString(
            dir.resolve("airflow.env"),
            "# airflow\nAIRFLOW_CONN_WH_"
                + id.toUpperCase()
                + "='postgres://etl:s3cret@db:5432/dwh'\nAIRFLOW_VAR_API_KEY_"
                + id.toUpperCase()
                + "=k-123\nAIRFLOW__CORE__PARALLELISM=8\n");
    migrate("airflow", env, "--apply");
    assertThat(admin.getSecret("airflow-connections-wh-" + id).getValue())
        .isEqualTo("postgres://etl:s3cret@db:5432/dwh");
    assertThat(admin.getSecret("airflow-variables-api-key-" + id).getValue()).isEqualTo("k-123");
    assertThat(Files.readString(env)).isEqualTo("# airflow\nAIRFLOW__CORE__PARALLELISM=8\n");
  }

  @Test
  void a_rewritten_file_keeps_its_permissions_for_the_tool_that_reads_it() throws IOException {
    Path properties =
        Files.writeString(dir.resolve("reader.properties"), "db.user=etl\ndb.password=pw-perm\n");
    Files.setPosixFilePermissions(properties, PosixFilePermissions.fromString("rw-r-----"));

    migrate("perm-" + UUID.randomUUID().toString().substring(0, 6), properties, "--apply");

    assertThat(Files.readString(properties)).doesNotContain("pw-perm");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(properties)))
        .isEqualTo("rw-r-----");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(backups(properties).get(0))))
        .isEqualTo("rw-------");
  }

  private String migrate(String prefix, Path file, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                file.toString(),
                "--vault-url",
                coffer.vaultUrl(),
                "--prefix",
                prefix,
                "--tenant-id",
                coffer.credentials().tenantId(),
                "--client-id",
                coffer.credentials().clientId(),
                "--client-secret-file",
                secretFile.toString(),
                "--authority-host",
                coffer.credentials().authorityHost()));
    args.addAll(List.of(extra));
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new MigrateCommand());
    command.setOut(new PrintWriter(out));
    assertThat(command.execute(args.toArray(String[]::new))).as(out.toString()).isZero();
    return out.toString();
  }

  private List<Path> backups(Path file) throws IOException {
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      return siblings
          .filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".bak-"))
          .toList();
    }
  }
}
