package io.coffer.server.storage;

/**
 * A role granted to a principal on a vault, or on one secret of it when {@code secretKey} (the
 * lower-case name) is non-empty.
 */
public record RoleAssignmentRecord(
    String id, String principalId, String role, String vaultId, String secretKey, long created) {}
