package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.HttpResponseException;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestKeys;
import io.coffer.server.vault.Vault;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each credential type an application or workload uses with Entra, through the official Java SDK:
 * several client secrets with expiry and revocation, a certificate (client assertion), and workload
 * identity federation with inline and discovered issuer keys. Refusals carry Entra's error shapes.
 */
class CredentialTypesTest {
  private static final String SECRET_NAME = "credential-types";
  private static RunningCoffer coffer;
  private static Directory directory;
  private static Vault vault;
  private static HttpsServer issuerServer;
  private static TestKeys issuerKeys;
  private static String discoveredIssuer;

  @TempDir static Path temp;

  @BeforeAll
  static void start() throws Exception {
    coffer = RunningCoffer.shared();
    directory = coffer.server().directory();
    vault = coffer.server().vaults().named("main");
    coffer.secretClient().setSecret(SECRET_NAME, "read-by-every-credential");
    issuerKeys = TestKeys.rsa("issuer", Duration.ofDays(1));
    issuerServer = startIssuer(issuerKeys);
    discoveredIssuer =
        "https://127.0.0.1:" + issuerServer.getAddress().getPort() + "/cluster-issuer";
  }

  @AfterAll
  static void stop() {
    issuerServer.stop(0);
  }

  @Test
  void an_app_has_several_client_secrets_each_revocable_and_expiring() {
    DirectoryPrincipal app = reader("multi-secret-app");
    ClientCredential first = directory.addClientSecret(app, Duration.ofDays(30), "first");
    ClientCredential second = directory.addClientSecret(app, Duration.ofDays(30), "second");
    ClientCredential expired = directory.addClientSecret(app, Duration.ofSeconds(-1), "old");

    assertThat(directory.clientSecrets(app))
        .extracting(s -> s.displayName())
        .containsExactly("first", "second", "old");
    assertThat(read(coffer.credential(first.clientId(), first.clientSecret()))).isPresent();
    assertThat(read(coffer.credential(second.clientId(), second.clientSecret()))).isPresent();
    assertThat(tokenError(coffer.credential(expired.clientId(), expired.clientSecret())))
        .contains("AADSTS7000222");

    directory.revokeClientSecret(app, first.secretId());
    assertThat(tokenError(coffer.credential(first.clientId(), first.clientSecret())))
        .contains("AADSTS7000215");
    assertThat(read(coffer.credential(second.clientId(), second.clientSecret()))).isPresent();
  }

  @Test
  void a_certificate_credential_signs_the_client_assertion() throws IOException {
    DirectoryPrincipal app = reader("certificate-app");
    TestKeys keys = TestKeys.rsa("certificate-app", Duration.ofDays(30));
    directory.addCertificate(app, keys.certificatePem().getBytes(StandardCharsets.US_ASCII));
    Path pem = Files.writeString(temp.resolve("app.pem"), keys.pem());

    assertThat(read(certificateCredential(app, pem))).contains("read-by-every-credential");

    TestKeys stranger = TestKeys.rsa("certificate-app", Duration.ofDays(30));
    Path strangerPem = Files.writeString(temp.resolve("stranger.pem"), stranger.pem());
    assertThat(tokenError(certificateCredential(app, strangerPem))).contains("AADSTS700027");

    directory.revokeCertificate(app, directory.certificates(app).get(0).thumbprint());
    assertThat(tokenError(certificateCredential(app, pem))).contains("AADSTS700027");
  }

  @Test
  void an_expired_certificate_is_refused() throws IOException {
    DirectoryPrincipal app = reader("expired-certificate-app");
    TestKeys keys = TestKeys.rsa("expired", Duration.ofSeconds(-60));
    directory.addCertificate(app, keys.certificatePem().getBytes(StandardCharsets.US_ASCII));
    Path pem = Files.writeString(temp.resolve("expired.pem"), keys.pem());
    assertThat(tokenError(certificateCredential(app, pem))).contains("AADSTS700027", "expired");
  }

