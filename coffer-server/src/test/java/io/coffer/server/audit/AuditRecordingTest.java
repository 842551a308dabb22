package io.coffer.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.config.Guardrails;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request lands in the audit trail with who, what and the outcome — and never a value. */
class AuditRecordingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARKER = "audit-marker-value-7f3e";

  @TempDir Path dir;

  @Test
  void sdk_operations_token_requests_and_refusals_are_recorded_without_values() throws IOException {
    try (RunningCoffer coffer = RunningCoffer.start(dir.resolve("data"))) {
      SecretClient client = coffer.secretClient();
      client.setSecret("audited", MARKER);
      client.getSecret("audited");
      client.listPropertiesOfSecrets().stream().count();
      HttpResponse<String> anonymous =
          coffer.send(
              HttpRequest.newBuilder(
                      URI.create(coffer.vaultUrl() + "/secrets/audited?api-version=7.4"))
                  .build());
      assertThat(anonymous.statusCode()).isEqualTo(401);

      List<JsonNode> records = records(coffer.server().audit().file());
      // The SDK's first call goes without a token and gets the challenge: recorded as a 401.
      assertThat(find(records, "SecretSet").orElseThrow().path("status").asInt()).isEqualTo(401);
      JsonNode set =
          records.stream()
              .filter(r -> r.path("operation").asText().equals("SecretSet"))
              .filter(r -> r.path("status").asInt() == 200)
              .findFirst()
              .orElseThrow();
      assertThat(set.path("secret").asText()).isEqualTo("audited");
      assertThat(set.path("status").asInt()).isEqualTo(200);
      assertThat(set.path("vault").asText()).isEqualTo("main");
      assertThat(set.path("principal").asText()).isNotEmpty();
      assertThat(set.path("appId").asText()).isEqualTo(coffer.credentials().clientId());
      assertThat(set.path("tenant").asText()).isEqualTo(coffer.credentials().tenantId());
      assertThat(set.path("clientAddress").asText()).isEqualTo("127.0.0.1");
      assertThat(set.path("requestId").asText()).isNotEmpty();
      assertThat(find(records, "SecretGet")).isPresent();
      assertThat(find(records, "SecretList")).isPresent();
      JsonNode token = find(records, "TokenIssue").orElseThrow();
      assertThat(token.path("appId").asText()).isEqualTo(coffer.credentials().clientId());
      assertThat(
              records.stream()
                  .anyMatch(r ->
                      r.path("status").asInt() == 401
                          && r.path("errorCode").asText().equals("Unauthorized")))
          .isTrue();

      String text = Files.readString(coffer.server().audit().file(), StandardCharsets.UTF_8);
      assertThat(text).doesNotContain(MARKER).doesNotContain(coffer.credentials().clientSecret());
      assertThat(AuditChain.verify(coffer.server().audit().file()).intact()).isTrue();
    }
  }

  @Test
  void a_fail_closed_server_refuses_requests_while_its_trail_cannot_be_written() {
    try (RunningCoffer coffer =
        RunningCoffer.start(
            dir.resolve("closed"),
            new Guardrails(true, Optional.empty(), Optional.empty(), 0, 0))) {
      coffer.secretClient().setSecret("closed", "value");
      String token = coffer.token();
      coffer.server().audit().close(); // the trail's file can no longer be written
      HttpResponse<String> refused =
          coffer.send(
              HttpRequest.newBuilder(
                      URI.create(coffer.vaultUrl() + "/secrets/closed?api-version=7.4"))
                  .header("Authorization", "Bearer " + token)
                  .build());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.body()).contains("ServiceUnavailable").doesNotContain("value\"");
      HttpResponse<String> health = health(coffer);
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"audit\":\"failing\"");
    }
  }

  @Test
  void a_server_that_is_not_fail_closed_serves_counts_the_unaudited_requests_and_says_so() {
    try (RunningCoffer coffer = RunningCoffer.start(dir.resolve("open"))) {
      coffer.secretClient().setSecret("open", "value");
      String token = coffer.token();
      coffer.server().audit().close(); // simulates an unwritable trail: its file is closed
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> served =
            coffer.send(
                HttpRequest.newBuilder(
                        URI.create(coffer.vaultUrl() + "/secrets/open?api-version=7.4"))
                    .header("Authorization", "Bearer " + token)
                    .build());
        assertThat(served.statusCode()).isEqualTo(200);
      }
      assertThat(coffer.server().audit().unaudited()).isEqualTo(3);
      HttpResponse<String> health = health(coffer);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body())
          .contains("\"audit\":\"failing\"")
          .contains("\"unauditedRequests\":3");
    }
  }

  @Test
  void a_refusal_with_a_valid_token_records_who_was_refused_where() throws IOException {
    try (RunningCoffer coffer = RunningCoffer.start(dir.resolve("refusals"))) {
      String tenant = coffer.credentials().tenantId();
      DirectoryPrincipal stranger =
          coffer.server().directory().createServicePrincipal(tenant, "no-access");
      ClientCredential credential =
          coffer.server().directory().addClientSecret(stranger, Duration.ofDays(1));
      HttpResponse<String> refused =
          coffer.send(
              HttpRequest.newBuilder(
                      URI.create(coffer.vaultUrl() + "/secrets/anything?api-version=7.4"))
                  .header(
                      "Authorization",
                      "Bearer " + coffer.token(stranger.clientId(), credential.clientSecret()))
                  .build());
      assertThat(refused.statusCode()).isEqualTo(403);

      List<JsonNode> records = records(coffer.server().audit().file());
      JsonNode forbidden =
          records.stream().filter(r -> r.path("status").asInt() == 403).findFirst().orElseThrow();
      assertThat(forbidden.path("principal").asText()).isEqualTo(stranger.objectId());
      assertThat(forbidden.path("appId").asText()).isEqualTo(stranger.clientId());
      assertThat(forbidden.path("vault").asText()).isEqualTo("main");
      assertThat(forbidden.path("tenant").asText()).isEqualTo(tenant);
      JsonNode issued =
          records.stream()
              .filter(r -> r.path("operation").asText().equals("TokenIssue"))
              .filter(r -> r.path("appId").asText().equals(stranger.clientId()))
              .findFirst()
              .orElseThrow();
      assertThat(issued.path("principal").asText()).isEqualTo(stranger.objectId());
      assertThat(issued.path("tenant").asText()).isEqualTo(tenant);

      HttpResponse<String> wrongPassword =
          coffer.send(
              HttpRequest.newBuilder(
                      URI.create(
                          coffer.credentials().authorityHost()
                              + "/"
                              + tenant
                              + "/oauth2/v2.0/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=password&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46"
                              + "&username=someone%40coffer.test&password=guess-7f3e"
                              + "&scope=https%3A%2F%2Fvault.localhost%3A"
                              + coffer.port()
                              + "%2F.default"))
                  .build());
      assertThat(wrongPassword.statusCode()).isEqualTo(400);
      JsonNode failedSignIn =
          records(coffer.server().audit().file()).stream()
              .filter(r -> r.path("user").asText().equals("someone@coffer.test"))
              .findFirst()
              .orElseThrow();
      assertThat(failedSignIn.path("operation").asText()).isEqualTo("TokenIssue");
      assertThat(failedSignIn.path("status").asInt()).isEqualTo(400);
      assertThat(failedSignIn.path("errorCode").asText()).isEqualTo("invalid_grant");
      assertThat(failedSignIn.toString()).doesNotContain("guess-7f3e");
    }
  }

  private static HttpResponse<String> health(RunningCoffer coffer) {
    return coffer.send(HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + "/healthz")).build());
  }

  @Test
  void a_megabyte_client_id_is_cut_in_the_error_and_in_the_record() throws IOException {
    try (RunningCoffer coffer = RunningCoffer.start(dir.resolve("huge"))) {
      String huge = "c".repeat(1_000_000);
      HttpResponse<String> refused =
          coffer.send(
              HttpRequest.newBuilder(
                      URI.create(
                          coffer.credentials().authorityHost()
                              + "/"
                              + coffer.credentials().tenantId()
                              + "/oauth2/v2.0/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=client_credentials&scope=x%2F.default&client_secret=s"
                              + "&client_id="
                              + huge))
                  .build());
      assertThat(refused.statusCode()).isBetween(400, 401);
      assertThat(refused.body()).contains("unauthorized_client").hasSizeLessThan(4096);
      JsonNode record = find(records(coffer.server().audit().file()), "TokenIssue").orElseThrow();
      assertThat(record.toString()).hasSizeLessThan(4096);
      assertThat(record.path("appId").asText()).endsWith("(1000000 characters)");
    }
  }

  @Test
  void below_the_disk_space_floor_requests_are_refused_in_azure_shape() {
    try (RunningCoffer coffer =
        RunningCoffer.start(
            dir.resolve("floor"),
            new Guardrails(
                false, Optional.empty(), Optional.empty(), 0, 0, 0, 0, Long.MAX_VALUE, false))) {
      HttpResponse<String> refused =
          coffer.send(
              HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + "/secrets/any?api-version=7.4"))
                  .build());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.body()).contains("\"code\":\"ServiceUnavailable\"").contains("disk");
    }
  }

  private static Optional<JsonNode> find(List<JsonNode> records, String operation) {
    return records.stream().filter(r -> r.path("operation").asText().equals(operation)).findFirst();
  }

  private static List<JsonNode> records(Path file) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      records.add(JSON.readTree(line));
    }
    return records;
  }
}
