package io.coffer.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.config.Endpoints;
import io.coffer.server.config.Settings;
import io.coffer.server.testing.ChildNode;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.WebhookReceiver;
import io.coffer.server.tls.TlsMaterial;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At least once across a crash: events owed while the endpoint fails stay in the outbox (the same
 * SQLite database as the secrets); the delivering node is killed with SIGKILL, and after a restart
 * on the same data every event arrives, under the id it had before the kill.
 */
class EventRestartTest {
  private static final int SECRETS = 5;

  @Test
  void events_owed_when_the_node_is_killed_are_delivered_after_it_restarts(@TempDir Path dirs)
      throws Exception {
    Path dataDir = dirs.resolve("data");
    int port = RunningCoffer.freePort();
    Map<String, String> env = Map.of("COFFER_EVENT_RETRY_MS", "300");
    AtomicBoolean accept = new AtomicBoolean();
    Map<String, String> deliveredVersions = new ConcurrentHashMap<>();
    Set<String> idsBeforeKill = ConcurrentHashMap.newKeySet();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.answer((request, n) -> {
        JsonNode event = request.json().get(0);
        if (!accept.get()) {
          idsBeforeKill.add(event.path("id").asText());
          return 503;
        }
        deliveredVersions.put(
            event.path("data").path("Version").asText(), event.path("id").asText());
        return 200;
      });
      ChildNode node =
          ChildNode.startDev(dataDir, port, List.of(), env, dirs.resolve("node-1.log"));
      Set<String> written = new HashSet<>();
      try {
        Wire wire = new Wire(dataDir, port);
        HttpResponse<String> subscribed =
            wire.admin(
                "PUT",
                "/vaults/main/event-subscriptions/survives-kill",
                "{\"endpoint\":\"" + receiver.url() + "\"}");
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(200);
        for (int i = 0; i < SECRETS; i++) {
          written.add(wire.setSecret("kill-" + i, "value-" + i));
        }
        receiver.await(r -> idsBeforeKill.size() >= SECRETS, Duration.ofSeconds(60));
        assertThat(idsBeforeKill).as("every event was tried and refused").hasSize(SECRETS);
      } finally {
        node.kill();
      }

      accept.set(true);
      try (ChildNode restarted =
          ChildNode.startDev(dataDir, port, List.of(), env, dirs.resolve("node-2.log"))) {
        receiver.await(r -> deliveredVersions.size() >= SECRETS, Duration.ofSeconds(60));
        assertThat(deliveredVersions.keySet()).isEqualTo(written);
        assertThat(Set.copyOf(deliveredVersions.values())).isEqualTo(idsBeforeKill);
        assertThat(restarted.isAlive()).isTrue();
      }
    }
  }

  /**
   * HTTPS to a node in another process: its CA, its dev credentials, tokens as an SDK gets them.
   */
  private static final class Wire {
    private final HttpClient http;
    private final Endpoints endpoints;
    private final Path dataDir;

    Wire(Path dataDir, int port) {
      this.dataDir = dataDir;
      Settings settings = Settings.defaults(dataDir, port);
      this.endpoints = settings.endpoints();
      this.http =
          HttpClient.newBuilder()
              .sslContext(
                  TlsMaterial.loadOrCreate(dataDir.resolve("tls"), endpoints.serverNames())
                      .clientContext())
              .connectTimeout(Duration.ofSeconds(10))
              .build();
    }

    HttpResponse<String> admin(String method, String path, String json) throws Exception {
      JsonNode admin = WebhookReceiver.JSON.readTree(dataDir.resolve("admin.json").toFile());
      String token =
          token(
              admin.path("tenantId").asText(),
              admin.path("clientId").asText(),
              admin.path("clientSecret").asText(),
              endpoints.managementResource() + "/.default");
      return http.send(
          HttpRequest.newBuilder(URI.create(endpoints.authority() + "/admin/v1" + path))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(json))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** Sets a secret as the dev application; returns the version. */
    String setSecret(String name, String value) throws Exception {
      String devEnv = Files.readString(dataDir.resolve("dev.env"));
      String token =
          token(
              env(devEnv, "AZURE_TENANT_ID"),
              env(devEnv, "AZURE_CLIENT_ID"),
              env(devEnv, "AZURE_CLIENT_SECRET"),
              endpoints.resource() + "/.default");
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          endpoints.vaultUrl("main") + "/secrets/" + name + "?api-version=7.5"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + value + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      String id = WebhookReceiver.JSON.readTree(answer.body()).path("id").asText();
      return id.substring(id.lastIndexOf('/') + 1);
    }

    private String token(String tenant, String clientId, String secret, String scope)
        throws Exception {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(endpoints.authority() + "/" + tenant + "/oauth2/v2.0/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=client_credentials&client_id="
                              + enc(clientId)
                              + "&client_secret="
                              + enc(secret)
                              + "&scope="
                              + enc(scope)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      return WebhookReceiver.JSON.readTree(answer.body()).path("access_token").asText();
    }

    private static String env(String devEnv, String key) {
      return devEnv
          .lines()
          .filter(l -> l.startsWith(key + "=") || l.startsWith("export " + key + "="))
          .map(l -> l.substring(l.indexOf('=') + 1).replace("'", "").replace("\"", ""))
          .findFirst()
          .orElseThrow(() -> new AssertionError(key + " is not in dev.env"));
    }

    private static String enc(String value) {
      return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
  }
}
