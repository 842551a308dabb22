package io.coffer.server.authz;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The built-in Key Vault data-plane roles, with their real names, ids and secret data actions. */
public enum Role {
  KEY_VAULT_ADMINISTRATOR(
      "Key Vault Administrator",
      "00482a5a-887f-4fb3-b363-3b7fe8e74483",
      EnumSet.allOf(Action.class)),
  KEY_VAULT_SECRETS_OFFICER(
      "Key Vault Secrets Officer",
      "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
      EnumSet.allOf(Action.class)),
  KEY_VAULT_SECRETS_USER(
      "Key Vault Secrets User",
      "4633458b-17de-408a-b874-0445c86b69e6",
      EnumSet.of(Action.GET_SECRET, Action.READ_METADATA)),
  KEY_VAULT_READER(
      "Key Vault Reader", "21090545-7ca7-4776-b22c-e363652d74d2", EnumSet.of(Action.READ_METADATA));

  private final String displayName;
  private final String id;
  private final Set<Action> actions;

  Role(String displayName, String id, Set<Action> actions) {
    this.displayName = displayName;
    this.id = id;
    this.actions = actions;
  }

  public String displayName() {
    return displayName;
  }

  public String id() {
    return id;
  }

  public boolean allows(Action action) {
    return actions.contains(action);
  }

  /** A role by its display name, enum name or role definition id. */
  public static Optional<Role> of(String name) {
    for (Role role : values()) {
      if (role.displayName.equalsIgnoreCase(name)
          || role.name().equalsIgnoreCase(name)
          || role.id.equalsIgnoreCase(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return displayName.toLowerCase(Locale.ROOT);
  }
}
