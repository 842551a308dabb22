package io.coffer.server.authz;

/** How a vault authorizes data-plane calls: Azure RBAC, or the legacy access policies. */
public enum PermissionModel {
  RBAC,
  ACCESS_POLICIES;

  public static PermissionModel of(boolean rbac) {
    return rbac ? RBAC : ACCESS_POLICIES;
  }
}
