package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A vault called over TLS the way the SDKs call it, and the checks of what Key Vault puts on every
 * answer (docs/wire-fidelity.md has the recordings they come from).
 */
final class KeyVaultWire {
  /** Every stable api-version an SDK sends. */
  static final List<String> API_VERSIONS =
      List.of("7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01");

  static final String JSON_TYPE = "application/json; charset=utf-8";
  static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  static final String VERSION = "[0-9a-f]{32}";
  static final long DAY = 86_400;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunningCoffer coffer;
  private final String token;

  KeyVaultWire(RunningCoffer coffer) {
    this.coffer = coffer;
    this.token = coffer.token();
  }

  String vaultUrl() {
    return coffer.vaultUrl();
  }

  /** An authenticated call with a fresh client request id, as the SDKs send one. */
  HttpResponse<String> call(String method, String pathAndQuery, String body) {
    return send(method, pathAndQuery, body, "Bearer " + token);
  }

  HttpResponse<String> send(String method, String pathAndQuery, String body, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + pathAndQuery))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("x-ms-client-request-id", UUID.randomUUID().toString());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return coffer.send(request.build());
  }

  /** The body, its members in the order they came on the wire. */
  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /**
   * The attribute members Key Vault sends, in its order: the times given (nbf, exp) when set, and
   * recoverableDays from api-version 7.1 on.
   */
  static List<String> attributeKeys(String apiVersion, String... times) {
    List<String> keys = new ArrayList<>(List.of("enabled"));
    keys.addAll(List.of(times));
    keys.addAll(List.of("created", "updated", "recoveryLevel"));
    if (!apiVersion.equals("7.0")) {
      keys.add("recoverableDays");
    }
    return keys;
  }

  /** A JSON answer: the status, Key Vault's headers, its exact type and a length that is true. */
  static void assertJsonAnswer(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertKeyVaultHeaders(response);
    HttpHeaders headers = response.headers();
    assertThat(headers.allValues("Content-Type")).containsExactly(JSON_TYPE);
    assertThat(headers.firstValueAsLong("Content-Length"))
        .hasValue(response.body().getBytes(StandardCharsets.UTF_8).length);
  }

  /** A 200 whose body has a string {@code value}: a secret's bundle or its backup. */
  private static boolean carriesSecret(HttpResponse<String> response) {
    if (response.statusCode() != 200 || !response.body().startsWith("{")) {
      return false;
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(response.body())
          .path("value")
          .isTextual();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The headers on every Key Vault answer, and those it never sends outside throttling. */
  static void assertKeyVaultHeaders(HttpResponse<String> response) {
    HttpHeaders headers = response.headers();
    // Deliberate (docs/wire-fidelity.md): an answer that carries a secret's value is no-store.
    assertThat(headers.allValues("Cache-Control"))
        .containsExactly(carriesSecret(response) ? "no-store" : "no-cache");
    assertThat(headers.allValues("Pragma")).containsExactly("no-cache");
    assertThat(headers.allValues("Expires")).containsExactly("-1");
    assertThat(headers.allValues("X-Content-Type-Options")).containsExactly("nosniff");
    assertThat(headers.allValues("Strict-Transport-Security"))
        .containsExactly("max-age=31536000;includeSubDomains");
    assertThat(headers.allValues("x-ms-keyvault-service-version")).containsExactly("coffer");
    assertThat(headers.allValues("x-ms-keyvault-region")).containsExactly("local");
    assertThat(headers.allValues("x-ms-keyvault-network-info"))
        .singleElement()
        .asString()
        .matches("conn_type=Ipv4;addr=127\\.0\\.0\\.1;act_addr_fam=InterNetwork;");
    assertThat(headers.allValues("x-ms-request-id")).singleElement().asString().matches(GUID);
    assertThat(headers.allValues("x-ms-client-request-id"))
        .containsExactlyElementsOf(
            response.request().headers().allValues("x-ms-client-request-id"));
    for (String never : List.of("Retry-After", "ETag", "Location", "Server", "X-Powered-By")) {
      assertThat(headers.firstValue(never)).as(never).isEmpty();
    }
  }

  /** Times are JSON integers of Unix seconds, never strings or floats. */
  static void assertTimesAreIntegers(JsonNode node, String... fields) {
    for (String field : fields) {
      assertThat(node.path(field).isIntegralNumber()).as(field + " in " + node).isTrue();
      assertThat(node.path(field).asLong()).as(field).isGreaterThan(1_500_000_000L);
    }
  }
}
