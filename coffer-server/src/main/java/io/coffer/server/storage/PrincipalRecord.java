package io.coffer.server.storage;

/** A service principal (app registration) or other identity that can hold tokens. */
public record PrincipalRecord(
    String objectId,
    String tenantId,
    String clientId,
    String displayName,
    String kind,
    boolean enabled,
    long created) {}
