package io.coffer.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.DevMode;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.config.ConfigException;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.wire.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity agent between a real Coffer (TLS) and the official SDK: workloads read secrets with
 * managed-identity credentials that hold no secret.
 */
class IdentityAgentTest {
  private static final String SECRET = "mi-db-password";
  private static final String VALUE = "s3cr3t-through-the-agent";

  @TempDir static Path dir;

  private static RunningCoffer coffer;
  private static MovableClock clock;
  private static IdentityAgent agent;
  private static Path config;
  private static DirectoryPrincipal system;
  private static DirectoryPrincipal user;
  private static DirectoryPrincipal revocable;
  private static ClientCredential revocableKey;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    coffer = RunningCoffer.start(dir.resolve("coffer"));
    String tenant = coffer.credentials().tenantId();
    String vaultId = coffer.server().vaults().find(DevMode.VAULT).orElseThrow().id();
    var directory = coffer.server().directory();
    system = directory.createManagedIdentity(tenant, "web-host", true);
    user = directory.createManagedIdentity(tenant, "reporting", false);
    revocable = directory.createManagedIdentity(tenant, "batch", false);
    for (DirectoryPrincipal identity : List.of(system, user, revocable)) {
      coffer
          .server()
          .authorizer()
          .assign(identity.objectId(), Role.KEY_VAULT_SECRETS_USER, Scope.vault(vaultId));
    }
    revocableKey = directory.addClientSecret(revocable, Duration.ofDays(30));
    coffer.secretClient().setSecret(SECRET, VALUE);

