// Coffer compatibility suite: the unmodified Azure SDK for Java against a running Coffer, with the
// credential built exactly as application code builds it for Azure (no authority host, instance
// discovery left on) when COFFER_DROPIN=1, else as for a private authority. Run as a single-file
// program on the SDK's jars:  java -cp 'coffer-cli/target/lib/*' compat/java/SdkSuite.java
// Prints a table and a closing `N passed, N failed` line; exits 1 if any scenario failed.

import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceModifiedException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

public class SdkSuite {
  static final Map<String, String> ENV = System.getenv();
  static final boolean DROPIN = "1".equals(ENV.get("COFFER_DROPIN"));
  static final String VAULT_URL = ENV.get("VAULT_URL");
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static final SecretClient CLIENT = client(credential(ENV.get("AZURE_CLIENT_SECRET")));

  interface Scenario {
    void run() throws Exception;
  }

  static TokenCredential credential(String secret) {
    ClientSecretCredentialBuilder builder =
        new ClientSecretCredentialBuilder()
            .tenantId(ENV.get("AZURE_TENANT_ID"))
            .clientId(ENV.get("AZURE_CLIENT_ID"))
            .clientSecret(secret);
    if (!DROPIN) {
      // Under private names Coffer is not a Microsoft login host.
      builder.authorityHost(ENV.get("AZURE_AUTHORITY_HOST")).disableInstanceDiscovery();
    }
    return builder.build();
  }

  static SecretClient client(TokenCredential credential) {
    return new SecretClientBuilder().vaultUrl(VAULT_URL).credential(credential).buildClient();
  }

