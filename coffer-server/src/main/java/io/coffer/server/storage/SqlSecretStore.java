package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link SecretStore} in SQL that SQLite and PostgreSQL both run. On PostgreSQL (read committed) a
 * write transaction locks the secret's head row before its first read of that secret, so writes to
 * one name from any node run one after the other and each reads what the previous one committed:
 * concurrent sets get distinct sequence numbers and an update, delete or recover never loses
 * another's change.
 */
final class SqlSecretStore implements SecretStore {
  private static final String VERSION_COLUMNS =
      "s.name, v.vault_id, v.version, v.seq, v.ciphertext, v.wrapped_key, v.master_key_id,"
          + " v.content_type, v.tags, v.enabled, v.nbf, v.exp, v.created, v.updated";
  private static final String FROM_VERSIONS =
      " FROM secret_versions v JOIN secrets s"
          + " ON s.vault_id = v.vault_id AND s.name_key = v.name_key ";
  private static final String LISTING_COLUMNS =
      "s.name, s.deleted, s.purge_after, v.version, v.content_type, v.tags, v.enabled, v.nbf,"
          + " v.exp, v.created, v.updated";

  private final Transactions writer;
  private final Jdbc jdbc;
  private final Dialect dialect;
  private final SqlChangeLog changes;
  private final String activeListing;
  private final String deletedListing;

  SqlSecretStore(
      Transactions writer, Supplier<Connection> readers, Dialect dialect, SqlChangeLog changes) {
    this.writer = writer;
    this.jdbc = new Jdbc(readers);
    this.dialect = dialect;
    this.changes = changes;
    this.activeListing = listing("s.deleted IS NULL", dialect);
    this.deletedListing = listing("s.deleted IS NOT NULL", dialect);
  }

  /**
   * A page of secrets in name order, each with its newest version. On SQLite the newest version is
   * found as a row id, which reads the version's row directly instead of searching the index again
   * by the highest sequence number; a page of 25 costs about 105 µs instead of 140.
   */
  private static String listing(String state, Dialect dialect) {
    String newest =
        dialect == Dialect.SQLITE
            ? " AND v.rowid = (SELECT rowid FROM secret_versions m"
                + " WHERE m.vault_id = s.vault_id AND m.name_key = s.name_key"
                + " ORDER BY m.seq DESC LIMIT 1) "
            : " AND v.seq = (SELECT MAX(seq) FROM secret_versions m"
                + " WHERE m.vault_id = s.vault_id AND m.name_key = s.name_key) ";
    return "SELECT "
        + LISTING_COLUMNS
        + FROM_VERSIONS
        + "WHERE s.vault_id = ? AND "
        + state
        + " AND s.name_key > ?"
        + newest
        + "ORDER BY s.name_key";
  }

  /**
   * Runs the work in one transaction whose last statements append its changes to the change log,
   * then wakes whoever waits on the log; on shared storage it returns once nodes holding read
   * leases have applied it.
   */
  @Override
  public <T> T write(Function<SecretWrites, T> work) {
    long[] last = {0};
    T result =
        writer.transaction(connection -> {
          Transaction tx = new Transaction(connection);
          T done = work.apply(tx);
          last[0] = tx.appendChanges();
          return done;
        });
    changes.acknowledge(last[0]);
    return result;
  }

  @Override
  public List<SecretHead> purgeDue(long now, int limit) {
    return jdbc.read(
        "SELECT vault_id, name, deleted, purge_after FROM secrets"
            + " WHERE purge_after IS NOT NULL AND purge_after <= ? LIMIT ?",
        SqlSecretStore::head,
        now,
        limit);
  }

  @Override
  public List<WrappedKeyRecord> wrappedNotBy(String masterKeyId, int limit) {
    return jdbc.read(
        "SELECT vault_id, name_key, version, wrapped_key, master_key_id FROM secret_versions"
            + " WHERE master_key_id <> ? LIMIT ?",
        row ->
            new WrappedKeyRecord(
                row.getString("vault_id"),
                row.getString("name_key"),
                row.getString("version"),
                row.getBytes("wrapped_key"),
                row.getString("master_key_id")),
        masterKeyId,
        limit);
  }

  @Override
  public long countWrappedNotBy(String masterKeyId) {
    return jdbc.readOne(
            "SELECT COUNT(*) FROM secret_versions WHERE master_key_id <> ?",
            row -> row.getLong(1),
            masterKeyId)
        .orElse(0L);
  }

