package io.coffer.server.authz;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.coffer.server.identity.Principal;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.RoleAssignmentRecord;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The one decision function: deny by default; allow when a role assigned to the principal at the
 * vault, or at the secret itself, carries the action.
 */
public final class Authorizer {
  private final DirectoryStore directory;
  private final Clock clock;
  private final LoadingCache<String, List<RoleAssignmentRecord>> assignments;

  public Authorizer(DirectoryStore directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
    this.assignments = Caffeine.newBuilder().maximumSize(10_000).build(directory::roleAssignments);
  }

  public AccessDecision decide(Principal principal, Action action, Scope scope) {
    String secretKey = scope.secretName().map(n -> n.toLowerCase(Locale.ROOT)).orElse("");
    for (RoleAssignmentRecord assignment : assignments.get(principal.objectId())) {
      if (!assignment.vaultId().equals(scope.vaultId())) {
        continue;
      }
      boolean inScope =
          assignment.secretKey().isEmpty() || assignment.secretKey().equals(secretKey);
      if (inScope && Role.of(assignment.role()).map(r -> r.allows(action)).orElse(false)) {
        return AccessDecision.allow();
      }
    }
    return AccessDecision.deny(
        "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny"
            + " assignments or role definitions were changed recently, please observe propagation"
            + " time.\r\nCaller: appid="
            + principal.clientId()
            + ";oid="
            + principal.objectId()
            + "\r\nAction: '"
            + action.dataAction()
            + "'\r\nInner error code: ForbiddenByRbac");
  }

  /** Grants a role; effective immediately. */
  public void assign(String principalId, Role role, Scope scope) {
    directory.insertRoleAssignment(
        new RoleAssignmentRecord(
            UUID.randomUUID().toString(),
            principalId,
            role.name(),
            scope.vaultId(),
            scope.secretName().orElse(""),
            clock.instant().getEpochSecond()));
    assignments.invalidate(principalId);
  }
}
