package io.coffer.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.server.DevCredentials;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import io.coffer.server.testing.WebhookReceiver;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL: one delivers at a time, so each event reaches the webhook once
 * although both nodes read the same outbox; when the delivering node stops, the other takes over
 * and what is written afterwards still arrives.
 */
class EventClusterTest {
  private static final Map<String, String> ENV = Map.of("COFFER_EVENT_RETRY_MS", "300");

  @Test
  void two_nodes_deliver_each_event_once_and_the_survivor_takes_over(@TempDir Path dataDir)
      throws Exception {
    PostgresOptions database = TestPostgres.get().databaseFor(dataDir);
    int[] ports = {RunningCoffer.freePort(), RunningCoffer.freePort()};
    RunningCoffer first =
        RunningCoffer.start(settings(dataDir, ports[0], ports[0]), Optional.of(database), ENV);
    RunningCoffer second =
        RunningCoffer.start(
            settings(RunningCoffer.nodeDir(dataDir, "2"), ports[1], ports[0]),
            Optional.of(database),
            ENV);
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      HttpResponse<String> subscribed =
          first.admin(
              "PUT",
              "/vaults/main/event-subscriptions/cluster-hook",
              "{\"endpoint\":\"" + receiver.url() + "\",\"subjectBeginsWith\":\"cluster-\"}");
      assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(200);
      List<SecretClient> clients =
          List.of(clientOf(first.credentials(), ports[0]), clientOf(first.credentials(), ports[1]));
      Set<String> versions = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        versions.add(
            clients.get(i % 2).setSecret("cluster-" + i, "v").getProperties().getVersion());
      }
      receiver.await(r -> Set.copyOf(receiver.eventIds()).size() >= 10, Duration.ofSeconds(60));
      Thread.sleep(2000);
      assertThat(receiver.eventIds()).as("each event delivered once").doesNotHaveDuplicates();
      assertThat(deliveredVersions(receiver)).isEqualTo(versions);

      first.close();
      first = null;
      for (int i = 10; i < 15; i++) {
        versions.add(clients.get(1).setSecret("cluster-" + i, "v").getProperties().getVersion());
      }
      receiver.await(r -> Set.copyOf(receiver.eventIds()).size() >= 15, Duration.ofSeconds(60));
      assertThat(deliveredVersions(receiver)).isEqualTo(versions);
    } finally {
      if (first != null) {
        first.close();
      }
      second.close();
    }
  }

  private static Set<String> deliveredVersions(WebhookReceiver receiver) {
    Set<String> versions = new HashSet<>();
    receiver
        .events()
        .forEach(e -> versions.add(e.json().get(0).path("data").path("Version").asText()));
    return versions;
  }

  private static Settings settings(Path dataDir, int port, int publicPort) {
    return Settings.defaults(dataDir, port).withPublicPort(publicPort);
  }

  private static SecretClient clientOf(DevCredentials credentials, int port) {
    return new SecretClientBuilder()
        .vaultUrl("https://main." + Settings.DEFAULT_DOMAIN + ":" + port)
        .credential(
            new ClientSecretCredentialBuilder()
                .authorityHost("https://localhost:" + port)
                .tenantId(credentials.tenantId())
                .clientId(credentials.clientId())
                .clientSecret(credentials.clientSecret())
                .disableInstanceDiscovery()
                .build())
        .buildClient();
  }
}