  @Override
  public SecretCounts count(String vaultId) {
    return jdbc.readOne(
            "SELECT COUNT(*) - COUNT(deleted), COUNT(deleted) FROM secrets WHERE vault_id = ?",
            row -> new SecretCounts(row.getLong(1), row.getLong(2)),
            vaultId)
        .orElse(new SecretCounts(0, 0));
  }

  @Override
  public boolean replaceWrappedKey(WrappedKeyRecord old, byte[] wrappedKey, String masterKeyId) {
    return writer.transaction(c ->
        Jdbc.update(
            c,
            "UPDATE secret_versions SET wrapped_key = ?, master_key_id = ?"
                + " WHERE vault_id = ? AND name_key = ? AND version = ? AND master_key_id = ?",
            wrappedKey,
            masterKeyId,
            old.vaultId(),
            old.nameKey(),
            old.version(),
            old.masterKeyId()))
        > 0;
  }

  @Override
  public Optional<SecretHead> head(String vaultId, String name) {
    return jdbc.readOne(Sql.HEAD, SqlSecretStore::head, vaultId, key(name));
  }

  @Override
  public Optional<VersionRecord> version(String vaultId, String name, String version) {
    return jdbc.readOne(Sql.VERSION, SqlSecretStore::version, vaultId, key(name), version);
  }

  @Override
  public Optional<VersionRecord> latest(String vaultId, String name) {
    return jdbc.readOne(Sql.LATEST, SqlSecretStore::version, vaultId, key(name));
  }

  @Override
  public Optional<VersionRecord> activeVersion(String vaultId, String name, String version) {
    return version.isEmpty()
        ? jdbc.readOne(Sql.ACTIVE_LATEST, SqlSecretStore::version, vaultId, key(name))
        : jdbc.readOne(Sql.ACTIVE_VERSION, SqlSecretStore::version, vaultId, key(name), version);
  }

  @Override
  public List<VersionRecord> versions(String vaultId, String name) {
    return versionsAfter(vaultId, name, -1, Integer.MAX_VALUE);
  }

  @Override
  public List<VersionRecord> versionsAfter(String vaultId, String name, long afterSeq, int limit) {
    return jdbc.read(
        Jdbc.limit(Sql.VERSIONS_AFTER, limit),
        SqlSecretStore::version,
        vaultId,
        key(name),
        afterSeq);
  }

  @Override
  public List<SecretListing> active(String vaultId, String afterKey, int limit) {
    return jdbc.read(
        Jdbc.limit(activeListing, limit), row -> listing(vaultId, row), vaultId, afterKey);
  }

  @Override
  public List<SecretListing> deleted(String vaultId, String afterKey, int limit) {
    return jdbc.read(
        Jdbc.limit(deletedListing, limit), row -> listing(vaultId, row), vaultId, afterKey);
  }

  /** Statements, in one place so the reads inside and outside transactions agree. */
  private static final class Sql {
    static final String HEAD =
        "SELECT vault_id, name, deleted, purge_after FROM secrets WHERE vault_id = ? AND name_key = ?";
    static final String VERSION =
        "SELECT "
            + VERSION_COLUMNS
            + FROM_VERSIONS
            + "WHERE v.vault_id = ? AND v.name_key = ? AND v.version = ?";
    static final String LATEST =
        "SELECT "
            + VERSION_COLUMNS
            + FROM_VERSIONS
            + "WHERE v.vault_id = ? AND v.name_key = ? ORDER BY v.seq DESC LIMIT 1";
    static final String ACTIVE_VERSION =
        "SELECT "
            + VERSION_COLUMNS
            + FROM_VERSIONS
            + "WHERE v.vault_id = ? AND v.name_key = ? AND v.version = ? AND s.deleted IS NULL";
    static final String ACTIVE_LATEST =
        "SELECT "
            + VERSION_COLUMNS
            + FROM_VERSIONS
            + "WHERE v.vault_id = ? AND v.name_key = ? AND s.deleted IS NULL"
            + " ORDER BY v.seq DESC LIMIT 1";
    static final String VERSIONS_AFTER =
        "SELECT "
            + VERSION_COLUMNS
            + FROM_VERSIONS
            + "WHERE v.vault_id = ? AND v.name_key = ? AND v.seq > ? ORDER BY v.seq";
  }

