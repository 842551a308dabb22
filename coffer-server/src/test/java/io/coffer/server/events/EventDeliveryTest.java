package io.coffer.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.config.Settings;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.WebhookReceiver;
import io.coffer.server.testing.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event Grid events from a real server to a real webhook receiver: the validation handshakes, the
 * event shapes member by member against Azure's documented samples, filters, near-expiry and
 * expiry, retries with back-off and the dead letter after the last try.
 */
class EventDeliveryTest {
  private static RunningCoffer coffer;
  private static SecretClient client;

  @BeforeAll
  static void start() throws Exception {
    Path data = Files.createTempDirectory("coffer-events");
    coffer =
        RunningCoffer.start(
            Settings.defaults(data, RunningCoffer.freePort()),
            RunningCoffer.database(data),
            Map.of("COFFER_EVENT_RETRY_MS", "200,400"));
    client = coffer.secretClient();
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  private static JsonNode subscribe(String name, String body) throws Exception {
    HttpResponse<String> answer =
        coffer.admin("PUT", "/vaults/main/event-subscriptions/" + name, body);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return WebhookReceiver.JSON.readTree(answer.body());
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void an_event_grid_subscription_is_validated_and_gets_new_versions_in_azures_shape()
      throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      JsonNode view =
          subscribe(
              "grid-shapes",
              "{\"endpoint\":\"" + receiver.url() + "\",\"subjectBeginsWith\":\"shape-\"}");
      assertThat(view.path("provisioningState").asText()).isEqualTo("Succeeded");
      assertThat(view.path("endpointBaseUrl").asText()).doesNotContain("key-in-query");

      Received validation = receiver.received().get(0);
      assertThat(validation.header("aeg-event-type")).isEqualTo("SubscriptionValidation");
      JsonNode validationEvent = validation.json().get(0);
      assertThat(names(validationEvent))
          .containsExactly(
              "id",
              "topic",
              "subject",
              "data",
              "eventType",
              "eventTime",
              "metadataVersion",
              "dataVersion");
      assertThat(validationEvent.path("eventType").asText())
          .isEqualTo("Microsoft.EventGrid.SubscriptionValidationEvent");
      assertThat(names(validationEvent.path("data")))
          .containsExactly("validationCode", "validationUrl");

      OffsetDateTime nbf = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).minusHours(1);
      OffsetDateTime exp = nbf.plusDays(400);
      KeyVaultSecret written = new KeyVaultSecret("shape-secret", "v1");
      written.getProperties().setNotBefore(nbf).setExpiresOn(exp);
      String version = client.setSecret(written).getProperties().getVersion();
      client.setSecret("other-name", "not for this subscription");

      receiver.await(r -> receiver.events().size() >= 1, Duration.ofSeconds(30));
      Thread.sleep(1500);
      List<Received> events = receiver.events();
      assertThat(events).hasSize(1);
      Received delivery = events.get(0);
      assertThat(delivery.header("content-type")).isEqualTo("application/json; charset=utf-8");
      assertThat(delivery.header("aeg-subscription-name")).isEqualTo("GRID-SHAPES");
      assertThat(delivery.header("aeg-delivery-count")).isEqualTo("0");
      assertThat(delivery.header("aeg-data-version")).isEqualTo("1");
      assertThat(delivery.header("aeg-metadata-version")).isEqualTo("1");
      JsonNode batch = delivery.json();
      assertThat(batch.isArray()).isTrue();
      assertThat(batch).hasSize(1);
      JsonNode event = batch.get(0);
      // Azure's sample: id, topic, subject, eventType, eventTime, data, dataVersion,
      // metadataVersion
      assertThat(names(event))
          .containsExactly(
              "id",
              "topic",
              "subject",
              "eventType",
              "eventTime",
              "data",
              "dataVersion",
              "metadataVersion");
      assertThat(event.path("topic").asText())
          .matches(
              "/subscriptions/[^/]+/resourceGroups/coffer/providers/Microsoft.KeyVault/vaults/main");
      assertThat(event.path("subject").asText()).isEqualTo("shape-secret");
      assertThat(event.path("eventType").asText())
          .isEqualTo("Microsoft.KeyVault.SecretNewVersionCreated");
      assertThat(event.path("eventTime").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z");
      assertThat(event.path("dataVersion").asText()).isEqualTo("1");
      assertThat(event.path("metadataVersion").asText()).isEqualTo("1");
      JsonNode data = event.path("data");
      assertThat(names(data))
          .containsExactly("Id", "VaultName", "ObjectType", "ObjectName", "Version", "NBF", "EXP");
      assertThat(data.path("Id").asText())
          .isEqualTo(coffer.vaultUrl() + "/secrets/shape-secret/" + version);
      assertThat(data.path("VaultName").asText()).isEqualTo("main");
      assertThat(data.path("ObjectType").asText()).isEqualTo("Secret");
      assertThat(data.path("ObjectName").asText()).isEqualTo("shape-secret");
      assertThat(data.path("Version").asText()).isEqualTo(version);
      assertThat(data.path("NBF").asLong()).isEqualTo(nbf.toEpochSecond());
      assertThat(data.path("EXP").asLong()).isEqualTo(exp.toEpochSecond());
    }
  }

