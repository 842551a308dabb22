package io.coffer.server.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link VaultStore} in SQL that SQLite and PostgreSQL both run. Each method is one transaction;
 * removing an assignment locks the row it reads, so it is removed and reported once even when two
 * nodes remove it at the same moment.
 */
final class SqlVaultStore implements VaultStore {
  private final Transactions writer;
  private final Jdbc jdbc;
  private final DirectoryCache cache;
  private final Dialect dialect;

  SqlVaultStore(Transactions writer, Jdbc jdbc, Dialect dialect, DirectoryCache cache) {
    this.writer = writer;
    this.jdbc = jdbc;
    this.cache = cache;
    this.dialect = dialect;
  }

  @Override
  public void insertVault(VaultRecord v) {
    writer.change(
        "INSERT INTO vaults(id, name, tenant_id, retention_days, purge_protection, rbac, created)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
        v.id(),
        v.name().toLowerCase(Locale.ROOT),
        v.tenantId(),
        v.retentionDays(),
        v.purgeProtection(),
        v.rbac(),
        v.created());
  }

  @Override
  public Optional<VaultRecord> vaultByName(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    return cache.read(
        "vault-by-name",
        key,
        () -> jdbc.readOne("SELECT * FROM vaults WHERE name = ?", SqlVaultStore::vault, key));
  }

  @Override
  public List<VaultRecord> vaults() {
    return jdbc.read("SELECT * FROM vaults ORDER BY name", SqlVaultStore::vault);
  }

  @Override
  public void setVaultRbac(String vaultId, boolean rbac) {
    writer.change("UPDATE vaults SET rbac = ? WHERE id = ?", rbac, vaultId);
  }

  @Override
  public void insertRoleAssignment(RoleAssignmentRecord a) {
    writer.change(
        "INSERT INTO role_assignments(id, principal_id, role, vault_id, secret_key, created)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        a.id(),
        a.principalId(),
        a.role(),
        a.vaultId(),
        a.secretKey().toLowerCase(Locale.ROOT),
        a.created());
  }

  @Override
  public List<RoleAssignmentRecord> roleAssignments(String principalId) {
    return cache.read(
        "role-assignments",
        principalId,
        () ->
            List.copyOf(
                jdbc.read(
                    "SELECT * FROM role_assignments WHERE principal_id = ?",
                    SqlVaultStore::assignment,
                    principalId)));
  }

  @Override
  public List<RoleAssignmentRecord> roleAssignmentsOnVault(String vaultId) {
    return jdbc.read(
        "SELECT * FROM role_assignments WHERE vault_id = ? ORDER BY created",
        SqlVaultStore::assignment,
        vaultId);
  }

  @Override
  public Optional<RoleAssignmentRecord> deleteRoleAssignment(String id) {
    return writer.transaction(c -> {
      Optional<RoleAssignmentRecord> found =
          Jdbc.first(
              Jdbc.query(
                  c,
                  "SELECT * FROM role_assignments WHERE id = ?" + dialect.forUpdate,
                  SqlVaultStore::assignment,
                  id));
      Jdbc.update(c, "DELETE FROM role_assignments WHERE id = ?", id);
      return found;
    });
  }

  @Override
  public void putAccessPolicy(AccessPolicyRecord p) {
    writer.change(
        "INSERT INTO access_policies(vault_id, object_id, permissions, updated) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT(vault_id, object_id) DO UPDATE SET permissions = excluded.permissions,"
            + " updated = excluded.updated",
        p.vaultId(),
        p.objectId(),
        p.permissions(),
        p.updated());
  }

  @Override
  public List<AccessPolicyRecord> accessPolicies(String objectId) {
    return cache.read(
        "access-policies",
        objectId,
        () ->
            List.copyOf(
                jdbc.read(
                    "SELECT * FROM access_policies WHERE object_id = ?",
                    SqlVaultStore::policy,
                    objectId)));
  }

  @Override
  public List<AccessPolicyRecord> accessPoliciesOnVault(String vaultId) {
    return jdbc.read(
        "SELECT * FROM access_policies WHERE vault_id = ? ORDER BY updated",
        SqlVaultStore::policy,
        vaultId);
  }

  @Override
  public boolean deleteAccessPolicy(String vaultId, String objectId) {
    return writer.change(
            "DELETE FROM access_policies WHERE vault_id = ? AND object_id = ?", vaultId, objectId)
        > 0;
  }

  private static RoleAssignmentRecord assignment(ResultSet row) throws SQLException {
    return new RoleAssignmentRecord(
        row.getString("id"),
        row.getString("principal_id"),
        row.getString("role"),
        row.getString("vault_id"),
        row.getString("secret_key"),
        row.getLong("created"));
  }

  private static AccessPolicyRecord policy(ResultSet row) throws SQLException {
    return new AccessPolicyRecord(
        row.getString("vault_id"),
        row.getString("object_id"),
        row.getString("permissions"),
        row.getLong("updated"));
  }

  private static VaultRecord vault(ResultSet row) throws SQLException {
    return new VaultRecord(
        row.getString("id"),
        row.getString("name"),
        row.getString("tenant_id"),
        row.getInt("retention_days"),
        row.getInt("purge_protection") != 0,
        row.getInt("rbac") != 0,
        row.getLong("created"));
  }
}
