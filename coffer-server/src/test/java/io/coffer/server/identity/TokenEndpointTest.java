package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.TokenRequestContext;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.testing.RunningCoffer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token service over HTTP: issuing, discovery, and forged tokens refused by the vault. */
class TokenEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RunningCoffer coffer;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
  }

  private String authority() {
    return coffer.credentials().authorityHost() + "/" + coffer.credentials().tenantId();
  }

  private HttpResponse<String> tokenRequest(String form) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(authority() + "/oauth2/v2.0/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> getSecrets(String token) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + "/secrets?api-version=7.4"))
            .header("Authorization", "Bearer " + token)
            .build());
  }

  @Test
  void client_credentials_yield_an_rs256_token_with_entra_claims() throws Exception {
    String token = coffer.token();
    SignedJWT jwt = SignedJWT.parse(token);
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(claims.getAudience()).containsExactly("https://vault.localhost:" + coffer.port());
    assertThat(claims.getIssuer()).isEqualTo(authority() + "/v2.0");
    assertThat(claims.getStringClaim("tid")).isEqualTo(coffer.credentials().tenantId());
    assertThat(claims.getStringClaim("appid")).isEqualTo(coffer.credentials().clientId());
    assertThat(claims.getStringClaim("oid")).isNotEmpty();
    long lifetime = (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
    assertThat(lifetime).isEqualTo(3600);
    assertThat(getSecrets(token).statusCode()).isEqualTo(200);
  }

  @Test
  void the_sdk_credential_gets_a_token_from_coffer() {
    var token =
        coffer
            .credential()
            .getTokenSync(
                new TokenRequestContext()
                    .addScopes("https://vault.localhost:" + coffer.port() + "/.default"));
    assertThat(token.getToken()).isNotEmpty();
    assertThat(token.getExpiresAt()).isAfter(java.time.OffsetDateTime.now().plusMinutes(50));
  }

  @Test
  void a_wrong_client_secret_is_invalid_client_and_the_sdk_reports_it() throws Exception {
    HttpResponse<String> response =
        tokenRequest(
            "grant_type=client_credentials&client_id="
                + coffer.credentials().clientId()
                + "&client_secret=wrong&scope=https%3A%2F%2Fvault.localhost%3A"
                + coffer.port()
                + "%2F.default");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_client");
    assertThat(json(response).path("error_codes").get(0).asInt()).isEqualTo(7000215);
    var client =
        new SecretClientBuilder()
            .vaultUrl(coffer.vaultUrl())
            .credential(coffer.credential(coffer.credentials().clientId(), "wrong-secret"))
            .buildClient();
    assertThatThrownBy(() -> client.getSecret("anything")).hasMessageContaining("AADSTS7000215");
  }

  @Test
  void unknown_clients_tenants_grants_and_scopes_are_refused_in_oauth_shape() throws Exception {
    String scope = "&scope=https%3A%2F%2Fvault.localhost%3A" + coffer.port() + "%2F.default";
    HttpResponse<String> unknownClient =
        tokenRequest("grant_type=client_credentials&client_id=nobody&client_secret=x" + scope);
    HttpResponse<String> badGrant =
        // Device code is one Coffer does not serve (the password grant it does, since drop-in
        // mode).
        tokenRequest(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=x"
                + "&client_secret=x"
                + scope);
    HttpResponse<String> badScope =
        tokenRequest(
            "grant_type=client_credentials&client_id="
                + coffer.credentials().clientId()
                + "&client_secret=x&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
    HttpResponse<String> unknownTenant =
        coffer.send(
            HttpRequest.newBuilder(
                    URI.create(
                        coffer.credentials().authorityHost() + "/no-such-tenant/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build());

    assertThat(unknownClient.statusCode()).isEqualTo(400);
    assertThat(json(unknownClient).path("error").asText()).isEqualTo("unauthorized_client");
    assertThat(json(badGrant).path("error").asText()).isEqualTo("unsupported_grant_type");
    assertThat(json(badScope).path("error").asText()).isEqualTo("invalid_scope");
    assertThat(json(unknownTenant).path("error").asText()).isEqualTo("invalid_request");
    assertThat(json(unknownTenant).path("error_codes").get(0).asInt()).isEqualTo(90002);
  }

  @Test
  void openid_configuration_and_jwks_describe_the_signing_keys() throws Exception {
    HttpResponse<String> config =
        coffer.send(
            HttpRequest.newBuilder(
                    URI.create(authority() + "/v2.0/.well-known/openid-configuration"))
                .build());
    JsonNode document = json(config);
    assertThat(document.path("issuer").asText()).isEqualTo(authority() + "/v2.0");
    assertThat(document.path("token_endpoint").asText())
        .isEqualTo(authority() + "/oauth2/v2.0/token");
    assertThat(document.path("authorization_endpoint").asText()).startsWith(authority());

    HttpResponse<String> keys =
        coffer.send(HttpRequest.newBuilder(URI.create(document.path("jwks_uri").asText())).build());
    JWKSet set = JWKSet.parse(keys.body());
    String kid = SignedJWT.parse(coffer.token()).getHeader().getKeyID();

    assertThat(set.getKeyByKeyId(kid)).isNotNull();
    assertThat(set.getKeyByKeyId(kid).isPrivate()).isFalse();
  }

  @Test
  void arm_subscription_discovery_answers_an_empty_list_to_a_valid_token_only() throws Exception {
    URI subscriptions =
        URI.create(coffer.credentials().authorityHost() + "/subscriptions?api-version=2022-12-01");
    HttpResponse<String> withToken =
        coffer.send(
            HttpRequest.newBuilder(subscriptions)
                .header("Authorization", "Bearer " + coffer.token())
                .build());
    HttpResponse<String> without = coffer.send(HttpRequest.newBuilder(subscriptions).build());

    assertThat(withToken.statusCode()).isEqualTo(200);
    assertThat(json(withToken).path("value").isArray()).isTrue();
    assertThat(json(withToken).path("value")).isEmpty();
    assertThat(without.statusCode()).isEqualTo(401);
  }

  @Test
  void the_token_endpoint_echoes_msals_correlation_id() {
    String correlationId = java.util.UUID.randomUUID().toString();
    HttpResponse<String> response =
        coffer.send(
            HttpRequest.newBuilder(URI.create(authority() + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("client-request-id", correlationId)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build());

    assertThat(response.headers().firstValue("client-request-id")).hasValue(correlationId);
  }
}
