package io.coffer.server.authz;

/** The secret data actions of Azure RBAC, under {@code Microsoft.KeyVault/vaults/}. */
public enum Action {
  GET_SECRET("secrets/getSecret/action"),
  READ_METADATA("secrets/readMetadata/action"),
  SET_SECRET("secrets/setSecret/action"),
  UPDATE("secrets/update/action"),
  DELETE("secrets/delete"),
  RECOVER("secrets/recover/action"),
  PURGE("secrets/purge/action"),
  BACKUP("secrets/backup/action"),
  RESTORE("secrets/restore/action");

  private final String dataAction;

  Action(String dataAction) {
    this.dataAction = dataAction;
  }

  /** The full data action, as role definitions and 403 messages name it. */
  public String dataAction() {
    return "Microsoft.KeyVault/vaults/" + dataAction;
  }
}
