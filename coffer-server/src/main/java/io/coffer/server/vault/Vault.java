package io.coffer.server.vault;

import java.util.regex.Pattern;

/**
 * A vault: served at {@code https://<name>.<domain>}, owned by one tenant, with its soft-delete
 * retention (7-90 days), purge protection, and its permission model: RBAC, or access policies.
 */
public record Vault(
    String id,
    String name,
    String tenantId,
    int retentionDays,
    boolean purgeProtection,
    boolean rbac) {

  /** Azure's vault name rule: 3-24 letters, digits and dashes, starting with a letter. */
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,22}[a-z0-9]");

  public Vault {
    if (!NAME.matcher(name).matches() || name.contains("--")) {
      throw new IllegalArgumentException(
          "vault name '" + name + "' must be 3-24 lower-case letters, digits and single dashes");
    }
    if (retentionDays < 7 || retentionDays > 90) {
      throw new IllegalArgumentException("retention must be 7-90 days, not " + retentionDays);
    }
  }

  /** The recovery level Key Vault reports for this retention and protection. */
  public String recoveryLevel() {
    String base = retentionDays == 90 ? "Recoverable" : "CustomizedRecoverable";
    return purgeProtection ? base : base + "+Purgeable";
  }
}
