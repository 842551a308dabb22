package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.http.RawWire.Answer;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A NUL character in an id or name that is looked up is a 4xx on every store: PostgreSQL refuses
 * such text outright, where SQLite simply finds nothing.
 */
class NulCharacterTest {
  private static RunningCoffer coffer;
  private static RawWire wire;
  private static String adminToken;

  @BeforeAll
  static void start() throws IOException {
    Path dataDir = Files.createTempDirectory("coffer-nul");
    coffer = RunningCoffer.start(dataDir);
    wire = new RawWire(coffer);
    JsonNode profile = RawWire.JSON.readTree(dataDir.resolve("admin.json").toFile());
    adminToken =
        coffer.token(
            profile.path("tenantId").asText(),
            profile.path("clientId").asText(),
            profile.path("clientSecret").asText(),
            coffer.server().settings().endpoints().managementResource() + "/.default");
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  @Test
  void a_nul_in_a_client_id_is_refused_by_the_token_endpoint_and_the_sign_in_form()
      throws IOException {
    String tenant = coffer.credentials().tenantId();
    Answer token =
        post(
            "/" + tenant + "/oauth2/v2.0/token",
            "grant_type=client_credentials&client_id=a%00b&client_secret=x&scope=s");
    Answer signIn =
        post(
            "/" + tenant + "/oauth2/v2.0/authorize",
            "client_id=a%00b&redirect_uri=http%3A%2F%2Flocalhost%3A1%2F&response_type=code");

    assertThat(token.status()).as(token.body()).isBetween(400, 499);
    assertThat(signIn.status()).as(signIn.body()).isBetween(400, 499);
    assertThat(RawWire.anySurfaceProblem(signIn)).isNull();
  }

  @Test
  void a_nul_in_a_tenant_or_principal_of_the_management_api_is_an_azure_shaped_4xx()
      throws IOException {
    for (String path :
        new String[] {"/admin/v1/principals/a%00b", "/admin/v1/tenants/a%00b/principals"}) {
      Answer answer =
          wire.exchange(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: localhost:"
                      + coffer.port()
                      + "\r\nAuthorization: Bearer "
                      + adminToken
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));

      assertThat(answer.status()).as(path + " " + answer.body()).isBetween(400, 499);
      assertThat(RawWire.keyVaultProblem(answer, "GET")).as(path).isNull();
    }
  }

  /** The same for half a surrogate pair, which every JSON body refuses before it is stored. */
  @Test
  void half_a_surrogate_pair_in_a_management_body_is_a_400_not_a_question_mark()
      throws IOException {
    String tenant = coffer.credentials().tenantId();
    String body = "{\"displayName\":\"app-\\ud800\"}";
    Answer answer =
        wire.exchange(
            ("POST /admin/v1/tenants/"
                    + tenant
                    + "/principals HTTP/1.1\r\nHost: localhost:"
                    + coffer.port()
                    + "\r\nAuthorization: Bearer "
                    + adminToken
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length()
                    + "\r\nConnection: close\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.ISO_8859_1));

    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.body())
        .contains("BadParameter")
        .contains("Property 'displayName' holds half of a surrogate pair");
    assertThat(coffer.server().directory().principals(tenant))
        .noneMatch(p -> p.displayName().startsWith("app-"));
  }

  private static Answer post(String path, String form) throws IOException {
    return wire.exchange(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: localhost:"
                + coffer.port()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + form.length()
                + "\r\nConnection: close\r\n\r\n"
                + form)
            .getBytes(StandardCharsets.ISO_8859_1));
  }
}
