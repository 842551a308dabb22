package io.coffer.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single SQLite writer commits concurrent writers' work in groups: one fsync for many, each
 * writer answered after the commit that holds its work, a failing piece of work rolled back alone.
 */
class GroupCommitTest {
  private static final int THREADS = 32;
  private static final int EACH = 40;

  @Test
  void concurrent_writes_share_commits_and_a_failure_rolls_back_only_its_own_work(@TempDir Path dir)
      throws Exception {
    Connection connection = open(dir);
    Writer writer = new Writer(connection);
    Set acknowledged = new Set();
    Set refused = new Set();
    AtomicInteger wrongAnswers = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      int id = w;
      threads.add(
          Thread.ofVirtual()
              .start(() -> {
                await(start);
                for (int n = 0; n < EACH; n++) {
                  int row = n;
                  try {
                    int answer =
                        writer.transaction(c -> {
                          Jdbc.update(c, "INSERT INTO t VALUES (?, ?)", id, row);
                          if (row % 7 == 3) {
                            throw new IllegalStateException("refused after writing");
                          }
                          return id * 1000 + row;
                        });
                    if (answer != id * 1000 + row) {
                      wrongAnswers.incrementAndGet();
                    }
                    acknowledged.add(id, row);
                  } catch (IllegalStateException e) {
                    refused.add(id, row);
                  }
                }
              }));
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    Set stored = new Set();
    try (Statement query = connection.createStatement();
        ResultSet rows = query.executeQuery("SELECT writer, n FROM t")) {
      while (rows.next()) {
        stored.add(rows.getInt(1), rows.getInt(2));
      }
    }
    assertThat(wrongAnswers).hasValue(0);
    assertThat(stored.keys).isEqualTo(acknowledged.keys);
    assertThat(refused.keys).hasSize(THREADS * (EACH / 7 + (EACH % 7 > 3 ? 1 : 0)));
    assertThat(stored.keys).doesNotContainAnyElementsOf(refused.keys);
    writer.close();
  }

  @Test
  void writers_that_queue_behind_a_commit_share_the_next_one(@TempDir Path dir) throws Exception {
    Writer writer = new Writer(open(dir));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread first =
        Thread.ofVirtual()
            .start(() ->
                writer.transaction(c -> {
                  holding.countDown();
                  await(release);
                  return Jdbc.update(c, "INSERT INTO t VALUES (0, 0)");
                }));
    await(holding);
    AtomicInteger queued = new AtomicInteger();
    List<Thread> others = new ArrayList<>();
    for (int w = 1; w < THREADS; w++) {
      int id = w;
      others.add(
          Thread.ofVirtual()
              .start(() -> {
                queued.incrementAndGet();
                writer.transaction(c -> Jdbc.update(c, "INSERT INTO t VALUES (?, 0)", id));
              }));
    }
    while (queued.get() < THREADS - 1) {
      Thread.sleep(5);
    }
    Thread.sleep(200); // from counted to queued is a few instructions
    release.countDown();
    first.join();
    for (Thread thread : others) {
      thread.join();
    }

    assertThat(writer.commits()).as("commits for %d writers", THREADS).isLessThanOrEqualTo(3);
    writer.close();
  }

  private static Connection open(Path dir) throws java.sql.SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
    try (Statement setup = connection.createStatement()) {
      setup.execute("PRAGMA journal_mode=WAL");
      setup.execute("PRAGMA synchronous=FULL");
      setup.execute("CREATE TABLE t (writer INTEGER, n INTEGER, PRIMARY KEY (writer, n))");
    }
    return connection;
  }

  /** Thread-safe set of (writer, n). */
  private static final class Set {
    final java.util.Set<String> keys = ConcurrentHashMap.newKeySet();

    void add(int writer, int n) {
      keys.add(writer + "/" + n);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
