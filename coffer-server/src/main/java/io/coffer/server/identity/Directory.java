package io.coffer.server.identity;

import io.coffer.server.storage.ClientSecretRecord;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.PrincipalRecord;
import io.coffer.server.storage.TenantRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** Creates tenants and service principals with client secrets. */
public final class Directory {
  private final DirectoryStore store;
  private final Clock clock;

  public Directory(DirectoryStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public Optional<TenantRecord> tenant(String idOrName) {
    return store.tenant(idOrName);
  }

  public TenantRecord createTenant(String name) {
    TenantRecord tenant =
        new TenantRecord(UUID.randomUUID().toString(), name, clock.instant().getEpochSecond());
    store.insertTenant(tenant);
    return tenant;
  }

  public Optional<PrincipalRecord> principalByClientId(String clientId) {
    return store.principalByClientId(clientId);
  }

  /** Registers an application's service principal; its client id and object id are new GUIDs. */
  public PrincipalRecord createServicePrincipal(String tenantId, String displayName) {
    PrincipalRecord principal =
        new PrincipalRecord(
            UUID.randomUUID().toString(),
            tenantId,
            UUID.randomUUID().toString(),
            displayName,
            "ServicePrincipal",
            true,
            clock.instant().getEpochSecond());
    store.insertPrincipal(principal);
    return principal;
  }

  /**
   * Adds a client secret; the plaintext is returned once and only its hash is stored.
   *
   * @param lifetime how long it stays valid
   */
  public ClientCredential addClientSecret(PrincipalRecord principal, Duration lifetime) {
    String secret = SecretHasher.newClientSecret();
    long now = clock.instant().getEpochSecond();
    long expires =
        lifetime.getSeconds() >= Long.MAX_VALUE - now
            ? Long.MAX_VALUE
            : now + lifetime.getSeconds();
    store.insertClientSecret(
        new ClientSecretRecord(
            UUID.randomUUID().toString(),
            principal.objectId(),
            SecretHasher.hash(secret),
            secret.substring(0, 3),
            expires,
            now));
    return new ClientCredential(principal.tenantId(), principal.clientId(), secret);
  }
}
