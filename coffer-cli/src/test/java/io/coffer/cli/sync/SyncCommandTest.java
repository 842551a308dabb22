package io.coffer.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.server.config.Cloud;
import io.coffer.server.config.Settings;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code coffer sync} from a Coffer answering under Azure's own names (on 443, reached as {@code
 * https://main.vault.azure.net} with the credential built as for Azure) to a Coffer under private
 * names, through the official SDK on both sides.
 */
class SyncCommandTest {
  @TempDir static Path cloudDir;
  @TempDir Path dir;

  private static RunningCoffer cloud;
  private static RunningCoffer target;
  private static SecretClient source;
  private static SecretClient targetClient;
  private final String prefix = "sync-" + UUID.randomUUID().toString().substring(0, 8) + "-";

  @BeforeAll
  static void start() {
    // Azure's names carry no port: the server must listen on 443, which only root may bind.
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root) {
      assertThat(System.getenv("CI")).as("binding 443 needs root in CI").isNotEqualTo("true");
    }
    Assumptions.assumeTrue(root, "binding 443 needs root");
    cloud =
        RunningCoffer.start(
            Settings.defaults(cloudDir, 443).withCloud(Cloud.AZURE_CLOUD),
            RunningCoffer.database(cloudDir));
    target = RunningCoffer.shared();
    source =
        new SecretClientBuilder()
            .vaultUrl(cloud.vaultUrl())
            .credential(
                new ClientSecretCredentialBuilder()
                    .tenantId(cloud.credentials().tenantId())
                    .clientId(cloud.credentials().clientId())
                    .clientSecret(cloud.credentials().clientSecret())
                    .build())
            .buildClient();
    targetClient = target.secretClient();
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void every_readable_version_is_copied_in_order_with_its_attributes() throws IOException {
    OffsetDateTime expires = OffsetDateTime.of(2031, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
    String name = prefix + "db";
    source.setSecret(
        new KeyVaultSecret(name, "one")
            .setProperties(new SecretProperties().setTags(Map.of("v", "1"))));
    KeyVaultSecret hidden = source.setSecret(name, "two");
    source.updateSecretProperties(hidden.getProperties().setEnabled(false));
    source.setSecret(
        new KeyVaultSecret(name, "three")
            .setProperties(
                new SecretProperties().setContentType("text/plain").setExpiresOn(expires)));

    String dry = sync(0, "--dry-run");
    assertThat(dry)
        .contains(name + ": would write 2 version(s)")
        .contains("1 disabled version(s) not copied");
    assertThat(history(targetClient, name)).isEmpty();

    String out = sync(0);

    assertThat(out).contains(name + ": wrote 2 version(s)");
    List<KeyVaultSecret> copied = values(targetClient, name);
    assertThat(copied).extracting(KeyVaultSecret::getValue).containsExactly("one", "three");
    assertThat(copied.get(0).getProperties().getTags()).isEqualTo(Map.of("v", "1"));
    assertThat(copied.get(1).getProperties().getContentType()).isEqualTo("text/plain");
    assertThat(copied.get(1).getProperties().getExpiresOn().toInstant())
        .isEqualTo(expires.toInstant());
    assertThat(targetClient.getSecret(name).getValue()).isEqualTo("three");
  }

  @Test
  void a_rerun_writes_nothing_new_and_brings_changed_attributes_across() throws IOException {
    String name = prefix + "api";
    source.setSecret(name, "key-1");
    KeyVaultSecret latest = source.setSecret(name, "key-2");
    sync(0);

    assertThat(sync(0)).contains("1 secrets: 1 up to date");
    source.updateSecretProperties(
        latest.getProperties().setTags(Map.of("rotated", "yes")).setEnabled(true));
    String out = sync(0);

    assertThat(out).contains(name + ": updated 1 version(s)' attributes");
    assertThat(history(targetClient, name)).hasSize(2);
    assertThat(targetClient.getSecret(name).getProperties().getTags())
        .isEqualTo(Map.of("rotated", "yes"));
  }

  @Test
  void a_target_ahead_of_the_source_is_left_alone_unless_overwriting() throws IOException {
    String name = prefix + "token";
    source.setSecret(name, "from-source");
    sync(0);
    targetClient.setSecret(name, "written-in-target");

    String refused = sync(2);
    assertThat(refused)
        .contains("left alone: " + name + ": 1 target version(s) the source does not have");
    assertThat(targetClient.getSecret(name).getValue()).isEqualTo("written-in-target");

    sync(0, "--overwrite");
    assertThat(targetClient.getSecret(name).getValue()).isEqualTo("from-source");
    assertThat(values(targetClient, name))
        .extracting(KeyVaultSecret::getValue)
        .containsExactly("from-source", "written-in-target", "from-source");
  }

  /**
   * Runs {@code coffer sync} from the cloud-named Coffer to the shared one, this test's secrets.
   */
  private String sync(int exitCode, String... extra) throws IOException {
    Path from = Files.writeString(dir.resolve("from.env"), env(cloud, false));
    Path to = Files.writeString(dir.resolve("to.env"), env(target, true));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--from", cloud.vaultUrl(),
                "--to", target.vaultUrl(),
                "--from-env", from.toString(),
                "--to-env", to.toString(),
                "--prefix", prefix));
    args.addAll(List.of(extra));
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new SyncCommand());
    command.setOut(new PrintWriter(out));
    assertThat(command.execute(args.toArray(String[]::new))).as(out.toString()).isEqualTo(exitCode);
    return out.toString();
  }

  /** An env file as dev.env writes one; under Azure's names no authority is needed. */
  private static String env(RunningCoffer coffer, boolean authority) {
    return "export AZURE_TENANT_ID='"
        + coffer.credentials().tenantId()
        + "'\nexport AZURE_CLIENT_ID='"
        + coffer.credentials().clientId()
        + "'\nexport AZURE_CLIENT_SECRET='"
        + coffer.credentials().clientSecret()
        + "'\n"
        + (authority
            ? "export AZURE_AUTHORITY_HOST='" + coffer.credentials().authorityHost() + "'\n"
            : "");
  }

  private static List<SecretProperties> history(SecretClient client, String name) {
    List<SecretProperties> versions = new ArrayList<>();
    client.listPropertiesOfSecretVersions(name).forEach(versions::add);
    versions.sort(Comparator.comparing(SecretProperties::getCreatedOn));
    return versions;
  }

  private static List<KeyVaultSecret> values(SecretClient client, String name) {
    return history(client, name).stream().map(p -> client.getSecret(name, p.getVersion())).toList();
  }
}
