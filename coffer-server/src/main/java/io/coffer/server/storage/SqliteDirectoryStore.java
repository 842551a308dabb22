package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link DirectoryStore} on SQLite. */
final class SqliteDirectoryStore implements DirectoryStore {
  private final Writer writer;
  private final Jdbc jdbc;

  SqliteDirectoryStore(Writer writer, Supplier<Connection> readers) {
    this.writer = writer;
    this.jdbc = new Jdbc(readers);
  }

  @Override
  public void insertTenant(TenantRecord t) {
    change(
        "INSERT INTO tenants(id, name, created) VALUES (?, ?, ?)", t.id(), t.name(), t.created());
  }

  @Override
  public Optional<TenantRecord> tenant(String idOrName) {
    String key = idOrName.toLowerCase(Locale.ROOT);
    return jdbc.readOne(
        "SELECT id, name, created FROM tenants WHERE lower(id) = ? OR lower(name) = ?",
        row -> new TenantRecord(row.getString("id"), row.getString("name"), row.getLong("created")),
        key,
        key);
  }

  @Override
  public void insertPrincipal(PrincipalRecord p) {
    change(
        "INSERT INTO principals(object_id, tenant_id, client_id, display_name, kind, enabled,"
            + " created) VALUES (?, ?, ?, ?, ?, ?, ?)",
        p.objectId(),
        p.tenantId(),
        p.clientId(),
        p.displayName(),
        p.kind(),
        p.enabled(),
        p.created());
  }

  @Override
  public Optional<PrincipalRecord> principalByClientId(String clientId) {
    return jdbc.readOne(
        "SELECT * FROM principals WHERE lower(client_id) = ?",
        SqliteDirectoryStore::principal,
        clientId.toLowerCase(Locale.ROOT));
  }

  @Override
  public Optional<PrincipalRecord> principal(String objectId) {
    return jdbc.readOne(
        "SELECT * FROM principals WHERE object_id = ?", SqliteDirectoryStore::principal, objectId);
  }

  @Override
  public void insertClientSecret(ClientSecretRecord s) {
    change(
        "INSERT INTO client_secrets(id, principal_id, hash, hint, expires, created)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        s.id(),
        s.principalId(),
        s.hash(),
        s.hint(),
        s.expires(),
        s.created());
  }

  @Override
  public List<ClientSecretRecord> clientSecrets(String principalId) {
    return jdbc.read(
        "SELECT * FROM client_secrets WHERE principal_id = ? ORDER BY created",
        row ->
            new ClientSecretRecord(
                row.getString("id"),
                row.getString("principal_id"),
                row.getString("hash"),
                row.getString("hint"),
                row.getLong("expires"),
                row.getLong("created")),
        principalId);
  }

  @Override
  public void insertVault(VaultRecord v) {
    change(
        "INSERT INTO vaults(id, name, tenant_id, retention_days, purge_protection, created)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        v.id(),
        v.name().toLowerCase(Locale.ROOT),
        v.tenantId(),
        v.retentionDays(),
        v.purgeProtection(),
        v.created());
  }

  @Override
  public Optional<VaultRecord> vaultByName(String name) {
    return jdbc.readOne(
        "SELECT * FROM vaults WHERE name = ?",
        SqliteDirectoryStore::vault,
        name.toLowerCase(Locale.ROOT));
  }

  @Override
  public List<VaultRecord> vaults() {
    return jdbc.read("SELECT * FROM vaults ORDER BY name", SqliteDirectoryStore::vault);
  }

  @Override
  public void insertRoleAssignment(RoleAssignmentRecord a) {
    change(
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
    return jdbc.read(
        "SELECT * FROM role_assignments WHERE principal_id = ?",
        row ->
            new RoleAssignmentRecord(
                row.getString("id"),
                row.getString("principal_id"),
                row.getString("role"),
                row.getString("vault_id"),
                row.getString("secret_key"),
                row.getLong("created")),
        principalId);
  }

  @Override
  public void insertSigningKey(SigningKeyRecord k) {
    change(
        "INSERT INTO signing_keys(kid, public_jwk, private_sealed, wrapped_key, master_key_id,"
            + " created, active) VALUES (?, ?, ?, ?, ?, ?, ?)",
        k.kid(),
        k.publicJwk(),
        k.sealedPrivate(),
        k.wrappedKey(),
        k.masterKeyId(),
        k.created(),
        k.active());
  }

  @Override
  public List<SigningKeyRecord> signingKeys() {
    return jdbc.read(
        "SELECT * FROM signing_keys ORDER BY created",
        row ->
            new SigningKeyRecord(
                row.getString("kid"),
                row.getString("public_jwk"),
                row.getBytes("private_sealed"),
                row.getBytes("wrapped_key"),
                row.getString("master_key_id"),
                row.getLong("created"),
                row.getInt("active") != 0));
  }

  @Override
  public void activateSigningKey(String kid) {
    writer.transaction(connection -> {
      Jdbc.update(connection, "UPDATE signing_keys SET active = 0 WHERE kid <> ?", kid);
      return Jdbc.update(connection, "UPDATE signing_keys SET active = 1 WHERE kid = ?", kid);
    });
  }

  private void change(String sql, Object... args) {
    writer.transaction(connection -> Jdbc.update(connection, sql, args));
  }

  private static PrincipalRecord principal(ResultSet row) throws SQLException {
    return new PrincipalRecord(
        row.getString("object_id"),
        row.getString("tenant_id"),
        row.getString("client_id"),
        row.getString("display_name"),
        row.getString("kind"),
        row.getInt("enabled") != 0,
        row.getLong("created"));
  }

  private static VaultRecord vault(ResultSet row) throws SQLException {
    return new VaultRecord(
        row.getString("id"),
        row.getString("name"),
        row.getString("tenant_id"),
        row.getInt("retention_days"),
        row.getInt("purge_protection") != 0,
        row.getLong("created"));
  }
}
