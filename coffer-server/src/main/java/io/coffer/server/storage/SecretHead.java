package io.coffer.server.storage;

import java.util.OptionalLong;

/** The name-level state of a secret: its display name and, when soft-deleted, when and until. */
public record SecretHead(
    String vaultId, String name, OptionalLong deleted, OptionalLong purgeAfter) {

  public boolean isDeleted() {
    return deleted.isPresent();
  }
}
