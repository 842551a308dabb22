package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What lets a node answer reads from memory on shared storage without ever answering older data
 * than a write another node acknowledged: before a cached read, {@link #await} makes this node's
 * caches at least as new as the database was at some moment after the read began.
 *
 * <p>It does so with one cheap round trip that concurrent reads share: the change log's head
 * position, the directory's generation, and the changes after the position this node has applied,
 * all read in one statement (one snapshot). A commit acknowledged before the read began has its
 * position at or below that head (positions are taken in commit order, see {@link ChangeLog}), and
 * a directory write bumps the generation in its own transaction ({@link DirectoryGeneration}), so
 * once the round trip's changes are applied, every entry a cache still holds is as new as that
 * moment. A read that arrives while a round trip is in flight waits for the next one, since the one
 * in flight may have read the head before the read began; at most one is in flight, so under load
 * one round trip serves every read that arrived during the previous one.
 *
 * <p>LISTEN/NOTIFY alone could not give this guarantee: a notification arrives some time after the
 * commit, and nothing tells the reader whether it has arrived yet. Polling on a timer has the same
 * gap. With writers that wait until every reader applied their change it can: while the node holds
 * its {@link ReadLease}, reads pass here at once, and these round trips run for the lease. A node
 * that fell more than {@link #CATCH_UP} changes behind, or whose changes were pruned away (a gap in
 * the positions it reads), or sees the head go backwards (a restored database), forgets every
 * cached secret instead of applying changes one by one.
 *
 * <p>A request passes the barrier once, at its first cached read: a round trip that began after
 * that read began also began after the request did, so the request's later reads (its caller, its
 * vault, its access, then the secret) may rely on it too. Requests on shared storage run each on a
 * virtual thread of its own, which is how the barrier knows them; platform threads (background
 * workers that live on) wait at every read. A read's request waits at the {@link #gate} instead,
 * before it has a thread, and starts once it has passed: on the barrier's own thread, which answers
 * the requests a round trip released one after another before it runs the next round trip.
 */
final class ReadBarrier {
  /** Changes applied one by one per round trip; a node further behind forgets every secret. */
  static final int CATCH_UP = 512;

  private static final String ROUND_TRIP =
      "SELECT h.position, g.generation, c.position AS changed, c.vault_id, c.name"
          + " FROM change_log_head h CROSS JOIN directory_generation g"
          + " LEFT JOIN change_log c ON c.position > ? AND c.position <= h.position"
          + " WHERE h.id = 1 AND g.id = 1 ORDER BY c.position LIMIT ?";

  /** A secret some node wrote: its vault and name, as the change log holds them. */
  record Written(String vaultId, String name) {}

  /** What a round trip found changed, told to the caches before any read may use them. */
  interface Caches {
    /** Secrets written on any node since the last round trip. */
    void secretsChanged(List<Written> written);

    /** Changes were missed: no cached secret can be trusted. */
    void everySecretChanged();

    /** Tenants, principals, vaults, role assignments or access policies changed. */
    void directoryChanged();
  }

  private final Supplier<Connection> connections;
  private final Caches caches;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition passed = lock.newCondition();

  // Guarded by lock: round trips started and finished, how the last one ended, and the gated
  // requests waiting for the next to begin.
  private long started;
  private long finished;
  private boolean inFlight;
  private RuntimeException lastFailure;
  private List<Gated> next = new ArrayList<>();

  // Written only by the round trip in flight (one at a time), after the caches were told; read by
  // the next, and by the lease when it reports what this node applied.
  private volatile long applied = -1;
  private volatile long generation = -1;

  private final ReadLease lease;

  ReadBarrier(Supplier<Connection> connections, Caches caches) {
    this(connections, caches, null);
  }

  /** With {@code lease}: while it is held, reads need no round trip (see {@link ReadLease}). */
  ReadBarrier(Supplier<Connection> connections, Caches caches, ReadLease lease) {
    this.connections = connections;
    this.caches = caches;
    this.lease = lease;
  }

