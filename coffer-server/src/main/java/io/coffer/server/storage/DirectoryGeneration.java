package io.coffer.server.storage;

/**
 * The directory's transactions on shared storage: each adds one to the directory's generation as
 * its last statement, in the same transaction, so a node that reads a newer generation (see {@link
 * ReadBarrier}) knows its cached principals, vaults, role assignments and policies may be stale,
 * and no node can see the write without the new generation. The row's lock is held until commit,
 * which serialises directory writes; they are rare and made by administrators.
 */
final class DirectoryGeneration implements Transactions {
  private final Transactions transactions;

  DirectoryGeneration(Transactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public <T> T transaction(Work<T> work) {
    return transactions.transaction(connection -> {
      T result = work.run(connection);
      Jdbc.update(
          connection, "UPDATE directory_generation SET generation = generation + 1 WHERE id = 1");
      return result;
    });
  }
}
