package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.CofferServer;
import io.coffer.server.config.Cloud;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Settings;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coffer under Azure's own names ({@code --cloud AzureCloud}), over raw HTTP with the Host headers
 * clients send: the challenge, what MSAL asks before a token, the password grant, Resource Manager
 * and the refusal of another cloud's tokens. The unmodified SDKs and tools run against this mode in
 * {@code compat/run dropin}.
 */
class CloudNamesTest {
  private static final String PUBLIC_CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

  @TempDir static Path dataDir;
  private static RunningCoffer coffer;
  private static RawWire wire;
  private static String tenant;

  @BeforeAll
  static void start() {
    coffer = startAs(Cloud.AZURE_CLOUD);
    wire = new RawWire(coffer);
    tenant = coffer.credentials().tenantId();
    coffer.server().directory().createUser(tenant, "ada@cloud.example", "Ada", "a long passphrase");
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  private static RunningCoffer startAs(Cloud cloud) {
    return RunningCoffer.start(
        Settings.defaults(dataDir, RunningCoffer.freePort()).withCloud(cloud),
        RunningCoffer.database(dataDir));
  }

  @Test
  void a_vault_challenges_with_microsofts_authority_and_the_vault_resource() throws IOException {
    RawWire.Answer answer = get("main.vault.azure.net", "/secrets/x?api-version=7.4", null);

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.header("WWW-Authenticate"))
        .hasValue(
            "Bearer authorization=\"https://login.microsoftonline.com/"
                + tenant
                + "\", resource=\"https://vault.azure.net\"");
  }

  @Test
  void dev_settings_name_the_cloud_without_a_port() {
    assertThat(coffer.credentials().vaultUrl()).isEqualTo("https://main.vault.azure.net");
    assertThat(coffer.credentials().authorityHost()).isEqualTo("https://login.microsoftonline.com");
  }

  @Test
  void instance_discovery_points_at_the_tenant_and_lists_the_clouds_aliases() throws IOException {
    String endpoint = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/authorize";
    RawWire.Answer answer =
        get(
            "login.microsoftonline.com:443",
            "/common/discovery/instance?api-version=1.1&authorization_endpoint=" + endpoint,
            null);

    JsonNode body = json(answer);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(body.path("tenant_discovery_endpoint").asText())
        .isEqualTo(
            "https://login.microsoftonline.com/"
                + tenant
                + "/v2.0/.well-known/openid-configuration");
    JsonNode cloud = body.path("metadata").path(0);
    assertThat(cloud.path("preferred_network").asText()).isEqualTo("login.microsoftonline.com");
    assertThat(
            StreamSupport.stream(cloud.path("aliases").spliterator(), false).map(JsonNode::asText))
        .contains("login.microsoftonline.com", "login.windows.net", "sts.windows.net");
  }

  @Test
  void tenant_discovery_answers_for_the_tenant_and_for_organizations() throws IOException {
    JsonNode own =
        json(
            get(
                "login.microsoftonline.com",
                "/" + tenant + "/v2.0/.well-known/openid-configuration",
                null));
    JsonNode organizations =
        json(
            get(
                "login.microsoftonline.com",
                "/organizations/v2.0/.well-known/openid-configuration",
                null));

    assertThat(own.path("issuer").asText())
        .isEqualTo("https://login.microsoftonline.com/" + tenant + "/v2.0");
    assertThat(own.path("token_endpoint").asText())
        .isEqualTo("https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token");
    assertThat(own.path("cloud_instance_name").asText()).isEqualTo("microsoftonline.com");
    assertThat(organizations.path("issuer").asText())
        .isEqualTo("https://login.microsoftonline.com/{tenantid}/v2.0");
    assertThat(organizations.path("token_endpoint").asText())
        .isEqualTo("https://login.microsoftonline.com/organizations/oauth2/v2.0/token");
  }

  @Test
  void every_user_realm_is_a_managed_one() throws IOException {
    JsonNode realm =
        json(
            get(
                "login.microsoftonline.com",
                "/common/userrealm/ada@cloud.example?api-version=1.0",
                null));

    assertThat(realm.path("account_type").asText()).isEqualTo("Managed");
    assertThat(realm.path("domain_name").asText()).isEqualTo("cloud.example");
    assertThat(realm.path("cloud_instance_name").asText()).isEqualTo("microsoftonline.com");
  }

  @Test
  void the_password_grant_issues_a_users_token_for_the_vault() throws Exception {
    JsonNode answer =
        json(
            token(
                "organizations",
                Map.of(
                    "grant_type", "password",
                    "client_id", PUBLIC_CLIENT,
                    "username", "ada@cloud.example",
                    "password", "a long passphrase",
                    "scope", "https://vault.azure.net/.default openid profile offline_access",
                    "client_info", "1")));

    var claims = SignedJWT.parse(answer.path("access_token").asText()).getJWTClaimsSet();
    assertThat(claims.getAudience()).containsExactly("https://vault.azure.net");
    assertThat(claims.getIssuer())
        .isEqualTo("https://login.microsoftonline.com/" + tenant + "/v2.0");
    assertThat(claims.getStringClaim("upn")).isEqualTo("ada@cloud.example");
    assertThat(answer.path("id_token").asText()).isNotEmpty();
    assertThat(answer.path("client_info").asText()).isNotEmpty();
    assertThat(answer.path("refresh_token").asText()).isNotEmpty();
  }

