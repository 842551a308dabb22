package io.coffer.server.http;

import static io.coffer.server.http.VaultHttp.errorCode;
import static io.coffer.server.http.VaultHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The challenge, error bodies, validation, paging and api-versions, over raw HTTP. */
class ChallengeAndErrorsTest {
  private static RunningCoffer coffer;
  private static VaultHttp vault;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    vault = new VaultHttp(coffer);
  }

  private static String unique() {
    return "raw-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @ParameterizedTest
  @CsvSource({
    "GET,/secrets/x",
    "PUT,/secrets/x",
    "PATCH,/secrets/x/",
    "DELETE,/secrets/x",
    "POST,/secrets/restore",
    "GET,/secrets",
    "POST,/deletedsecrets/x/recover"
  })
  void unauthenticated_requests_get_the_challenge_before_any_validation(
      String method, String path) {
    HttpResponse<String> response =
        vault.call(method, path + "?api-version=bogus", "{not json", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorCode(response)).isEqualTo("Unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue(
            "Bearer authorization=\""
                + coffer.credentials().authorityHost()
                + "/"
                + coffer.credentials().tenantId()
                + "\", resource=\"https://vault.localhost:"
                + coffer.port()
                + "\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer",
        "Bearer not-a-jwt",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "Basic dXNlcjpwYXNz",
        "Bearer a.b.c"
      })
  void malformed_tokens_get_401_with_the_challenge_not_500(String authorization) {
    HttpResponse<String> response =
        vault.call("GET", "/secrets?api-version=7.4", null, authorization);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorCode(response)).isEqualTo("Unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(response.body()).doesNotContain("Exception", "at io.");
  }

  @Test
  void missing_api_version_is_a_bad_parameter() {
    HttpResponse<String> response = vault.call("GET", "/secrets", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("BadParameter");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "7", "2019-13-01", "2020-01-01", "6.0", "7.4; drop"})
  void unknown_or_malformed_api_versions_are_bad_parameters(String version) {
    HttpResponse<String> response =
        vault.call(
            "GET",
            "/secrets?api-version="
                + java.net.URLEncoder.encode(version, java.nio.charset.StandardCharsets.UTF_8),
            null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("BadParameter");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2016-10-01",
        "7.0",
        "7.1",
        "7.2",
        "7.3",
        "7.4",
        "7.5",
        "7.6",
        "2025-07-01",
        "2026-04-01",
        "2027-01-01",
        "2027-06-01-preview",
        "7.7"
      })
  void every_stable_and_any_plausible_newer_api_version_is_served(String version) {
    String name = unique();
    HttpResponse<String> set =
        vault.call("PUT", "/secrets/" + name + "?api-version=" + version, "{\"value\":\"v\"}");

    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(json(set).path("value").asText()).isEqualTo("v");
    boolean hasRecoverableDays = !version.equals("7.0") && !version.equals("2016-10-01");
    assertThat(json(set).path("attributes").has("recoverableDays")).isEqualTo(hasRecoverableDays);
  }

  @Test
  void attributes_times_are_integers_and_responses_are_json_with_request_ids() {
    HttpResponse<String> set =
        vault.call(
            "PUT",
            "/secrets/" + unique() + "?api-version=2025-07-01",
            "{\"value\":\"v\",\"attributes\":{\"exp\":4102444800}}");

    assertThat(set.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(set.headers().firstValue("x-ms-request-id")).isPresent();
    assertThat(json(set).path("attributes").path("created").isIntegralNumber()).isTrue();
    assertThat(json(set).path("attributes").path("exp").asLong()).isEqualTo(4102444800L);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{not json",
        "[]",
        "{}",
        "{\"value\":5}",
        "{\"value\":\"v\",\"tags\":\"x\"}",
        "{\"value\":\"v\",\"tags\":{\"a\":1}}",
        "{\"value\":\"v\",\"attributes\":{\"exp\":\"tomorrow\"}}",
        "{\"value\":\"v\",\"attributes\":{\"enabled\":\"yes\"}}",
        "{\"value\":\"v\",\"attributes\":[]}"
      })
  void malformed_bodies_are_bad_parameters_that_never_echo_the_value(String body) {
    HttpResponse<String> response =
        vault.call("PUT", "/secrets/" + unique() + "?api-version=7.4", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("BadParameter");
  }

  @Test
  void deeply_nested_bodies_are_refused() {
    String body = "{\"value\":\"v\",\"tags\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    HttpResponse<String> response =
        vault.call("PUT", "/secrets/" + unique() + "?api-version=7.4", body);

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void limits_on_tags_and_content_type_are_bad_parameters() {
    StringBuilder tags = new StringBuilder("{");
    for (int i = 0; i < 16; i++) {
      tags.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"v\"");
    }
    tags.append('}');
    HttpResponse<String> tooManyTags =
        vault.call(
            "PUT",
            "/secrets/" + unique() + "?api-version=7.4",
            "{\"value\":\"v\",\"tags\":" + tags + "}");
    HttpResponse<String> longContentType =
        vault.call(
            "PUT",
            "/secrets/" + unique() + "?api-version=7.4",
            "{\"value\":\"v\",\"contentType\":\"" + "c".repeat(256) + "\"}");

    assertThat(tooManyTags.statusCode()).isEqualTo(400);
    assertThat(errorCode(tooManyTags)).isEqualTo("BadParameter");
    assertThat(longContentType.statusCode()).isEqualTo(400);
  }

  @Test
  void the_value_never_appears_in_an_error_body() {
    String marker = "MARKER-" + UUID.randomUUID();
    HttpResponse<String> response =
        vault.call(
            "PUT",
            "/secrets/bad_name?api-version=7.4",
            "{\"value\":\"" + marker + "\",\"tags\":{\"a\":1}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).doesNotContain(marker);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "26", "-1", "abc"})
  void maxresults_out_of_range_is_a_bad_parameter(String maxResults) {
    HttpResponse<String> response =
        vault.call("GET", "/secrets?api-version=7.4&maxresults=" + maxResults, null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("BadParameter");
  }

  @Test
  void next_links_are_absolute_and_carry_api_version_and_page_size() {
    String name = unique();
    for (int i = 0; i < 5; i++) {
      vault.call("PUT", "/secrets/" + name + "?api-version=7.4", "{\"value\":\"v" + i + "\"}");
    }
    HttpResponse<String> first =
        vault.call("GET", "/secrets/" + name + "/versions?api-version=7.4&maxresults=2", null);
    String next = json(first).path("nextLink").asText();

    assertThat(json(first).path("value")).hasSize(2);
    assertThat(next)
        .startsWith(coffer.vaultUrl() + "/secrets/" + name + "/versions?api-version=7.4&")
        .contains("maxresults=2", "$skiptoken=");
    assertThat(json(first).path("value").get(0).has("value")).isFalse();

    int seen = 2;
    while (!next.isEmpty() && !next.equals("null")) {
      HttpResponse<String> page =
          vault.call("GET", next.substring(coffer.vaultUrl().length()), null);
      seen += json(page).path("value").size();
      next = json(page).path("nextLink").isNull() ? "" : json(page).path("nextLink").asText();
    }
    assertThat(seen).isEqualTo(5);
  }

  @Test
  void a_forged_skiptoken_is_a_bad_parameter() {
    HttpResponse<String> response =
        vault.call("GET", "/secrets?api-version=7.4&$skiptoken=!!garbage", null);

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void purge_answers_204_without_a_body() {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + "?api-version=7.4", "{\"value\":\"v\"}");
    HttpResponse<String> deleted =
        vault.call("DELETE", "/secrets/" + name + "?api-version=7.4", null);
    HttpResponse<String> purged =
        vault.call("DELETE", "/deletedsecrets/" + name + "?api-version=7.4", null);

    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(json(deleted).has("value")).isFalse();
    assertThat(json(deleted).path("recoveryId").asText()).endsWith("/deletedsecrets/" + name);
    assertThat(purged.statusCode()).isEqualTo(204);
    assertThat(purged.body()).isEmpty();
  }

  @Test
  void unknown_routes_and_methods_get_azure_shaped_errors() {
    HttpResponse<String> unknown = vault.call("GET", "/keys?api-version=7.4", null);
    HttpResponse<String> wrongMethod = vault.call("POST", "/secrets/x?api-version=7.4", "{}");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(errorCode(unknown)).isEqualTo("NotFound");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(errorCode(wrongMethod)).isEqualTo("MethodNotAllowed");
  }

  @Test
  void an_unknown_vault_host_is_not_found() {
    HttpResponse<String> response =
        coffer.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(coffer.vaultUrl("other") + "/secrets?api-version=7.4"))
                .header("Authorization", "Bearer " + coffer.token())
                .build());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("NotFound");
  }
}
