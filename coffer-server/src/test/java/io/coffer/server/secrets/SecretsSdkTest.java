package io.coffer.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceModifiedException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.util.polling.SyncPoller;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.DeletedSecret;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.server.testing.RunningCoffer;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every secrets operation through the unmodified official Java SDK, over TLS, with real tokens. */
class SecretsSdkTest {
  private static RunningCoffer coffer;
  private static SecretClient client;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    client = coffer.secretClient();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void set_then_get_returns_the_value_and_metadata() {
    String name = unique("db-password");
    KeyVaultSecret secret = new KeyVaultSecret(name, "s3cr3t-value");
    secret.getProperties().setContentType("text/plain").setTags(Map.of("owner", "data-team"));
    KeyVaultSecret created = client.setSecret(secret);

    KeyVaultSecret read = client.getSecret(name);

    assertThat(read.getValue()).isEqualTo("s3cr3t-value");
    assertThat(read.getId())
        .isEqualTo(
            coffer.vaultUrl() + "/secrets/" + name + "/" + created.getProperties().getVersion());
    assertThat(read.getProperties().getVersion()).hasSize(32).matches("[0-9a-f]+");
    assertThat(read.getProperties().getContentType()).isEqualTo("text/plain");
    assertThat(read.getProperties().getTags()).containsEntry("owner", "data-team");
    assertThat(read.getProperties().isEnabled()).isTrue();
    assertThat(read.getProperties().getRecoveryLevel()).isEqualTo("Recoverable+Purgeable");
    assertThat(read.getProperties().getRecoverableDays()).isEqualTo(90);
    assertThat(read.getProperties().getCreatedOn()).isNotNull();
  }

  @Test
  void every_set_creates_a_version_and_get_by_version_returns_that_one() {
    String name = unique("rotating");
    String v1 = client.setSecret(name, "first").getProperties().getVersion();
    String v2 = client.setSecret(name, "second").getProperties().getVersion();

    assertThat(v1).isNotEqualTo(v2);
    assertThat(client.getSecret(name).getValue()).isEqualTo("second");
    assertThat(client.getSecret(name, v1).getValue()).isEqualTo("first");
    assertThat(client.getSecret(name, v2).getValue()).isEqualTo("second");
    List<String> versions =
        client.listPropertiesOfSecretVersions(name).stream()
            .map(SecretProperties::getVersion)
            .toList();
    assertThat(versions).containsExactlyInAnyOrder(v1, v2);
  }

  @Test
  void names_are_case_insensitive() {
    String name = unique("MixedCase");
    client.setSecret(name, "v");
    assertThat(client.getSecret(name.toLowerCase()).getValue()).isEqualTo("v");
  }

