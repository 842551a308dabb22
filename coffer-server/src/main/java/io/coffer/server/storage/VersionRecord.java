package io.coffer.server.storage;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** One stored version of a secret: ciphertext and metadata, never plaintext. */
public record VersionRecord(
    String vaultId,
    String name,
    String version,
    long seq,
    byte[] ciphertext,
    byte[] wrappedKey,
    String masterKeyId,
    Optional<String> contentType,
    Map<String, String> tags,
    boolean enabled,
    OptionalLong nbf,
    OptionalLong exp,
    long created,
    long updated) {

  public VersionRecord {
    tags = Map.copyOf(tags);
  }

  /** The same version with new metadata, as PATCH makes it. */
  public VersionRecord withMetadata(
      Optional<String> newContentType,
      Map<String, String> newTags,
      boolean newEnabled,
      OptionalLong newNbf,
      OptionalLong newExp,
      long newUpdated) {
    return new VersionRecord(
        vaultId,
        name,
        version,
        seq,
        ciphertext,
        wrappedKey,
        masterKeyId,
        newContentType,
        newTags,
        newEnabled,
        newNbf,
        newExp,
        created,
        newUpdated);
  }

  @Override
  public String toString() {
    return "VersionRecord[" + name + "/" + version + "]";
  }
}
