package io.coffer.cli.sync;

import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Copies secrets from one Key-Vault-compatible vault to another through the official SDK, version
 * by version in the order they were created, with content type, tags, activation and expiry dates
 * and the enabled flag. A secret's versions in the target match the source's by position and value;
 * matched versions get their attributes brought up to date, missing ones are written after them. A
 * target whose history departs from the source's (a version the source does not have) is left alone
 * unless overwriting is asked for, so a rerun never loses a newer target value.
 */
final class VaultSync {
  private final SecretClient source;
  private final SecretClient target;
  private final boolean overwrite;

  VaultSync(SecretClient source, SecretClient target, boolean overwrite) {
    this.source = source;
    this.target = target;
    this.overwrite = overwrite;
  }

  /** What happened, or in a dry run would happen, to one secret. */
  record Outcome(
      String name,
      int versionsWritten,
      int attributesUpdated,
      int disabledSkipped,
      Optional<String> refusal) {

    boolean upToDate() {
      return refusal.isEmpty() && versionsWritten == 0 && attributesUpdated == 0;
    }
  }

  /** The names of the source's own secrets, certificate-backed ones excluded. */
  List<String> names(String prefix) {
    List<String> names = new ArrayList<>();
    for (SecretProperties p : source.listPropertiesOfSecrets()) {
      if (!Boolean.TRUE.equals(p.isManaged()) && p.getName().startsWith(prefix)) {
        names.add(p.getName());
      }
    }
    names.sort(String.CASE_INSENSITIVE_ORDER);
    return names;
  }

  /** Plans one secret and, unless {@code dryRun}, carries the plan out. */
  Outcome sync(String name, boolean dryRun) {
    List<KeyVaultSecret> wanted = new ArrayList<>();
    int disabled = 0;
    for (SecretProperties p : history(source, name)) {
      if (Boolean.FALSE.equals(p.isEnabled())) {
        // Key Vault serves no value of a disabled version, to anyone: it cannot be copied.
        disabled++;
        continue;
      }
      wanted.add(source.getSecret(name, p.getVersion()));
    }
    List<KeyVaultSecret> present = new ArrayList<>();
    for (SecretProperties p : history(target, name)) {
      present.add(
          Boolean.FALSE.equals(p.isEnabled())
              ? new KeyVaultSecret(name, null).setProperties(p)
              : target.getSecret(name, p.getVersion()));
    }
    int matched = 0;
    while (matched < Math.min(wanted.size(), present.size())
        && Objects.equals(wanted.get(matched).getValue(), present.get(matched).getValue())) {
      matched++;
    }
    boolean diverged = matched < present.size();
    if (diverged && !overwrite) {
      return new Outcome(
          name,
          0,
          0,
          disabled,
          Optional.of(
              (present.size() - matched)
                  + " target version(s) the source does not have; --overwrite writes the"
                  + " source's after them"));
    }
    int updated = 0;
    for (int i = 0; i < matched; i++) {
      SecretProperties from = wanted.get(i).getProperties();
      SecretProperties to = present.get(i).getProperties();
      if (!sameAttributes(from, to)) {
        updated++;
        if (!dryRun) {
          target.updateSecretProperties(copyAttributes(from, to));
        }
      }
    }
    List<KeyVaultSecret> missing = wanted.subList(matched, wanted.size());
    if (diverged && missing.isEmpty() && !wanted.isEmpty()) {
      // Overwriting a target that is ahead: the source's latest becomes the target's latest again.
      missing = List.of(wanted.get(wanted.size() - 1));
    }
    if (!dryRun) {
      for (KeyVaultSecret version : missing) {
        try {
          target.setSecret(
              new KeyVaultSecret(name, version.getValue())
                  .setProperties(copyAttributes(version.getProperties(), new SecretProperties())));
        } catch (HttpResponseException e) {
          if (e.getResponse().getStatusCode() == 409) {
            return new Outcome(
                name,
                0,
                updated,
                disabled,
                Optional.of("deleted in the target vault: recover or purge it there first"));
          }
          throw e;
        }
      }
    }
    return new Outcome(name, missing.size(), updated, disabled, Optional.empty());
  }

  /**
   * A secret's versions, oldest first. Key Vault lists versions in no particular order, so they are
   * sorted by creation time; versions created in the same second keep the listing's order.
   */
  private static List<SecretProperties> history(SecretClient vault, String name) {
    List<SecretProperties> versions = new ArrayList<>();
    vault.listPropertiesOfSecretVersions(name).forEach(versions::add);
    versions.sort(
        Comparator.comparing(
            SecretProperties::getCreatedOn, Comparator.nullsFirst(Comparator.naturalOrder())));
    return versions;
  }

  private static boolean sameAttributes(SecretProperties a, SecretProperties b) {
    return Objects.equals(a.getContentType(), b.getContentType())
        && Objects.equals(tags(a), tags(b))
        && Objects.equals(a.isEnabled(), b.isEnabled())
        && sameInstant(a.getNotBefore(), b.getNotBefore())
        && sameInstant(a.getExpiresOn(), b.getExpiresOn());
  }

  private static Map<String, String> tags(SecretProperties p) {
    return p.getTags() == null ? Map.of() : p.getTags();
  }

  private static boolean sameInstant(OffsetDateTime a, OffsetDateTime b) {
    return a == null ? b == null : b != null && a.toInstant().equals(b.toInstant());
  }

  /** {@code to} with {@code from}'s attributes; the version's identity stays {@code to}'s. */
  private static SecretProperties copyAttributes(SecretProperties from, SecretProperties to) {
    return to.setContentType(from.getContentType())
        // An empty map, not null: a PATCH without tags would keep the target's.
        .setTags(tags(from))
        .setEnabled(from.isEnabled())
        .setNotBefore(from.getNotBefore())
        .setExpiresOn(from.getExpiresOn());
  }
}
