package io.coffer.server.storage;

import java.util.OptionalLong;

/**
 * How Coffer rotates one secret: the PostgreSQL role whose password it holds, the secret with the
 * administrator's login that may change it, how often, and how long the previous login stays valid.
 *
 * @param nextDue Unix seconds
 * @param lastRotated Unix milliseconds of the last rotation that succeeded
 * @param lastStatus {@code never}, {@code succeeded}, {@code failed}, or {@code rotating} while a
 *     run goes on (and after a node died in one)
 */
public record RotationPolicyRecord(
    String vaultId,
    String name,
    String jdbcUrl,
    String role,
    String adminSecret,
    long everySeconds,
    long graceSeconds,
    int nearExpiryDays,
    long nextDue,
    OptionalLong lastRotated,
    String lastStatus,
    String lastError) {

  /** The same policy after a run. */
  public RotationPolicyRecord after(
      long changedNextDue, OptionalLong changedLastRotated, String status, String error) {
    return new RotationPolicyRecord(
        vaultId,
        name,
        jdbcUrl,
        role,
        adminSecret,
        everySeconds,
        graceSeconds,
        nearExpiryDays,
        changedNextDue,
        changedLastRotated,
        status,
        error);
  }
}
