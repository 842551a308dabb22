package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.crypto.Envelope;
import io.coffer.server.crypto.Keyring;
import io.coffer.server.storage.Storage;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Forged, stale and misdirected tokens presented to a real vault over TLS. Claims-level forgeries
 * are signed with the server's own signing key (read from its data directory, as an attacker who
 * stole it from a backup could not do without the master key), so each test isolates one check.
 * Every refusal is a 401 with {@code error.code = Unauthorized}, the AKV reason and the challenge.
 */
class TokenForgeryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RunningCoffer coffer;
  private static Storage storage;
  private static SigningKeys serverKeys;

  @BeforeAll
  static void start() throws IOException {
    Path dataDir = Files.createTempDirectory("coffer-forgery");
    coffer = RunningCoffer.start(dataDir);
    // The server's own storage, whichever the tests' setting selects.
    storage =
        RunningCoffer.database(dataDir)
            .map(Storage::openPostgresql)
            .orElseGet(() -> Storage.openSqlite(dataDir.resolve("coffer.db")));
    serverKeys =
        new SigningKeys(
            storage.signingKeys(),
            new Envelope(Keyring.load(dataDir, Map.of())),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    storage.close();
    coffer.close();
  }

  @Test
  void alg_none_is_refused() {
    PlainJWT unsigned = new PlainJWT(genuineClaims());

    assertRefused(unsigned.serialize(), "AKV10005");
  }

  @Test
  void hs256_signed_with_the_public_key_is_refused() throws Exception {
    RSAKey publicKey = (RSAKey) JWKSet.parse(serverKeys.jwks()).getKeys().get(0);
    byte[] secret =
        MessageDigest.getInstance("SHA-256")
            .digest(publicKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(publicKey.getKeyID()).build(),
            genuineClaims());
    forged.sign(new MACSigner(secret));

    assertRefused(forged.serialize(), "AKV10005");
  }

  @Test
  void an_unknown_kid_is_refused() throws Exception {
    RSAKey attacker = new RSAKeyGenerator(2048).keyID("unknown-kid").generate();

    assertRefused(signedBy(attacker, genuineClaims()), "AKV10005");
  }

  @Test
  void another_key_under_a_known_kid_is_refused() throws Exception {
    RSAKey attacker = new RSAKeyGenerator(2048).keyID(serverKeys.activeKid()).generate();

    assertRefused(signedBy(attacker, genuineClaims()), "AKV10005");
  }

  @Test
  void a_tampered_payload_is_refused() throws Exception {
    String[] parts = coffer.token().split("\\.");
    DirectoryPrincipal other =
        coffer.server().directory().createServicePrincipal(tenantId(), "tamper-target");
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder(genuineClaims()).claim("oid", other.objectId()).build();
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));

    assertRefused(parts[0] + "." + payload + "." + parts[2], "AKV10005");
  }

  @Test
  void an_expired_token_is_refused() {
    String token =
        withServerKey(c ->
            c.issueTime(ago(Duration.ofHours(2)))
                .notBeforeTime(ago(Duration.ofHours(2)))
                .expirationTime(ago(Duration.ofMinutes(5))));

    assertRefused(token, "AKV10021");
  }

  @Test
  void a_token_not_yet_valid_is_refused() {
    String token =
        withServerKey(c ->
            c.notBeforeTime(ago(Duration.ofMinutes(-10)))
                .expirationTime(ago(Duration.ofMinutes(-70))));

    assertRefused(token, "AKV10021");
  }

  @Test
  void a_token_without_an_expiry_is_refused() {
    assertRefused(withServerKey(c -> c.expirationTime(null)), "AKV10021");
  }

  @Test
  void a_token_for_another_audience_is_refused() {
    assertRefused(withServerKey(c -> c.audience("https://vault.azure.net")), "AKV10022");
  }

  @Test
  void a_token_from_another_issuer_is_refused() {
    String token =
        withServerKey(c -> c.issuer("https://login.microsoftonline.com/" + tenantId() + "/v2.0"));

    assertRefused(token, "AKV10032");
  }

  @Test
  void a_token_claiming_another_tenant_is_refused() {
    Tenant other = coffer.server().directory().createTenant("forged-" + shortId());

    assertRefused(withServerKey(c -> c.claim("tid", other.id())), "AKV10032");
  }

  @Test
  void a_genuine_token_of_another_tenant_is_refused_by_this_tenants_vault() {
    Tenant other = coffer.server().directory().createTenant("neighbour-" + shortId());
    coffer.server().vaults().create("neighbour" + shortId(), other.id(), 90, false);
    DirectoryPrincipal app =
        coffer.server().directory().createServicePrincipal(other.id(), "neighbour-app");
    ClientCredential credential =
        coffer.server().directory().addClientSecret(app, Duration.ofHours(1));
    String token =
        coffer.token(
            other.id(),
            credential.clientId(),
            credential.clientSecret(),
            coffer.server().settings().endpoints().resource() + "/.default");

    assertRefused(token, "AKV10032");
  }

  @Test
  void a_token_of_a_deleted_principal_is_refused() {
    DirectoryPrincipal app =
        coffer.server().directory().createServicePrincipal(tenantId(), "deleted-" + shortId());
    ClientCredential credential =
        coffer.server().directory().addClientSecret(app, Duration.ofHours(1));
    String token = coffer.token(credential.clientId(), credential.clientSecret());
    assertThat(listSecrets(token).statusCode()).as("before deletion").isNotEqualTo(401);

    coffer.server().directory().delete(app);

    assertRefused(token, "AKV10010");
  }

  @Test
  void a_token_of_a_disabled_principal_is_refused() {
    DirectoryPrincipal app =
        coffer.server().directory().createServicePrincipal(tenantId(), "disabled-" + shortId());
    ClientCredential credential =
        coffer.server().directory().addClientSecret(app, Duration.ofHours(1));
    String token = coffer.token(credential.clientId(), credential.clientSecret());
    assertThat(listSecrets(token).statusCode()).as("before disabling").isNotEqualTo(401);

    coffer.server().directory().setEnabled(app, false);

    assertRefused(token, "AKV10010");
  }

  @Test
  void a_management_api_token_is_no_vault_token() throws IOException {
    JsonNode admin =
        JSON.readTree(coffer.server().settings().dataDir().resolve("admin.json").toFile());
    String token =
        coffer.token(
            admin.path("tenantId").asText(),
            admin.path("clientId").asText(),
            admin.path("clientSecret").asText(),
            coffer.server().settings().endpoints().managementResource() + "/.default");

    assertRefused(token, "AKV10022");
  }

  @Test
  void a_refresh_token_is_no_access_token() {
    JWTClaimsSet refresh =
        new JWTClaimsSet.Builder(genuineClaims())
            .audience(
                coffer.credentials().authorityHost() + "/" + tenantId() + "/oauth2/v2.0/token")
            .build();

    assertRefused(
        TokenService.signed(serverKeys, new JOSEObjectType(UserGrants.REFRESH_TYPE), refresh),
        "AKV10005");
  }

  @Test
  void an_id_token_is_no_access_token() {
    String idToken = withServerKey(c -> c.audience(coffer.credentials().clientId()));

    assertRefused(idToken, "AKV10022");
  }

  private void assertRefused(String token, String reason) {
    HttpResponse<String> response = listSecrets(token);

    assertThat(response.statusCode()).isEqualTo(401);
    JsonNode error = json(response).path("error");
    assertThat(error.path("code").asText()).isEqualTo("Unauthorized");
    assertThat(error.path("message").asText()).startsWith(reason);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue(
            "Bearer authorization=\""
                + coffer.credentials().authorityHost()
                + "/"
                + tenantId()
                + "\", resource=\""
                + coffer.server().settings().endpoints().resource()
                + "\"");
  }

  /** The claims of a genuine token of the dev principal, to be altered one at a time. */
  private static JWTClaimsSet genuineClaims() {
    try {
      return SignedJWT.parse(coffer.token()).getJWTClaimsSet();
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String withServerKey(UnaryOperator<JWTClaimsSet.Builder> change) {
    return TokenService.signed(
        serverKeys,
        JOSEObjectType.JWT,
        change.apply(new JWTClaimsSet.Builder(genuineClaims())).build());
  }

  private static String signedBy(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static Date ago(Duration duration) {
    return new Date(System.currentTimeMillis() - duration.toMillis());
  }

  private static String tenantId() {
    return coffer.credentials().tenantId();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static HttpResponse<String> listSecrets(String token) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + "/secrets?api-version=7.4"))
            .header("Authorization", "Bearer " + token)
            .build());
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }
}
