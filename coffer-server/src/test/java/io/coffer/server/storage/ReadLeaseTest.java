package io.coffer.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node's read lease on a real PostgreSQL, its round trips counted and held at a gate the test
 * opens: a renewal that lands after the term ran out (here, held up by a row lock) is trusted only
 * once a round trip begun after it has been applied, since a writer may have passed the node over
 * while its lease was expired.
 */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class ReadLeaseTest {
  @TempDir Path dir;

  private PostgresOptions database;
  private final Semaphore gate = new Semaphore(0);
  private final AtomicInteger trips = new AtomicInteger();
  private volatile boolean holdTrips;

  @BeforeEach
  void migrate() {
    database = RunningCoffer.database(dir).orElseThrow();
    Storage.openPostgresql(database).close(); // creates read_leases
  }

  @Test
  void a_renewal_after_the_term_ran_out_is_trusted_only_after_a_round_trip_begun_after_it()
      throws Exception {
    Supplier<ReadLease.Applied> roundTrip =
        () -> {
          trips.incrementAndGet();
          if (holdTrips) {
            gate.acquireUninterruptibly();
          }
          return new ReadLease.Applied(0, 0);
        };
    try (ReadLease lease = new ReadLease(this::connect, new Jdbc(this::connect))) {
      lease.start(roundTrip);
      awaitTrue(lease::held);
      try (Connection blocker = connect()) {
        blocker.setAutoCommit(false);
        try (Statement statement = blocker.createStatement()) {
          statement.executeQuery("SELECT * FROM read_leases FOR UPDATE").close();
        }
        // Renewals wait for the row: the term runs out.
        awaitTrue(() -> !lease.held());
        int before = trips.get();
        holdTrips = true;
        blocker.commit(); // the waiting renewal lands now, after the term ran out
        awaitTrue(() -> trips.get() > before);
      }
      // The round trip begun after the renewal is held at the gate: the lease is not held yet.
      for (int i = 0; i < 30; i++) {
        assertThat(lease.held()).as("held before a round trip after the renewal").isFalse();
        Thread.sleep(10);
      }
      holdTrips = false;
      gate.release(100);
      awaitTrue(lease::held);
    } finally {
      holdTrips = false;
      gate.release(100);
    }
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited 10 s").isNegative();
      Thread.sleep(5);
    }
  }

  private Connection connect() {
    try {
      return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
