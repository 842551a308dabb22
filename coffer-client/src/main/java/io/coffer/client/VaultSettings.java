package io.coffer.client;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach a vault, as data tools configure it: a vault URL, or a vault name plus a domain
 * ({@code vault.azure.net} by default); and a credential — a client id and secret (with the
 * tenant), an explicit managed identity, or, when nothing says otherwise, the SDK's default chain
 * (environment, workload identity, managed identity, developer logins).
 *
 * <p>Read from a flat map with these keys (an optional prefix in front of each): {@code vault.url},
 * {@code vault.name}, {@code vault.domain}, {@code tenant.id}, {@code client.id}, {@code
 * client.secret}, {@code authority.host}, {@code credential} ({@code default}, {@code
 * client-secret}, {@code managed-identity}).
 */
public record VaultSettings(
    Optional<String> vaultUrl,
    Optional<String> tenantId,
    Optional<String> clientId,
    Optional<String> clientSecret,
    Optional<String> authorityHost,
    Credential credential) {

  /** Which credential to build. */
  public enum Credential {
    /** The SDK's default chain. */
    DEFAULT,
    /** Client id and secret of an application, in a tenant. */
    CLIENT_SECRET,
    /** A managed identity: the system-assigned one, or the user-assigned {@code client.id}. */
    MANAGED_IDENTITY
  }

  public static final String DEFAULT_DOMAIN = "vault.azure.net";

  public VaultSettings {
    if (credential == Credential.CLIENT_SECRET
        && (tenantId.isEmpty() || clientId.isEmpty() || clientSecret.isEmpty())) {
      throw new IllegalArgumentException(
          "a client-secret credential needs tenant.id, client.id and client.secret");
    }
  }

  /**
   * Reads settings; the credential is a client secret when all three of tenant, client id and
   * secret are given (as Airflow and OpenMetadata decide), else the default chain, unless {@code
   * credential} says otherwise.
   */
  public static VaultSettings from(Map<String, String> settings, String prefix) {
    java.util.function.Function<String, Optional<String>> get =
        key ->
            Optional.ofNullable(settings.get(prefix + key))
                .map(String::trim)
                .filter(v -> !v.isEmpty());
    Optional<String> url =
        get.apply("vault.url")
            .or(() ->
                get.apply("vault.name")
                    .map(name ->
                        "https://"
                            + name.toLowerCase(Locale.ROOT)
                            + "."
                            + get.apply("vault.domain").orElse(DEFAULT_DOMAIN)));
    Optional<String> tenant = get.apply("tenant.id");
    Optional<String> client = get.apply("client.id");
    Optional<String> secret = get.apply("client.secret");
    Credential credential =
        get.apply("credential")
            .map(VaultSettings::credential)
            .orElse(
                tenant.isPresent() && client.isPresent() && secret.isPresent()
                    ? Credential.CLIENT_SECRET
                    : Credential.DEFAULT);
    return new VaultSettings(url, tenant, client, secret, get.apply("authority.host"), credential);
  }

  private static Credential credential(String name) {
    return switch (name.toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "default" -> Credential.DEFAULT;
      case "client-secret" -> Credential.CLIENT_SECRET;
      case "managed-identity" -> Credential.MANAGED_IDENTITY;
      default ->
          throw new IllegalArgumentException(
              "credential is default, client-secret or managed-identity, not '" + name + "'");
    };
  }

  @Override
  public String toString() {
    return "VaultSettings[vault="
        + vaultUrl.orElse("(per reference)")
        + ", credential="
        + credential
        + ", client="
        + clientId.orElse("-")
        + ", secret="
        + (clientSecret.isPresent() ? "(redacted)" : "-")
        + "]";
  }
}
