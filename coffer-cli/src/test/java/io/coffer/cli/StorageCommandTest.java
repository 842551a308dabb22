package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer storage migrate} and the storage options of {@code serve}. */
class StorageCommandTest {

  @Test
  void storage_migrate_moves_a_stopped_sqlite_node_into_postgresql(
      @TempDir Path dataDir, @TempDir Path elsewhere) throws Exception {
    int port = RunningCoffer.freePort();
    Settings settings = Settings.defaults(dataDir, port);
    try (RunningCoffer sqlite = RunningCoffer.start(settings, Optional.empty())) {
      sqlite.secretClient().setSecret("moved", "before-the-move");
    }
    PostgresOptions target = TestPostgres.get().databaseFor(elsewhere);
    Path passwordFile =
        Files.writeString(elsewhere.resolve("db-password"), target.password() + "\n");

    int status =
        Main.run(
            "storage",
            "migrate",
            "--from",
            "sqlite:" + dataDir,
            "--to",
            "postgresql:" + target.jdbcUrl(),
            "--db-user",
            target.user(),
            "--db-password-file",
            passwordFile.toString());

    assertThat(status).isZero();
    try (RunningCoffer moved = RunningCoffer.start(settings, Optional.of(target))) {
      SecretClient client = moved.secretClient();
      assertThat(client.getSecret("moved").getValue()).isEqualTo("before-the-move");
    }
  }

  @Test
  void serve_on_postgresql_without_a_password_fails_naming_the_setting(@TempDir Path dataDir) {
    int status =
        Main.run(
            "serve",
            "--data-dir",
            dataDir.toString(),
            "--port",
            Integer.toString(RunningCoffer.freePort()),
            "--storage",
            "postgresql",
            "--jdbc-url",
            "jdbc:postgresql://127.0.0.1:1/coffer",
            "--db-user",
            "coffer",
            "--db-password-file",
            dataDir.resolve("missing").toString());

    assertThat(status).isEqualTo(78);
  }

  @Test
  void serve_on_an_unreachable_postgresql_fails_at_start(@TempDir Path dataDir) throws Exception {
    Path passwordFile = Files.writeString(dataDir.resolve("pw"), "secret");
    int status =
        Main.run(
            "serve",
            "--data-dir",
            dataDir.resolve("data").toString(),
            "--port",
            Integer.toString(RunningCoffer.freePort()),
            "--storage",
            "postgresql",
            "--jdbc-url",
            "jdbc:postgresql://127.0.0.1:1/coffer",
            "--db-user",
            "coffer",
            "--db-password-file",
            passwordFile.toString());

    assertThat(status).isEqualTo(78);
  }
}
