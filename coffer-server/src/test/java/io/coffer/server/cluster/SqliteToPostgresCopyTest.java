package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.storage.Storage;
import io.coffer.server.storage.StorageException;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** A one-node SQLite Coffer moves to PostgreSQL with every version, deletion and credential. */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class SqliteToPostgresCopyTest {

  @Test
  void a_copied_store_serves_every_version_deleted_secret_and_credential(
      @TempDir Path dataDir, @TempDir Path elsewhere) {
    int port = RunningCoffer.freePort();
    try (RunningCoffer sqlite =
        RunningCoffer.start(Settings.defaults(dataDir, port), Optional.empty())) {
      SecretClient client = sqlite.secretClient();
      client.setSecret("moved", "v1");
      client.setSecret("moved", "v2");
      client.setSecret("gone", "deleted-value");
      client.beginDeleteSecret("gone").waitForCompletion();
    }

    PostgresOptions target = TestPostgres.get().databaseFor(elsewhere);
    Map<String, Long> counts;
    try (Storage from = Storage.openSqlite(dataDir.resolve("coffer.db"));
        Storage to = Storage.openPostgresql(target)) {
      counts = from.copyTo(to);
      assertThatThrownBy(() -> from.copyTo(to))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("empty");
    }
    assertThat(counts.get("secret_versions")).isEqualTo(3);
    assertThat(counts.get("secrets")).isEqualTo(2);
    assertThat(counts.get("principals")).isPositive();

    // The same data directory (master key, dev credentials) now serves from PostgreSQL.
    try (RunningCoffer moved =
        RunningCoffer.start(Settings.defaults(dataDir, port), Optional.of(target))) {
      SecretClient client = moved.secretClient();
      assertThat(client.getSecret("moved").getValue()).isEqualTo("v2");
      List<String> versions =
          client.listPropertiesOfSecretVersions("moved").stream()
              .map(SecretProperties::getVersion)
              .toList();
      assertThat(versions).hasSize(2);
      assertThat(versions.stream().map(v -> client.getSecret("moved", v).getValue()))
          .containsExactlyInAnyOrder("v1", "v2");
      assertThat(client.getDeletedSecret("gone").getName()).isEqualTo("gone");
      client.beginRecoverDeletedSecret("gone").waitForCompletion();
      assertThat(client.getSecret("gone").getValue()).isEqualTo("deleted-value");
    }
  }
}
