package io.coffer.server.storage;

import java.util.Optional;

/**
 * Trust in tokens from an external OIDC {@code issuer} for one {@code subject} and {@code
 * audience}; {@code jwks} holds the issuer's keys when they are given inline instead of discovered.
 */
public record FederatedCredentialRecord(
    String id,
    String principalId,
    String name,
    String issuer,
    String subject,
    String audience,
    Optional<String> jwks,
    long created) {}
