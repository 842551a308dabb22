package io.coffer.server.storage;

/**
 * The directory's transactions on shared storage: each adds one to the directory's generation as
 * its last statement, in the same transaction, so a node that reads a newer generation (see {@link
 * ReadBarrier}) knows its cached principals, vaults, role assignments and policies may be stale,
 * and no node can see the write without the new generation. The row's lock is held until commit,
 * which serialises directory writes; they are rare and made by administrators. The commit notifies
 * the nodes holding read leases, and returns once they have applied it ({@link ReadLease}).
 */
final class DirectoryGeneration implements Transactions {
  private final Transactions transactions;
  private final ReadLease.Holders holders;

  DirectoryGeneration(Transactions transactions, ReadLease.Holders holders) {
    this.transactions = transactions;
    this.holders = holders;
  }

  @Override
  public <T> T transaction(Work<T> work) {
    long[] generation = {0};
    T result =
        transactions.transaction(connection -> {
          T done = work.run(connection);
          generation[0] =
              Jdbc.query(
                      connection,
                      "UPDATE directory_generation SET generation = generation + 1 WHERE id = 1"
                          + " RETURNING generation",
                      row -> row.getLong(1))
                  .get(0);
          Jdbc.update(connection, "NOTIFY " + ReadLease.CHANNEL);
          return done;
        });
    holders.awaitApplied(0, generation[0]);
    return result;
  }
}
