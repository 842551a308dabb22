package io.coffer.server.identity;

import java.util.Map;
import java.util.Optional;

/**
 * A request to {@code /<tenant>/oauth2/v2.0/token}: the tenant in the path and the form parameters
 * (with {@code client_secret_basic} credentials already merged in), and the client's address (for
 * smart lockout). Secrets, codes and assertions are never printed.
 */
public record TokenRequest(String tenant, Map<String, String> parameters, String clientAddress) {

  public TokenRequest {
    parameters = Map.copyOf(parameters);
  }

  /** A request from an address that is not known (tools and tests). */
  public TokenRequest(String tenant, Map<String, String> parameters) {
    this(tenant, parameters, "");
  }

  /** A form parameter, absent when missing or empty. */
  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name)).filter(v -> !v.isEmpty());
  }

  public Optional<String> grantType() {
    return parameter("grant_type");
  }

  public Optional<String> clientId() {
    return parameter("client_id");
  }

  public Optional<String> scope() {
    return parameter("scope");
  }

  @Override
  public String toString() {
    return "TokenRequest[tenant="
        + tenant
        + ", grant="
        + grantType().orElse("")
        + ", client="
        + clientId().orElse("")
        + "]";
  }
}
