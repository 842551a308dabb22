package io.coffer.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The public URLs clients see. The vault resource is {@code https://<domain>[:port]} and vaults are
 * its subdomains, which is what every SDK's challenge-resource check requires; the port is kept in
 * the resource because Python compares host and port.
 */
public record Endpoints(String domain, String authorityHost, int port, Optional<Cloud> cloud) {
  private static final List<String> PRIVATE_USE =
      List.of("localhost", "test", "example", "internal", "home.arpa");

  /** Private names: no cloud's. */
  public Endpoints(String domain, String authorityHost, int port) {
    this(domain, authorityHost, port, Optional.empty());
  }

  public String vaultUrl(String vaultName) {
    return "https://" + vaultHost(vaultName) + portSuffix();
  }

  public String vaultHost(String vaultName) {
    return vaultName + "." + domain;
  }

  /**
   * The host names of everything but the vaults: the token service and, for a cloud, its aliases
   * and Resource Manager.
   */
  public List<String> serviceHosts() {
    return cloud.map(Cloud::serviceHosts).orElse(List.of(authorityHost));
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

  /**
   * The audiences of Azure Resource Manager tokens, which {@code az login} asks for before it talks
   * to a vault; only a cloud mode serves Resource Manager under its own name.
   */
  public List<String> resourceManagerAudiences() {
    return cloud.map(Cloud::managementAudiences).orElse(List.of());
  }

  /**
   * The DNS names the server certificate must cover: vaults (a wildcard), the token service with
   * its cloud aliases, Resource Manager, and localhost for local tools.
   */
  public List<String> serverNames() {
    List<String> names = new ArrayList<>(List.of(domain, "*." + domain));
    serviceHosts().stream().filter(h -> !names.contains(h)).forEach(names::add);
    if (!names.contains("localhost")) {
      names.add("localhost");
    }
    return List.copyOf(names);
  }

  /**
   * The DNS name families the generated CA is constrained to, so that one CA serves every name
   * Coffer can be run under and no other: the names kept for private use ({@code localhost}, {@code
   * test}, {@code example}, {@code internal}, {@code home.arpa}), each cloud's names (for {@code
   * --cloud}, whether or not it is used now), and the domain and token-service host when they lie
   * outside those.
   */
  public List<String> caNameFamilies() {
    List<String> families = new ArrayList<>(PRIVATE_USE);
    for (Cloud each : Cloud.all()) {
      families.add(each.vaultDomain());
      families.addAll(each.serviceHosts());
    }
    for (String own : List.of(domain, authorityHost)) {
      String name = own.toLowerCase(Locale.ROOT);
      if (families.stream().noneMatch(f -> name.equals(f) || name.endsWith("." + f))) {
        families.add(name);
      }
    }
    return List.copyOf(families);
  }

  /** The {@code cloud_instance_name} of the token service's documents. */
  public String cloudInstanceName() {
    return cloud.map(Cloud::instanceName).orElse(authorityHost);
  }

  /** The host names clients know the token service by, the one to call first. */
  public List<String> loginHosts() {
    return cloud.map(Cloud::loginHosts).orElse(List.of(authorityHost + portSuffix()));
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
