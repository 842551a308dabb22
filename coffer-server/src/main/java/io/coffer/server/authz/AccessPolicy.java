package io.coffer.server.authz;

import io.coffer.server.storage.AccessPolicyRecord;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A vault access policy: the secret permissions one principal holds on a vault ({@code updated} is
 * Unix seconds). The permissions keep their declaration order, the order Azure lists them in.
 */
public record AccessPolicy(
    String vaultId, String objectId, Set<Permission> permissions, long updated) {

  public AccessPolicy {
    Objects.requireNonNull(vaultId, "vaultId");
    Objects.requireNonNull(objectId, "objectId");
    EnumSet<Permission> copy = EnumSet.noneOf(Permission.class);
    copy.addAll(permissions);
    permissions = Collections.unmodifiableSet(copy);
  }

  static AccessPolicy of(AccessPolicyRecord stored) {
    return new AccessPolicy(
        stored.vaultId(),
        stored.objectId(),
        Permission.parseList(stored.permissions()),
        stored.updated());
  }
}
