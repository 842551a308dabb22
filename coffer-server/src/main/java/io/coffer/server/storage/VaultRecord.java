package io.coffer.server.storage;

/** A vault: a named container of secrets in one tenant. */
public record VaultRecord(
    String id,
    String name,
    String tenantId,
    int retentionDays,
    boolean purgeProtection,
    long created) {}
