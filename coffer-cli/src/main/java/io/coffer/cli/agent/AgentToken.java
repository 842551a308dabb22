package io.coffer.cli.agent;

import java.time.Instant;
import java.util.Optional;

/**
 * An access token the agent got from Coffer, with the claims it is looked up by: {@code oid} for
 * object-id requests and {@code xms_mirid} for resource-id requests.
 */
record AgentToken(
    String accessToken,
    String clientId,
    Instant notBefore,
    Instant expiresOn,
    Optional<String> objectId,
    Optional<String> resourceId) {

  @Override
  public String toString() {
    return "AgentToken[client=" + clientId + ", expiresOn=" + expiresOn + ", token=(redacted)]";
  }
}
