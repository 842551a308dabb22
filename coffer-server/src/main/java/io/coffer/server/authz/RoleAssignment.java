package io.coffer.server.authz;

import io.coffer.server.storage.RoleAssignmentRecord;
import java.util.Objects;

/** A role granted to a principal at a scope: a vault, or one secret of it (by lower-case name). */
public record RoleAssignment(String id, String principalId, Role role, Scope scope, long created) {

  public RoleAssignment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(principalId, "principalId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(scope, "scope");
  }

  static RoleAssignment of(RoleAssignmentRecord stored) {
    Role role =
        Role.of(stored.role())
            .orElseThrow(() ->
                new IllegalStateException(
                    "role assignment "
                        + stored.id()
                        + " names an unknown role '"
                        + stored.role()
                        + "'"));
    Scope scope =
        stored.secretKey().isEmpty()
            ? Scope.vault(stored.vaultId())
            : Scope.secret(stored.vaultId(), stored.secretKey());
    return new RoleAssignment(stored.id(), stored.principalId(), role, scope, stored.created());
  }
}