  /** Runs a round trip that begins after this call, and says what the caches have applied. */
  ReadLease.Applied caughtUp() {
    awaitRoundTrip();
    return new ReadLease.Applied(applied, generation);
  }

  private boolean leased() {
    return lease != null && lease.held();
  }

  /**
   * Returns once a round trip that began after this call has been applied to the caches, or at once
   * while this node holds its read lease.
   *
   * @throws io.coffer.server.CofferException.Unavailable or {@link StorageException} when the
   *     database cannot be read
   */
  void await() {
    if (leased()) {
      return;
    }
    boolean request = Thread.currentThread().isVirtual();
    if (request) {
      Object passage = PASSAGE.get();
      if (passage == PASSED) {
        return;
      }
      if (passage instanceof RuntimeException failure) {
        PASSAGE.remove(); // told once: a later read tries again
        throw failure;
      }
    }
    awaitRoundTrip();
    if (request) {
      PASSAGE.set(PASSED);
    }
  }

  /**
   * On a request's thread: {@link #PASSED} once it has passed, so its later reads need no round
   * trip of their own; or the failure of the round trip it waited for at the {@link #gate}, which
   * its first cached read reports.
   */
  private static final ThreadLocal<Object> PASSAGE = new ThreadLocal<>();

  private static final Object PASSED = new Object();

  /**
   * Where a request that reads through the caches waits for the barrier without a thread: each task
   * is held until a round trip that began after it came has been applied, then runs as having
   * passed: on the barrier's thread, or on {@code then} when its batch was split into lanes or the
   * round trip was run by a reader that waited in {@link #await}. A thread that waits there costs
   * two hand-overs more (parked, then scheduled again), which on two processors was a fifth of a
   * read's time. After a failed round trip the task runs all the same, on {@code then}, and its
   * first cached read fails as reads do. While this node holds its read lease the task runs at once
   * where it was given.
   */
  Executor gate(Executor then) {
    return task -> {
      if (leased()) {
        task.run(); // answered from memory where it came in, as on a node's own storage
        return;
      }
      lock.lock();
      try {
        next.add(new Gated(task, then));
        if (inFlight) {
          return; // the round trip in flight starts the next one when it ends
        }
        inFlight = true;
      } finally {
        lock.unlock();
      }
      startTripsWhileGated();
    };
  }

  /** A gated request and where it runs once it has passed. */
  private record Gated(Runnable task, Executor then) {}

