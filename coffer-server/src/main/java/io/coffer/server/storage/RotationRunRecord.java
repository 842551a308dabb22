package io.coffer.server.storage;

/**
 * One rotation run.
 *
 * @param cause {@code schedule}, {@code near-expiry} or {@code on-demand}
 * @param started Unix milliseconds
 * @param finished Unix milliseconds
 * @param status {@code succeeded} or {@code failed}
 * @param version the secret version written, empty when none was
 * @param login the role that logs in with the new version
 */
public record RotationRunRecord(
    String id,
    String vaultId,
    String name,
    String cause,
    long started,
    long finished,
    String status,
    String version,
    String login,
    String error) {}
