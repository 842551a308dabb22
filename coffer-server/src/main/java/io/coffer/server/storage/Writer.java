package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/** The single writing connection: one transaction at a time, committed durably. */
final class Writer implements Transactions {
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock(true);

  Writer(Connection connection) {
    this.connection = connection;
  }

  @Override
  public <T> T transaction(Work<T> work) {
    lock.lock();
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StorageException("write failed: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
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
