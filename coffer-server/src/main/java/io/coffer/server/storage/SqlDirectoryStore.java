package io.coffer.server.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link DirectoryStore} in SQL that SQLite and PostgreSQL both run; each method is one
 * transaction.
 */
final class SqlDirectoryStore implements DirectoryStore {
  private final Transactions writer;
  private final Jdbc jdbc;
  private final DirectoryCache cache;

  SqlDirectoryStore(Transactions writer, Jdbc jdbc, DirectoryCache cache) {
    this.writer = writer;
    this.jdbc = jdbc;
    this.cache = cache;
  }

  @Override
  public void insertTenant(TenantRecord t) {
    writer.change(
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
    writer.change(
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
    return cache.read(
        "principal",
        objectId,
        () ->
            jdbc.readOne(
                "SELECT * FROM principals WHERE object_id = ?",
                SqlDirectoryStore::principal,
                objectId));
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
    writer.change("UPDATE principals SET enabled = ? WHERE object_id = ?", enabled, objectId);
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
    writer.change("UPDATE principals SET password_hash = ? WHERE object_id = ?", hash, objectId);
  }

  @Override
  public void insertClientSecret(ClientSecretRecord s) {
    writer.change(
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
    return writer.change(
            "DELETE FROM client_secrets WHERE principal_id = ? AND id = ?", principalId, id)
        > 0;
  }

  @Override
  public void insertCertificate(CertificateRecord r) {
    writer.change(
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
    return writer.change(
            "DELETE FROM certificate_credentials WHERE principal_id = ? AND id = ?",
            principalId,
            id)
        > 0;
  }

  @Override
  public void insertFederatedCredential(FederatedCredentialRecord r) {
    writer.change(
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
    return writer.change(
            "DELETE FROM federated_credentials WHERE principal_id = ? AND (id = ? OR name = ?)",
            principalId,
            id,
            id)
        > 0;
  }

  @Override
  public void insertAdministrator(String principalId, long created) {
    writer.change(
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
}
