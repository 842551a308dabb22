package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.config.Guardrails;
import io.coffer.server.config.Rate;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that present a credential before anyone is authenticated are budgeted per client address
 * and per client id, and a wrong secret costs the same work whatever it starts with.
 */
class SignInThrottleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Optional<Rate> THREE = Optional.of(new Rate(3, Duration.ofMinutes(1)));

  @TempDir Path dir;

  @Test
  void token_requests_beyond_the_address_budget_get_429_in_oauth_shape_and_are_audited()
      throws IOException {
    try (RunningCoffer coffer = start(THREE, Optional.empty())) {
      for (int i = 0; i < 3; i++) {
        assertThat(tokenRequest(coffer, "client-" + i, "wrong").statusCode()).isNotEqualTo(429);
      }
      HttpResponse<String> throttled = tokenRequest(coffer, "client-x", "wrong");
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
      JsonNode body = JSON.readTree(throttled.body());
      assertThat(body.path("error").asText()).isEqualTo("temporarily_unavailable");
      assertThat(body.path("error_codes").get(0).asInt()).isEqualTo(50196);
      assertThat(Files.readString(coffer.server().audit().file()))
          .contains("\"operation\":\"TokenIssue\"")
          .contains("\"status\":429");
    }
  }

  @Test
  void one_client_id_spends_its_own_budget_from_any_address() throws IOException {
    try (RunningCoffer coffer = start(Optional.empty(), THREE)) {
      String target = coffer.credentials().clientId();
      for (int i = 0; i < 3; i++) {
        assertThat(tokenRequest(coffer, target, "guess-" + i).statusCode()).isEqualTo(401);
      }
      assertThat(tokenRequest(coffer, target, "guess").statusCode()).isEqualTo(429);
      // The owner's client id is spent for now, another client's is not.
      assertThat(tokenRequest(coffer, "another-client", "x").statusCode()).isNotEqualTo(429);
    }
  }

  @Test
  void sign_in_posts_beyond_the_address_budget_get_a_429_page() {
    try (RunningCoffer coffer = start(Optional.of(new Rate(1, Duration.ofMinutes(1))), THREE)) {
      URI authorize =
          URI.create(
              coffer.credentials().authorityHost()
                  + "/"
                  + coffer.credentials().tenantId()
                  + "/oauth2/v2.0/authorize");
      HttpRequest post =
          HttpRequest.newBuilder(authorize)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString("login=a&passwd=b"))
              .build();
      assertThat(coffer.send(post).statusCode()).isEqualTo(400);
      HttpResponse<String> throttled = coffer.send(post);
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
      assertThat(throttled.headers().firstValue("Content-Type")).get().asString().contains("html");
      assertThat(throttled.body()).contains("Too many sign-in attempts");
    }
  }

  @Test
  void a_wrong_secret_costs_one_slow_hash_whether_or_not_it_starts_like_the_stored_one() {
    try (RunningCoffer coffer = start(Optional.empty(), Optional.empty())) {
      String secret = coffer.credentials().clientSecret();
      String clientId = coffer.credentials().clientId();
      String likeStored = secret.substring(0, 3) + "-not-the-secret-at-all";
      String unlikeStored = (secret.charAt(0) == 'z' ? "y" : "z") + "-not-the-secret-at-all";

      // The decoy's own hash is computed once, on first use: spend it before counting.
      tokenRequest(coffer, clientId, unlikeStored);
      long before = SecretHasher.computed();
      assertThat(tokenRequest(coffer, clientId, likeStored).statusCode()).isEqualTo(401);
      long withHint = SecretHasher.computed() - before;
      before = SecretHasher.computed();
      assertThat(tokenRequest(coffer, clientId, unlikeStored).statusCode()).isEqualTo(401);
      long withoutHint = SecretHasher.computed() - before;

      assertThat(withHint).isEqualTo(1);
      assertThat(withoutHint).isEqualTo(withHint);
    }
  }

  private RunningCoffer start(Optional<Rate> perAddress, Optional<Rate> perClient) {
    return RunningCoffer.start(
        dir.resolve("data"),
        new Guardrails(false, Optional.empty(), Optional.empty(), 0, 0)
            .withSignInBudgets(perAddress, perClient));
  }

  private static HttpResponse<String> tokenRequest(
      RunningCoffer coffer, String clientId, String secret) {
    return coffer.send(
        HttpRequest.newBuilder(
                URI.create(
                    coffer.credentials().authorityHost()
                        + "/"
                        + coffer.credentials().tenantId()
                        + "/oauth2/v2.0/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type=client_credentials&client_id="
                        + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                        + "&client_secret="
                        + URLEncoder.encode(secret, StandardCharsets.UTF_8)
                        + "&scope="
                        + URLEncoder.encode(
                            coffer.server().settings().endpoints().resource() + "/.default",
                            StandardCharsets.UTF_8)))
            .build());
  }
}
