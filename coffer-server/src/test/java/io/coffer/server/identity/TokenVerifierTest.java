package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.CofferException.Unauthenticated;
import io.coffer.server.config.Endpoints;
import io.coffer.server.crypto.Envelope;
import io.coffer.server.crypto.MasterKey;
import io.coffer.server.storage.Storage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real RS256 tokens from the real issuer, checked by the verifier at chosen moments. */
class TokenVerifierTest {
  private static final Endpoints ENDPOINTS = new Endpoints("vault.localhost", "localhost", 8443);
  private final Instant now = Instant.parse("2026-11-23T10:00:00Z");
  private Storage storage;
  private SigningKeys keys;
  private Tenant tenant;
  private Tenant otherTenant;
  private ClientCredential credential;

  @BeforeEach
  void setUp(@TempDir Path dir) {
    storage = Storage.openSqlite(dir.resolve("coffer.db"));
    byte[] master = new byte[32];
    new SecureRandom().nextBytes(master);
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    keys = new SigningKeys(storage.signingKeys(), new Envelope(MasterKey.of(master)), clock);
    Directory directory = new Directory(storage.directory(), storage.oneTime(), clock);
    tenant = directory.createTenant("contoso");
    otherTenant = directory.createTenant("fabrikam");
    DirectoryPrincipal app = directory.createServicePrincipal(tenant.id(), "etl");
    credential = directory.addClientSecret(app, Duration.ofDays(1));
  }

  @AfterEach
  void tearDown() {
    storage.close();
  }

  private String tokenAt(Instant issued, Endpoints endpoints) {
    TokenService service =
        new TokenService(
            storage.directory(),
            storage.oneTime(),
            keys,
            endpoints,
            Duration.ofHours(1),
            Clock.fixed(issued, ZoneOffset.UTC));
    return service
        .issue(
            new TokenRequest(
                tenant.id(),
                java.util.Map.of(
                    "grant_type",
                    "client_credentials",
                    "client_id",
                    credential.clientId(),
                    "client_secret",
                    credential.clientSecret(),
                    "scope",
                    endpoints.resource() + "/.default")))
        .accessToken();
  }

  private Principal verifyAt(Instant at, String token, String tenantId) {
    TokenVerifier verifier =
        new TokenVerifier(
            keys,
            new Directory(storage.directory(), storage.oneTime(), Clock.systemUTC()),
            ENDPOINTS,
            Clock.fixed(at, ZoneOffset.UTC));
    return verifier.verify(Optional.of("Bearer " + token), tenantId);
  }

  @Test
  void a_fresh_token_proves_its_principal() {
    Principal principal = verifyAt(now, tokenAt(now, ENDPOINTS), tenant.id());

    assertThat(principal.clientId()).isEqualTo(credential.clientId());
    assertThat(principal.tenantId()).isEqualTo(tenant.id());
  }

  @Test
  void an_expired_token_is_refused_after_the_skew() {
    String token = tokenAt(now, ENDPOINTS);

    assertThat(verifyAt(now.plus(Duration.ofMinutes(60)).plusSeconds(30), token, tenant.id()))
        .isNotNull();
    assertThatThrownBy(() -> verifyAt(now.plus(Duration.ofMinutes(62)), token, tenant.id()))
        .isInstanceOf(Unauthenticated.class)
        .hasMessageContaining("expired");
  }

  @Test
  void a_token_not_yet_valid_is_refused() {
    String token = tokenAt(now.plus(Duration.ofMinutes(10)), ENDPOINTS);

    assertThatThrownBy(() -> verifyAt(now, token, tenant.id()))
        .isInstanceOf(Unauthenticated.class)
        .hasMessageContaining("not yet valid");
  }

  @Test
  void a_token_for_another_resource_is_refused_for_its_audience() {
    String token = tokenAt(now, new Endpoints("elsewhere.example", "localhost", 8443));

    assertThatThrownBy(() -> verifyAt(now, token, tenant.id()))
        .isInstanceOf(Unauthenticated.class)
        .hasMessageContaining("Invalid audience");
  }

  @Test
  void a_token_from_another_issuer_is_refused() {
    String token = tokenAt(now, new Endpoints("vault.localhost", "login.example", 8443));

    assertThatThrownBy(() -> verifyAt(now, token, tenant.id()))
        .isInstanceOf(Unauthenticated.class)
        .hasMessageContaining("Invalid issuer");
  }

  @Test
  void a_token_of_another_tenant_is_refused_by_this_tenants_vault() {
    String token = tokenAt(now, ENDPOINTS);

    assertThatThrownBy(() -> verifyAt(now, token, otherTenant.id()))
        .isInstanceOf(Unauthenticated.class)
        .hasMessageContaining("Invalid issuer");
  }

  @Test
  void tokens_signed_before_a_key_rotation_still_verify() {
    String before = tokenAt(now, ENDPOINTS);
    keys.rotate();
    String after = tokenAt(now, ENDPOINTS);

    assertThat(verifyAt(now, before, tenant.id())).isNotNull();
    assertThat(verifyAt(now, after, tenant.id())).isNotNull();
    assertThat(keys.jwks()).contains("\"keys\"");
  }
}
