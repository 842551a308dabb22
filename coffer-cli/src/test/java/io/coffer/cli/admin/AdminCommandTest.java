package io.coffer.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.cli.CommandFailure;
import io.coffer.server.CofferServer;
import io.coffer.server.config.Settings;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code coffer admin} against a real server: an operator creates a tenant, a vault and two
 * applications, grants Secrets Officer and Secrets User (then access policies), and each
 * application works through the official SDK exactly as far as its grant goes, at once.
 */
class AdminCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RunningCoffer coffer;
  private static Path profile;

  @TempDir static Path temp;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    // Dev mode writes the administrator's profile into the data directory.
    profile = coffer.server().settings().dataDir().resolve("admin.json");
    assertThat(profile).exists();
  }

  @Test
  void an_operator_sets_up_a_tenant_vault_writer_and_reader_that_work_through_the_sdk()
      throws IOException {
    String tenants = admin("tenant", "create", "analytics");
    assertThat(tenants).contains("Name", "analytics");
    JsonNode vault =
        json("vault", "create", "etl", "--tenant", "analytics", "--retention-days", "7");
    assertThat(vault.path("vaultUri").asText()).isEqualTo(coffer.vaultUrl("etl"));
    assertThat(vault.path("permissionModel").asText()).isEqualTo("rbac");

    JsonNode writer = json("principal", "create", "--tenant", "analytics", "--name", "writer");
    JsonNode reader = json("principal", "create", "--tenant", "analytics", "--name", "reader");
    JsonNode writerSecret = json("credential", "add-secret", writer.path("clientId").asText());
    JsonNode readerSecret =
        json("credential", "add-secret", reader.path("clientId").asText(), "--days", "30");
    assertThat(admin("credential", "list", writer.path("clientId").asText()))
        .contains(writerSecret.path("id").asText())
        .doesNotContain(writerSecret.path("clientSecret").asText());

    json(
        "role",
        "assign",
        "--vault",
        "etl",
        "--principal",
        writer.path("clientId").asText(),
        "--role",
        "Key Vault Secrets Officer");
    JsonNode readerRole =
        json(
            "role",
            "assign",
            "--vault",
            "etl",
            "--principal",
            reader.path("objectId").asText(),
            "--role",
            "Key Vault Secrets User");
    assertThat(admin("role", "list", "--vault", "etl"))
        .contains("Key Vault Secrets Officer", "Key Vault Secrets User", "/vaults/etl");

    String tenantId = writer.path("tenantId").asText();
    SecretClient asWriter = client(tenantId, writerSecret);
    SecretClient asReader = client(tenantId, readerSecret);
    asWriter.setSecret("warehouse-password", "s3cret-from-writer");
    assertThat(asReader.getSecret("warehouse-password").getValue()).isEqualTo("s3cret-from-writer");
    assertThat(status(() -> asReader.setSecret("warehouse-password", "overwritten")))
        .isEqualTo(403);

    admin("role", "remove", "--vault", "etl", readerRole.path("id").asText());
    assertThat(status(() -> asReader.getSecret("warehouse-password"))).isEqualTo(403);

    // The same vault under access policies: roles stop counting, policies start.
    assertThat(
            json("vault", "update", "etl", "--permission-model", "accessPolicies")
                .path("permissionModel")
                .asText())
        .isEqualTo("accessPolicies");
    assertThat(status(() -> asWriter.setSecret("warehouse-password", "again"))).isEqualTo(403);
    json(
        "policy",
        "set",
        "--vault",
        "etl",
        "--principal",
        reader.path("clientId").asText(),
        "--permissions",
        "get,list");
    assertThat(admin("policy", "list", "--vault", "etl")).contains("get,list");
    assertThat(asReader.getSecret("warehouse-password").getValue()).isEqualTo("s3cret-from-writer");

    admin("principal", "update", reader.path("clientId").asText(), "--enabled", "false");
    assertThat(status(() -> asReader.getSecret("warehouse-password"))).isEqualTo(401);
  }

  @Test
  void credentials_of_every_type_are_added_listed_and_removed() throws IOException {
    admin("tenant", "create", "platform");
    JsonNode app = json("principal", "create", "--tenant", "platform", "--name", "ingest");
    String id = app.path("clientId").asText();
    Path pem = temp.resolve("ingest.pem");
    Files.writeString(
        pem, io.coffer.server.testing.TestKeys.rsa("ingest", java.time.Duration.ofDays(30)).pem());
    JsonNode certificate = json("credential", "add-certificate", id, "--file", pem.toString());
    assertThat(certificate.path("thumbprint").asText()).hasSize(40);
    json(
        "credential",
        "add-federated",
        id,
        "--name",
        "k8s",
        "--issuer",
        "https://oidc.cluster.example",
        "--subject",
        "system:serviceaccount:etl:ingest");
    assertThat(admin("credential", "list", id, "--type", "federated-credentials"))
        .contains("k8s", "api://AzureADTokenExchange");
    admin(
        "credential",
        "remove",
        id,
        "--type",
        "certificates",
        certificate.path("thumbprint").asText());
    assertThat(json("credential", "list", id, "--type", "certificates").path("value")).isEmpty();

    Path password = temp.resolve("password");
    Files.writeString(password, "correct horse battery staple\n");
    JsonNode user =
        json(
            "principal",
            "create",
            "--tenant",
            "platform",
            "--kind",
            "User",
            "--name",
            "Ada",
            "--user-name",
            "ada@platform.example",
            "--password-file",
            password.toString());
    assertThat(user.path("kind").asText()).isEqualTo("User");
    JsonNode identity =
        json(
            "principal",
            "create",
            "--tenant",
            "platform",
            "--kind",
            "UserAssignedIdentity",
            "--name",
            "etl-mi");
    assertThat(identity.path("kind").asText()).isEqualTo("UserAssignedIdentity");
  }

  @Test
  void mistakes_get_one_clear_line() {
    assertThatThrownBy(() -> admin("vault", "create", "x", "--tenant", "analytics"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageStartingWith("400 BadParameter");
    assertThatThrownBy(() -> admin("principal", "show", "no-such-principal"))
        .hasMessageStartingWith("404");
    assertThatThrownBy(() ->
            admin("policy", "set", "--vault", "main", "--principal", "x", "--permissions", "read"))
        .isInstanceOf(CommandFailure.class);
  }

  @Test
  void a_principal_that_is_not_an_administrator_is_refused() throws IOException {
    JsonNode app =
        json("principal", "create", "--tenant", coffer.credentials().tenantId(), "--name", "nosy");
    JsonNode secret = json("credential", "add-secret", app.path("clientId").asText());
    Path nosy = temp.resolve("nosy.json");
    new AdminProfile(
            coffer.credentials().authorityHost(),
            secret.path("tenantId").asText(),
            secret.path("clientId").asText(),
            secret.path("clientSecret").asText(),
            "",
            coffer.server().tls().caFile().toString())
        .save(nosy);
    assertThatThrownBy(() -> run(nosy, "tenant", "list"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageStartingWith("403 Forbidden");
  }

  @Test
  void the_first_administrator_comes_from_a_one_time_token() throws IOException {
    try (CofferServer fresh =
        CofferServer.start(
            Settings.defaults(Files.createTempDirectory(temp, "fresh"), freePort()), Map.of())) {
      String token = fresh.bootstrapToken().orElseThrow();
      Path saved = temp.resolve("bootstrapped.json");
      String authority = fresh.settings().endpoints().authority();
      String ca = fresh.tls().caFile().toString();
      assertThat(
              run(saved, "bootstrap", "--authority", authority, "--token", token, "--ca-file", ca))
          .contains("Administrator");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
          .isEqualTo("rw-------");
      assertThat(run(saved, "tenant", "list")).contains("coffer-admin");
      assertThat(fresh.bootstrapToken()).isEmpty();

      Path again = temp.resolve("again.json");
      assertThatThrownBy(() ->
              run(again, "bootstrap", "--authority", authority, "--token", token, "--ca-file", ca))
          .hasMessageStartingWith("403 Forbidden");
    }
  }

  private static SecretClient client(String tenantId, JsonNode secret) {
    return new SecretClientBuilder()
        .vaultUrl(coffer.vaultUrl("etl"))
        .credential(
            new com.azure.identity.ClientSecretCredentialBuilder()
                .authorityHost(coffer.credentials().authorityHost())
                .tenantId(tenantId)
                .clientId(secret.path("clientId").asText())
                .clientSecret(secret.path("clientSecret").asText())
                .disableInstanceDiscovery()
                .build())
        .buildClient();
  }

  private static int status(Runnable call) {
    try {
      call.run();
      return 200;
    } catch (HttpResponseException e) {
      return e.getResponse().getStatusCode();
    }
  }

  private static String admin(String... args) {
    return run(profile, args);
  }

  private static JsonNode json(String... args) throws IOException {
    String[] withJson = java.util.Arrays.copyOf(args, args.length + 2);
    withJson[args.length] = "-o";
    withJson[args.length + 1] = "json";
    return JSON.readTree(admin(withJson));
  }

  /** Runs {@code coffer admin <args> --profile <file>} in-process; failures are rethrown. */
  private static String run(Path profileFile, String... args) {
    StringWriter out = new StringWriter();
    String[] full = new String[args.length + 2];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--profile";
    full[args.length + 1] = profileFile.toString();
    CommandLine command = new CommandLine(new AdminCommand());
    command.setOut(new PrintWriter(out));
    java.util.concurrent.atomic.AtomicReference<Exception> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    command.setExecutionExceptionHandler((e, cmd, parsed) -> {
      failure.set(e);
      return 1;
    });
    int status = command.execute(full);
    if (failure.get() instanceof RuntimeException e) {
      throw e;
    }
    if (status != 0) {
      throw new AssertionError("exit " + status + ": " + out);
    }
    return out.toString();
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
