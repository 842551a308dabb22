package io.coffer.server.events;

import java.util.Optional;

/** The events a vault publishes: Key Vault's three secret events, and Coffer's own. */
public enum EventType {
  SECRET_NEW_VERSION_CREATED("Microsoft.KeyVault.SecretNewVersionCreated"),
  SECRET_NEAR_EXPIRY("Microsoft.KeyVault.SecretNearExpiry"),
  SECRET_EXPIRED("Microsoft.KeyVault.SecretExpired"),
  /** Coffer's: a rotation it ran failed, and the previous value still works. */
  SECRET_ROTATION_FAILED("Coffer.KeyVault.SecretRotationFailed");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** By wire name, any case, as subscriptions name them. */
  public static Optional<EventType> of(String wireName) {
    for (EventType type : values()) {
      if (type.wireName.equalsIgnoreCase(wireName)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
