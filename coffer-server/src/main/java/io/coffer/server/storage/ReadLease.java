package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lets a node on shared storage answer reads from memory with no round trip at all: while it
 * holds a lease, every write any node acknowledged has already been applied to its caches.
 *
 * <p>The promise is kept by the writers. A node's lease is a row in {@code read_leases}: an expiry
 * on PostgreSQL's clock, and the change-log position and directory generation the node has applied.
 * A write, once committed, is acknowledged only when no unexpired lease is behind it ({@link
 * #awaitHolders}). Its commit notifies the nodes (LISTEN/NOTIFY), each of which runs the {@link
 * ReadBarrier}'s round trip and reports what it applied, so a write waits about one round trip per
 * node; a node that stopped answering holds writes up to the rest of its term, {@link #TERM}.
 *
 * <p>The node itself counts its term from before it sent the renewal, less a tenth for clocks that
 * run at slightly different rates, so it believes the lease gone before PostgreSQL does. A term
 * that ran out may have let a writer pass this node over; a renewal after that is trusted only once
 * a round trip begun after it has been applied. A node that loses its listening connection gives
 * the lease up at once, and its reads wait for the barrier until it holds one again.
 *
 * <p>A database restored to an older state while nodes run is not covered: a node's reported
 * position may then be ahead of the restored log's until its next renewal. Restart nodes after a
 * restore.
 */
final class ReadLease implements AutoCloseable {
  /** How long a lease lasts without renewal: the longest a dead node can hold up a write. */
  static final Duration TERM = Duration.ofSeconds(1);

  /** How often a node renews when nothing changed. */
  static final Duration RENEW = Duration.ofMillis(200);

  /** What a node takes off its own view of the term, for clock drift. */
  private static final long MARGIN_NANOS = TERM.toNanos() / 10;

  /** Notified by every committing write that a node must see (secrets and the directory). */
  static final String CHANNEL = "coffer_changes";

  /** Notified by a node whose report moved, for the writers waiting on other nodes. */
  static final String APPLIED = "coffer_applied";

  private static final Logger LOG = LoggerFactory.getLogger(ReadLease.class);

  private static final String RENEWAL =
      "INSERT INTO read_leases(node_id, expires_at, position, generation)"
          + " VALUES (?, clock_timestamp() + ? * interval '1 millisecond', ?, ?)"
          + " ON CONFLICT (node_id) DO UPDATE SET expires_at = EXCLUDED.expires_at,"
          + " position = EXCLUDED.position, generation = EXCLUDED.generation";

  private static final String RENEWAL_TOLD =
      "WITH renewed AS ("
          + RENEWAL
          + " RETURNING 1) SELECT pg_notify('"
          + APPLIED
          + "', '')"
          + " FROM renewed";

  /** The least any unexpired lease has applied; with no lease, nothing to wait for. */
  private static final String HORIZON =
      "SELECT COALESCE(MIN(position), "
          + Long.MAX_VALUE
          + "), COALESCE(MIN(generation), "
          + Long.MAX_VALUE
          + ") FROM read_leases WHERE expires_at > clock_timestamp()";

  /** What this node's caches have applied, as the barrier's last round trip left them. */
  record Applied(long position, long generation) {
    boolean covers(long position, long generation) {
      return this.position >= position && this.generation >= generation;
    }
  }

  /** How a writer of this process waits, after its commit, for the nodes holding leases. */
  interface Holders {
    /** Returns once every unexpired lease has applied {@code position} and {@code generation}. */
    void awaitApplied(long position, long generation);
  }

  private final Supplier<Connection> listening;
  private final Jdbc jdbc;
  private final String node = UUID.randomUUID().toString();
  private volatile long heldUntil;
  private volatile boolean closed;
  private volatile boolean listens;
  private Thread thread;

  // Written by the lease thread only: what it last reported.
  private Applied reported = new Applied(-1, -1);

  /** Writers of this process waiting: while any do, the lease thread reads the leases for them. */
  private final AtomicInteger waiting = new AtomicInteger();

  // Guarded by lock: the least any unexpired lease had applied when the lease thread last read
  // them (read whenever writers wait and something changed).
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition horizonRead = lock.newCondition();
  private Applied horizon = new Applied(-1, -1);

  /**
   * @param listening opens the connection the node listens on, kept for as long as it works
   * @param jdbc the pool, for a writer's first look at the leases and for giving the lease up
   */
  ReadLease(Supplier<Connection> listening, Jdbc jdbc) {
    this.listening = listening;
    this.jdbc = jdbc;
  }

  /** Starts taking and renewing the lease; {@code catchUp} runs one round trip and applies it. */
  void start(Supplier<Applied> catchUp) {
    thread = Thread.ofPlatform().name("coffer-read-lease").daemon().start(() -> keep(catchUp));
  }

  /** Whether this node holds its lease now, so its caches are as new as any acknowledged write. */
  boolean held() {
    long until = heldUntil;
    return until != 0 && until - System.nanoTime() > 0;
  }

  private void keep(Supplier<Applied> catchUp) {
    boolean told = false;
    while (!closed) {
      try (Connection listener = listening.get()) {
        PGConnection notices = listener.unwrap(PGConnection.class);
        try (Statement statement = listener.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
          statement.execute("LISTEN " + APPLIED);
        }
        listens = true;
        long renewed = 0;
        boolean changed = true;
        while (!closed) {
          if (changed || System.nanoTime() - renewed >= RENEW.toNanos()) {
            renew(listener, catchUp);
            renewed = System.nanoTime();
            if (told) {
              LOG.info("read lease held again: reads are answered from memory");
              told = false;
            }
          }
          if (waiting.get() > 0) {
            publish(readHorizon(listener));
          }
          long untilRenewal = RENEW.toNanos() - (System.nanoTime() - renewed);
          // Returns at the first change or report notified, or when the lease wants renewing.
          PGNotification[] notes =
              notices.getNotifications((int) Math.max(1, untilRenewal / 1_000_000));
          changed = false;
          for (PGNotification note : notes == null ? new PGNotification[0] : notes) {
            changed |= CHANNEL.equals(note.getName());
          }
        }
      } catch (SQLException | RuntimeException e) {
        heldUntil = 0;
        listens = false;
        wakeWriters(); // they look for themselves now
        if (!closed && !told) {
          LOG.warn(
              "no read lease: reads wait for a round trip each until one is held: {}",
              e.getMessage());
          told = true;
        }
        LockSupport.parkNanos(RENEW.toNanos());
      }
    }
  }

  /** Applies what changed, then extends the term, reporting what was applied. */
  private void renew(Connection listener, Supplier<Applied> catchUp) throws SQLException {
    Applied applied = catchUp.get();
    long sent = System.nanoTime();
    report(listener, applied);
    long until = heldUntil;
    if (until == 0 || System.nanoTime() - until >= 0) {
      // The term had run out, or never began: a write may have passed this node over before the
      // renewal landed. Only a round trip begun after it knows every such write.
      report(listener, catchUp.get());
    }
    heldUntil = sent + TERM.toNanos() - MARGIN_NANOS;
  }

  /** Renews the lease with what was applied; writers hear of it when it moved. */
  private void report(Connection listener, Applied applied) throws SQLException {
    Object[] args = {
      node, TERM.toMillis(), applied.position(), applied.generation(),
    };
    if (applied.equals(reported)) {
      Jdbc.update(listener, RENEWAL, args);
    } else {
      Jdbc.query(listener, RENEWAL_TOLD, row -> null, args);
      reported = applied;
    }
  }

  private static Applied readHorizon(Connection connection) throws SQLException {
    return Jdbc.query(connection, HORIZON, ReadLease::applied).get(0);
  }

  private static Applied readHorizon(Jdbc jdbc) {
    return jdbc.readOne(HORIZON, ReadLease::applied).orElseThrow();
  }

  private static Applied applied(ResultSet row) throws SQLException {
    return new Applied(row.getLong(1), row.getLong(2));
  }

  private void publish(Applied read) {
    lock.lock();
    try {
      horizon = read;
      horizonRead.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void wakeWriters() {
    lock.lock();
    try {
      horizonRead.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * On a writer of this node, after its commit: returns once every node holding a lease has applied
   * change-log position {@code position} and directory generation {@code generation}, or its lease
   * expired. The writer reads the leases once itself; after that this node's lease thread reads
   * them for all its waiting writers whenever a node reports or a term may have run out, so a wave
   * of writes costs one read per node rather than one per write. Bounded by two terms, in case a
   * node's clock misleads it; that is logged.
   */
  void awaitApplied(long position, long generation) {
    if (!listens || !awaitedHere(position, generation)) {
      awaitHolders(jdbc, position, generation);
    }
  }

  /**
   * The in-memory wait of {@link #awaitApplied}.
   *
   * @return false when the lease thread stopped listening before the write was covered
   */
  private boolean awaitedHere(long position, long generation) {
    long deadline = System.nanoTime() + 2 * TERM.toNanos();
    waiting.incrementAndGet();
    try {
      // Registered first: any report after this read wakes the lease thread to read again.
      if (readHorizon(jdbc).covers(position, generation)) {
        return true;
      }
      lock.lock();
      try {
        while (!horizon.covers(position, generation)) {
          if (!listens) {
            return false;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            LOG.warn("read leases stayed behind a write for two terms; acknowledging it");
            return true;
          }
          horizonRead.awaitNanos(left);
        }
        return true;
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while nodes applied a write", e);
    } finally {
      waiting.decrementAndGet();
    }
  }

  /**
   * A writer without a listening lease thread of its own (a tool, a node whose listening connection
   * is down): reads the leases until none is behind, or two terms passed.
   */
  static void awaitHolders(Jdbc jdbc, long position, long generation) {
    long deadline = System.nanoTime() + 2 * TERM.toNanos();
    long pause = 100_000;
    while (!readHorizon(jdbc).covers(position, generation)) {
      if (System.nanoTime() - deadline > 0) {
        LOG.warn("read leases stayed behind a write for two terms; acknowledging it");
        return;
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, 5_000_000);
    }
  }

  /** Gives the lease up, so writers no longer wait for this node. */
  @Override
  public void close() {
    closed = true;
    heldUntil = 0;
    if (thread != null) {
      try {
        thread.join(TERM.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      jdbc.read("DELETE FROM read_leases WHERE node_id = ? RETURNING node_id", row -> null, node);
    } catch (RuntimeException e) {
      // Unreachable storage: the row expires within a term.
    }
  }
}
