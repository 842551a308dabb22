package io.coffer.server.identity;

import io.coffer.server.storage.TenantRecord;
import java.util.Objects;

/** A tenant: the directory that owns principals and vaults; {@code created} is Unix seconds. */
public record Tenant(String id, String name, long created) {

  public Tenant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
  }

  static Tenant of(TenantRecord stored) {
    return new Tenant(stored.id(), stored.name(), stored.created());
  }
}
