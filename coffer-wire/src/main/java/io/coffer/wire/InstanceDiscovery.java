package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Entra's instance-discovery answer ({@code /common/discovery/instance}): where the tenant's OpenID
 * document is, and which host names are one cloud. MSAL asks it before trusting an authority.
 */
public record InstanceDiscovery(
    @JsonProperty("tenant_discovery_endpoint") String tenantDiscoveryEndpoint,
    @JsonProperty("api-version") String apiVersion,
    List<Metadata> metadata) {

  /** One cloud: the host to call, the host tokens are cached under, and every alias. */
  public record Metadata(
      @JsonProperty("preferred_network") String preferredNetwork,
      @JsonProperty("preferred_cache") String preferredCache,
      List<String> aliases) {}
}
