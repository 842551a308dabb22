package io.coffer.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.CofferException;
import io.coffer.server.Offline;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.vault.Vault;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bulk load on a stopped server is one transaction: all of it is served after, or none. */
class BulkLoadTest {
  @TempDir Path dir;

  @Test
  void a_bulk_load_is_all_or_nothing_and_served_after_a_restart() {
    Path data = dir.resolve("data");
    RunningCoffer.start(data).close();
    try (Offline offline = Offline.open(data, Map.of())) {
      Vault main = offline.vaults().named("main");
      assertThat(offline.secrets().setAll(main, batch("bulk-a", "bulk-b", "bulk-c"))).isEqualTo(3);
      assertThatThrownBy(() -> offline.secrets().setAll(main, batch("bulk-d", "not valid!")))
          .isInstanceOf(CofferException.BadRequest.class);
    }
    try (RunningCoffer coffer = RunningCoffer.start(data)) {
      var client = coffer.secretClient();
      assertThat(client.getSecret("bulk-b").getValue()).isEqualTo("value of bulk-b");
      assertThat(client.listPropertiesOfSecrets().stream().map(p -> p.getName()))
          .contains("bulk-a", "bulk-b", "bulk-c")
          .doesNotContain("bulk-d");
    }
  }

  private static Map<String, NewSecret> batch(String... names) {
    Map<String, NewSecret> batch = new LinkedHashMap<>();
    for (String name : names) {
      batch.put(
          name,
          new NewSecret(
              new SecretValue("value of " + name),
              Optional.empty(),
              Map.of(),
              true,
              OptionalLong.empty(),
              OptionalLong.empty()));
    }
    return batch;
  }
}
