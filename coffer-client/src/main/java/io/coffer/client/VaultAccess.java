package io.coffer.client;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads secrets from any Key-Vault-compatible vault (Azure Key Vault or Coffer) with the official
 * SDK: one credential, one {@link SecretClient} per vault.
 */
public final class VaultAccess {
  private final TokenCredential credential;
  private final Map<String, SecretClient> clients = new ConcurrentHashMap<>();

  public VaultAccess(TokenCredential credential) {
    this.credential = credential;
  }

  /** Builds the credential the settings describe. */
  public static VaultAccess from(VaultSettings settings) {
    return new VaultAccess(credential(settings));
  }

  /** The credential the settings describe, built as the seed tools build it. */
  public static TokenCredential credential(VaultSettings settings) {
    boolean privateAuthority =
        settings.authorityHost().map(h -> !h.contains("login.microsoftonline")).orElse(false);
    return switch (settings.credential()) {
      case CLIENT_SECRET -> {
        ClientSecretCredentialBuilder builder =
            new ClientSecretCredentialBuilder()
                .tenantId(settings.tenantId().orElseThrow())
                .clientId(settings.clientId().orElseThrow())
                .clientSecret(settings.clientSecret().orElseThrow());
        settings.authorityHost().ifPresent(builder::authorityHost);
        // A private authority (Coffer) cannot be validated by Microsoft's discovery endpoint.
        yield privateAuthority ? builder.disableInstanceDiscovery().build() : builder.build();
      }
      case MANAGED_IDENTITY -> {
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
        settings.clientId().ifPresent(builder::clientId);
        yield builder.build();
      }
      case DEFAULT -> {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
        settings.authorityHost().ifPresent(builder::authorityHost);
        settings.tenantId().ifPresent(builder::tenantId);
        settings.clientId().ifPresent(builder::managedIdentityClientId);
        yield builder.build();
      }
    };
  }

  /** Coffer's change channel, followed with this credential (see {@link VaultChanges}). */
  public ChangeFeed changes() {
    return new VaultChanges(credential);
  }

  /** The newest value, or the referenced version's, of a secret (its JSON key is ignored here). */
  public String fetch(SecretReference reference) {
    SecretClient client =
        clients.computeIfAbsent(
            reference.vaultUri(),
            uri -> new SecretClientBuilder().vaultUrl(uri).credential(credential).buildClient());
    return client.getSecret(reference.name(), reference.version().orElse(null)).getValue();
  }
}
