package io.coffer.server.storage;

import java.util.Optional;

/**
 * What the nodes of one database must agree on, by name ({@code master-key}, {@code tls-ca}): a
 * fingerprint, when and by which node it was recorded. The first node to start records; the others
 * compare. Holds fingerprints only, never a key.
 */
public final class ClusterRecords {
  /** A recorded fingerprint. */
  public record Recorded(String fingerprint, long recorded, String recordedBy) {}

  private static final String SELECT =
      "SELECT fingerprint, recorded, recorded_by FROM cluster_identity WHERE name = ?";

  private final Transactions writer;
  private final Jdbc jdbc;

  ClusterRecords(Transactions writer, Jdbc jdbc) {
    this.writer = writer;
    this.jdbc = jdbc;
  }

  public Optional<Recorded> get(String name) {
    return jdbc.readOne(SELECT, ClusterRecords::recorded, name);
  }

  /**
   * Records {@code fingerprint} unless something is recorded under the name already (a node that
   * started first, or at the same moment, won); returns what is recorded now.
   */
  public Recorded recordFirst(String name, String fingerprint, String node, long now) {
    return writer.transaction(connection -> {
      Jdbc.update(
          connection,
          "INSERT INTO cluster_identity(name, fingerprint, recorded, recorded_by)"
              + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
          name,
          fingerprint,
          now,
          node);
      return Jdbc.query(connection, SELECT, ClusterRecords::recorded, name).get(0);
    });
  }

  /**
   * Replaces what is recorded under the name only if it is still {@code expected}.
   *
   * @return whether it was replaced
   */
  public boolean replace(String name, String expected, String fingerprint, String node, long now) {
    return writer.transaction(connection ->
        Jdbc.update(
                connection,
                "UPDATE cluster_identity SET fingerprint = ?, recorded = ?, recorded_by = ?"
                    + " WHERE name = ? AND fingerprint = ?",
                fingerprint,
                now,
                node,
                name,
                expected)
            == 1);
  }

  /** Records {@code fingerprint} under the name, whatever was recorded before. */
  public void record(String name, String fingerprint, String node, long now) {
    writer.transaction(connection ->
        Jdbc.update(
            connection,
            "INSERT INTO cluster_identity(name, fingerprint, recorded, recorded_by)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                + " fingerprint = excluded.fingerprint, recorded = excluded.recorded,"
                + " recorded_by = excluded.recorded_by",
            name,
            fingerprint,
            now,
            node));
  }

  private static Recorded recorded(java.sql.ResultSet row) throws java.sql.SQLException {
    return new Recorded(row.getString(1), row.getLong(2), row.getString(3));
  }
}
