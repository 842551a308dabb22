package io.coffer.server.authz;

import java.util.Optional;

/** What an action touches: a whole vault, or one secret in it. */
public record Scope(String vaultId, Optional<String> secretName) {

  public static Scope vault(String vaultId) {
    return new Scope(vaultId, Optional.empty());
  }

  public static Scope secret(String vaultId, String name) {
    return new Scope(vaultId, Optional.of(name));
  }
}