  @Test
  void a_client_assertion_for_another_audience_or_replayed_is_refused() {
    DirectoryPrincipal app = reader("assertion-audience-app");
    TestKeys keys = TestKeys.rsa("assertion-audience-app", Duration.ofDays(1));
    directory.addCertificate(app, keys.certificatePem().getBytes(StandardCharsets.US_ASCII));
    String tokenEndpoint =
        coffer.credentials().authorityHost()
            + "/"
            + coffer.credentials().tenantId()
            + "/oauth2/v2.0/token";
    String elsewhere =
        assertion(keys, app, "https://login.microsoftonline.com/common/oauth2/v2.0/token", "a");
    assertThat(postAssertion(app, elsewhere).body()).contains("AADSTS50012");

    String good = assertion(keys, app, tokenEndpoint, UUID.randomUUID().toString());
    assertThat(postAssertion(app, good).statusCode()).isEqualTo(200);
    HttpResponse<String> replay = postAssertion(app, good);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).contains("invalid_client", "AADSTS700027");
  }

  @Test
  void a_workload_exchanges_a_federated_token_with_inline_issuer_keys() throws IOException {
    DirectoryPrincipal app = reader("federated-inline-app");
    String issuer = "https://oidc.example.test/cluster-a";
    String subject = "system:serviceaccount:etl:reader";
    directory.addFederatedCredential(
        app, "etl-reader", issuer, subject, Optional.empty(), Optional.of(issuerKeys.jwks()));
    Path token =
        projected(
            "inline.jwt",
            TestKeys.claims(issuer, subject, Directory.FEDERATION_AUDIENCE, Duration.ofHours(1)));

    assertThat(read(workloadCredential(app, token))).contains("read-by-every-credential");
  }

  @Test
  void a_workload_exchanges_a_federated_token_with_keys_discovered_from_its_issuer()
      throws IOException {
    DirectoryPrincipal app = reader("federated-discovered-app");
    String subject = "repo:coffer/etl:ref:refs/heads/main";
    directory.addFederatedCredential(
        app, "ci", discoveredIssuer, subject, Optional.empty(), Optional.empty());
    Path token =
        projected(
            "discovered.jwt",
            TestKeys.claims(
                discoveredIssuer, subject, Directory.FEDERATION_AUDIENCE, Duration.ofHours(1)));

    assertThat(read(workloadCredential(app, token))).contains("read-by-every-credential");
  }

  @Test
  void a_federated_token_for_another_subject_audience_or_past_expiry_is_refused()
      throws IOException {
    DirectoryPrincipal app = reader("federated-refusals-app");
    String issuer = "https://oidc.example.test/cluster-b";
    String subject = "system:serviceaccount:etl:writer";
    directory.addFederatedCredential(
        app, "etl-writer", issuer, subject, Optional.empty(), Optional.of(issuerKeys.jwks()));

    Path otherSubject =
        projected(
            "subject.jwt",
            TestKeys.claims(
                issuer,
                "system:serviceaccount:etl:intruder",
                Directory.FEDERATION_AUDIENCE,
                Duration.ofHours(1)));
    assertThat(tokenError(workloadCredential(app, otherSubject))).contains("AADSTS70021");

    Path otherAudience =
        projected(
            "audience.jwt",
            TestKeys.claims(
                issuer, subject, "https://kubernetes.default.svc", Duration.ofHours(1)));
    assertThat(tokenError(workloadCredential(app, otherAudience))).contains("AADSTS70021");

    Path expired =
        projected(
            "expired.jwt",
            TestKeys.claims(
                issuer, subject, Directory.FEDERATION_AUDIENCE, Duration.ofMinutes(-10)));
    assertThat(tokenError(workloadCredential(app, expired))).contains("AADSTS700024");

    TestKeys forger = TestKeys.rsa("forger", Duration.ofDays(1));
    Path forged = temp.resolve("forged.jwt");
    Files.writeString(
        forged,
        forger.sign(
            TestKeys.claims(issuer, subject, Directory.FEDERATION_AUDIENCE, Duration.ofHours(1))
                .build()));
    assertThat(tokenError(workloadCredential(app, forged))).contains("AADSTS700027");
  }

  @Test
  void a_disabled_principal_loses_access_on_its_next_request() {
    DirectoryPrincipal app = reader("disabled-app");
    ClientCredential credential = directory.addClientSecret(app, Duration.ofDays(1));
    TokenCredential tokens = coffer.credential(credential.clientId(), credential.clientSecret());
    SecretClient client = client(tokens);
    assertThat(client.getSecret(SECRET_NAME).getValue()).isEqualTo("read-by-every-credential");

    directory.setEnabled(app, false);
    assertThatThrownBy(() -> client.getSecret(SECRET_NAME))
        .isInstanceOf(HttpResponseException.class)
        .satisfies(e ->
            assertThat(((HttpResponseException) e).getResponse().getStatusCode()).isEqualTo(401));
    directory.setEnabled(app, true);
    assertThat(client.getSecret(SECRET_NAME).getValue()).isEqualTo("read-by-every-credential");
  }

  @Test
  void a_management_token_is_no_vault_token_and_a_vault_token_administers_nothing() {
    ClientCredential admin = directory.createAdministrator();
    String managementToken =
        coffer.token(
            admin.tenantId(),
            admin.clientId(),
            admin.clientSecret(),
            coffer.server().settings().endpoints().managementResource() + "/.default");
    String vaultToken = coffer.token();
    URI secrets = URI.create(coffer.vaultUrl() + "/secrets?api-version=7.4");
    URI tenants = URI.create(coffer.credentials().authorityHost() + "/admin/v1/tenants");

    HttpResponse<String> vaultWithAdmin = get(secrets, managementToken);
    assertThat(vaultWithAdmin.statusCode()).isEqualTo(401);
    assertThat(vaultWithAdmin.body()).contains("AKV10022");
    HttpResponse<String> adminWithVault = get(tenants, vaultToken);
    assertThat(adminWithVault.statusCode()).isEqualTo(401);
    assertThat(adminWithVault.body()).contains("AKV10022");
    assertThat(adminWithVault.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("/admin\""));
    assertThat(get(tenants, managementToken).statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> get(URI uri, String token) {
    return coffer.send(
        HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build());
  }

  private static DirectoryPrincipal reader(String name) {
    DirectoryPrincipal app =
        directory.createServicePrincipal(coffer.credentials().tenantId(), name);
    coffer
        .server()
        .authorizer()
        .assign(app.objectId(), Role.KEY_VAULT_SECRETS_USER, Scope.secret(vault.id(), SECRET_NAME));
    return app;
  }

  private static TokenCredential certificateCredential(DirectoryPrincipal app, Path pem) {
    return new ClientCertificateCredentialBuilder()
        .authorityHost(coffer.credentials().authorityHost())
        .tenantId(coffer.credentials().tenantId())
        .clientId(app.clientId())
        .pemCertificate(pem.toString())
        .disableInstanceDiscovery()
        .build();
  }

  private static TokenCredential workloadCredential(DirectoryPrincipal app, Path tokenFile) {
    return new WorkloadIdentityCredentialBuilder()
        .authorityHost(coffer.credentials().authorityHost())
        .tenantId(coffer.credentials().tenantId())
        .clientId(app.clientId())
        .tokenFilePath(tokenFile.toString())
        .disableInstanceDiscovery()
        .build();
  }

  private static Path projected(String file, com.nimbusds.jwt.JWTClaimsSet.Builder claims)
      throws IOException {
    return Files.writeString(temp.resolve(file), issuerKeys.sign(claims.build()));
  }

  private static SecretClient client(TokenCredential credential) {
    return new SecretClientBuilder()
        .vaultUrl(coffer.vaultUrl())
        .credential(credential)
        .buildClient();
  }

  private static Optional<String> read(TokenCredential credential) {
    return Optional.ofNullable(client(credential).getSecret(SECRET_NAME).getValue());
  }

  /** The token service's refusal, as the SDK surfaces it. */
  private static String tokenError(TokenCredential credential) {
    try {
      credential.getTokenSync(
          new TokenRequestContext()
              .addScopes(coffer.server().settings().endpoints().resource() + "/.default"));
    } catch (RuntimeException e) {
      StringBuilder messages = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        messages.append(t.getMessage()).append('\n');
      }
      return messages.toString();
    }
    throw new AssertionError("the token service issued a token");
  }

  @SuppressWarnings("deprecation") // x5t (SHA-1 thumbprint) is what MSAL sends
  private static String assertion(
      TestKeys keys, DirectoryPrincipal app, String audience, String jti) {
    java.time.Instant now = java.time.Instant.now();
    com.nimbusds.jwt.JWTClaimsSet claims =
        new com.nimbusds.jwt.JWTClaimsSet.Builder()
            .issuer(app.clientId())
            .subject(app.clientId())
            .audience(audience)
            .jwtID(jti)
            .notBeforeTime(java.util.Date.from(now))
            .expirationTime(java.util.Date.from(now.plusSeconds(600)))
            .build();
    com.nimbusds.jwt.SignedJWT jwt =
        new com.nimbusds.jwt.SignedJWT(
            new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256)
                .x509CertThumbprint(com.nimbusds.jose.util.Base64URL.encode(sha1(keys)))
                .build(),
            claims);
    try {
      jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(keys.keys().getPrivate()));
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static byte[] sha1(TestKeys keys) {
    try {
      return java.security.MessageDigest.getInstance("SHA-1")
          .digest(keys.certificate().getEncoded());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> postAssertion(DirectoryPrincipal app, String assertion) {
    String form =
        "grant_type=client_credentials&client_id="
            + app.clientId()
            + "&scope="
            + enc(coffer.server().settings().endpoints().resource() + "/.default")
            + "&client_assertion_type="
            + enc(ClientAssertions.JWT_BEARER)
            + "&client_assertion="
            + assertion;
    return coffer.send(
        HttpRequest.newBuilder(
                URI.create(
                    coffer.credentials().authorityHost()
                        + "/"
                        + coffer.credentials().tenantId()
                        + "/oauth2/v2.0/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** An OIDC issuer on loopback: discovery document and JWKS, over TLS with Coffer's own CA. */
  private static HttpsServer startIssuer(TestKeys keys) throws Exception {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(coffer.server().tls().keyStore(), coffer.server().tls().keyStorePassword());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(managers.getKeyManagers(), null, null);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext(
        "/cluster-issuer/",
        exchange -> {
          String origin = "https://127.0.0.1:" + server.getAddress().getPort() + "/cluster-issuer";
          String body =
              exchange.getRequestURI().getPath().endsWith("/.well-known/openid-configuration")
                  ? "{\"issuer\":\"" + origin + "\",\"jwks_uri\":\"" + origin + "/keys\"}"
                  : keys.jwks();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return server;
  }
}
