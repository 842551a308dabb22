package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link DirectoryStore} in SQL that SQLite and PostgreSQL both run. Each method is one
 * transaction; the ones that read before deleting lock what they read, so a one-time code or
 * assignment is handed out once even when two nodes redeem it at the same moment.
 */
final class SqlDirectoryStore implements DirectoryStore {
  private final Transactions writer;
  private final Jdbc jdbc;
  private final Dialect dialect;

  SqlDirectoryStore(
      Transactions writer,
      Supplier<Connection> readers,
      ReadStatements statements,
      Dialect dialect) {
    this.writer = writer;
    this.jdbc = new Jdbc(readers, statements);
    this.dialect = dialect;
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
        SqlDirectoryStore::tenant,
        key,
        key);
  }

  @Override
  public List<TenantRecord> tenants() {
    return jdbc.read(
        "SELECT id, name, created FROM tenants ORDER BY name", SqlDirectoryStore::tenant);
  }

  @Override
  public void insertPrincipal(PrincipalRecord p) {
    change(
        "INSERT INTO principals(object_id, tenant_id, client_id, display_name, kind, enabled,"
            + " created, user_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        p.objectId(),
        p.tenantId(),
        p.clientId(),
        p.displayName(),
        p.kind(),
        p.enabled(),
        p.created(),
        Jdbc.nullable(p.userName()));
  }

  @Override
  public Optional<PrincipalRecord> principalByClientId(String clientId) {
    return jdbc.readOne(
        "SELECT * FROM principals WHERE lower(client_id) = ?",
        SqlDirectoryStore::principal,
        clientId.toLowerCase(Locale.ROOT));
  }

  @Override
  public Optional<PrincipalRecord> principal(String objectId) {
    return jdbc.readOne(
        "SELECT * FROM principals WHERE object_id = ?", SqlDirectoryStore::principal, objectId);
  }

  @Override
  public Optional<PrincipalRecord> principalByUserName(String userName) {
    return jdbc.readOne(
        "SELECT * FROM principals WHERE lower(user_name) = ?",
        SqlDirectoryStore::principal,
        userName.toLowerCase(Locale.ROOT));
  }

  @Override
  public List<PrincipalRecord> principals(String tenantId) {
    return jdbc.read(
        "SELECT * FROM principals WHERE tenant_id = ? ORDER BY display_name, created",
        SqlDirectoryStore::principal,
        tenantId);
  }

  @Override
  public void setPrincipalEnabled(String objectId, boolean enabled) {
    change("UPDATE principals SET enabled = ? WHERE object_id = ?", enabled, objectId);
  }

  @Override
  public boolean deletePrincipal(String objectId) {
    return writer.transaction(c -> {
      Jdbc.update(c, "DELETE FROM administrators WHERE principal_id = ?", objectId);
      return Jdbc.update(c, "DELETE FROM principals WHERE object_id = ?", objectId);
    })
        > 0;
  }

  @Override
  public Optional<String> passwordHash(String objectId) {
    return jdbc.readOne(
            "SELECT password_hash FROM principals WHERE object_id = ?",
            row -> Optional.ofNullable(row.getString("password_hash")),
            objectId)
        .flatMap(h -> h);
  }

  @Override
  public void setPasswordHash(String objectId, String hash) {
    change("UPDATE principals SET password_hash = ? WHERE object_id = ?", hash, objectId);
  }

  @Override
  public void insertClientSecret(ClientSecretRecord s) {
    change(
        "INSERT INTO client_secrets(id, principal_id, display_name, hash, hint, expires, created)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
        s.id(),
        s.principalId(),
        s.displayName(),
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
                row.getString("display_name"),
                row.getString("hash"),
                row.getString("hint"),
                row.getLong("expires"),
                row.getLong("created")),
        principalId);
  }

  @Override
  public boolean deleteClientSecret(String principalId, String id) {
    return change("DELETE FROM client_secrets WHERE principal_id = ? AND id = ?", principalId, id)
        > 0;
  }

  @Override
  public void insertCertificate(CertificateRecord r) {
    change(
        "INSERT INTO certificate_credentials(id, principal_id, thumbprint, certificate, subject,"
            + " expires, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
        r.id(),
        r.principalId(),
        r.thumbprint(),
        r.certificate(),
        r.subject(),
        r.expires(),
        r.created());
  }

  @Override
  public List<CertificateRecord> certificates(String principalId) {
    return jdbc.read(
        "SELECT * FROM certificate_credentials WHERE principal_id = ? ORDER BY created",
        row ->
            new CertificateRecord(
                row.getString("id"),
                row.getString("principal_id"),
                row.getString("thumbprint"),
                row.getBytes("certificate"),
                row.getString("subject"),
                row.getLong("expires"),
                row.getLong("created")),
        principalId);
  }

  @Override
  public boolean deleteCertificate(String principalId, String id) {
    return change(
            "DELETE FROM certificate_credentials WHERE principal_id = ? AND id = ?",
            principalId,
            id)
        > 0;
  }

  @Override
  public void insertFederatedCredential(FederatedCredentialRecord r) {
    change(
        "INSERT INTO federated_credentials(id, principal_id, name, issuer, subject, audience, jwks,"
            + " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        r.id(),
        r.principalId(),
        r.name(),
        r.issuer(),
        r.subject(),
        r.audience(),
        Jdbc.nullable(r.jwks()),
        r.created());
  }

  @Override
  public List<FederatedCredentialRecord> federatedCredentials(String principalId) {
    return jdbc.read(
        "SELECT * FROM federated_credentials WHERE principal_id = ? ORDER BY created",
        row ->
            new FederatedCredentialRecord(
                row.getString("id"),
                row.getString("principal_id"),
                row.getString("name"),
                row.getString("issuer"),
                row.getString("subject"),
                row.getString("audience"),
                Optional.ofNullable(row.getString("jwks")),
                row.getLong("created")),
        principalId);
  }

  @Override
  public boolean deleteFederatedCredential(String principalId, String id) {
    return change(
            "DELETE FROM federated_credentials WHERE principal_id = ? AND (id = ? OR name = ?)",
            principalId,
            id,
            id)
        > 0;
  }

  @Override
  public void insertVault(VaultRecord v) {
    change(
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
    return jdbc.readOne(
        "SELECT * FROM vaults WHERE name = ?",
        SqlDirectoryStore::vault,
        name.toLowerCase(Locale.ROOT));
  }

  @Override
  public List<VaultRecord> vaults() {
    return jdbc.read("SELECT * FROM vaults ORDER BY name", SqlDirectoryStore::vault);
  }

  @Override
  public void setVaultRbac(String vaultId, boolean rbac) {
    change("UPDATE vaults SET rbac = ? WHERE id = ?", rbac, vaultId);
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
        SqlDirectoryStore::assignment,
        principalId);
  }

  @Override
  public List<RoleAssignmentRecord> roleAssignmentsOnVault(String vaultId) {
    return jdbc.read(
        "SELECT * FROM role_assignments WHERE vault_id = ? ORDER BY created",
        SqlDirectoryStore::assignment,
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
                  SqlDirectoryStore::assignment,
                  id));
      Jdbc.update(c, "DELETE FROM role_assignments WHERE id = ?", id);
      return found;
    });
  }

  @Override
  public void putAccessPolicy(AccessPolicyRecord p) {
    change(
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
    return jdbc.read(
        "SELECT * FROM access_policies WHERE object_id = ?", SqlDirectoryStore::policy, objectId);
  }

  @Override
  public List<AccessPolicyRecord> accessPoliciesOnVault(String vaultId) {
    return jdbc.read(
        "SELECT * FROM access_policies WHERE vault_id = ? ORDER BY updated",
        SqlDirectoryStore::policy,
        vaultId);
  }

  @Override
  public boolean deleteAccessPolicy(String vaultId, String objectId) {
    return change(
            "DELETE FROM access_policies WHERE vault_id = ? AND object_id = ?", vaultId, objectId)
        > 0;
  }

  @Override
  public void insertAdministrator(String principalId, long created) {
    change(
        "INSERT INTO administrators(principal_id, created) VALUES (?, ?)"
            + " ON CONFLICT(principal_id) DO NOTHING",
        principalId,
        created);
  }

  @Override
  public boolean isAdministrator(String principalId) {
    return jdbc.readOne(
            "SELECT 1 FROM administrators WHERE principal_id = ?", row -> true, principalId)
        .isPresent();
  }

  @Override
  public int administratorCount() {
    return jdbc.readOne("SELECT COUNT(*) FROM administrators", row -> row.getInt(1)).orElse(0);
  }

  @Override
  public void insertBootstrapToken(String hash, long expires, long created) {
    change(
        "INSERT INTO bootstrap_tokens(hash, expires, created) VALUES (?, ?, ?)",
        hash,
        expires,
        created);
  }

  @Override
  public boolean takeBootstrapToken(String hash, long now) {
    return writer.transaction(c -> {
      int deleted =
          Jdbc.update(c, "DELETE FROM bootstrap_tokens WHERE hash = ? AND expires > ?", hash, now);
      if (deleted > 0) {
        // The first administrator exists from here on: no other token may create another.
        Jdbc.update(c, "DELETE FROM bootstrap_tokens");
      }
      return deleted > 0;
    });
  }

  @Override
  public void insertAuthorizationCode(AuthorizationCodeRecord r) {
    change(
        "INSERT INTO authorization_codes(code_hash, principal_id, client_id, redirect_uri,"
            + " code_challenge, scope, nonce, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        r.codeHash(),
        r.principalId(),
        r.clientId(),
        r.redirectUri(),
        r.codeChallenge(),
        r.scope(),
        r.nonce(),
        r.expires());
  }

  @Override
  public Optional<AuthorizationCodeRecord> takeAuthorizationCode(String codeHash) {
    return writer.transaction(c -> {
      Optional<AuthorizationCodeRecord> found =
          Jdbc.first(
              Jdbc.query(
                  c,
                  "SELECT * FROM authorization_codes WHERE code_hash = ?" + dialect.forUpdate,
                  row ->
                      new AuthorizationCodeRecord(
                          row.getString("code_hash"),
                          row.getString("principal_id"),
                          row.getString("client_id"),
                          row.getString("redirect_uri"),
                          row.getString("code_challenge"),
                          row.getString("scope"),
                          row.getString("nonce"),
                          row.getLong("expires")),
                  codeHash));
      Jdbc.update(c, "DELETE FROM authorization_codes WHERE code_hash = ?", codeHash);
      return found;
    });
  }

  @Override
  public boolean firstUseOfAssertion(String id, long expires, long now) {
    return writer.transaction(c -> {
      Jdbc.update(c, "DELETE FROM used_assertions WHERE expires < ?", now);
      return Jdbc.update(
          c,
          "INSERT INTO used_assertions(id, expires) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
          id,
          expires);
    })
        > 0;
  }

  @Override
  public int signInFailures(String attemptKey, long since) {
    return jdbc.readOne(
            "SELECT failures FROM sign_in_failures WHERE attempt_key = ? AND last_failure >= ?",
            row -> row.getInt(1),
            attemptKey,
            since)
        .orElse(0);
  }

  @Override
  public void recordSignInFailure(String attemptKey, long now, long since) {
    writer.transaction(c -> {
      Jdbc.update(
          c,
          "DELETE FROM sign_in_failures WHERE last_failure < ? AND attempt_key <> ?",
          since,
          attemptKey);
      return Jdbc.update(
          c,
          "INSERT INTO sign_in_failures(attempt_key, failures, last_failure) VALUES (?, 1, ?)"
              + " ON CONFLICT(attempt_key) DO UPDATE SET failures = CASE"
              + " WHEN sign_in_failures.last_failure < ? THEN 1"
              + " ELSE sign_in_failures.failures + 1 END, last_failure = excluded.last_failure",
          attemptKey,
          now,
          since);
    });
  }

  @Override
  public void clearSignInFailures(String attemptKey) {
    change("DELETE FROM sign_in_failures WHERE attempt_key = ?", attemptKey);
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
  public boolean replaceSigningKeyWrap(
      String kid, String oldMasterKeyId, byte[] wrappedKey, String masterKeyId) {
    return change(
            "UPDATE signing_keys SET wrapped_key = ?, master_key_id = ?"
                + " WHERE kid = ? AND master_key_id = ?",
            wrappedKey,
            masterKeyId,
            kid,
            oldMasterKeyId)
        > 0;
  }

  @Override
  public void activateSigningKey(String kid) {
    writer.transaction(connection -> {
      Jdbc.update(connection, "UPDATE signing_keys SET active = 0 WHERE kid <> ?", kid);
      return Jdbc.update(connection, "UPDATE signing_keys SET active = 1 WHERE kid = ?", kid);
    });
  }

  /** One statement in its own transaction; returns how many rows it changed. */
  private int change(String sql, Object... args) {
    return writer.transaction(connection -> Jdbc.update(connection, sql, args));
  }

  private static PrincipalRecord principal(ResultSet row) throws SQLException {
    return new PrincipalRecord(
        row.getString("object_id"),
        row.getString("tenant_id"),
        row.getString("client_id"),
        row.getString("display_name"),
        row.getString("kind"),
        row.getInt("enabled") != 0,
        row.getLong("created"),
        Optional.ofNullable(row.getString("user_name")));
  }

  private static TenantRecord tenant(ResultSet row) throws SQLException {
    return new TenantRecord(row.getString("id"), row.getString("name"), row.getLong("created"));
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
