package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's small findings: secret bodies are never stored by a cache, a body that names a
 * property twice is refused, and discovery advertises only what is served.
 */
class SmallHardeningTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RunningCoffer coffer;
  private static String token;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    token = coffer.token();
  }

  @Test
  void answers_that_carry_a_secret_are_marked_no_store() {
    HttpResponse<String> set = put("no-store-probe", "{\"value\":\"kept-out-of-caches\"}");
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(set.headers().firstValue("Cache-Control")).contains("no-store");
    HttpResponse<String> get = get("/secrets/no-store-probe?api-version=7.4");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("Cache-Control")).contains("no-store");
    // A listing carries no value: Key Vault's own no-cache stands.
    assertThat(get("/secrets?api-version=7.4").headers().firstValue("Cache-Control"))
        .contains("no-cache");
  }

  @Test
  void a_body_naming_a_property_twice_is_refused_as_bad_parameter() throws IOException {
    HttpResponse<String> refused =
        put("duplicate-probe", "{\"value\":\"first\",\"value\":\"second\"}");
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(refused.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("BadParameter");
    assertThat(error.path("message").asText()).contains("'value' more than once");
    assertThat(refused.body()).doesNotContain("first").doesNotContain("second");
    assertThat(get("/secrets/duplicate-probe?api-version=7.4").statusCode()).isEqualTo(404);
  }

  @Test
  void discovery_advertises_only_the_response_types_and_modes_served() throws IOException {
    HttpResponse<String> answer =
        coffer.send(
            HttpRequest.newBuilder(
                    URI.create(
                        coffer.credentials().authorityHost()
                            + "/"
                            + coffer.credentials().tenantId()
                            + "/v2.0/.well-known/openid-configuration"))
                .build());
    JsonNode document = JSON.readTree(answer.body());
    assertThat(strings(document.path("response_types_supported"))).containsExactly("code");
    assertThat(strings(document.path("response_modes_supported")))
        .containsExactly("query", "form_post");
    assertThat(document.has("userinfo_endpoint")).isFalse();
    assertThat(document.has("end_session_endpoint")).isFalse();
  }

  @Test
  void tls_1_2_offers_no_cbc_suite_and_an_aead_one_is_taken() throws Exception {
    for (String cbc :
        List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")) {
      assertThat(handshake(cbc)).as(cbc).isEmpty();
    }
    assertThat(handshake("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
        .contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
  }

  /** The suite a TLS 1.2 handshake offering only {@code suite} agrees on; empty if refused. */
  private static java.util.Optional<String> handshake(String suite) throws IOException {
    javax.net.ssl.SSLContext context = coffer.server().tls().clientContext();
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket)
            context.getSocketFactory().createSocket("127.0.0.1", coffer.port())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.setEnabledCipherSuites(new String[] {suite});
      socket.startHandshake();
      return java.util.Optional.of(socket.getSession().getCipherSuite());
    } catch (javax.net.ssl.SSLException refused) {
      return java.util.Optional.empty();
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static HttpResponse<String> put(String name, String body) {
    return coffer.send(
        HttpRequest.newBuilder(
                URI.create(coffer.vaultUrl() + "/secrets/" + name + "?api-version=7.4"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static HttpResponse<String> get(String path) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + path))
            .header("Authorization", "Bearer " + token)
            .build());
  }
}
