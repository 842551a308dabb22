package io.coffer.server.identity;

import io.coffer.server.storage.ClientSecretRecord;
import java.util.Objects;

/**
 * A client secret as it is listed: never the secret or its hash, only its first characters ({@code
 * hint}) as Azure shows them. {@code expires} is Unix seconds, {@link Long#MAX_VALUE} for never.
 */
public record ClientSecretSummary(
    String id, String principalId, String displayName, String hint, long expires, long created) {

  public ClientSecretSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(principalId, "principalId");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(hint, "hint");
  }

  static ClientSecretSummary of(ClientSecretRecord stored) {
    return new ClientSecretSummary(
        stored.id(),
        stored.principalId(),
        stored.displayName(),
        stored.hint(),
        stored.expires(),
        stored.created());
  }

  /** Even the hint is part of the secret: logs get the id only. */
  @Override
  public String toString() {
    return "ClientSecretSummary[id=" + id + ", principal=" + principalId + "]";
  }
}
