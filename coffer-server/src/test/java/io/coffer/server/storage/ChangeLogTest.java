package io.coffer.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.server.testing.RunningCoffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change log: every secret write appends one change in the same transaction, and a reader that
 * reads "after N" again and again sees every position exactly once and in order, while writers on
 * many connections commit concurrently (the PostgreSQL run is the one that matters: there commit
 * order must equal log order).
 */
class ChangeLogTest {
  @TempDir Path dir;

  @Test
  void every_secret_write_appends_one_change_of_its_kind() {
    try (RunningCoffer coffer = RunningCoffer.start(dir.resolve("data"))) {
      ChangeLog log = coffer.server().changes();
      SecretClient client = coffer.secretClient();
      long start = log.head();

      String first = client.setSecret("logged", "one").getProperties().getVersion();
      SecretProperties expiring =
          client.getSecret("logged").getProperties().setExpiresOn(OffsetDateTime.now().plusDays(3));
      client.updateSecretProperties(expiring);
      byte[] backup = client.backupSecret("logged");
      client.beginDeleteSecret("logged").waitForCompletion();
      client.beginRecoverDeletedSecret("logged").waitForCompletion();
      client.beginDeleteSecret("logged").waitForCompletion();
      client.purgeDeletedSecret("logged");
      client.restoreSecretBackup(backup);

      List<ChangeRecord> changes = log.after(start, 100);
      assertThat(changes)
          .extracting(ChangeRecord::kind)
          .containsExactly(
              ChangeKind.SET,
              ChangeKind.UPDATE,
              ChangeKind.DELETE,
              ChangeKind.RECOVER,
              ChangeKind.DELETE,
              ChangeKind.PURGE,
              ChangeKind.RESTORE);
      assertThat(changes).extracting(ChangeRecord::name).containsOnly("logged");
      assertThat(changes.get(0).version()).isEqualTo(first);
      assertThat(changes.get(1).exp()).isPresent();
      assertThat(changes.get(5).version()).isEmpty();
      assertThat(changes).extracting(ChangeRecord::position).isSorted().doesNotHaveDuplicates();
      assertThat(log.head()).isEqualTo(changes.get(changes.size() - 1).position());
    }
  }

  @Test
  void a_reader_after_n_sees_every_position_once_in_order_while_writers_commit_concurrently()
      throws Exception {
    try (RunningCoffer coffer = RunningCoffer.start(dir.resolve("data"))) {
      ChangeLog log = coffer.server().changes();
      SecretClient client = coffer.secretClient();
      long start = log.head();
      int writers = 8;
      int each = 25;
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Long> seen = new ArrayList<>();
      List<String> gaps = new ArrayList<>();
      Thread reader =
          Thread.ofPlatform()
              .start(() -> {
                long cursor = start;
                while (writing.get() || cursor < log.head()) {
                  for (ChangeRecord change : log.after(cursor, 500)) {
                    if (change.position() != cursor + 1) {
                      gaps.add(cursor + " -> " + change.position());
                    }
                    cursor = change.position();
                    seen.add(cursor);
                  }
                  log.awaitAfter(cursor, Duration.ofMillis(50));
                }
              });
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          running.add(
              pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                  // Half on one contended name, half on the writer's own.
                  client.setSecret(i % 2 == 0 ? "ordered-shared" : "ordered-" + writer, "v" + i);
                }
              }));
        }
        for (Future<?> f : running) {
          f.get();
        }
      } finally {
        pool.shutdown();
        writing.set(false);
      }
      reader.join(Duration.ofSeconds(30));

      assertThat(gaps).as("positions a reader skipped and saw later").isEmpty();
      assertThat(seen).hasSize(writers * each);
      assertThat(seen.get(seen.size() - 1)).isEqualTo(log.head());
    }
  }

  @Test
  void a_waiter_is_woken_by_a_commit() throws Exception {
    try (RunningCoffer coffer = RunningCoffer.start(dir.resolve("data"))) {
      ChangeLog log = coffer.server().changes();
      coffer.secretClient().setSecret("wakes-waiter", "warm-up");
      long head = log.head();
      Duration timeout = Duration.ofSeconds(60);
      long started = System.nanoTime();
      Thread writer =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  return;
                }
                coffer.secretClient().setSecret("wakes-waiter", "x");
              });
      boolean changed = log.awaitAfter(head, timeout);
      long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
      writer.join();

      assertThat(changed).isTrue();
      assertThat(waited).as("woken, not timed out").isLessThan(timeout.toMillis());
      assertThat(log.after(head, 10)).extracting(ChangeRecord::name).contains("wakes-waiter");
    }
  }
}
