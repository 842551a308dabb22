package io.coffer.server.http;

import io.coffer.server.secrets.DeletedSecret;
import io.coffer.server.secrets.SecretValue;
import io.coffer.server.secrets.SecretVersion;
import io.coffer.server.vault.Vault;
import io.coffer.wire.ApiVersion;
import io.coffer.wire.DeletedSecretBundle;
import io.coffer.wire.SecretAttributes;
import io.coffer.wire.SecretBundle;
import io.coffer.wire.SecretItem;
import java.util.Map;
import java.util.OptionalLong;

/** Domain results in the Key Vault JSON shapes, with ids built from the request's vault URL. */
final class Bodies {
  private Bodies() {}

  static SecretBundle bundle(VaultRequest request, SecretVersion v) {
    return new SecretBundle(
        v.value().map(SecretValue::text).orElse(null),
        request.ids().secretVersion(v.name(), v.version()),
        v.contentType().orElse(null),
        attributes(request.vault(), request.apiVersion(), v),
        tags(v),
        null,
        null,
        null);
  }

  static DeletedSecretBundle deleted(VaultRequest request, DeletedSecret d) {
    SecretVersion v = d.latest();
    return new DeletedSecretBundle(
        null,
        request.ids().secretVersion(v.name(), v.version()),
        v.contentType().orElse(null),
        attributes(request.vault(), request.apiVersion(), v),
        tags(v),
        null,
        null,
        request.ids().deletedSecret(v.name()),
        d.scheduledPurgeDate(),
        d.deletedDate());
  }

  /** A listing entry: the base id for secret listings, the versioned id for version listings. */
  static SecretItem item(VaultRequest request, SecretVersion v, boolean versioned) {
    String id =
        versioned
            ? request.ids().secretVersion(v.name(), v.version())
            : request.ids().secret(v.name());
    return new SecretItem(
        id,
        attributes(request.vault(), request.apiVersion(), v),
        tags(v),
        v.contentType().orElse(null),
        null,
        null,
        null,
        null);
  }

  static SecretItem deletedItem(VaultRequest request, DeletedSecret d) {
    SecretVersion v = d.latest();
    return new SecretItem(
        request.ids().secret(v.name()),
        attributes(request.vault(), request.apiVersion(), v),
        tags(v),
        v.contentType().orElse(null),
        null,
        request.ids().deletedSecret(v.name()),
        d.scheduledPurgeDate(),
        d.deletedDate());
  }

  private static SecretAttributes attributes(Vault vault, ApiVersion api, SecretVersion v) {
    return new SecretAttributes(
        v.enabled(),
        boxed(v.notBefore()),
        boxed(v.expires()),
        v.created(),
        v.updated(),
        api.hasRecoverableDays() ? vault.retentionDays() : null,
        vault.recoveryLevel());
  }

  /**
   * Key Vault leaves {@code tags} out of a body when an object has none, rather than {@code {}}.
   */
  private static Map<String, String> tags(SecretVersion v) {
    return v.tags().isEmpty() ? null : v.tags();
  }

  private static Long boxed(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }
}
