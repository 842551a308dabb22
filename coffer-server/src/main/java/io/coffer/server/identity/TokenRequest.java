package io.coffer.server.identity;

import java.util.Optional;

/**
 * A client-credentials token request as posted to {@code /<tenant>/oauth2/v2.0/token}. The secret
 * is never printed.
 */
public record TokenRequest(
    String tenant,
    Optional<String> grantType,
    Optional<String> clientId,
    Optional<String> clientSecret,
    Optional<String> scope) {

  @Override
  public String toString() {
    return "TokenRequest[tenant=" + tenant + ", client=" + clientId.orElse("") + "]";
  }
}
