package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Transactions on pooled PostgreSQL connections, at read committed. Writes that depend on what they
 * read lock those rows ({@code SELECT ... FOR UPDATE}); a deadlock or serialisation failure rolls
 * back and runs the work again, a few times, before answering 503.
 */
final class PooledTransactions implements Transactions {
  private static final int ATTEMPTS = 5;

  private final Supplier<Connection> pool;

  PooledTransactions(Supplier<Connection> pool) {
    this.pool = pool;
  }

  @Override
  public <T> T transaction(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return once(work);
      } catch (SQLException e) {
        if (!Jdbc.contended(e) || attempt == ATTEMPTS) {
          throw Jdbc.failure(e);
        }
      } catch (StorageException e) {
        if (!(e.getCause() instanceof SQLException cause)
            || !Jdbc.contended(cause)
            || attempt == ATTEMPTS) {
          throw e;
        }
      }
      pause(attempt);
    }
  }

  private <T> T once(Work<T> work) throws SQLException {
    try (Connection connection = pool.get()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(connection, e);
        throw e;
      }
    }
  }

  private static void rollback(Connection connection, Exception failure) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // The connection is gone; the pool discards it and the database aborted the transaction.
      failure.addSuppressed(e);
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while retrying a transaction", e);
    }
  }
}
