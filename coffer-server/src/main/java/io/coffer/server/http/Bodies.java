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

  /** The value is there only when the operation returns it (GET and PUT, not PATCH or recover). */
  static SecretBundle bundle(VaultRequest request, SecretVersion v) {
    return new SecretBundle(
        v.value().map(SecretValue::text).orElse(null),
        v.contentType().orElse(null),
        request.ids().secretVersion(v.name(), v.version()),
        null,
        attributes(request.vault(), request.apiVersion(), v),
        tags(v),
        null,
        null);
  }

  static DeletedSecretBundle deleted(VaultRequest request, DeletedSecret d) {
    SecretVersion v = d.latest();
    return new DeletedSecretBundle(
        request.ids().deletedSecret(v.name()),
        d.deletedDate(),
        d.scheduledPurgeDate(),
        v.contentType().orElse(null),
        request.ids().secretVersion(v.name(), v.version()),
        null,
        attributes(request.vault(), request.apiVersion(), v),
        tags(v),
        null);
  }

  /** A listing entry: the base id for secret listings, the versioned id for version listings. */
  static SecretItem item(VaultRequest request, SecretVersion v, boolean versioned) {
    String id =
        versioned
            ? request.ids().secretVersion(v.name(), v.version())
            : request.ids().secret(v.name());
    return new SecretItem(
        null,
        null,
        null,
        v.contentType().orElse(null),
        id,
        null,
        attributes(request.vault(), request.apiVersion(), v),
        tags(v));
  }

  static SecretItem deletedItem(VaultRequest request, DeletedSecret d) {
    SecretVersion v = d.latest();
    return new SecretItem(
        request.ids().deletedSecret(v.name()),
        d.deletedDate(),
        d.scheduledPurgeDate(),
        v.contentType().orElse(null),
        request.ids().secret(v.name()),
        null,
        attributes(request.vault(), request.apiVersion(), v),
        tags(v));
  }

  private static SecretAttributes attributes(Vault vault, ApiVersion api, SecretVersion v) {
    return new SecretAttributes(
        v.enabled(),
        boxed(v.notBefore()),
        boxed(v.expires()),
        v.created(),
        v.updated(),
        vault.recoveryLevel(),
        api.hasRecoverableDays() ? vault.retentionDays() : null);
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
