package io.coffer.server.http;

import static io.coffer.server.http.KeyVaultWire.DAY;
import static io.coffer.server.http.KeyVaultWire.VERSION;
import static io.coffer.server.http.KeyVaultWire.assertJsonAnswer;
import static io.coffer.server.http.KeyVaultWire.assertKeyVaultHeaders;
import static io.coffer.server.http.KeyVaultWire.assertTimesAreIntegers;
import static io.coffer.server.http.KeyVaultWire.attributeKeys;
import static io.coffer.server.http.KeyVaultWire.json;
import static io.coffer.server.http.KeyVaultWire.keys;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every secrets operation answers with the members, member order, headers and paging Key Vault
 * answers with, at every api-version, over TLS against a real server. The recordings each shape
 * comes from are named in docs/wire-fidelity.md.
 */
class WireShapeTest {
  private static final String FULL =
      "{\"value\":\"v\",\"contentType\":\"text/plain\",\"tags\":{\"team\":\"data\"},"
          + "\"attributes\":{\"nbf\":1700000000,\"exp\":4102444800}}";
  private static final String PLAIN = "{\"value\":\"v\"}";

  private static RunningCoffer coffer;
  private static KeyVaultWire vault;

  @BeforeAll
  static void start() throws IOException {
    coffer = RunningCoffer.start(Files.createTempDirectory("coffer-wire"));
    vault = new KeyVaultWire(coffer);
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  static Stream<String> apiVersions() {
    return KeyVaultWire.API_VERSIONS.stream();
  }

  private static String unique() {
    return "wire-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String api(String apiVersion) {
    return "?api-version=" + apiVersion;
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void set_answers_value_contentType_id_attributes_tags_in_key_vaults_order(String apiVersion) {
    String name = unique();
    HttpResponse<String> set = vault.call("PUT", "/secrets/" + name + api(apiVersion), FULL);

    assertJsonAnswer(set, 200);
    JsonNode body = json(set);
    assertThat(keys(body)).containsExactly("value", "contentType", "id", "attributes", "tags");
    assertThat(body.path("id").asText())
        .matches(vault.vaultUrl().replace(".", "\\.") + "/secrets/" + name + "/" + VERSION);
    assertThat(keys(body.path("attributes")))
        .containsExactlyElementsOf(attributeKeys(apiVersion, "nbf", "exp"));
    assertTimesAreIntegers(body.path("attributes"), "nbf", "exp", "created", "updated");
    assertThat(body.path("attributes").path("recoveryLevel").asText())
        .isEqualTo("Recoverable+Purgeable");
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void set_leaves_out_what_it_was_not_given_rather_than_sending_null(String apiVersion) {
    HttpResponse<String> set = vault.call("PUT", "/secrets/" + unique() + api(apiVersion), PLAIN);

    assertJsonAnswer(set, 200);
    assertThat(keys(json(set))).containsExactly("value", "id", "attributes");
    assertThat(keys(json(set).path("attributes")))
        .containsExactlyElementsOf(attributeKeys(apiVersion));
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void get_answers_byte_for_byte_what_set_answered_on_either_path(String apiVersion) {
    String name = unique();
    HttpResponse<String> set = vault.call("PUT", "/secrets/" + name + api(apiVersion), FULL);
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    String version = json(set).path("id").asText().replaceAll(".*/", "");

    // Plain GETs are answered ahead of the framework; one more query parameter goes through it.
    for (String path :
        new String[] {
          "/secrets/" + name + "/" + api(apiVersion),
          "/secrets/" + name + "/" + version + api(apiVersion),
          "/secrets/" + name + api(apiVersion) + "&routed=framework"
        }) {
      HttpResponse<String> get = vault.call("GET", path, null);

      assertJsonAnswer(get, 200);
      assertThat(get.body()).as(path).isEqualTo(set.body());
    }
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void update_answers_without_the_value(String apiVersion) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + api(apiVersion), PLAIN);

    HttpResponse<String> update =
        vault.call(
            "PATCH",
            "/secrets/" + name + "/" + api(apiVersion),
            "{\"contentType\":\"text/x\",\"tags\":{\"foo\":\"updated\"}}");

    assertJsonAnswer(update, 200);
    assertThat(keys(json(update))).containsExactly("contentType", "id", "attributes", "tags");
    assertThat(keys(json(update).path("attributes")))
        .containsExactlyElementsOf(attributeKeys(apiVersion));
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void delete_answers_the_deletion_then_the_secret_without_its_value(String apiVersion) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + api(apiVersion), FULL);

    HttpResponse<String> deleted = vault.call("DELETE", "/secrets/" + name + api(apiVersion), null);

    assertJsonAnswer(deleted, 200);
    JsonNode body = json(deleted);
    assertThat(keys(body))
        .containsExactly(
            "recoveryId",
            "deletedDate",
            "scheduledPurgeDate",
            "contentType",
            "id",
            "attributes",
            "tags");
    assertThat(body.path("recoveryId").asText())
        .isEqualTo(vault.vaultUrl() + "/deletedsecrets/" + name);
    assertThat(body.path("id").asText()).matches(".*/secrets/" + name + "/" + VERSION);
    assertTimesAreIntegers(body, "deletedDate", "scheduledPurgeDate");
    assertThat(body.path("scheduledPurgeDate").asLong() - body.path("deletedDate").asLong())
        .isEqualTo(90 * DAY);
    assertThat(keys(body.path("attributes")))
        .containsExactlyElementsOf(attributeKeys(apiVersion, "nbf", "exp"));
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void get_deleted_answers_byte_for_byte_what_delete_answered(String apiVersion) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + api(apiVersion), PLAIN);
    HttpResponse<String> deleted = vault.call("DELETE", "/secrets/" + name + api(apiVersion), null);

    HttpResponse<String> got = vault.call("GET", "/deletedsecrets/" + name + api(apiVersion), null);

    assertJsonAnswer(got, 200);
    assertThat(got.body()).isEqualTo(deleted.body());
    assertThat(keys(json(got)))
        .containsExactly("recoveryId", "deletedDate", "scheduledPurgeDate", "id", "attributes");
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void recover_answers_id_and_attributes_without_the_value(String apiVersion) {
    String name = unique();
    HttpResponse<String> set = vault.call("PUT", "/secrets/" + name + api(apiVersion), PLAIN);
    vault.call("DELETE", "/secrets/" + name + api(apiVersion), null);

    HttpResponse<String> recovered =
        vault.call("POST", "/deletedsecrets/" + name + "/recover" + api(apiVersion), null);

    assertJsonAnswer(recovered, 200);
    assertThat(keys(json(recovered))).containsExactly("id", "attributes");
    assertThat(json(recovered).path("id")).isEqualTo(json(set).path("id"));
    assertThat(keys(json(recovered).path("attributes")))
        .containsExactlyElementsOf(attributeKeys(apiVersion));
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void purge_answers_204_with_no_type_no_length_and_no_body(String apiVersion) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + api(apiVersion), PLAIN);
    vault.call("DELETE", "/secrets/" + name + api(apiVersion), null);

    HttpResponse<String> purged =
        vault.call("DELETE", "/deletedsecrets/" + name + api(apiVersion), null);

    assertThat(purged.statusCode()).isEqualTo(204);
    assertKeyVaultHeaders(purged);
    assertThat(purged.headers().firstValue("Content-Type")).isEmpty();
    assertThat(purged.headers().firstValue("Content-Length")).isEmpty();
    assertThat(purged.body()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void backup_answers_only_an_unpadded_base64url_value(String apiVersion) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + api(apiVersion), PLAIN);

    HttpResponse<String> backup =
        vault.call("POST", "/secrets/" + name + "/backup" + api(apiVersion), null);

    assertJsonAnswer(backup, 200);
    assertThat(keys(json(backup))).containsExactly("value");
    assertThat(json(backup).path("value").asText()).matches("[A-Za-z0-9_-]+");
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void restore_answers_the_restored_version_as_it_was_without_the_value(String apiVersion) {
    String name = unique();
    HttpResponse<String> set = vault.call("PUT", "/secrets/" + name + api(apiVersion), PLAIN);
    String blob =
        json(vault.call("POST", "/secrets/" + name + "/backup" + api(apiVersion), null))
            .path("value")
            .asText();
    vault.call("DELETE", "/secrets/" + name + api(apiVersion), null);
    vault.call("DELETE", "/deletedsecrets/" + name + api(apiVersion), null);

    HttpResponse<String> restored =
        vault.call("POST", "/secrets/restore" + api(apiVersion), "{\"value\":\"" + blob + "\"}");

    assertJsonAnswer(restored, 200);
    assertThat(keys(json(restored))).containsExactly("id", "attributes");
    assertThat(json(restored).path("id")).isEqualTo(json(set).path("id"));
    assertThat(json(restored).path("attributes")).isEqualTo(json(set).path("attributes"));
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void list_items_carry_the_versionless_id_and_never_a_value(String apiVersion) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + api(apiVersion), FULL);

    JsonNode item = find("/secrets" + api(apiVersion), vault.vaultUrl() + "/secrets/" + name);

    assertThat(keys(item)).containsExactly("contentType", "id", "attributes", "tags");
    assertThat(keys(item.path("attributes")))
        .containsExactlyElementsOf(attributeKeys(apiVersion, "nbf", "exp"));
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void version_list_items_carry_versioned_ids_and_never_a_value(String apiVersion) {
    String name = unique();
    String id =
        json(vault.call("PUT", "/secrets/" + name + api(apiVersion), PLAIN)).path("id").asText();

    HttpResponse<String> page =
        vault.call("GET", "/secrets/" + name + "/versions" + api(apiVersion), null);

    assertJsonAnswer(page, 200);
    assertThat(keys(json(page))).containsExactly("value", "nextLink");
    assertThat(json(page).path("nextLink").isNull()).isTrue();
    JsonNode item = json(page).path("value").get(0);
    assertThat(keys(item)).containsExactly("id", "attributes");
    assertThat(item.path("id").asText()).isEqualTo(id);
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void versions_of_a_secret_that_does_not_exist_are_one_empty_last_page(String apiVersion) {
    HttpResponse<String> page =
        vault.call("GET", "/secrets/" + unique() + "/versions" + api(apiVersion), null);

    assertJsonAnswer(page, 200);
    assertThat(page.body()).isEqualTo("{\"value\":[],\"nextLink\":null}");
  }

  @ParameterizedTest
  @MethodSource("apiVersions")
  void deleted_list_items_lead_with_the_deletion_fields_and_a_versionless_id(String apiVersion) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + api(apiVersion), FULL);
    vault.call("DELETE", "/secrets/" + name + api(apiVersion), null);

    JsonNode item =
        find("/deletedsecrets" + api(apiVersion), vault.vaultUrl() + "/secrets/" + name);

    assertThat(keys(item))
        .containsExactly(
            "recoveryId",
            "deletedDate",
            "scheduledPurgeDate",
            "contentType",
            "id",
            "attributes",
            "tags");
    assertThat(item.path("recoveryId").asText())
        .isEqualTo(vault.vaultUrl() + "/deletedsecrets/" + name);
    assertTimesAreIntegers(item, "deletedDate", "scheduledPurgeDate");
  }

  @Test
  void next_links_name_the_port_and_carry_maxresults_only_when_the_client_sent_it() {
    String name = unique();
    for (int i = 0; i < 26; i++) {
      vault.call("PUT", "/secrets/" + name + api("7.4"), PLAIN);
    }
    String versions = "/secrets/" + name + "/versions";

    HttpResponse<String> unsized = vault.call("GET", versions + api("7.4"), null);
    HttpResponse<String> sized = vault.call("GET", versions + api("7.4") + "&maxresults=1", null);

    String link = Pattern.quote(vault.vaultUrl() + versions + "?api-version=7.4&$skiptoken=");
    assertThat(json(unsized).path("value")).hasSize(25);
    assertThat(json(unsized).path("nextLink").asText()).matches(link + "[A-Za-z0-9_-]+");
    assertThat(json(sized).path("value")).hasSize(1);
    assertThat(json(sized).path("nextLink").asText()).matches(link + "[A-Za-z0-9_-]+&maxresults=1");
    HttpResponse<String> last =
        vault.call(
            "GET",
            json(unsized).path("nextLink").asText().substring(vault.vaultUrl().length()),
            null);
    assertJsonAnswer(last, 200);
    assertThat(json(last).path("value")).hasSize(1);
    assertThat(keys(json(last))).containsExactly("value", "nextLink");
    assertThat(json(last).path("nextLink").isNull()).isTrue();
  }

  @Test
  void next_links_name_port_443_when_the_host_header_names_none() throws IOException {
    String name = unique();
    for (int i = 0; i < 2; i++) {
      vault.call("PUT", "/secrets/" + name + api("2025-07-01"), PLAIN);
    }
    String host = URI.create(vault.vaultUrl()).getHost();

    // What a client sends for https://<vault>/ on port 443, where the port goes unnamed.
    RawWire.Answer answer =
        new RawWire(coffer)
            .exchange(
                ("GET /secrets/"
                        + name
                        + "/versions?api-version=2025-07-01&maxresults=1 HTTP/1.1\r\nHost: "
                        + host
                        + "\r\nAuthorization: Bearer "
                        + coffer.token()
                        + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

    assertThat(answer.status()).isEqualTo(200);
    JsonNode page = RawWire.JSON.readTree(answer.body());
    // Azure names :443 in nextLink but never in ids.
    assertThat(page.path("value").get(0).path("id").asText())
        .startsWith("https://" + host + "/secrets/" + name + "/");
    assertThat(page.path("nextLink").asText())
        .matches(
            Pattern.quote(
                    "https://"
                        + host
                        + ":443/secrets/"
                        + name
                        + "/versions?api-version=2025-07-01&$skiptoken=")
                + "[A-Za-z0-9_-]+&maxresults=1");
  }

  /** The listing item with this id, following nextLink from page to page. */
  private static JsonNode find(String firstPage, String id) {
    String next = firstPage;
    while (next != null) {
      HttpResponse<String> page = vault.call("GET", next, null);
      assertJsonAnswer(page, 200);
      assertThat(keys(json(page))).containsExactly("value", "nextLink");
      for (JsonNode item : json(page).path("value")) {
        assertThat(item.has("value")).as("a value in a listing").isFalse();
        if (item.path("id").asText().equals(id)) {
          return item;
        }
      }
      JsonNode link = json(page).path("nextLink");
      next = link.isNull() ? null : link.asText().substring(vault.vaultUrl().length());
    }
    throw new AssertionError(id + " is not listed by " + firstPage);
  }
}
