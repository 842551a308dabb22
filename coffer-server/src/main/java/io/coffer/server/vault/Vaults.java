package io.coffer.server.vault;

import io.coffer.server.CofferException;
import io.coffer.server.storage.VaultRecord;
import io.coffer.server.storage.VaultStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Vault registry and host routing: a request's host names its vault. */
public final class Vaults {
  private final VaultStore store;
  private final Clock clock;
  private final Map<String, Vault> byName = new ConcurrentHashMap<>();

  private final boolean shared;

  public Vaults(VaultStore store, Clock clock) {
    this(store, clock, false);
  }

  /**
   * @param shared whether other nodes share the store: then nothing is cached, so a vault's
   *     settings (RBAC or access policies) apply on every node as soon as they change
   */
  public Vaults(VaultStore store, Clock clock, boolean shared) {
    this.store = store;
    this.clock = clock;
    this.shared = shared;
  }

  /**
   * The vault with this name.
   *
   * @throws CofferException.NotFound when there is none
   */
  public Vault named(String name) {
    return find(name)
        .orElseThrow(
            () -> new CofferException.NotFound("The vault '" + name + "' does not exist."));
  }

  public Optional<Vault> find(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    if (shared) {
      return store.vaultByName(key).map(Vaults::vault);
    }
    Vault known = byName.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Vault> loaded = store.vaultByName(key).map(Vaults::vault);
    loaded.ifPresent(v -> byName.put(key, v));
    return loaded;
  }

  public List<Vault> all() {
    return store.vaults().stream().map(Vaults::vault).toList();
  }

  /** A new vault using RBAC, as Azure creates them by default. */
  public Vault create(String name, String tenantId, int retentionDays, boolean purgeProtection) {
    return create(name, tenantId, retentionDays, purgeProtection, true);
  }

  public Vault create(
      String name, String tenantId, int retentionDays, boolean purgeProtection, boolean rbac) {
    Vault vault;
    try {
      vault =
          new Vault(
              UUID.randomUUID().toString(),
              name.toLowerCase(Locale.ROOT),
              tenantId,
              retentionDays,
              purgeProtection,
              rbac);
    } catch (IllegalArgumentException e) {
      throw new CofferException.BadRequest(e.getMessage());
    }
    if (find(vault.name()).isPresent()) {
      throw new CofferException.Conflict(
          "A vault named '" + vault.name() + "' already exists.", CofferException.Reason.NONE);
    }
    store.insertVault(
        new VaultRecord(
            vault.id(),
            vault.name(),
            tenantId,
            retentionDays,
            purgeProtection,
            rbac,
            clock.instant().getEpochSecond()));
    return vault;
  }

  /** Switches the vault between RBAC and access policies; effective on the next request. */
  public Vault setRbac(String name, boolean rbac) {
    Vault vault = named(name);
    store.setVaultRbac(vault.id(), rbac);
    byName.remove(vault.name());
    return named(name);
  }

  private static Vault vault(VaultRecord record) {
    return new Vault(
        record.id(),
        record.name(),
        record.tenantId(),
        record.retentionDays(),
        record.purgeProtection(),
        record.rbac());
  }
}
