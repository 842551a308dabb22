package io.coffer.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data survives a restart, and no written value reaches the files in plaintext. */
class PersistenceTest {

  @Test
  void secrets_survive_a_restart_and_never_reach_disk_in_plaintext(@TempDir Path dataDir)
      throws IOException {
    String marker = "PLAINTEXT-MARKER-" + UUID.randomUUID();
    String name = "persisted";
    String version;
    try (RunningCoffer first = RunningCoffer.start(dataDir)) {
      SecretClient client = first.secretClient();
      version = client.setSecret(name, marker + "-v1").getProperties().getVersion();
      client.setSecret(name, marker + "-v2");
      client.setSecret("deleted-one", marker + "-deleted");
      client.beginDeleteSecret("deleted-one").waitForCompletion();
    }

    try (RunningCoffer second = RunningCoffer.start(dataDir)) {
      SecretClient client =
          new SecretClientBuilder()
              .vaultUrl(second.vaultUrl())
              .credential(second.credential())
              .buildClient();
      assertThat(client.getSecret(name).getValue()).isEqualTo(marker + "-v2");
      assertThat(client.getSecret(name, version).getValue()).isEqualTo(marker + "-v1");
      assertThat(client.getDeletedSecret("deleted-one").getName()).isEqualTo("deleted-one");
    }

    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    List<Path> files = RunningCoffer.storedFiles(dataDir);
    assertThat(files).anyMatch(RunningCoffer::isDatabaseFile);
    for (Path file : files) {
      assertThat(indexOf(Files.readAllBytes(file), needle))
          .as("plaintext marker in %s", file)
          .isEqualTo(-1);
    }
  }

  @Test
  void the_master_key_file_is_private_to_its_owner(@TempDir Path dataDir) throws IOException {
    try (RunningCoffer coffer = RunningCoffer.start(dataDir)) {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(dataDir.resolve("master.key"))))
          .isEqualTo("rw-------");
      assertThat(coffer.credentials().clientSecret()).isNotEmpty();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
