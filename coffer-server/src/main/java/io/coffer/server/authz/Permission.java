package io.coffer.server.authz;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The secret permissions of a vault access policy, and the data actions each one covers: {@code
 * list} covers every metadata read (lists, versions, deleted secrets) and {@code set} covers
 * updates, as the service's operation reference says.
 */
public enum Permission {
  GET(EnumSet.of(Action.GET_SECRET)),
  LIST(EnumSet.of(Action.READ_METADATA)),
  SET(EnumSet.of(Action.SET_SECRET, Action.UPDATE)),
  DELETE(EnumSet.of(Action.DELETE)),
  RECOVER(EnumSet.of(Action.RECOVER)),
  BACKUP(EnumSet.of(Action.BACKUP)),
  RESTORE(EnumSet.of(Action.RESTORE)),
  PURGE(EnumSet.of(Action.PURGE));

  private final Set<Action> actions;

  Permission(Set<Action> actions) {
    this.actions = actions;
  }

  public boolean covers(Action action) {
    return actions.contains(action);
  }

  /** The permission that covers an action: the word a policy 403 message names. */
  static Permission covering(Action action) {
    for (Permission permission : values()) {
      if (permission.covers(action)) {
        return permission;
      }
    }
    throw new IllegalArgumentException("no permission covers " + action);
  }

  /** As Azure writes them: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a permission name; {@code all} is not one (it expands in {@link #parseList}). */
  public static Optional<Permission> of(String name) {
    for (Permission permission : values()) {
      if (permission.name().equalsIgnoreCase(name.trim())) {
        return Optional.of(permission);
      }
    }
    return Optional.empty();
  }

  /**
   * Parses a comma-separated list, accepting {@code all}.
   *
   * @throws IllegalArgumentException naming the first unknown permission
   */
  public static Set<Permission> parseList(String list) {
    Set<Permission> permissions = EnumSet.noneOf(Permission.class);
    for (String item : list.split(",")) {
      String name = item.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (name.equalsIgnoreCase("all")) {
        permissions.addAll(EnumSet.allOf(Permission.class));
        continue;
      }
      permissions.add(
          of(name)
              .orElseThrow(() ->
                  new IllegalArgumentException(
                      "'"
                          + name
                          + "' is not a secret permission; use get, list, set, delete, recover,"
                          + " backup, restore, purge or all")));
    }
    return permissions;
  }

  public static String format(Set<Permission> permissions) {
    return String.join(",", permissions.stream().map(Permission::wireName).toList());
  }
}
