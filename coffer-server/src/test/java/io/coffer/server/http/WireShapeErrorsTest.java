package io.coffer.server.http;

import static io.coffer.server.http.KeyVaultWire.assertJsonAnswer;
import static io.coffer.server.http.KeyVaultWire.json;
import static io.coffer.server.http.KeyVaultWire.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Refusals in Key Vault's exact words and shape: {@code {"error":{"code","message"}}}, with an
 * {@code innererror} only on 403 and 409, and the same headers as every other answer. The
 * recordings each text comes from are named in docs/wire-fidelity.md.
 */
class WireShapeErrorsTest {
  private static final String NOT_FOUND =
      "{\"error\":{\"code\":\"SecretNotFound\",\"message\":\"A secret with (name/id) %s was not"
          + " found in this key vault. If you recently deleted this secret you may be able to"
          + " recover it using the correct recovery command. For help resolving this issue,"
          + " please see https://go.microsoft.com/fwlink/?linkid=2125182\"}}";

  private static RunningCoffer coffer;
  private static KeyVaultWire vault;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    vault = new KeyVaultWire(coffer);
  }

  private static String unique() {
    return "wire-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @ParameterizedTest
  @CsvSource({
    "GET,/secrets/x",
    "GET,/secrets/x/",
    "PUT,/secrets/x",
    "PATCH,/secrets/x/",
    "DELETE,/secrets/x",
    "GET,/secrets",
    "GET,/deletedsecrets",
    "POST,/secrets/restore",
    "DELETE,/deletedsecrets/x"
  })
  void a_request_without_a_token_gets_key_vaults_exact_challenge(String method, String path) {
    HttpResponse<String> response =
        vault.send(method, path + "?api-version=2025-07-01", null, null);

    assertJsonAnswer(response, 401);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"AKV10000: Request is missing a"
                + " Bearer, PoP, or MTLS_POP token.\"}}");
    assertThat(response.headers().allValues("WWW-Authenticate"))
        .containsExactly(
            "Bearer authorization=\""
                + coffer.credentials().authorityHost()
                + "/"
                + coffer.credentials().tenantId()
                + "\", resource=\"https://vault.localhost:"
                + coffer.port()
                + "\"");
  }

  @Test
  void a_token_that_does_not_verify_gets_401_without_an_inner_error() {
    HttpResponse<String> response =
        vault.send("GET", "/secrets/x?api-version=7.4", null, "Bearer a.b.c");

    assertJsonAnswer(response, 401);
    assertThat(keys(json(response).path("error"))).containsExactly("code", "message");
    assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @ParameterizedTest
  @CsvSource({
    "GET,/secrets/%s,",
    "GET,/secrets/%s/,",
    "PATCH,/secrets/%s/,{}",
    "DELETE,/secrets/%s,",
    "POST,/secrets/%s/backup,",
    "POST,/deletedsecrets/%s/recover,",
    "GET,/deletedsecrets/%s,",
    "DELETE,/deletedsecrets/%s,"
  })
  void a_name_the_vault_never_held_is_404_in_key_vaults_long_words(
      String method, String path, String body) {
    String name = unique();

    HttpResponse<String> response =
        vault.call(method, path.formatted(name) + "?api-version=2025-07-01", body);

    assertJsonAnswer(response, 404);
    assertThat(response.body()).isEqualTo(NOT_FOUND.formatted(name));
  }

  @Test
  void a_version_the_vault_never_held_is_404_naming_name_and_version() {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + "?api-version=7.4", "{\"value\":\"v\"}");
    String version = "0123456789abcdef0123456789abcdef";

    HttpResponse<String> response =
        vault.call("GET", "/secrets/" + name + "/" + version + "?api-version=7.4", null);

    assertJsonAnswer(response, 404);
    assertThat(response.body()).isEqualTo(NOT_FOUND.formatted(name + "/" + version));
  }

  @ParameterizedTest
  @CsvSource({
    "GET,/deletedsecrets/%s",
    "DELETE,/deletedsecrets/%s",
    "POST,/deletedsecrets/%s/recover"
  })
  void a_secret_that_is_not_deleted_is_deleted_secret_not_found(String method, String path) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + "?api-version=7.4", "{\"value\":\"v\"}");

    HttpResponse<String> response =
        vault.call(method, path.formatted(name) + "?api-version=7.4", null);

    assertJsonAnswer(response, 404);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"SecretNotFound\",\"message\":\"Deleted Secret not found: "
                + name
                + "\"}}");
  }

  @Test
  void get_of_a_disabled_secret_is_403_with_the_inner_error_secret_disabled() {
    String name = unique();
    vault.call(
        "PUT",
        "/secrets/" + name + "?api-version=7.4",
        "{\"value\":\"v\",\"attributes\":{\"enabled\":false}}");

    HttpResponse<String> response =
        vault.call("GET", "/secrets/" + name + "?api-version=7.4", null);

    assertJsonAnswer(response, 403);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Operation get is not allowed on a"
                + " disabled secret.\",\"innererror\":{\"code\":\"SecretDisabled\"}}}");
  }

  @Test
  void set_on_a_deleted_name_is_409_with_the_inner_error_deleted_but_recoverable() {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + "?api-version=7.4", "{\"value\":\"v\"}");
    vault.call("DELETE", "/secrets/" + name + "?api-version=7.4", null);

    HttpResponse<String> response =
        vault.call("PUT", "/secrets/" + name + "?api-version=7.4", "{\"value\":\"v\"}");

    assertJsonAnswer(response, 409);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"Conflict\",\"message\":\"Secret "
                + name
                + " is currently in a deleted but recoverable state, and its name cannot be"
                + " reused; in this state, the secret can only be recovered or purged.\","
                + "\"innererror\":{\"code\":\"ObjectIsDeletedButRecoverable\"}}}");
  }

  @Test
  void restore_refuses_text_that_is_no_backup_as_corrupt() {
    // "non-existing", what the .NET live test restores.
    HttpResponse<String> response =
        vault.call("POST", "/secrets/restore?api-version=7.6", "{\"value\":\"bm9uLWV4aXN0aW5n\"}");

    assertJsonAnswer(response, 400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"Malformed backup blob\",\"message\":\"Backup blob is"
                + " corrupt.\"}}");
  }

  @Test
  void restore_refuses_a_blob_of_another_format_as_an_invalid_version() {
    // 4608 zero bytes, what the JS live test restores.
    HttpResponse<String> response =
        vault.call(
            "POST", "/secrets/restore?api-version=7.6", "{\"value\":\"" + "A".repeat(6144) + "\"}");

    assertJsonAnswer(response, 400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"Malformed backup blob\",\"message\":\"Backup blob contains"
                + " invalid or corrupt version.\"}}");
  }

  @Test
  void restore_refuses_an_altered_backup_as_corrupt() {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + "?api-version=7.4", "{\"value\":\"v\"}");
    String blob =
        json(vault.call("POST", "/secrets/" + name + "/backup?api-version=7.4", null))
            .path("value")
            .asText();
    String altered =
        blob.substring(0, 40) + (blob.charAt(40) == 'A' ? 'B' : 'A') + blob.substring(41);

    HttpResponse<String> response =
        vault.call("POST", "/secrets/restore?api-version=7.4", "{\"value\":\"" + altered + "\"}");

    assertJsonAnswer(response, 400);
    assertThat(json(response).path("error").path("code").asText())
        .isEqualTo("Malformed backup blob");
    assertThat(json(response).path("error").path("message").asText())
        .isEqualTo("Backup blob is corrupt.");
  }

  @ParameterizedTest
  @CsvSource({"application/x-pem-file,PEM", "application/x-pkcs12,PFX"})
  void out_content_type_on_a_plain_secret_is_refused_in_key_vaults_words(
      String outContentType, String target) {
    String name = unique();
    vault.call("PUT", "/secrets/" + name + "?api-version=2025-07-01", "{\"value\":\"v\"}");

    HttpResponse<String> response =
        vault.call(
            "GET",
            "/secrets/"
                + name
                + "/?api-version=2025-07-01&outContentType="
                + outContentType.replace("/", "%2F"),
            null);

    assertJsonAnswer(response, 400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"BadParameter\",\"message\":\"The 'Unsupported' to '"
                + target
                + "' transformation is not supported. Only PFX to PEM transformation is"
                + " supported.\"}}");
  }

  @Test
  void set_without_a_name_is_405_in_key_vaults_words() {
    HttpResponse<String> response =
        vault.call("PUT", "/secrets/?api-version=7.6", "{\"value\":\"v\"}");

    assertJsonAnswer(response, 405);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"MethodNotAllowed\",\"message\":\"HTTP PUT not allowed\"}}");
  }

  @Test
  void a_bad_parameter_carries_code_and_message_only() {
    HttpResponse<String> response =
        vault.call("GET", "/secrets?api-version=7.4&maxresults=26", null);

    assertJsonAnswer(response, 400);
    assertThat(keys(json(response))).containsExactly("error");
    assertThat(keys(json(response).path("error"))).containsExactly("code", "message");
    assertThat(json(response).path("error").path("code").asText()).isEqualTo("BadParameter");
  }
}