  private final class Transaction implements SecretWrites {
    private final Connection connection;
    private final Set<String> locked = new HashSet<>();
    private final List<ChangeRecord> logged = new ArrayList<>();
    private boolean changed;

    Transaction(Connection connection) {
      this.connection = connection;
    }

    /**
     * Holds the secret's head row until commit (PostgreSQL only; SQLite has one writer). Nothing is
     * held while the head does not exist yet: {@link #createHead} then waits for a concurrent
     * creator, and {@link #nextSeq} locks the row it finds.
     */
    private void lock(String vaultId, String name) {
      if (!dialect.locksRows() || locked.contains(vaultId + "/" + key(name))) {
        return;
      }
      boolean found =
          !all(
                  "SELECT 1 FROM secrets WHERE vault_id = ? AND name_key = ?" + dialect.forUpdate,
                  row -> true,
                  vaultId,
                  key(name))
              .isEmpty();
      if (found) {
        locked.add(vaultId + "/" + key(name));
      }
    }

    @Override
    public Optional<SecretHead> head(String vaultId, String name) {
      lock(vaultId, name);
      return one(Sql.HEAD, SqlSecretStore::head, vaultId, key(name));
    }

    @Override
    public Optional<VersionRecord> version(String vaultId, String name, String version) {
      lock(vaultId, name);
      return one(Sql.VERSION, SqlSecretStore::version, vaultId, key(name), version);
    }

    @Override
    public Optional<VersionRecord> latest(String vaultId, String name) {
      lock(vaultId, name);
      return one(Sql.LATEST, SqlSecretStore::version, vaultId, key(name));
    }

    @Override
    public Optional<VersionRecord> activeVersion(String vaultId, String name, String version) {
      lock(vaultId, name);
      return version.isEmpty()
          ? one(Sql.ACTIVE_LATEST, SqlSecretStore::version, vaultId, key(name))
          : one(Sql.ACTIVE_VERSION, SqlSecretStore::version, vaultId, key(name), version);
    }

    @Override
    public List<VersionRecord> versions(String vaultId, String name) {
      return versionsAfter(vaultId, name, -1, Integer.MAX_VALUE);
    }

    @Override
    public List<VersionRecord> versionsAfter(
        String vaultId, String name, long afterSeq, int limit) {
      lock(vaultId, name);
      return all(
          Jdbc.limit(Sql.VERSIONS_AFTER, limit),
          SqlSecretStore::version,
          vaultId,
          key(name),
          afterSeq);
    }

    @Override
    public List<SecretListing> active(String vaultId, String afterKey, int limit) {
      return all(Jdbc.limit(activeListing, limit), row -> listing(vaultId, row), vaultId, afterKey);
    }

    @Override
    public List<SecretListing> deleted(String vaultId, String afterKey, int limit) {
      return all(
          Jdbc.limit(deletedListing, limit), row -> listing(vaultId, row), vaultId, afterKey);
    }

    @Override
    public void logChange(
        String vaultId,
        String name,
        String version,
        ChangeKind kind,
        OptionalLong nbf,
        OptionalLong exp) {
      logged.add(SqlChangeLog.draft(vaultId, name, version, kind, nbf, exp));
    }

    /**
     * Writes the logged changes as the transaction's last statements; a transaction that changed a
     * secret without logging it is a bug, refused here so the log stays complete.
     *
     * @return the last position taken, 0 when nothing was logged
     */
    long appendChanges() {
      if (changed && logged.isEmpty()) {
        throw new IllegalStateException("a secret write must log its change");
      }
      if (logged.isEmpty()) {
        return 0;
      }
      try {
        return changes.append(connection, logged);
      } catch (SQLException e) {
        throw Jdbc.failure(e);
      }
    }

    @Override
    public void createHead(String vaultId, String name) {
      change(
          "INSERT INTO secrets(vault_id, name_key, name) VALUES (?, ?, ?)"
              + " ON CONFLICT(vault_id, name_key) DO NOTHING",
          vaultId,
          key(name),
          name);
    }

    @Override
    public long nextSeq(String vaultId, String name) {
      lock(vaultId, name);
      return all(
              "SELECT COALESCE(MAX(seq), 0) + 1 FROM secret_versions"
                  + " WHERE vault_id = ? AND name_key = ?",
              row -> row.getLong(1),
              vaultId,
              key(name))
          .get(0);
    }

