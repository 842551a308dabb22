package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** {@link RotationStore} in SQL that SQLite and PostgreSQL both run. */
final class SqlRotationStore implements RotationStore {
  private static final String POLICY_COLUMNS =
      "vault_id, name, jdbc_url, role, admin_secret, every_seconds, grace_seconds,"
          + " near_expiry_days, next_due, last_rotated, last_status, last_error";
  private static final String RUN_COLUMNS =
      "id, vault_id, name_key, cause, started, finished, status, version, login, error";

  private final Jdbc jdbc;
  private final Transactions writer;

  SqlRotationStore(Jdbc jdbc, Transactions writer) {
    this.jdbc = jdbc;
    this.writer = writer;
  }

  @Override
  public void savePolicy(RotationPolicyRecord policy) {
    writer.transaction(c -> {
      save(c, policy);
      return null;
    });
  }

  private static void save(Connection c, RotationPolicyRecord p) throws SQLException {
    Jdbc.update(
        c,
        "DELETE FROM rotation_policies WHERE vault_id = ? AND name_key = ?",
        p.vaultId(),
        SqlSecretStore.key(p.name()));
    Jdbc.update(
        c,
        "INSERT INTO rotation_policies(name_key, "
            + POLICY_COLUMNS
            + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        SqlSecretStore.key(p.name()),
        p.vaultId(),
        p.name(),
        p.jdbcUrl(),
        p.role(),
        p.adminSecret(),
        p.everySeconds(),
        p.graceSeconds(),
        p.nearExpiryDays(),
        p.nextDue(),
        Jdbc.nullable(p.lastRotated()),
        p.lastStatus(),
        p.lastError());
  }

  @Override
  public Optional<RotationPolicyRecord> policy(String vaultId, String name) {
    return jdbc.readOne(
        "SELECT " + POLICY_COLUMNS + " FROM rotation_policies WHERE vault_id = ? AND name_key = ?",
        SqlRotationStore::policy,
        vaultId,
        SqlSecretStore.key(name));
  }

  @Override
  public List<RotationPolicyRecord> policies(String vaultId) {
    return jdbc.read(
        "SELECT " + POLICY_COLUMNS + " FROM rotation_policies WHERE vault_id = ? ORDER BY name_key",
        SqlRotationStore::policy,
        vaultId);
  }

  @Override
  public List<RotationPolicyRecord> allPolicies() {
    return jdbc.read(
        "SELECT " + POLICY_COLUMNS + " FROM rotation_policies ORDER BY vault_id, name_key",
        SqlRotationStore::policy);
  }

  @Override
  public boolean deletePolicy(String vaultId, String name) {
    return writer.transaction(c ->
        Jdbc.update(
            c,
            "DELETE FROM rotation_policies WHERE vault_id = ? AND name_key = ?",
            vaultId,
            SqlSecretStore.key(name)))
        > 0;
  }

  @Override
  public void recordRun(RotationRunRecord run, RotationPolicyRecord policy) {
    writer.transaction(c -> {
      Jdbc.update(
          c,
          "INSERT INTO rotation_runs(" + RUN_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          run.id(),
          run.vaultId(),
          SqlSecretStore.key(run.name()),
          run.cause(),
          run.started(),
          run.finished(),
          run.status(),
          run.version(),
          run.login(),
          run.error());
      save(c, policy);
      return null;
    });
  }

  @Override
  public List<RotationRunRecord> runs(String vaultId, String name, int limit) {
    return jdbc.read(
        "SELECT "
            + RUN_COLUMNS
            + " FROM rotation_runs WHERE vault_id = ? AND name_key = ?"
            + " ORDER BY started DESC LIMIT ?",
        row ->
            new RotationRunRecord(
                row.getString("id"),
                row.getString("vault_id"),
                row.getString("name_key"),
                row.getString("cause"),
                row.getLong("started"),
                row.getLong("finished"),
                row.getString("status"),
                row.getString("version"),
                row.getString("login"),
                row.getString("error")),
        vaultId,
        SqlSecretStore.key(name),
        limit);
  }

  private static RotationPolicyRecord policy(ResultSet row) throws SQLException {
    return new RotationPolicyRecord(
        row.getString("vault_id"),
        row.getString("name"),
        row.getString("jdbc_url"),
        row.getString("role"),
        row.getString("admin_secret"),
        row.getLong("every_seconds"),
        row.getLong("grace_seconds"),
        row.getInt("near_expiry_days"),
        row.getLong("next_due"),
        Jdbc.optionalLong(row, "last_rotated"),
        row.getString("last_status"),
        row.getString("last_error"));
  }
}
