package io.coffer.server.storage;

/** A vault access policy: the secret permissions (comma-separated, lower case) of one principal. */
public record AccessPolicyRecord(
    String vaultId, String objectId, String permissions, long updated) {}