    @Override
    public void insertVersion(VersionRecord v) {
      change(
          "INSERT INTO secret_versions(vault_id, name_key, version, seq, ciphertext, wrapped_key,"
              + " master_key_id, content_type, tags, enabled, nbf, exp, created, updated)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          v.vaultId(),
          key(v.name()),
          v.version(),
          v.seq(),
          v.ciphertext(),
          v.wrappedKey(),
          v.masterKeyId(),
          Jdbc.nullable(v.contentType()),
          Jdbc.tagsJson(v.tags()),
          v.enabled(),
          Jdbc.nullable(v.nbf()),
          Jdbc.nullable(v.exp()),
          v.created(),
          v.updated());
    }

    @Override
    public void updateVersion(VersionRecord v) {
      change(
          "UPDATE secret_versions SET content_type = ?, tags = ?, enabled = ?, nbf = ?, exp = ?,"
              + " updated = ? WHERE vault_id = ? AND name_key = ? AND version = ?",
          Jdbc.nullable(v.contentType()),
          Jdbc.tagsJson(v.tags()),
          v.enabled(),
          Jdbc.nullable(v.nbf()),
          Jdbc.nullable(v.exp()),
          v.updated(),
          v.vaultId(),
          key(v.name()),
          v.version());
    }

    @Override
    public void markDeleted(String vaultId, String name, long deleted, long purgeAfter) {
      change(
          "UPDATE secrets SET deleted = ?, purge_after = ? WHERE vault_id = ? AND name_key = ?",
          deleted,
          purgeAfter,
          vaultId,
          key(name));
    }

    @Override
    public void markRecovered(String vaultId, String name) {
      change(
          "UPDATE secrets SET deleted = NULL, purge_after = NULL"
              + " WHERE vault_id = ? AND name_key = ?",
          vaultId,
          key(name));
    }

    @Override
    public void purge(String vaultId, String name) {
      change("DELETE FROM secrets WHERE vault_id = ? AND name_key = ?", vaultId, key(name));
    }

    private <T> Optional<T> one(String sql, Jdbc.RowMapper<T> mapper, Object... args) {
      return Jdbc.first(all(sql, mapper, args));
    }

    private <T> List<T> all(String sql, Jdbc.RowMapper<T> mapper, Object... args) {
      try {
        return Jdbc.query(connection, sql, mapper, args);
      } catch (SQLException e) {
        throw Jdbc.failure(e);
      }
    }

    private void change(String sql, Object... args) {
      changed = true;
      try {
        Jdbc.update(connection, sql, args);
      } catch (SQLException e) {
        throw Jdbc.failure(e);
      }
    }
  }

  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static SecretHead head(ResultSet row) throws SQLException {
    return new SecretHead(
        row.getString("vault_id"),
        row.getString("name"),
        Jdbc.optionalLong(row, "deleted"),
        Jdbc.optionalLong(row, "purge_after"));
  }

  private static SecretListing listing(String vaultId, ResultSet row) throws SQLException {
    return new SecretListing(
        new SecretHead(
            vaultId,
            row.getString("name"),
            Jdbc.optionalLong(row, "deleted"),
            Jdbc.optionalLong(row, "purge_after")),
        row.getString("version"),
        Optional.ofNullable(row.getString("content_type")),
        Jdbc.tags(row.getString("tags")),
        row.getInt("enabled") != 0,
        Jdbc.optionalLong(row, "nbf"),
        Jdbc.optionalLong(row, "exp"),
        row.getLong("created"),
        row.getLong("updated"));
  }

  private static VersionRecord version(ResultSet row) throws SQLException {
    return new VersionRecord(
        row.getString("vault_id"),
        row.getString("name"),
        row.getString("version"),
        row.getLong("seq"),
        row.getBytes("ciphertext"),
        row.getBytes("wrapped_key"),
        row.getString("master_key_id"),
        Optional.ofNullable(row.getString("content_type")),
        Jdbc.tags(row.getString("tags")),
        row.getInt("enabled") != 0,
        Jdbc.optionalLong(row, "nbf"),
        Jdbc.optionalLong(row, "exp"),
        row.getLong("created"),
        row.getLong("updated"));
  }
}