  @Test
  void missing_secret_and_missing_version_are_not_found() {
    assertThatThrownBy(() -> client.getSecret(unique("absent")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("SecretNotFound");
    String name = unique("present");
    client.setSecret(name, "v");
    assertThatThrownBy(() -> client.getSecret(name, "0123456789abcdef0123456789abcdef"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void list_pages_through_hundreds_of_secrets_without_values() {
    String prefix = unique("bulk");
    int count = 260;
    IntStream.range(0, count).forEach(i -> client.setSecret(prefix + "-" + i, "value-" + i));

    List<SecretProperties> listed =
        client.listPropertiesOfSecrets().stream()
            .filter(p -> p.getName().startsWith(prefix))
            .toList();

    assertThat(listed).hasSize(count);
    assertThat(listed.stream().map(SecretProperties::getName).collect(Collectors.toSet()))
        .hasSize(count);
    assertThat(listed.get(0).getId())
        .isEqualTo(coffer.vaultUrl() + "/secrets/" + listed.get(0).getName());
  }

  @Test
  void listings_show_each_secrets_newest_version_and_never_a_value() {
    String name = unique("newest");
    KeyVaultSecret first =
        client.setSecret(
            new KeyVaultSecret(name, "one")
                .setProperties(
                    new SecretProperties().setContentType("text/one").setTags(Map.of("n", "1"))));
    client.setSecret(
        new KeyVaultSecret(name, "two")
            .setProperties(
                new SecretProperties().setContentType("text/two").setTags(Map.of("n", "2"))));
    // Changing the older version afterwards must not make it the one a listing shows.
    client.updateSecretProperties(
        first.getProperties().setEnabled(false).setContentType("text/old"));

    SecretProperties listed =
        client.listPropertiesOfSecrets().stream()
            .filter(p -> p.getName().equals(name))
            .findFirst()
            .orElseThrow();
    assertThat(listed.getContentType()).isEqualTo("text/two");
    assertThat(listed.getTags()).containsExactlyEntriesOf(Map.of("n", "2"));
    assertThat(listed.isEnabled()).isTrue();

    client.beginDeleteSecret(name).waitForCompletion();
    DeletedSecret deleted =
        client.listDeletedSecrets().stream()
            .filter(d -> d.getName().equals(name))
            .findFirst()
            .orElseThrow();
    assertThat(deleted.getProperties().getContentType()).isEqualTo("text/two");
    assertThat(deleted.getValue()).isNull();
    assertThat(deleted.getScheduledPurgeDate()).isEqualTo(deleted.getDeletedOn().plusDays(90));
  }

  @Test
  void update_changes_metadata_but_not_the_value() {
    String name = unique("update");
    client.setSecret(name, "keep-me");
    SecretProperties properties = client.getSecret(name).getProperties();
    OffsetDateTime expires =
        OffsetDateTime.now(ZoneOffset.UTC).plusDays(30).truncatedTo(ChronoUnit.SECONDS);
    OffsetDateTime notBefore =
        OffsetDateTime.now(ZoneOffset.UTC).minusDays(1).truncatedTo(ChronoUnit.SECONDS);
    properties
        .setContentType("application/json")
        .setTags(Map.of("env", "prod"))
        .setExpiresOn(expires)
        .setNotBefore(notBefore);

    SecretProperties updated = client.updateSecretProperties(properties);

    assertThat(updated.getContentType()).isEqualTo("application/json");
    assertThat(updated.getTags()).containsExactly(Map.entry("env", "prod"));
    assertThat(updated.getExpiresOn()).isEqualTo(expires);
    assertThat(updated.getNotBefore()).isEqualTo(notBefore);
    KeyVaultSecret read = client.getSecret(name);
    assertThat(read.getValue()).isEqualTo("keep-me");
    assertThat(read.getProperties().getExpiresOn()).isEqualTo(expires);
  }

  @Test
  void disabled_secret_is_forbidden_and_can_be_enabled_again() {
    String name = unique("disabled");
    client.setSecret(name, "hidden");
    SecretProperties properties = client.getSecret(name).getProperties().setEnabled(false);
    client.updateSecretProperties(properties);

    assertThatThrownBy(() -> client.getSecret(name))
        .isInstanceOf(HttpResponseException.class)
        .satisfies(e ->
            assertThat(((HttpResponseException) e).getResponse().getStatusCode()).isEqualTo(403))
        .hasMessageContaining("disabled");
    assertThat(
            client.listPropertiesOfSecrets().stream()
                .filter(p -> p.getName().equals(name))
                .findFirst()
                .orElseThrow()
                .isEnabled())
        .isFalse();

    client.updateSecretProperties(properties.setEnabled(true));
    assertThat(client.getSecret(name).getValue()).isEqualTo("hidden");
  }

  @Test
  void expired_and_not_yet_valid_secrets_are_still_readable_as_on_azure() {
    String expired = unique("expired");
    KeyVaultSecret secret = new KeyVaultSecret(expired, "old");
    secret.getProperties().setExpiresOn(OffsetDateTime.now(ZoneOffset.UTC).minusDays(1));
    client.setSecret(secret);
    String future = unique("future");
    KeyVaultSecret later = new KeyVaultSecret(future, "new");
    later.getProperties().setNotBefore(OffsetDateTime.now(ZoneOffset.UTC).plusDays(1));
    client.setSecret(later);

    assertThat(client.getSecret(expired).getValue()).isEqualTo("old");
    assertThat(client.getSecret(future).getValue()).isEqualTo("new");
  }

  @Test
  void delete_is_soft_and_recover_brings_the_secret_back() {
    String name = unique("soft");
    client.setSecret(name, "recoverable");

    SyncPoller<DeletedSecret, Void> deleting = client.beginDeleteSecret(name);
    DeletedSecret deleted = deleting.waitForCompletion().getValue();

    assertThat(deleted.getRecoveryId()).isEqualTo(coffer.vaultUrl() + "/deletedsecrets/" + name);
    assertThat(deleted.getDeletedOn()).isNotNull();
    assertThat(deleted.getScheduledPurgeDate()).isEqualTo(deleted.getDeletedOn().plusDays(90));
    assertThatThrownBy(() -> client.getSecret(name)).isInstanceOf(ResourceNotFoundException.class);
    assertThat(client.getDeletedSecret(name).getRecoveryId()).endsWith("/deletedsecrets/" + name);
    assertThat(client.listDeletedSecrets().stream().map(DeletedSecret::getName)).contains(name);

    client.beginRecoverDeletedSecret(name).waitForCompletion();

    assertThat(client.getSecret(name).getValue()).isEqualTo("recoverable");
    assertThatThrownBy(() -> client.getDeletedSecret(name))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void setting_a_soft_deleted_name_conflicts_until_purged() {
    String name = unique("purge");
    client.setSecret(name, "to-purge");
    client.beginDeleteSecret(name).waitForCompletion();

    assertThatThrownBy(() -> client.setSecret(name, "again"))
        .isInstanceOf(ResourceModifiedException.class)
        .hasMessageContaining("deleted but recoverable");

    client.purgeDeletedSecret(name);

    assertThatThrownBy(() -> client.getDeletedSecret(name))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(client.setSecret(name, "fresh").getValue()).isEqualTo("fresh");
    assertThat(client.listPropertiesOfSecretVersions(name).stream().count()).isEqualTo(1);
  }

  @Test
  void backup_then_restore_recreates_every_version() {
    String name = unique("backup");
    String v1 = client.setSecret(name, "one").getProperties().getVersion();
    client.setSecret(name, "two");
    byte[] blob = client.backupSecret(name);
    assertThat(new String(blob, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("one", "two");

    assertThatThrownBy(() -> client.restoreSecretBackup(blob))
        .isInstanceOf(ResourceModifiedException.class);
    client.beginDeleteSecret(name).waitForCompletion();
    client.purgeDeletedSecret(name);

    KeyVaultSecret restored = client.restoreSecretBackup(blob);

    assertThat(restored.getName()).isEqualTo(name);
    assertThat(client.getSecret(name).getValue()).isEqualTo("two");
    assertThat(client.getSecret(name, v1).getValue()).isEqualTo("one");
  }

  @Test
  void a_tampered_backup_is_refused() {
    String name = unique("tamper");
    client.setSecret(name, "x");
    byte[] blob = client.backupSecret(name);
    blob[blob.length / 2] ^= 0x01;

    // Key Vault's code for a blob it cannot read holds spaces.
    assertThatThrownBy(() -> client.restoreSecretBackup(blob))
        .isInstanceOf(HttpResponseException.class)
        .hasMessageContaining("Malformed backup blob")
        .hasMessageContaining("Backup blob is corrupt.");
  }

  @Test
  void invalid_name_and_oversized_value_are_bad_parameters() {
    assertThatThrownBy(() -> client.setSecret("bad_name", "v"))
        .isInstanceOf(HttpResponseException.class)
        .hasMessageContaining("BadParameter");
    assertThat(client.setSecret(unique("max"), "x".repeat(25_600)).getValue()).hasSize(25_600);
    assertThatThrownBy(() -> client.setSecret(unique("big"), "x".repeat(25_601)))
        .isInstanceOf(HttpResponseException.class)
        .hasMessageContaining("BadParameter");
  }
}
