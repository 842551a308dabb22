package io.coffer.server.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The public URLs clients see. The vault resource is {@code https://<domain>[:port]} and vaults are
 * its subdomains, which is what every SDK's challenge-resource check requires; the port is kept in
 * the resource because Python compares host and port.
 */
public record Endpoints(String domain, String authorityHost, int port) {

  public String vaultUrl(String vaultName) {
    return "https://" + vaultName + "." + domain + portSuffix();
  }

  /** The audience of vault tokens. */
  public String resource() {
    return "https://" + domain + portSuffix();
  }

  /**
   * The audience of management-API tokens: a different resource than the vaults', so a vault token
   * never administers anything.
   */
  public String managementResource() {
    return authority() + "/admin";
  }

  /** The token service, as clients put it in {@code AZURE_AUTHORITY_HOST}. */
  public String authority() {
    return "https://" + authorityHost + portSuffix();
  }

  public String issuer(String tenantId) {
    return authority() + "/" + tenantId + "/v2.0";
  }

  /** The vault a Host header names, if it is {@code <vault>.<domain>}; any port is accepted. */
  public Optional<String> vaultNameOf(String hostHeader) {
    if (hostHeader == null) {
      return Optional.empty();
    }
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && !host.endsWith("]")) {
      host = host.substring(0, colon);
    }
    String suffix = "." + domain;
    if (!host.endsWith(suffix) || host.length() == suffix.length()) {
      return Optional.empty();
    }
    String label = host.substring(0, host.length() - suffix.length());
    return label.contains(".") ? Optional.empty() : Optional.of(label);
  }

  private String portSuffix() {
    return port == 443 ? "" : ":" + port;
  }
}
