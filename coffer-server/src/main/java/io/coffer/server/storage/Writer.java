package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single writing connection, with group commit. A commit is one fsync, and a disk does a few
 * thousand of those a second, so writers that arrive while a commit is on its way share the next
 * one: whoever holds the connection runs every queued piece of work in one transaction, each inside
 * its own savepoint (a failing one is rolled back alone), commits once, and only then answers each
 * writer. Nothing is acknowledged before its own data is durable; a failed commit fails the whole
 * group.
 */
final class Writer implements Transactions {
  /** Bounds how long the first writer of a group waits on the others' work. */
  private static final int MAX_GROUP = 128;

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicLong commits =
      new java.util.concurrent.atomic.AtomicLong();

  /** One writer's work, the answer it waits for, and the thread that waits. */
  private record Pending<T>(Work<T> work, CompletableFuture<T> answer, Thread writer) {
    /** Runs the work inside a savepoint; its failure is kept for its writer, the group goes on. */
    void runIn(Connection connection, List<Runnable> completions) {
      try {
        Jdbc.update(connection, "SAVEPOINT work");
        try {
          T result = work.run(connection);
          Jdbc.update(connection, "RELEASE work");
          completions.add(() -> answer.complete(result));
        } catch (SQLException | RuntimeException e) {
          Jdbc.update(connection, "ROLLBACK TO work");
          Jdbc.update(connection, "RELEASE work");
          completions.add(() -> answer.completeExceptionally(e));
        }
      } catch (SQLException e) {
        throw new StorageException("write failed: " + e.getMessage(), e);
      }
    }

    void wake() {
      LockSupport.unpark(writer);
    }
  }

  Writer(Connection connection) {
    this.connection = connection;
  }

  /**
   * Leads a group if no one is committing; otherwise sleeps. Whoever lets go of the connection
   * wakes the first writer still queued, who leads the next group, and then answers and wakes each
   * writer of its own group. Waiting on the lock instead made every writer of a group take and
   * release it in turn after each commit, a convoy that cost more than the commit.
   */
  @Override
  public <T> T transaction(Work<T> work) {
    Pending<T> pending = new Pending<>(work, new CompletableFuture<>(), Thread.currentThread());
    queue.add(pending);
    boolean interrupted = false;
    while (!pending.answer().isDone()) {
      if (lock.tryLock()) {
        List<Pending<?>> group;
        try {
          group = commitGroup();
        } finally {
          lock.unlock();
        }
        wakeNext();
        group.forEach(Pending::wake);
      } else {
        LockSupport.park(this);
        // The answer is owed whatever happens: keep waiting, and hand the interrupt back after.
        interrupted |= Thread.interrupted();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    try {
      return pending.answer().get();
    } catch (ExecutionException e) {
      throw switch (e.getCause()) {
        case RuntimeException runtime -> runtime;
        case SQLException sql -> new StorageException("write failed: " + sql.getMessage(), sql);
        default -> new StorageException("write failed", e.getCause());
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for a commit", e);
    }
  }

  /**
   * Runs what is queued, up to a group's size, in one transaction, and completes each answer. Holds
   * the lock; the caller wakes the group's writers once it has let go.
   */
  private List<Pending<?>> commitGroup() {
    List<Pending<?>> group = new ArrayList<>();
    for (Pending<?> next = queue.poll(); next != null; next = queue.poll()) {
      group.add(next);
      if (group.size() == MAX_GROUP) {
        break;
      }
    }
    if (group.isEmpty()) {
      return group;
    }
    List<Runnable> completions = new ArrayList<>(group.size());
    try {
      connection.setAutoCommit(false);
      try {
        for (Pending<?> pending : group) {
          pending.runIn(connection, completions);
        }
        connection.commit();
        commits.incrementAndGet();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException e) {
      StorageException failed =
          e instanceof StorageException storage
              ? storage
              : new StorageException("commit failed: " + e.getMessage(), e);
      group.forEach(p -> p.answer().completeExceptionally(failed));
      return group;
    }
    completions.forEach(Runnable::run);
    return group;
  }

  /** Wakes the first writer still queued, to lead the next group. */
  private void wakeNext() {
    Pending<?> next = queue.peek();
    if (next != null) {
      next.wake();
    }
  }

  /** How many commits (groups) have been made, for tests and metrics. */
  long commits() {
    return commits.get();
  }

  void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StorageException("closing the database failed", e);
    } finally {
      lock.unlock();
      wakeNext(); // writers still queued lead in turn, and are answered with the failure
    }
  }
}
