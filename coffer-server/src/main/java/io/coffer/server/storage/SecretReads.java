package io.coffer.server.storage;

import java.util.List;
import java.util.Optional;

/** The read side of {@link SecretStore}, also available inside a write transaction. */
public interface SecretReads {

  Optional<SecretHead> head(String vaultId, String name);

  Optional<VersionRecord> version(String vaultId, String name, String version);

  /** The newest version of a secret, deleted or not; callers check the head for deletion. */
  Optional<VersionRecord> latest(String vaultId, String name);

  /**
   * A version of a secret that is not deleted, in one query: the hot path of GET. An empty {@code
   * version} means the newest.
   */
  Optional<VersionRecord> activeVersion(String vaultId, String name, String version);

  /** All versions, oldest first. */
  List<VersionRecord> versions(String vaultId, String name);

  /** Versions after {@code afterSeq}, oldest first. */
  List<VersionRecord> versionsAfter(String vaultId, String name, long afterSeq, int limit);

  /** Active (not deleted) secrets with names ordered after {@code afterKey}. */
  List<SecretListing> active(String vaultId, String afterKey, int limit);

  /** Soft-deleted secrets with names ordered after {@code afterKey}. */
  List<SecretListing> deleted(String vaultId, String afterKey, int limit);
}
