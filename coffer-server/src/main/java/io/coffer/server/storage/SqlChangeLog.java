package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link ChangeLog} in SQL, and the writing side its transactions use ({@link #append}). Waiting is
 * in memory: this process's commits signal it, and on shared storage a waiter re-reads the head row
 * at most every {@link #POLL} (one waiter at a time does, for all), since other nodes' commits send
 * no signal here.
 */
final class SqlChangeLog implements ChangeLog {
  /** How often, at most, the head row is read while someone waits on shared storage. */
  static final Duration POLL = Duration.ofMillis(200);

  private final Jdbc jdbc;
  private final Transactions writer;
  private final boolean shared;
  private final ReadLease.Holders holders;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();
  private final AtomicLong lastPoll = new AtomicLong();
  private long known;
  private boolean stopped;

  SqlChangeLog(Jdbc jdbc, Transactions writer, boolean shared, ReadLease.Holders holders) {
    this.jdbc = jdbc;
    this.holders = holders;
    this.writer = writer;
    this.shared = shared;
    this.known = head();
  }

  /**
   * Appends {@code changes} inside the caller's transaction, as its last statements: the counter
   * row's update takes the positions (and, on PostgreSQL, the row's lock until commit). On shared
   * storage the commit also notifies the nodes holding read leases ({@link ReadLease}).
   *
   * @return the last position taken
   */
  long append(Connection connection, List<ChangeRecord> changes) throws SQLException {
    long last =
        Jdbc.query(
                connection,
                "UPDATE change_log_head SET position = position + ? WHERE id = 1 RETURNING position",
                row -> row.getLong(1),
                (long) changes.size())
            .get(0);
    long position = last - changes.size();
    for (ChangeRecord change : changes) {
      Jdbc.update(
          connection,
          "INSERT INTO change_log(position, vault_id, name, version, kind, nbf, exp, at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          ++position,
          change.vaultId(),
          change.name(),
          change.version(),
          change.kind().wireName(),
          Jdbc.nullable(change.nbf()),
          Jdbc.nullable(change.exp()),
          change.at());
    }
    if (shared) {
      Jdbc.update(connection, "NOTIFY " + ReadLease.CHANNEL);
    }
    return last;
  }

  /**
   * A write committed up to {@code position}: wakes this process's waiters and, on shared storage,
   * returns once every node holding a read lease has applied it, so it may be acknowledged.
   */
  void acknowledge(long position) {
    if (position == 0) {
      return;
    }
    committed(position);
    holders.awaitApplied(position, 0);
  }

  /** A commit of this process reached {@code position}: wakes the waiters. */
  void committed(long position) {
    lock.lock();
    try {
      if (position > known) {
        known = position;
        advanced.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<ChangeRecord> after(long position, int limit) {
    return jdbc.read(
        Jdbc.limit(
            "SELECT position, vault_id, name, version, kind, nbf, exp, at FROM change_log"
                + " WHERE position > ? ORDER BY position",
            limit),
        SqlChangeLog::change,
        position);
  }

  @Override
  public long head() {
    return jdbc.readOne("SELECT position FROM change_log_head WHERE id = 1", row -> row.getLong(1))
        .orElse(0L);
  }

  @Override
  public long oldest() {
    return jdbc.readOne("SELECT MIN(position) FROM change_log", row -> row.getLong(1))
        .filter(p -> p > 0)
        .orElseGet(() -> head() + 1);
  }

  @Override
  public boolean awaitAfter(long position, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (known <= position && !stopped) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        if (shared) {
          lock.unlock();
          try {
            pollHead();
          } finally {
            lock.lock();
          }
          if (known > position) {
            break;
          }
          left = Math.min(left, POLL.toNanos());
        }
        advanced.awaitNanos(left);
      }
      return known > position;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return known > position;
    } finally {
      lock.unlock();
    }
  }

  /** Reads the head row if no one did for a poll period; another node's commits show up here. */
  private void pollHead() {
    long now = System.nanoTime();
    long last = lastPoll.get();
    if (now - last < POLL.toNanos() || !lastPoll.compareAndSet(last, now)) {
      return;
    }
    try {
      committed(head());
    } catch (RuntimeException e) {
      // Storage is down: the waiter times out or the next poll reads again.
    }
  }

  @Override
  public void stopWaiting() {
    lock.lock();
    try {
      stopped = true;
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long readerPosition(String reader) {
    return jdbc.readOne(
            "SELECT position FROM change_log_readers WHERE reader = ?",
            row -> row.getLong(1),
            reader)
        .orElse(0L);
  }

  @Override
  public int prune(long before, int limit) {
    return writer.transaction(c ->
        Jdbc.update(
            c,
            "DELETE FROM change_log WHERE position IN (SELECT position FROM change_log"
                + " WHERE at < ? AND position <= (SELECT COALESCE(MIN(position), 0)"
                + " FROM change_log_readers) ORDER BY position LIMIT ?)",
            before,
            limit));
  }

  /** Moves a durable reader's position, inside the caller's transaction. */
  static void moveReader(Connection connection, String reader, long position) throws SQLException {
    int moved =
        Jdbc.update(
            connection,
            "UPDATE change_log_readers SET position = ? WHERE reader = ?",
            position,
            reader);
    if (moved == 0) {
      Jdbc.update(
          connection,
          "INSERT INTO change_log_readers(reader, position) VALUES (?, ?)",
          reader,
          position);
    }
  }

  private static ChangeRecord change(ResultSet row) throws SQLException {
    return new ChangeRecord(
        row.getLong("position"),
        row.getString("vault_id"),
        row.getString("name"),
        row.getString("version"),
        ChangeKind.of(row.getString("kind")),
        Jdbc.optionalLong(row, "nbf"),
        Jdbc.optionalLong(row, "exp"),
        row.getLong("at"));
  }

  /** A change about to be written: its position is taken at commit. */
  static ChangeRecord draft(
      String vaultId,
      String name,
      String version,
      ChangeKind kind,
      OptionalLong nbf,
      OptionalLong exp) {
    return new ChangeRecord(0, vaultId, name, version, kind, nbf, exp, System.currentTimeMillis());
  }
}
