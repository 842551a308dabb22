package io.coffer.server.storage;

import java.util.Optional;

/**
 * An identity that can hold tokens: an application's service principal, a managed identity or a
 * user ({@code kind} says which). Users have a sign-in name.
 */
public record PrincipalRecord(
    String objectId,
    String tenantId,
    String clientId,
    String displayName,
    String kind,
    boolean enabled,
    long created,
    Optional<String> userName) {}
