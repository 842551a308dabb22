package io.coffer.server.identity;

import io.coffer.server.storage.DirectoryStore;
import java.util.Set;

/**
 * Which clients may sign users in: any enabled application of the tenant, the public client id the
 * Azure SDKs and CLI use when none is configured, or Coffer's console.
 */
public final class PublicClients {
  /**
   * Coffer's own web console, a public client of every tenant whose only redirect is the console's
   * own address on the token service (see {@link InteractiveLogin}).
   */
  public static final String CONSOLE = "c0ffe12c-0a5e-4c0e-9b1e-000000c0a501";

  /** Azure CLI's id, which azure-identity's user credentials also use by default. */
  private static final Set<String> WELL_KNOWN =
      Set.of("04b07795-8ddb-461a-bbee-02f9e1bf7b46", CONSOLE);

  private PublicClients() {}

  static boolean known(DirectoryStore store, Tenant tenant, String clientId) {
    if (WELL_KNOWN.contains(clientId)) {
      return true;
    }
    return store
        .principalByClientId(clientId)
        .filter(p -> p.tenantId().equals(tenant.id()) && p.enabled())
        .map(DirectoryPrincipal::of)
        .filter(p -> p.kind() == PrincipalKind.SERVICE_PRINCIPAL)
        .isPresent();
  }
}
