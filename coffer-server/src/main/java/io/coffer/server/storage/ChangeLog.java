package io.coffer.server.storage;

import java.time.Duration;
import java.util.List;

/**
 * Every committed secret write, in commit order: written in the same transaction as the write, so a
 * change is in the log if and only if it committed, and read as "changes after position N". A
 * reader that has read up to N and asks again never misses a change committed later, on SQLite (one
 * writer) and on PostgreSQL (each writing transaction takes its position from one counter row as
 * its last statement and holds that row's lock until it commits, so positions are handed out in
 * commit order; a sequence would hand them out at the statement, and a transaction holding 5 could
 * commit after one holding 6 had already been read past).
 */
public interface ChangeLog {

  /** Changes committed after {@code position}, oldest first, at most {@code limit}. */
  List<ChangeRecord> after(long position, int limit);

  /** The newest position handed out (0 before the first change). */
  long head();

  /** The oldest position still held, or {@code head() + 1} when the log is empty. */
  long oldest();

  /**
   * Waits until a change after {@code position} has committed, or {@code timeout} passed, or
   * waiting was stopped. Commits of this process end the wait at once; on shared storage another
   * node's commit is seen within a fraction of a second.
   *
   * @return whether a change after {@code position} is known to exist
   */
  boolean awaitAfter(long position, Duration timeout);

  /** Ends every wait now and every later one at once: the server is stopping. */
  void stopWaiting();

  /** Where the durable reader {@code reader} has read up to; 0 when it never read. */
  long readerPosition(String reader);

  /**
   * Deletes up to {@code limit} changes committed before {@code before} (Unix milliseconds) that
   * every durable reader has read.
   *
   * @return how many were deleted
   */
  int prune(long before, int limit);
}
