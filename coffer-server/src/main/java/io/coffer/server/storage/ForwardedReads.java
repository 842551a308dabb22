package io.coffer.server.storage;

import java.util.List;
import java.util.Optional;

/** Every read passed on to another {@link SecretReads}; decorators override what they change. */
abstract class ForwardedReads implements SecretReads {
  private final SecretReads reads;

  ForwardedReads(SecretReads reads) {
    this.reads = reads;
  }

  @Override
  public Optional<SecretHead> head(String vaultId, String name) {
    return reads.head(vaultId, name);
  }

  @Override
  public Optional<VersionRecord> version(String vaultId, String name, String version) {
    return reads.version(vaultId, name, version);
  }

  @Override
  public Optional<VersionRecord> latest(String vaultId, String name) {
    return reads.latest(vaultId, name);
  }

  @Override
  public Optional<VersionRecord> activeVersion(String vaultId, String name, String version) {
    return reads.activeVersion(vaultId, name, version);
  }

  @Override
  public List<VersionRecord> versions(String vaultId, String name) {
    return reads.versions(vaultId, name);
  }

  @Override
  public List<VersionRecord> versionsAfter(String vaultId, String name, long afterSeq, int limit) {
    return reads.versionsAfter(vaultId, name, afterSeq, limit);
  }

  @Override
  public List<SecretListing> active(String vaultId, String afterKey, int limit) {
    return reads.active(vaultId, afterKey, limit);
  }

  @Override
  public List<SecretListing> deleted(String vaultId, String afterKey, int limit) {
    return reads.deleted(vaultId, afterKey, limit);
  }
}