  @Test
  void a_wrong_password_and_an_unknown_user_get_the_same_refusal() throws IOException {
    for (String user : new String[] {"ada@cloud.example", "nobody@cloud.example"}) {
      RawWire.Answer answer =
          token(
              "organizations",
              Map.of(
                  "grant_type", "password",
                  "client_id", PUBLIC_CLIENT,
                  "username", user,
                  "password", "not the passphrase",
                  "scope", "https://vault.azure.net/.default"));

      assertThat(answer.status()).as(user).isEqualTo(400);
      assertThat(json(answer).path("error").asText()).isEqualTo("invalid_grant");
      assertThat(json(answer).path("error_codes").path(0).asInt()).isEqualTo(50126);
    }
  }

  @Test
  void resource_manager_lists_no_subscriptions_to_a_resource_manager_token() throws IOException {
    String arm =
        accessToken(
            token(tenant, clientCredentials("https://management.core.windows.net//.default")));
    String vault =
        accessToken(token(tenant, clientCredentials("https://vault.azure.net/.default")));

    RawWire.Answer listed =
        get("management.azure.com", "/subscriptions?api-version=2022-12-01", "Bearer " + arm);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(json(listed).path("value").isArray()).isTrue();
    assertThat(json(listed).path("value").size()).isZero();
    assertThat(
            get("management.azure.com", "/subscriptions?api-version=2022-12-01", "Bearer " + vault)
                .status())
        .isEqualTo(401);
  }

  @Test
  void no_token_is_issued_for_another_clouds_vaults() throws IOException {
    RawWire.Answer answer =
        token(tenant, clientCredentials("https://vault.usgovcloudapi.net/.default"));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(json(answer).path("error").asText()).isEqualTo("invalid_scope");
    assertThat(json(answer).path("error_codes").path(0).asInt()).isEqualTo(500011);
  }

  @Test
  void a_token_another_clouds_coffer_signed_with_the_same_keys_is_refused() throws IOException {
    // The same data directory (same signing keys, tenant and principal) served as US Government.
    coffer.close();
    String foreign;
    try (RunningCoffer government = startAs(Cloud.AZURE_US_GOVERNMENT)) {
      foreign =
          accessToken(
              token(
                  new RawWire(government),
                  "login.microsoftonline.us",
                  tenant,
                  clientCredentials("https://vault.usgovcloudapi.net/.default")));
    } finally {
      coffer = startAs(Cloud.AZURE_CLOUD);
      wire = new RawWire(coffer);
    }
    String own = accessToken(token(tenant, clientCredentials("https://vault.azure.net/.default")));

    RawWire.Answer answer =
        get("main.vault.azure.net", "/secrets/x?api-version=7.4", "Bearer " + foreign);
    assertThat(answer.status()).isEqualTo(401);
    assertThat(json(answer).path("error").path("code").asText()).isEqualTo("Unauthorized");
    assertThat(get("main.vault.azure.net", "/secrets/x?api-version=7.4", "Bearer " + own).status())
        .isEqualTo(404);
  }

  @Test
  void private_names_serve_no_resource_manager_audience() {
    RunningCoffer shared = RunningCoffer.shared();

    assertThatThrownBy(() ->
            shared.token(
                shared.credentials().tenantId(),
                shared.credentials().clientId(),
                shared.credentials().clientSecret(),
                "https://management.core.windows.net//.default"))
        .hasMessageContaining("AADSTS500011");
  }

  @Test
  void an_operator_certificate_without_the_clouds_names_is_refused(@TempDir Path dir) {
    // The shared server's own certificate covers vault.localhost names only.
    Path tls = RunningCoffer.shared().server().settings().dataDir().resolve("tls");
    Settings settings =
        new Settings(
                dir,
                "127.0.0.1",
                RunningCoffer.freePort(),
                Settings.DEFAULT_DOMAIN,
                Settings.DEFAULT_AUTHORITY_HOST,
                Optional.of(tls.resolve("server.pem")),
                Optional.of(tls.resolve("server-key.pem")),
                java.time.Duration.ofHours(1))
            .withCloud(Cloud.AZURE_CLOUD);

    assertThatThrownBy(() -> CofferServer.start(settings, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("*.vault.azure.net")
        .hasMessageContaining("login.microsoftonline.com")
        .hasMessageContaining("management.azure.com");
  }

  private static Map<String, String> clientCredentials(String scope) {
    return Map.of(
        "grant_type",
        "client_credentials",
        "client_id",
        coffer.credentials().clientId(),
        "client_secret",
        coffer.credentials().clientSecret(),
        "scope",
        scope);
  }

  private static String accessToken(RawWire.Answer answer) throws IOException {
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return json(answer).path("access_token").asText();
  }

  private static RawWire.Answer token(String pathTenant, Map<String, String> form)
      throws IOException {
    return token(wire, "login.microsoftonline.com", pathTenant, form);
  }

  private static RawWire.Answer token(
      RawWire to, String host, String pathTenant, Map<String, String> form) throws IOException {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) ->
        body.append(body.isEmpty() ? "" : "&")
            .append(k)
            .append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /"
            + pathTenant
            + "/oauth2/v2.0/token HTTP/1.1\r\nHost: "
            + host
            + "\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n\r\n";
    byte[] request = new byte[head.length() + bytes.length];
    System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, request, 0, head.length());
    System.arraycopy(bytes, 0, request, head.length(), bytes.length);
    return to.exchange(request);
  }

  private static RawWire.Answer get(String host, String pathAndQuery, String authorization)
      throws IOException {
    String request =
        "GET "
            + pathAndQuery
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\n"
            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
            + "Connection: close\r\n\r\n";
    return wire.exchange(request.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode json(RawWire.Answer answer) throws IOException {
    return RawWire.JSON.readTree(answer.body());
  }
}
