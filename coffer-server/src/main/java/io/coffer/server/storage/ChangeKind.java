package io.coffer.server.storage;

import java.util.Locale;

/** What a secret write did, as the change log records it. */
public enum ChangeKind {
  SET,
  UPDATE,
  DELETE,
  RECOVER,
  PURGE,
  RESTORE;

  /** The stored and wire name: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ChangeKind of(String stored) {
    return valueOf(stored.toUpperCase(Locale.ROOT));
  }
}
