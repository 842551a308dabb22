package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
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

  /** One writer's work and the answer it waits for. */
  private record Pending<T>(Work<T> work, CompletableFuture<T> answer) {
    /** Runs the work inside a savepoint; its failure is kept for its writer, the group goes on. */
    void runIn(Connection connection, List<Runnable> completions) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SAVEPOINT work");
        try {
          T result = work.run(connection);
          statement.execute("RELEASE work");
          completions.add(() -> answer.complete(result));
        } catch (SQLException | RuntimeException e) {
          statement.execute("ROLLBACK TO work");
          statement.execute("RELEASE work");
          completions.add(() -> answer.completeExceptionally(e));
        }
      } catch (SQLException e) {
        throw new StorageException("write failed: " + e.getMessage(), e);
      }
    }
  }

  Writer(Connection connection) {
    this.connection = connection;
  }

  @Override
  public <T> T transaction(Work<T> work) {
    Pending<T> pending = new Pending<>(work, new CompletableFuture<>());
    queue.add(pending);
    // Lead a group if no one is committing; otherwise the one who is will take this work next.
    while (!pending.answer().isDone()) {
      if (lock.tryLock()) {
        try {
          commitGroup();
        } finally {
          lock.unlock();
        }
      } else if (!pending.answer().isDone()) {
        lock.lock();
        lock.unlock();
      }
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

  /** Runs what is queued, up to a group's size, in one transaction. Holds the lock. */
  private void commitGroup() {
    List<Pending<?>> group = new ArrayList<>();
    for (Pending<?> next = queue.poll(); next != null; next = queue.poll()) {
      group.add(next);
      if (group.size() == MAX_GROUP) {
        break;
      }
    }
    if (group.isEmpty()) {
      return;
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
      return;
    }
    completions.forEach(Runnable::run);
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
    }
  }
}