  private void awaitRoundTrip() {
    lock.lock();
    try {
      long needed = started + 1;
      while (finished < needed) {
        if (inFlight) {
          passed.awaitUninterruptibly();
          continue;
        }
        inFlight = true;
        lock.unlock();
        boolean more;
        try {
          more = trip(false);
        } finally {
          lock.lock();
        }
        if (more) {
          // Gated requests came during this round trip: a thread of their own runs the next.
          startTripsWhileGated();
        }
      }
      if (lastFailure != null) {
        throw lastFailure;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Runs round trips on a thread of their own while gated requests wait; inFlight is set. */
  private void startTripsWhileGated() {
    Thread.ofVirtual().name("coffer-read-barrier").start(this::tripsWhileGated);
  }

  private void tripsWhileGated() {
    boolean more = true;
    while (more) {
      more = trip(true);
    }
  }

  /**
   * One round trip, by the caller that set {@code inFlight}, without the lock: the gated requests
   * that came before it began go aboard, and are released once it is applied. The barrier's own
   * thread answers the first lane of them itself ({@code answerHere}); a reader that ran the round
   * trip for its own read hands them all on.
   *
   * @return whether gated requests came meanwhile; {@code inFlight} then stays set for the caller
   *     to run the next round trip
   */
  private boolean trip(boolean answerHere) {
    long trip;
    List<Gated> aboard;
    lock.lock();
    try {
      trip = ++started;
      aboard = next;
      next = new ArrayList<>();
    } finally {
      lock.unlock();
    }
    RuntimeException failure = null;
    try {
      roundTrip();
    } catch (RuntimeException e) {
      failure = e;
    } catch (Error e) {
      // Told to the waiting reads like any failure: a round trip that ended without its
      // bookkeeping would leave inFlight set, and every later read waiting for ever.
      failure = new StorageException("the read barrier's round trip failed", e);
    }
    boolean more;
    lock.lock();
    try {
      finished = trip;
      lastFailure = failure;
      more = !next.isEmpty();
      inFlight = more;
      passed.signalAll();
    } finally {
      lock.unlock();
    }
    Object passage = failure == null ? PASSED : failure;
    List<List<Gated>> lanes = lanes(aboard);
    // After a failure a request may wait at this barrier for a round trip of its own, which this
    // thread, still in flight, would never run: it may answer only requests that have passed.
    answerHere &= failure == null;
    for (int i = answerHere ? 1 : 0; i < lanes.size(); i++) {
      List<Gated> lane = lanes.get(i);
      try {
        lane.get(0).then().execute(() -> answer(lane, passage));
      } catch (RejectedExecutionException stopping) {
        // The server is stopping: its requests in flight are abandoned with their connections.
      }
    }
    if (answerHere && !lanes.isEmpty()) {
      answer(lanes.get(0), passage);
    }
    return more;
  }

  /**
   * The fewest reads a lane of its own is worth. Released reads mostly answer from memory in a few
   * tens of microseconds: on two processors a thread for each cost about a fifth more per read than
   * answering them in turn, which also lets the reads that come meanwhile share the next round
   * trip. A batch that could keep more processors busy is split into lanes, one per processor at
   * most, the first answered by the barrier's thread.
   */
  private static final int LANE = 16;

  private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

  /** The released requests in lanes, each answered in turn on one thread. */
  private static List<List<Gated>> lanes(List<Gated> aboard) {
    int count = Math.min(PROCESSORS, (aboard.size() + LANE - 1) / LANE);
    List<List<Gated>> lanes = new ArrayList<>(count);
    for (int lane = 0; lane < count; lane++) {
      lanes.add(new ArrayList<>(aboard.size() / count + 1));
    }
    for (int i = 0; i < aboard.size(); i++) {
      lanes.get(i % count).add(aboard.get(i));
    }
    return lanes;
  }

  /** Answers a lane's requests one after another, each as having passed (or told the failure). */
  private static void answer(List<Gated> lane, Object passage) {
    try {
      for (Gated gated : lane) {
        PASSAGE.set(passage);
        try {
          gated.task().run();
        } catch (RuntimeException | Error e) {
          // Reported as a thread of its own would report it. This thread goes on: the lane's
          // other requests, and the round trip it may owe the reads that came meanwhile, wait on
          // it.
          Thread.currentThread()
              .getUncaughtExceptionHandler()
              .uncaughtException(Thread.currentThread(), e);
        }
      }
    } finally {
      PASSAGE.remove();
    }
  }

  /** Reads the head, the generation and the changes after {@link #applied}, and applies them. */
  private void roundTrip() {
    long head;
    long newGeneration;
    List<Written> changes = new ArrayList<>();
    try (Connection c = connections.get();
        PreparedStatement statement = c.prepareStatement(ROUND_TRIP)) {
      statement.setLong(1, Math.max(applied, 0));
      statement.setInt(2, CATCH_UP);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw new StorageException("the change log head row is missing", null);
        }
        head = row.getLong(1);
        newGeneration = row.getLong(2);
        do {
          row.getLong(3);
          if (!row.wasNull()) {
            changes.add(new Written(row.getString(4), row.getString(5)));
          }
        } while (row.next());
      }
    } catch (SQLException e) {
      throw Jdbc.failure(e);
    }
    if (newGeneration != generation) {
      caches.directoryChanged();
      generation = newGeneration;
    }
    // Positions have no gaps when written: fewer rows than positions means some were pruned.
    boolean complete = applied >= 0 && head >= applied && changes.size() == head - applied;
    if (complete) {
      if (!changes.isEmpty()) {
        caches.secretsChanged(changes);
      }
    } else {
      caches.everySecretChanged();
    }
    applied = head;
  }
}
