package io.coffer.server.storage;

/**
 * A vault: a named container of secrets in one tenant, authorizing by RBAC or, when {@code rbac} is
 * false, by access policies.
 */
public record VaultRecord(
    String id,
    String name,
    String tenantId,
    int retentionDays,
    boolean purgeProtection,
    boolean rbac,
    long created) {}