  @Test
  void a_cloud_events_subscription_takes_the_options_handshake_and_gets_structured_events()
      throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      subscribe(
          "cloud-shapes",
          "{\"endpoint\":\""
              + receiver.url()
              + "\",\"eventDeliverySchema\":\"CloudEventSchemaV1_0\",\"subjectBeginsWith\":\"cloud-\"}");
      Received handshake = receiver.received().get(0);
      assertThat(handshake.method()).isEqualTo("OPTIONS");
      assertThat(handshake.header("WebHook-Request-Origin")).isEqualTo("eventgrid.azure.net");

      String version = client.setSecret("cloud-secret", "v").getProperties().getVersion();
      receiver.await(r -> receiver.events().size() >= 1, Duration.ofSeconds(30));
      Received delivery = receiver.events().get(0);
      assertThat(delivery.header("content-type"))
          .isEqualTo("application/cloudevents+json; charset=utf-8");
      JsonNode event = delivery.json();
      assertThat(names(event))
          .containsExactly("id", "source", "subject", "type", "time", "data", "specversion");
      assertThat(event.path("type").asText())
          .isEqualTo("Microsoft.KeyVault.SecretNewVersionCreated");
      assertThat(event.path("specversion").asText()).isEqualTo("1.0");
      assertThat(event.path("data").path("Version").asText()).isEqualTo(version);
      assertThat(event.path("data").path("NBF").isNull()).isTrue();
      assertThat(event.path("data").path("EXP").isNull()).isTrue();
    }
  }

  @Test
  void a_subscription_awaiting_manual_action_is_validated_by_getting_its_validation_url()
      throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.withoutValidationEcho();
      JsonNode view =
          subscribe(
              "manual-hook",
              "{\"endpoint\":\"" + receiver.url() + "\",\"subjectBeginsWith\":\"manual-\"}");
      assertThat(view.path("provisioningState").asText()).isEqualTo("AwaitingManualAction");
      String url =
          receiver.received().get(0).json().get(0).path("data").path("validationUrl").asText();
      assertThat(url).startsWith(coffer.credentials().authorityHost() + "/eventsubscriptions/");

      // Nothing is delivered to an endpoint that has not agreed.
      client.setSecret("manual-before", "v");
      Thread.sleep(1500);
      assertThat(receiver.events()).isEmpty();

      HttpResponse<String> wrongCode = get(url.replaceAll("code=[^&]+", "code=not-the-code"));
      assertError(wrongCode, 404, "NotFound");
      HttpResponse<String> opened = get(url);
      assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
      assertThat(WebhookReceiver.JSON.readTree(opened.body()).path("provisioningState").asText())
          .isEqualTo("Succeeded");
      JsonNode shown =
          WebhookReceiver.JSON.readTree(
              coffer.admin("GET", "/vaults/main/event-subscriptions/manual-hook", null).body());
      assertThat(shown.path("provisioningState").asText()).isEqualTo("Succeeded");
      assertError(get(url), 404, "NotFound");

      String version = client.setSecret("manual-after", "v").getProperties().getVersion();
      receiver.await(r -> !receiver.events().isEmpty(), Duration.ofSeconds(30));
      JsonNode event = receiver.events().get(0).json().get(0);
      assertThat(event.path("subject").asText()).isEqualTo("manual-after");
      assertThat(event.path("data").path("Version").asText()).isEqualTo(version);
    } finally {
      coffer.admin("DELETE", "/vaults/main/event-subscriptions/manual-hook", null);
    }
  }

  /** A plain GET, as the endpoint's owner opening the URL in a browser would send. */
  private static HttpResponse<String> get(String url) {
    return coffer.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).GET().build());
  }

  @Test
  void a_refused_handshake_makes_no_subscription() throws Exception {
    HttpResponse<String> answer =
        coffer.admin(
            "PUT",
            "/vaults/main/event-subscriptions/nobody-home",
            "{\"endpoint\":\"http://127.0.0.1:9/events\"}");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body())
        .contains("Webhook validation handshake failed for http://127.0.0.1:9/events");
    assertThat(
            coffer.admin("GET", "/vaults/main/event-subscriptions/nobody-home", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void a_failing_endpoint_is_retried_with_back_off_then_dead_lettered() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      subscribe(
          "always-busy",
          "{\"endpoint\":\""
              + receiver.url()
              + "\",\"subjectBeginsWith\":\"busy-\",\"retryPolicy\":{\"maxDeliveryAttempts\":3}}");
      receiver.answer((request, n) -> 503);
      String version = client.setSecret("busy-secret", "v").getProperties().getVersion();

      receiver.await(r -> receiver.events().size() >= 3, Duration.ofSeconds(30));
      Thread.sleep(1500);
      List<Received> attempts = receiver.events();
      assertThat(attempts)
          .extracting(r -> r.header("aeg-delivery-count"))
          .containsExactly("0", "1", "2");
      assertThat(receiver.eventIds()).containsOnly(receiver.eventIds().get(0));
      // The schedule here is 200 ms then 400 ms (COFFER_EVENT_RETRY_MS), each plus up to a tenth.
      assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()).toMillis())
          .isGreaterThanOrEqualTo(200);
      assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at()).toMillis())
          .isGreaterThanOrEqualTo(400);

      JsonNode letters =
          WebhookReceiver.JSON.readTree(
              coffer
                  .admin("GET", "/vaults/main/event-subscriptions/always-busy/dead-letters", null)
                  .body());
      assertThat(letters.path("value")).hasSize(1);
      JsonNode letter = letters.path("value").get(0);
      assertThat(letter.path("data").path("Version").asText()).isEqualTo(version);
      assertThat(letter.path("deadLetterReason").asText()).isEqualTo("MaxDeliveryAttemptsExceeded");
      assertThat(letter.path("deliveryAttempts").asInt()).isEqualTo(3);
      assertThat(letter.path("lastDeliveryOutcome").asText()).isEqualTo("ServiceUnavailable");
      assertThat(letter.has("publishTime")).isTrue();
      assertThat(letter.has("lastDeliveryAttemptTime")).isTrue();
      JsonNode view =
          WebhookReceiver.JSON.readTree(
              coffer.admin("GET", "/vaults/main/event-subscriptions/always-busy", null).body());
      assertThat(view.path("deliveries").path("dead").asLong()).isEqualTo(1);
    }
  }

  @Test
  void a_bad_request_answer_is_dead_lettered_at_once() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      subscribe(
          "refuses",
          "{\"endpoint\":\"" + receiver.url() + "\",\"subjectBeginsWith\":\"refused-\"}");
      receiver.answer((request, n) -> 400);
      client.setSecret("refused-secret", "v");
      receiver.await(r -> receiver.events().size() >= 1, Duration.ofSeconds(30));
      Thread.sleep(1500);
      assertThat(receiver.events()).hasSize(1);
      JsonNode letter =
          WebhookReceiver.JSON
              .readTree(
                  coffer
                      .admin("GET", "/vaults/main/event-subscriptions/refuses/dead-letters", null)
                      .body())
              .path("value")
              .get(0);
      assertThat(letter.path("lastDeliveryOutcome").asText()).isEqualTo("BadRequest");
      assertThat(letter.path("deliveryAttempts").asInt()).isEqualTo(1);
    }
  }

  @Test
  void near_expiry_and_expired_events_name_the_current_version_once() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      subscribe(
          "expiry",
          "{\"endpoint\":\""
              + receiver.url()
              + "\",\"subjectBeginsWith\":\"expiring-\",\"nearExpiryDays\":1,"
              + "\"includedEventTypes\":[\"Microsoft.KeyVault.SecretNearExpiry\","
              + "\"Microsoft.KeyVault.SecretExpired\"]}");
      KeyVaultSecret expiring = new KeyVaultSecret("expiring-soon", "v");
      expiring.getProperties().setExpiresOn(OffsetDateTime.now().plusSeconds(8));
      String version = client.setSecret(expiring).getProperties().getVersion();

      receiver.await(r -> receiver.events().size() >= 2, Duration.ofSeconds(40));
      Thread.sleep(6000);
      List<String> types = new ArrayList<>();
      for (Received r : receiver.events()) {
        JsonNode event = r.json().get(0);
        types.add(event.path("eventType").asText());
        assertThat(event.path("data").path("Version").asText()).isEqualTo(version);
      }
      assertThat(types)
          .containsExactly(
              "Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretExpired");
    }
  }

  @Test
  void mistakes_are_answered_in_key_vaults_error_shape() throws Exception {
    String path = "/vaults/main/event-subscriptions/";
    assertError(
        coffer.admin(
            "PUT",
            path + "bad-schema",
            "{\"endpoint\":\"http://127.0.0.1:9/x\"," + "\"eventDeliverySchema\":\"Custom\"}"),
        400,
        "BadParameter");
    assertError(
        coffer.admin(
            "PUT",
            path + "bad-type",
            "{\"endpoint\":\"http://127.0.0.1:9/x\","
                + "\"includedEventTypes\":[\"Microsoft.KeyVault.KeyNewVersionCreated\"]}"),
        400,
        "BadParameter");
    assertError(
        coffer.admin(
            "PUT",
            path + "bad-days",
            "{\"endpoint\":\"http://127.0.0.1:9/x\"," + "\"nearExpiryDays\":0}"),
        400,
        "BadParameter");
    assertError(
        coffer.admin("PUT", path + "no-url", "{\"endpoint\":\"ftp://x\"}"), 400, "BadParameter");
    assertError(coffer.admin("PUT", path + "x", "[1]"), 400, "BadParameter");
    assertError(coffer.admin("GET", path + "missing", null), 404, "NotFound");
    assertError(coffer.admin("GET", "/vaults/nowhere/event-subscriptions", null), 404, null);
    assertError(coffer.admin("POST", "/vaults/main/rotations/none/run", null), 404, "NotFound");
    assertError(
        coffer.admin(
            "PUT",
            "/vaults/main/rotations/r1",
            "{\"postgres\":\"jdbc:mysql://x/y\"," + "\"role\":\"r\",\"adminSecret\":\"a\"}"),
        400,
        "BadParameter");
    assertError(
        coffer.admin(
            "PUT",
            "/vaults/main/rotations/r1",
            "{\"postgres\":\"jdbc:postgresql://x/y\","
                + "\"role\":\"r\",\"adminSecret\":\"a\",\"every\":\"1h\",\"grace\":\"2h\"}"),
        400,
        "BadParameter");
    assertError(
        coffer.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        coffer.vaultUrl() + "/coffer/changes?api-version=7.5&since=abc"))
                .header("Authorization", "Bearer " + coffer.token())
                .build()),
        400,
        "BadParameter");
  }

  private static void assertError(HttpResponse<String> answer, int status, String code)
      throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    JsonNode error = WebhookReceiver.JSON.readTree(answer.body()).path("error");
    assertThat(error.path("message").asText()).as(answer.body()).isNotBlank();
    if (code != null) {
      assertThat(error.path("code").asText()).as(answer.body()).isEqualTo(code);
    }
  }
}
