package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.CofferException;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.storage.Storage;
import io.coffer.server.testing.TestPostgres;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Background jobs run on one node at a time, and on another once that node lets go. */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class BackgroundWorkTest {

  @Test
  void a_job_running_on_one_node_is_skipped_by_the_others_until_it_ends(@TempDir Path dir) {
    PostgresOptions database = TestPostgres.get().databaseFor(dir);
    try (Storage first = Storage.openPostgresql(database);
        Storage second = Storage.openPostgresql(database)) {
      AtomicBoolean secondRan = new AtomicBoolean();
      boolean firstRan =
          first.exclusively(
              "retention-purge",
              () -> secondRan.set(second.exclusively("retention-purge", () -> {})));

      assertThat(firstRan).isTrue();
      assertThat(secondRan).isFalse();
      assertThat(second.exclusively("retention-purge", () -> {})).isTrue();
    }
  }

  @Test
  void a_job_held_by_a_node_that_dies_is_taken_over(@TempDir Path dir) {
    PostgresOptions database = TestPostgres.get().databaseFor(dir);
    try (Storage survivor = Storage.openPostgresql(database);
        Storage dying = Storage.openPostgresql(database)) {
      AtomicBoolean duringHold = new AtomicBoolean(true);
      assertThatThrownBy(() ->
              dying.exclusively(
                  "retention-purge",
                  () -> {
                    duringHold.set(survivor.exclusively("retention-purge", () -> {}));
                    // The node's session ends mid-job, as when its process is killed.
                    TestPostgres.get().killSessionsHoldingAdvisoryLocks();
                  }))
          .isInstanceOf(CofferException.Unavailable.class);

      assertThat(duringHold).isFalse();
      assertThat(survivor.exclusively("retention-purge", () -> {})).isTrue();
    }
  }
}
