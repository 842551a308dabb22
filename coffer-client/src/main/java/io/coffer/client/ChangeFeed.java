package io.coffer.client;

/**
 * Where a {@link SecretCache} hears that secrets changed, so it refreshes them at once instead of
 * at the end of their TTL. {@link VaultAccess#changes()} follows Coffer's change channel; against a
 * vault without one (Azure Key Vault) following stops quietly and the TTL alone applies.
 */
@FunctionalInterface
public interface ChangeFeed {

  /**
   * Starts following one vault's changes.
   *
   * @param vaultUri {@code https://host[:port]}
   * @return stops following when closed
   */
  AutoCloseable follow(String vaultUri, ChangeListener listener);

  /** What a followed vault reports. */
  interface ChangeListener {
    /** The secret of this name changed (a new version, new attributes, deleted, recovered). */
    void changed(String name);

    /** Changes may have been missed (the feed fell too far behind): re-read everything held. */
    void missed();
  }
}
