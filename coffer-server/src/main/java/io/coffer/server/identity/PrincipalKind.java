package io.coffer.server.identity;

import java.util.Locale;
import java.util.Optional;

/** What a principal is; stored by {@link #stored()} name, shown as Entra shows it. */
public enum PrincipalKind {
  SERVICE_PRINCIPAL("ServicePrincipal"),
  SYSTEM_ASSIGNED_IDENTITY("SystemAssignedIdentity"),
  USER_ASSIGNED_IDENTITY("UserAssignedIdentity"),
  USER("User");

  private final String stored;

  PrincipalKind(String stored) {
    this.stored = stored;
  }

  public String stored() {
    return stored;
  }

  public boolean isManagedIdentity() {
    return this == SYSTEM_ASSIGNED_IDENTITY || this == USER_ASSIGNED_IDENTITY;
  }

  public static Optional<PrincipalKind> of(String name) {
    String key = name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    for (PrincipalKind kind : values()) {
      if (kind.stored.toLowerCase(Locale.ROOT).equals(key)
          || kind.name().replace("_", "").toLowerCase(Locale.ROOT).equals(key)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
