package io.coffer.server.storage;

/**
 * A client secret, stored only as a slow salted hash; {@code hint} is its first three characters as
 * the real service shows them. {@code expires} is Unix seconds, {@link Long#MAX_VALUE} for never.
 */
public record ClientSecretRecord(
    String id,
    String principalId,
    String displayName,
    String hash,
    String hint,
    long expires,
    long created) {

  @Override
  public String toString() {
    return "ClientSecretRecord[id=" + id + ", principal=" + principalId + "]";
  }
}
