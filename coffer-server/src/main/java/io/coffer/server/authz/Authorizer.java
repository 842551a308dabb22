package io.coffer.server.authz;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.coffer.server.CofferException;
import io.coffer.server.identity.Principal;
import io.coffer.server.storage.AccessPolicyRecord;
import io.coffer.server.storage.RoleAssignmentRecord;
import io.coffer.server.storage.VaultStore;
import io.coffer.server.vault.Vault;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The one decision function, deny by default. On an RBAC vault: allow when a role assigned to the
 * principal at the vault, or at the secret itself, carries the action. On an access-policy vault:
 * allow when the principal's policy on the vault holds the permission covering the action. Changes
 * made here take effect on the next request.
 */
public final class Authorizer {
  private final VaultStore store;
  private final Clock clock;
  // Decisions work on the stored rows themselves, as read (or cached) for each request; a row
  // naming a role this version does not know grants nothing.
  private final LoadingCache<String, List<RoleAssignmentRecord>> assignments;
  private final LoadingCache<String, List<AccessPolicyRecord>> policies;

  private final boolean shared;

  public Authorizer(VaultStore store, Clock clock) {
    this(store, clock, false);
  }

  /**
   * @param shared whether other nodes share the store: then every decision reads the current
   *     assignments and policies, so a change acknowledged by any node applies at once
   */
  public Authorizer(VaultStore store, Clock clock, boolean shared) {
    this.store = store;
    this.clock = clock;
    this.shared = shared;
    this.assignments = Caffeine.newBuilder().maximumSize(10_000).build(store::roleAssignments);
    this.policies = Caffeine.newBuilder().maximumSize(10_000).build(store::accessPolicies);
  }

  public AccessDecision decide(
      Principal principal, Action action, Vault vault, Optional<String> secretName) {
    return vault.rbac()
        ? byRole(principal, action, vault, secretName)
        : byPolicy(principal, action, vault);
  }

  private AccessDecision byRole(
      Principal principal, Action action, Vault vault, Optional<String> secretName) {
    String secretKey = secretName.map(n -> n.toLowerCase(Locale.ROOT)).orElse("");
    for (RoleAssignmentRecord assignment : assignmentsOf(principal.objectId())) {
      if (!assignment.vaultId().equals(vault.id())) {
        continue;
      }
      boolean inScope =
          assignment.secretKey().isEmpty() || assignment.secretKey().equals(secretKey);
      if (inScope && Role.of(assignment.role()).map(r -> r.allows(action)).orElse(false)) {
        return AccessDecision.allow(PermissionModel.RBAC);
      }
    }
    return AccessDecision.deny(
        PermissionModel.RBAC,
        "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny"
            + " assignments or role definitions were changed recently, please observe propagation"
            + " time.\r\nCaller: appid="
            + principal.clientId()
            + ";oid="
            + principal.objectId()
            + "\r\nAction: '"
            + action.dataAction()
            + "'\r\nResource: '/vaults/"
            + vault.name()
            + secretName.map(n -> "/secrets/" + n.toLowerCase(Locale.ROOT)).orElse("")
            + "'\r\nInner error code: ForbiddenByRbac");
  }

  private AccessDecision byPolicy(Principal principal, Action action, Vault vault) {
    for (AccessPolicyRecord policy : policiesOf(principal.objectId())) {
      if (policy.vaultId().equals(vault.id())
          && Permission.parseList(policy.permissions()).stream().anyMatch(p -> p.covers(action))) {
        return AccessDecision.allow(PermissionModel.ACCESS_POLICIES);
      }
    }
    return AccessDecision.deny(
        PermissionModel.ACCESS_POLICIES,
        "The user, group or application 'appid="
            + principal.clientId()
            + ";oid="
            + principal.objectId()
            + "' does not have secrets "
            + Permission.covering(action).wireName()
            + " permission on key vault '"
            + vault.name()
            + "'. For help resolving this issue, please see"
            + " https://go.microsoft.com/fwlink/?linkid=2125287");
  }

  /** Grants a role; effective immediately. */
  public RoleAssignment assign(String principalId, Role role, Scope scope) {
    RoleAssignmentRecord assignment =
        new RoleAssignmentRecord(
            UUID.randomUUID().toString(),
            principalId,
            role.name(),
            scope.vaultId(),
            scope.secretName().orElse("").toLowerCase(Locale.ROOT),
            clock.instant().getEpochSecond());
    store.insertRoleAssignment(assignment);
    assignments.invalidate(principalId);
    return RoleAssignment.of(assignment);
  }

  public List<RoleAssignment> assignmentsOn(Vault vault) {
    return store.roleAssignmentsOnVault(vault.id()).stream().map(RoleAssignment::of).toList();
  }

  /** Removes a role assignment; effective immediately. */
  public void unassign(String assignmentId) {
    RoleAssignmentRecord removed =
        store
            .deleteRoleAssignment(assignmentId)
            .orElseThrow(() ->
                new CofferException.NotFound(
                    "The role assignment '" + assignmentId + "' does not exist."));
    assignments.invalidate(removed.principalId());
  }

  /** Sets (replaces) a principal's access policy on a vault; effective immediately. */
  public AccessPolicy setPolicy(Vault vault, String objectId, Set<Permission> permissions) {
    AccessPolicyRecord policy =
        new AccessPolicyRecord(
            vault.id(), objectId, Permission.format(permissions), clock.instant().getEpochSecond());
    store.putAccessPolicy(policy);
    policies.invalidate(objectId);
    return AccessPolicy.of(policy);
  }

  public List<AccessPolicy> policiesOn(Vault vault) {
    return store.accessPoliciesOnVault(vault.id()).stream().map(AccessPolicy::of).toList();
  }

  public void removePolicy(Vault vault, String objectId) {
    if (!store.deleteAccessPolicy(vault.id(), objectId)) {
      throw new CofferException.NotFound(
          "The principal '" + objectId + "' has no access policy on '" + vault.name() + "'.");
    }
    policies.invalidate(objectId);
  }

  /** Forgets what is cached for a principal, after it was changed or removed elsewhere. */
  public void forget(String objectId) {
    assignments.invalidate(objectId);
    policies.invalidate(objectId);
  }

  private List<RoleAssignmentRecord> assignmentsOf(String principalId) {
    return shared ? store.roleAssignments(principalId) : assignments.get(principalId);
  }

  private List<AccessPolicyRecord> policiesOf(String principalId) {
    return shared ? store.accessPolicies(principalId) : policies.get(principalId);
  }
}
