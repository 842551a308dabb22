package io.coffer.server.identity;

import io.coffer.server.storage.PrincipalRecord;
import java.util.Objects;
import java.util.Optional;

/**
 * A principal as the directory holds it: an application's service principal, a managed identity or
 * a user ({@code kind} says which), whether it may get tokens, and a user's sign-in name. {@link
 * Principal} is what a token proves of it. {@code created} is Unix seconds.
 */
public record DirectoryPrincipal(
    String objectId,
    String tenantId,
    String clientId,
    String displayName,
    PrincipalKind kind,
    boolean enabled,
    long created,
    Optional<String> userName) {

  public DirectoryPrincipal {
    Objects.requireNonNull(objectId, "objectId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(userName, "userName");
  }

  public boolean isUser() {
    return kind == PrincipalKind.USER;
  }

  static DirectoryPrincipal of(PrincipalRecord stored) {
    PrincipalKind kind =
        PrincipalKind.of(stored.kind())
            .orElseThrow(() ->
                new IllegalStateException(
                    "principal "
                        + stored.objectId()
                        + " has an unknown kind '"
                        + stored.kind()
                        + "'"));
    return new DirectoryPrincipal(
        stored.objectId(),
        stored.tenantId(),
        stored.clientId(),
        stored.displayName(),
        kind,
        stored.enabled(),
        stored.created(),
        stored.userName());
  }
}
