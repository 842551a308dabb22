package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Settings;
import io.coffer.server.testing.RunningCoffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A second server (or offline tool) on a data directory in use is refused before it touches the
 * audit trail or the database: two would break the trail's chain and serve values older than an
 * acknowledged write from a cache the other's writes do not clear. (Across processes: {@code
 * DevCommandTest}.)
 */
class DataDirLockTest {
  @Test
  void a_directory_in_use_is_refused_naming_the_process_and_free_again_after_the_stop()
      throws Exception {
    Path dataDir = Files.createTempDirectory("coffer-lock");
    String pid = Long.toString(ProcessHandle.current().pid());
    try (RunningCoffer first = RunningCoffer.start(dataDir)) {
      Path trail = dataDir.resolve("audit").resolve("audit.jsonl");
      long trailBefore = Files.size(trail);
      Settings second = Settings.defaults(dataDir, RunningCoffer.freePort());

      assertThatThrownBy(
              () -> CofferServer.start(second, RunningCoffer.database(dataDir), Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("is in use by another Coffer process (pid " + pid + ")")
          .hasMessageContaining("--data-dir");
      assertThatThrownBy(() -> Offline.open(dataDir, Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("is in use by another Coffer process");
      assertThat(Files.size(trail)).as("the refused start wrote nothing").isEqualTo(trailBefore);
      assertThat(first.token()).isNotEmpty(); // the first still serves
    }
    try (Offline offline = Offline.open(dataDir, Map.of())) {
      assertThat(offline.vaults()).isNotNull();
    }
    try (RunningCoffer again = RunningCoffer.start(dataDir)) {
      assertThat(again.token()).isNotEmpty();
    }
  }
}
