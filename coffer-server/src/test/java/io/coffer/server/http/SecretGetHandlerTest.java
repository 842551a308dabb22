package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A plain secret GET is answered ahead of the framework; the same request with one more query
 * parameter still goes through the framework's route. Both must answer alike — status, body, error
 * code, challenge — and leave the same audit record.
 */
class SecretGetHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXTRA = "&routed=framework";
  private static RunningCoffer coffer;
  private static String token;
  private static String version;

  @BeforeAll
  static void start() throws IOException {
    coffer = RunningCoffer.start(Files.createTempDirectory("coffer-get"));
    coffer
        .server()
        .vaults()
        .create("etl", coffer.credentials().tenantId(), 7, false); // no role for the dev principal
    token = coffer.token();
    version = coffer.secretClient().setSecret("plain", "first").getProperties().getVersion();
    coffer.secretClient().setSecret("plain", "second");
    coffer.secretClient().setSecret("off", "x");
    var off = coffer.secretClient().getSecret("off").getProperties().setEnabled(false);
    coffer.secretClient().updateSecretProperties(off);
    coffer.secretClient().setSecret("gone", "x");
    coffer.secretClient().beginDeleteSecret("gone").waitForCompletion();
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "main|/secrets/plain?api-version=7.4|token",
        "main|/secrets/plain/?api-version=7.5|token",
        "main|/secrets/plain/VERSION?api-version=7.6-preview.1|token",
        "main|/secrets/PLAIN/VERSION/?api-version=2016-10-01|token",
        "main|/secrets/plain/0123456789abcdef0123456789abcdef?api-version=7.4|token",
        "main|/secrets/missing?api-version=7.4|token",
        "main|/secrets/off?api-version=7.4|token",
        "main|/secrets/gone?api-version=7.4|token",
        "main|/secrets/plain?api-version=6.9|token",
        "main|/secrets/plain?api-version=7.4|junk",
        "etl|/secrets/plain?api-version=7.4|token",
        "nowhere|/secrets/plain?api-version=7.4|token",
      })
  void answers_and_audit_records_match_the_framework_route(String spec) throws IOException {
    String[] parts = spec.split("\\|");
    String path = parts[1].replace("VERSION", version);
    String authorization = parts[2].equals("token") ? "Bearer " + token : "Bearer not.a.token";

    HttpResponse<String> direct = get(parts[0], path, authorization);
    HttpResponse<String> framework = get(parts[0], path + EXTRA, authorization);

    assertThat(direct.headers().firstValue("Content-Type"))
        .as("answered ahead of the framework")
        .contains(Headers.JSON);
    assertThat(direct.statusCode()).isEqualTo(framework.statusCode());
    assertThat(direct.body()).isEqualTo(framework.body());
    for (String header :
        List.of(
            "Content-Type",
            "Content-Length",
            "WWW-Authenticate",
            "Retry-After",
            "Cache-Control",
            "Pragma",
            "Expires",
            "x-ms-keyvault-network-info",
            "x-ms-keyvault-region",
            "x-ms-keyvault-service-version")) {
      assertThat(direct.headers().firstValue(header))
          .as(header)
          .isEqualTo(framework.headers().firstValue(header));
    }
    assertThat(direct.headers().firstValue("x-ms-request-id")).isPresent();
    assertThat(direct.headers().firstValue("x-ms-client-request-id")).contains("correlate-me");

    List<JsonNode> records = records(coffer.server().audit().file());
    JsonNode directRecord = recordOf(records, direct);
    JsonNode frameworkRecord = recordOf(records, framework);
    for (String field :
        List.of(
            "operation",
            "principal",
            "appId",
            "tenant",
            "vault",
            "secret",
            "version",
            "status",
            "errorCode",
            "clientAddress")) {
      assertThat(directRecord.path(field)).as(field).isEqualTo(frameworkRecord.path(field));
    }
  }

  private static HttpResponse<String> get(String vault, String path, String authorization) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl(vault) + path))
            .header("Authorization", authorization)
            .header("x-ms-client-request-id", "correlate-me")
            .build());
  }

  private static List<JsonNode> records(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .map(line -> {
          try {
            return JSON.readTree(line);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        })
        .toList();
  }

  private static JsonNode recordOf(List<JsonNode> records, HttpResponse<String> response) {
    String requestId = response.headers().firstValue("x-ms-request-id").orElseThrow();
    Optional<JsonNode> record =
        records.stream().filter(r -> r.path("requestId").asText().equals(requestId)).findFirst();
    assertThat(record).as("audit record of " + requestId).isPresent();
    return record.get();
  }
}