    config =
        writeConfig(
            dir.resolve("agent.json"),
            Map.of(
                "authority",
                coffer.credentials().authorityHost(),
                "tenant",
                tenant,
                "caFile",
                coffer.server().tls().caFile().toAbsolutePath().toString(),
                "identities",
                List.of(
                    identity(
                        system, directory.addClientSecret(system, Duration.ofDays(30)), "system"),
                    identity(user, directory.addClientSecret(user, Duration.ofDays(30)), "user"),
                    identity(revocable, revocableKey, "user"))));
    clock = new MovableClock();
    agent =
        IdentityAgent.start(AgentConfig.load(config), InetAddress.getLoopbackAddress(), 0, clock);
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
    if (coffer != null) {
      coffer.close();
    }
  }

  private static Map<String, String> identity(
      DirectoryPrincipal principal, ClientCredential key, String kind) {
    return Map.of(
        "clientId",
        principal.clientId(),
        "clientSecret",
        key.clientSecret(),
        "kind",
        kind,
        "name",
        principal.displayName());
  }

  private static Path writeConfig(Path file, Map<String, Object> content) throws IOException {
    Files.write(file, Json.write(content));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static String resource() {
    return coffer.server().settings().endpoints().resource();
  }

  private static String base() {
    return agent.environment().get("AZURE_POD_IDENTITY_AUTHORITY_HOST");
  }

  private static HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + pathAndQuery));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> appService(String query) throws Exception {
    return get(
        "/msi/token?api-version=2019-08-01&" + query,
        "X-IDENTITY-HEADER",
        agent.environment().get("IDENTITY_HEADER"));
  }

  private static HttpResponse<String> imds(String query) throws Exception {
    return get(
        "/metadata/identity/oauth2/token?api-version=2018-02-01&" + query, "Metadata", "true");
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static JsonNode json(HttpResponse<String> response) {
    return Json.readTree(response.body().getBytes(StandardCharsets.UTF_8));
  }

  /** Runs {@link SdkWorkload} in a child JVM with exactly these identity variables. */
  private static String workload(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String property :
        List.of(
            "jdk.net.hosts.file",
            "javax.net.ssl.trustStore",
            "javax.net.ssl.trustStorePassword",
            "javax.net.ssl.trustStoreType")) {
      if (System.getProperty(property) != null) {
        command.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), SdkWorkload.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder
        .environment()
        .keySet()
        .removeIf(k ->
            k.startsWith("AZURE_")
                || k.startsWith("IDENTITY_")
                || k.startsWith("MSI_")
                || k.startsWith("IMDS_")
                || k.equals("JAVA_TOOL_OPTIONS"));
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.strip();
  }

  private static Map<String, String> appServiceEnv() {
    return Map.of(
        "IDENTITY_ENDPOINT", agent.environment().get("IDENTITY_ENDPOINT"),
        "IDENTITY_HEADER", agent.environment().get("IDENTITY_HEADER"));
  }

  private static Map<String, String> imdsEnv() {
    return Map.of("AZURE_POD_IDENTITY_AUTHORITY_HOST", base());
  }

  @Test
  void system_assigned_identity_reads_a_secret_through_the_app_service_endpoint() throws Exception {
    String out = workload(appServiceEnv(), "managed", coffer.vaultUrl(), SECRET);

    assertThat(out).isEqualTo("VALUE " + VALUE);
  }

  @Test
  void user_assigned_identity_by_client_id_reads_a_secret_through_imds() throws Exception {
    String out = workload(imdsEnv(), "managed", coffer.vaultUrl(), SECRET, user.clientId());

    assertThat(out).isEqualTo("VALUE " + VALUE);
  }

  @Test
  void default_azure_credential_with_only_the_agent_environment_reads_a_secret() throws Exception {
    String out = workload(imdsEnv(), "default", coffer.vaultUrl(), SECRET);

    assertThat(out).isEqualTo("VALUE " + VALUE);
  }

  @Test
  void app_service_answer_has_the_shape_msal_reads() throws Exception {
    HttpResponse<String> response = appService("resource=" + enc(resource() + "/"));
    JsonNode body = json(response);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.get("client_id").asText()).isEqualTo(system.clientId());
    assertThat(body.get("resource").asText()).isEqualTo(resource() + "/");
    assertThat(body.get("expires_on").isTextual()).isTrue();
    assertThat(Long.parseLong(body.get("expires_on").asText()))
        .isGreaterThan(Instant.now().getEpochSecond() + 600);
    // Coffer issued it to the managed identity: its object id, and the claim only identities get.
    JsonNode claims =
        Json.readTree(
            java.util.Base64.getUrlDecoder()
                .decode(body.get("access_token").asText().split("\\.")[1]));
    assertThat(claims.get("oid").asText()).isEqualTo(system.objectId());
    assertThat(claims.get("xms_mirid").asText()).endsWith("/web-host");
  }

  @Test
  void imds_answer_gives_every_number_as_a_string() throws Exception {
    HttpResponse<String> response =
        imds("resource=" + enc(resource() + "/.default") + "&client_id=" + user.clientId());
    JsonNode body = json(response);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body.get("client_id").asText()).isEqualTo(user.clientId());
    for (String field : List.of("expires_in", "expires_on", "ext_expires_in", "not_before")) {
      assertThat(body.get(field).isTextual()).as(field).isTrue();
      assertThat(Long.parseLong(body.get(field).asText())).as(field).isPositive();
    }
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.get("resource").asText()).isEqualTo(resource() + "/.default");
  }

  @Test
  void an_identity_is_found_by_object_id_and_by_principal_id() throws Exception {
    JsonNode byImds = json(imds("resource=" + enc(resource()) + "&object_id=" + user.objectId()));
    JsonNode byAppService =
        json(appService("resource=" + enc(resource()) + "&principal_id=" + user.objectId()));

    assertThat(byImds.get("client_id").asText()).isEqualTo(user.clientId());
    assertThat(byAppService.get("client_id").asText()).isEqualTo(user.clientId());
  }

  @Test
  void an_unknown_client_id_is_refused_with_identity_not_found() throws Exception {
    String unknown = "00000000-0000-0000-0000-00000000beef";
    HttpResponse<String> viaImds = imds("resource=" + enc(resource()) + "&client_id=" + unknown);
    HttpResponse<String> viaAppService =
        appService("resource=" + enc(resource()) + "&client_id=" + unknown);

    for (HttpResponse<String> response : List.of(viaImds, viaAppService)) {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).get("error").asText()).isEqualTo("invalid_request");
      assertThat(json(response).get("error_description").asText()).isEqualTo("Identity not found");
    }
  }

  @Test
  void a_missing_or_wrong_identity_header_is_refused() throws Exception {
    String query = "resource=" + enc(resource());
    HttpResponse<String> noHeader = get("/msi/token?api-version=2019-08-01&" + query);
    HttpResponse<String> wrongHeader =
        get("/msi/token?api-version=2019-08-01&" + query, "X-IDENTITY-HEADER", "guess");
    HttpResponse<String> noMetadata =
        get("/metadata/identity/oauth2/token?api-version=2018-02-01&" + query);

    assertThat(noHeader.statusCode()).isEqualTo(401);
    assertThat(wrongHeader.statusCode()).isEqualTo(401);
    assertThat(noHeader.body()).doesNotContain("access_token");
    // App Service's own members, the ones MSAL Python reports, beside OAuth's.
    JsonNode refusal = json(wrongHeader);
    assertThat(refusal.get("statusCode").asInt()).isEqualTo(401);
    assertThat(refusal.get("message").asText())
        .isEqualTo("The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
    assertThat(refusal.get("error").asText()).isEqualTo("unauthorized");
    assertThat(refusal.get("error_description").asText())
        .isEqualTo(refusal.get("message").asText());
    assertThat(json(noMetadata).has("statusCode")).isFalse();
    assertThat(noMetadata.statusCode()).isEqualTo(400);
    assertThat(json(noMetadata).get("error_description").asText())
        .isEqualTo("Required metadata header not specified");
  }

  @Test
  void a_revoked_host_key_fails_the_sdk_once_the_cached_token_is_due() throws Exception {
    String query = "resource=" + enc(resource()) + "&client_id=" + revocable.clientId();
    assertThat(imds(query).statusCode()).isEqualTo(200);

    coffer.server().directory().revokeClientSecret(revocable, revocableKey.secretId());
    HttpResponse<String> stillCached = imds(query);
    clock.advance(Duration.ofHours(2));
    HttpResponse<String> refused = imds(query);

    assertThat(stillCached.statusCode()).isEqualTo(200);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(json(refused).get("error").asText()).isEqualTo("invalid_client");
    assertThat(json(refused).get("error_description").asText())
        .startsWith("Coffer refused a token for " + revocable.clientId());
    String sdk =
        workload(appServiceEnv(), "managed", coffer.vaultUrl(), SECRET, revocable.clientId());
    assertThat(sdk).startsWith("FAILED com.azure.core.exception.ClientAuthenticationException");
  }

  @Test
  void the_command_prints_and_writes_what_a_workload_needs() throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.coffer.cli.Main",
            "identity-agent",
            "--config",
            config.toString());
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      List<String> printed = new ArrayList<>();
      var reader =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        printed.add(line.strip());
        if (line.startsWith("Ctrl-C stops the agent")) {
          break;
        }
      }
      Path envFile = dir.resolve("agent.env");
      Map<String, String> env = new java.util.HashMap<>();
      for (String line : Files.readAllLines(envFile)) {
        if (line.startsWith("export ")) {
          String[] pair = line.substring(7).split("=", 2);
          env.put(pair[0], pair[1].replace("'", ""));
        }
      }
      HttpResponse<String> token =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          env.get("IDENTITY_ENDPOINT")
                              + "?api-version=2019-08-01&resource="
                              + enc(resource())))
                  .header("X-IDENTITY-HEADER", env.get("IDENTITY_HEADER"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(printed)
          .anyMatch(l -> l.matches("IDENTITY_ENDPOINT=http://127\\.0\\.0\\.1:\\d+/msi/token"))
          .anyMatch(l -> l.startsWith("IDENTITY_HEADER="))
          .anyMatch(
              l -> l.matches("AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127\\.0\\.0\\.1:\\d+"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)))
          .isEqualTo("rw-------");
      assertThat(token.statusCode()).isEqualTo(200);
      assertThat(json(token).get("client_id").asText()).isEqualTo(system.clientId());
    } finally {
      process.destroy();
      process.waitFor(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_config_readable_by_others_is_refused(@TempDir Path other) throws Exception {
    Path file = other.resolve("agent.json");
    Files.copy(config, file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> AgentConfig.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void two_system_assigned_identities_are_refused() {
    AgentIdentity a =
        new AgentIdentity("a", "s", AgentIdentity.Kind.SYSTEM, java.util.Optional.empty());
    AgentIdentity b =
        new AgentIdentity("b", "s", AgentIdentity.Kind.SYSTEM, java.util.Optional.empty());

    assertThatThrownBy(() ->
            new AgentConfig(
                URI.create("https://localhost:8443"),
                "t",
                java.util.Optional.empty(),
                List.of(a, b)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("system-assigned");
  }

  @Test
  void a_non_loopback_bind_address_is_refused() throws Exception {
    AgentConfig loaded = AgentConfig.load(config);

    assertThatThrownBy(
            () -> IdentityAgent.start(loaded, InetAddress.getByName("192.0.2.1"), 0, clock))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("loopback");
  }

  @Test
  void identity_records_never_print_the_host_key() throws Exception {
    AgentConfig loaded = AgentConfig.load(config);

    assertThat(loaded.toString()).doesNotContain(revocableKey.clientSecret()).contains("redacted");
  }
}
