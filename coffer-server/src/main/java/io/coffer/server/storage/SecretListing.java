package io.coffer.server.storage;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A secret in a listing: its name-level state and what a listing shows of its newest version. A
 * listing never shows a value, so the row it comes from carries no ciphertext or key.
 */
public record SecretListing(
    SecretHead head,
    String version,
    Optional<String> contentType,
    Map<String, String> tags,
    boolean enabled,
    OptionalLong nbf,
    OptionalLong exp,
    long created,
    long updated) {

  public SecretListing {
    tags = Map.copyOf(tags);
  }
}
