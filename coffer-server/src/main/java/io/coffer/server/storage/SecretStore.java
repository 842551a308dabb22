package io.coffer.server.storage;

import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Secrets and their versions. Reads see committed state; {@link #write} runs its work in one
 * serialised transaction that is durable when it returns, so a caller acknowledges only what is on
 * disk. Names are matched case-insensitively.
 */
public interface SecretStore extends SecretReads {

  <T> T write(Function<SecretWrites, T> work);

  /** Soft-deleted secrets whose retention ended before {@code now} (Unix seconds). */
  List<SecretHead> purgeDue(long now, int limit);

  /** Version keys wrapped by another master key than {@code masterKeyId}; at most {@code limit}. */
  List<WrappedKeyRecord> wrappedNotBy(String masterKeyId, int limit);

  long countWrappedNotBy(String masterKeyId);

  /** How many secrets of a vault are live (not soft-deleted), and how many are soft-deleted. */
  SecretCounts count(String vaultId);

  /** A vault's secrets by state, for the console's summaries. */
  record SecretCounts(long live, long deleted) {}

  /**
   * Puts a re-wrapped data key in place of {@code old}, if the row still holds {@code old}'s; the
   * ciphertext is not touched.
   */
  boolean replaceWrappedKey(WrappedKeyRecord old, byte[] wrappedKey, String masterKeyId);

  /** Reads and writes inside one transaction. */
  interface SecretWrites extends SecretReads {
    void createHead(String vaultId, String name);

    void insertVersion(VersionRecord version);

    void updateVersion(VersionRecord version);

    void markDeleted(String vaultId, String name, long deleted, long purgeAfter);

    void markRecovered(String vaultId, String name);

    void purge(String vaultId, String name);

    long nextSeq(String vaultId, String name);

    /**
     * Records what this transaction did to a secret; it is appended to the {@link ChangeLog} when
     * the transaction commits. Every transaction that changes a secret must call it.
     */
    void logChange(
        String vaultId,
        String name,
        String version,
        ChangeKind kind,
        OptionalLong nbf,
        OptionalLong exp);
  }
}
