package io.coffer.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.testing.RunningCoffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read barrier's gate, on a real PostgreSQL: a request given to it starts only once a round
 * trip that began after it came has been applied, then reads without a round trip of its own; after
 * a failed round trip its first read reports the failure, and the next read tries again. Each round
 * trip here waits at a turnstile the test opens, so what runs when is not left to timing.
 */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class ReadBarrierGateTest {
  @TempDir Path dir;

  private PostgresOptions database;
  private final Semaphore turnstile = new Semaphore(0);
  private final AtomicInteger tripsBegun = new AtomicInteger();
  private volatile boolean databaseDown;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
  private ReadBarrier barrier;

  @BeforeEach
  void migrate() {
    database = RunningCoffer.database(dir).orElseThrow();
    Storage.openPostgresql(database).close(); // creates the schema the round trip reads
    barrier = new ReadBarrier(connections(), new NoCaches());
  }

  @AfterEach
  void stop() {
    turnstile.release(100);
    requests.shutdownNow();
  }

  @Test
  void a_gated_request_starts_after_a_round_trip_that_began_after_it_came() throws Exception {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    barrier.gate(requests).execute(readTwice(first));
    awaitTripsBegun(1);
    // Given while the first round trip is in flight, which may have read the head before it came.
    barrier.gate(requests).execute(readTwice(second));

    turnstile.release();
    // The first request starts and reads twice while no round trip can pass the turnstile: it
    // needs none of its own. The second waits for the next round trip.
    first.get(10, TimeUnit.SECONDS);
    awaitTripsBegun(2);
    assertThat(second).isNotDone();

    turnstile.release();
    second.get(10, TimeUnit.SECONDS);
    assertThat(tripsBegun).hasValue(2);
  }

  @Test
  void after_a_failed_round_trip_the_first_read_fails_and_the_next_tries_again() throws Exception {
    databaseDown = true;
    CompletableFuture<String> outcome = new CompletableFuture<>();
    barrier
        .gate(requests)
        .execute(() -> {
          try {
            assertThatThrownBy(barrier::await).isInstanceOf(RuntimeException.class);
            int before = tripsBegun.get();
            databaseDown = false;
            turnstile.release();
            barrier.await();
            outcome.complete("round trips: " + (tripsBegun.get() - before));
          } catch (Throwable e) {
            outcome.completeExceptionally(e);
          }
        });
    awaitTripsBegun(1);
    turnstile.release();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("round trips: 1");
  }

  @Test
  void a_request_told_of_a_failure_may_wait_for_a_round_trip_while_others_wait_for_theirs()
      throws Exception {
    databaseDown = true;
    CompletableFuture<Void> told = new CompletableFuture<>();
    CompletableFuture<Void> other = new CompletableFuture<>();
    barrier
        .gate(requests)
        .execute(() -> {
          try {
            assertThatThrownBy(barrier::await).isInstanceOf(RuntimeException.class);
            databaseDown = false;
            turnstile.release(10);
            // Waits for a round trip while the barrier's thread still owes the other request its
            // own: answered on that thread, this would wait for itself.
            barrier.await();
            told.complete(null);
          } catch (Throwable e) {
            told.completeExceptionally(e);
          }
        });
    awaitTripsBegun(1);
    barrier.gate(requests).execute(readTwice(other));
    turnstile.release();
    told.get(10, TimeUnit.SECONDS);
    other.get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_request_that_throws_leaves_the_others_of_its_round_trip_answered() throws Exception {
    CompletableFuture<Void> after = new CompletableFuture<>();
    barrier.gate(requests).execute(readTwice(new CompletableFuture<>()));
    awaitTripsBegun(1);
    // Both come during the first round trip and are released together by the second.
    barrier
        .gate(requests)
        .execute(() -> {
          throw new IllegalStateException("a request that fails unexpectedly (test)");
        });
    barrier.gate(requests).execute(readTwice(after));
    turnstile.release(2);
    after.get(10, TimeUnit.SECONDS);
    assertThat(tripsBegun).hasValue(2);
  }

  /** A request that reads twice. */
  private Runnable readTwice(CompletableFuture<Void> done) {
    return () -> {
      try {
        barrier.await();
        barrier.await();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    };
  }

  private Supplier<Connection> connections() {
    return () -> {
      tripsBegun.incrementAndGet();
      try {
        if (!turnstile.tryAcquire(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never let the round trip through");
        }
        if (databaseDown) {
          throw new StorageException("the database is down (test)", null);
        }
        return DriverManager.getConnection(
            database.jdbcUrl(), database.user(), database.password());
      } catch (InterruptedException | SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private void awaitTripsBegun(int trips) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tripsBegun.get() < trips && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(tripsBegun.get()).isEqualTo(trips);
  }

  private static final class NoCaches implements ReadBarrier.Caches {
    @Override
    public void secretsChanged(List<ReadBarrier.Written> written) {}

    @Override
    public void everySecretChanged() {}

    @Override
    public void directoryChanged() {}
  }
}