  static String name(String label) {
    return "java-" + label + "-" + RUN;
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  static void fails(Class<? extends Exception> expected, Scenario call) throws Exception {
    try {
      call.run();
    } catch (Exception e) {
      if (expected.isInstance(e)) {
        return;
      }
      throw e;
    }
    throw new AssertionError("expected " + expected.getSimpleName());
  }

  static void setAndGet() {
    KeyVaultSecret created =
        CLIENT.setSecret(
            new KeyVaultSecret(name("basic"), "from-java")
                .setProperties(
                    new SecretProperties().setContentType("text/plain").setTags(Map.of("team", "data"))));
    KeyVaultSecret got = CLIENT.getSecret(name("basic"));
    check(got.getValue().equals("from-java"), "value");
    check(got.getProperties().getTags().equals(Map.of("team", "data")), "tags");
    check(got.getProperties().getVersion().equals(created.getProperties().getVersion()), "version");
    check(got.getId().startsWith(VAULT_URL + "/secrets/"), got.getId());
  }

  static void noTagsIsNull() {
    // Key Vault leaves tags out of a secret that has none; the SDK then reports null.
    KeyVaultSecret created = CLIENT.setSecret(name("untagged"), "plain");
    check(created.getProperties().getTags() == null, "tags " + created.getProperties().getTags());
  }

  static void versions() {
    String first = CLIENT.setSecret(name("versions"), "one").getProperties().getVersion();
    CLIENT.setSecret(name("versions"), "two");
    check(CLIENT.getSecret(name("versions")).getValue().equals("two"), "latest");
    check(CLIENT.getSecret(name("versions"), first).getValue().equals("one"), "by version");
    List<String> listed = new ArrayList<>();
    CLIENT.listPropertiesOfSecretVersions(name("versions")).forEach(p -> listed.add(p.getVersion()));
    check(listed.size() == 2 && listed.contains(first), listed.toString());
  }

  static void listPages() {
    for (int i = 0; i < 30; i++) {
      CLIENT.setSecret(name("page") + "-" + i, "v");
    }
    int mine = 0;
    int pages = 0;
    for (PagedResponse<SecretProperties> page : CLIENT.listPropertiesOfSecrets().iterableByPage()) {
      pages++;
      for (SecretProperties p : page.getValue()) {
        mine += p.getName().startsWith(name("page")) ? 1 : 0;
      }
    }
    check(mine == 30 && pages > 1, mine + " in " + pages + " pages");
  }

  static void updateProperties() {
    KeyVaultSecret set = CLIENT.setSecret(name("update"), "keep");
    CLIENT.updateSecretProperties(set.getProperties().setEnabled(false));
    try {
      CLIENT.getSecret(name("update"));
      throw new AssertionError("a disabled secret was readable");
    } catch (HttpResponseException e) {
      check(e.getResponse().getStatusCode() == 403, "status " + e.getResponse().getStatusCode());
    }
    CLIENT.updateSecretProperties(set.getProperties().setEnabled(true));
    check(CLIENT.getSecret(name("update")).getValue().equals("keep"), "value after update");
  }

  static void deleteAndRecover() {
    CLIENT.setSecret(name("recover"), "back");
    var deleted = CLIENT.beginDeleteSecret(name("recover")).waitForCompletion().getValue();
    check(deleted.getRecoveryId().endsWith("/deletedsecrets/" + name("recover")), "recoveryId");
    CLIENT.beginRecoverDeletedSecret(name("recover")).waitForCompletion();
    check(CLIENT.getSecret(name("recover")).getValue().equals("back"), "recovered value");
  }

  static void deleteAndPurge() throws Exception {
    CLIENT.setSecret(name("purge"), "gone");
    CLIENT.beginDeleteSecret(name("purge")).waitForCompletion();
    fails(ResourceModifiedException.class, () -> CLIENT.setSecret(name("purge"), "again"));
    CLIENT.purgeDeletedSecret(name("purge"));
    fails(ResourceNotFoundException.class, () -> CLIENT.getDeletedSecret(name("purge")));
  }

  static void backupAndRestore() {
    CLIENT.setSecret(name("backup"), "saved");
    byte[] blob = CLIENT.backupSecret(name("backup"));
    CLIENT.beginDeleteSecret(name("backup")).waitForCompletion();
    CLIENT.purgeDeletedSecret(name("backup"));
    check(CLIENT.restoreSecretBackup(blob).getName().equals(name("backup")), "restored name");
    check(CLIENT.getSecret(name("backup")).getValue().equals("saved"), "restored value");
  }

  static void missingSecretIsNotFound() throws Exception {
    fails(ResourceNotFoundException.class, () -> CLIENT.getSecret(name("absent")));
  }

  static void wrongClientSecretIsRefused() {
    try {
      client(credential("wrong-secret")).getSecret(name("basic"));
    } catch (RuntimeException e) {
      // azure-identity surfaces MSAL's service exception, wrapped, with Entra's error text.
      check(String.valueOf(e.getMessage()).contains("AADSTS7000215"), e.getMessage());
      return;
    }
    throw new AssertionError("a wrong client secret was accepted");
  }

  static void defaultCredentialFromEnvironment() {
    var builder = new DefaultAzureCredentialBuilder();
    if (!DROPIN) {
      builder.authorityHost(ENV.get("AZURE_AUTHORITY_HOST")).disableInstanceDiscovery();
    }
    check(client(builder.build()).getSecret(name("basic")).getValue().equals("from-java"), "value");
  }

  public static void main(String[] args) {
    String label = DROPIN ? "java-dropin" : "java";
    Map<String, Scenario> scenarios = new LinkedHashMap<>();
    scenarios.put("set_and_get", SdkSuite::setAndGet);
    scenarios.put("no_tags_is_null", SdkSuite::noTagsIsNull);
    scenarios.put("versions", SdkSuite::versions);
    scenarios.put("list_pages", SdkSuite::listPages);
    scenarios.put("update_properties", SdkSuite::updateProperties);
    scenarios.put("delete_and_recover", SdkSuite::deleteAndRecover);
    scenarios.put("delete_and_purge", SdkSuite::deleteAndPurge);
    scenarios.put("backup_and_restore", SdkSuite::backupAndRestore);
    scenarios.put("missing_secret_is_not_found", SdkSuite::missingSecretIsNotFound);
    scenarios.put("wrong_client_secret_is_refused", SdkSuite::wrongClientSecretIsRefused);
    scenarios.put("default_credential_from_environment", SdkSuite::defaultCredentialFromEnvironment);
    System.out.println(
        "azure-security-keyvault-secrets "
            + SecretClient.class.getPackage().getImplementationVersion()
            + ", azure-identity "
            + ClientSecretCredentialBuilder.class.getPackage().getImplementationVersion()
            + ", Java "
            + Runtime.version());
    List<String[]> results = new ArrayList<>();
    for (Map.Entry<String, Scenario> scenario : scenarios.entrySet()) {
      long started = System.nanoTime();
      String outcome = "pass";
      String detail = "";
      try {
        scenario.getValue().run();
      } catch (Throwable e) {
        outcome = "FAIL";
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        detail = e.getClass().getSimpleName() + ": " + message.substring(0, Math.min(150, message.length()));
        e.printStackTrace();
      }
      results.add(
          new String[] {
            scenario.getKey(), outcome, String.valueOf((System.nanoTime() - started) / 1_000_000), detail
          });
    }
    System.out.printf("%-42s %-6s %6s  detail%n", label + " scenario", "result", "ms");
    long failed = 0;
    for (String[] r : results) {
      System.out.printf("%-42s %-6s %6s  %s%n", r[0], r[1], r[2], r[3]);
      failed += r[1].equals("pass") ? 0 : 1;
    }
    System.out.printf("%s: %d passed, %d failed%n", label, results.size() - failed, failed);
    System.exit(failed == 0 ? 0 : 1);
  }
}
