package io.coffer.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.server.DevCredentials;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.testing.ChildNode;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import io.coffer.server.testing.WebhookReceiver;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * At least once across a crash in a cluster: two nodes, each in a JVM of its own, on one
 * PostgreSQL. The webhook answers slowly and refuses each event's first attempt, so deliveries are
 * pending and in flight; the node whose post is in flight is killed with SIGKILL, and the survivor
 * delivers everything, every event under the id it had before the kill.
 */
class EventClusterKillTest {
  private static final int SECRETS = 20;
  private static final Duration ANSWER_AFTER = Duration.ofMillis(300);

  @Test
  @EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
  void when_the_delivering_node_is_killed_the_survivor_delivers_every_event_under_its_id(
      @TempDir Path dirs) throws Exception {
    Path firstDir = dirs.resolve("node-1");
    PostgresOptions database = TestPostgres.get().databaseFor(firstDir);
    int[] ports = {RunningCoffer.freePort(), RunningCoffer.freePort()};
    Map<String, String> env = Map.of("COFFER_EVENT_RETRY_MS", "300");

    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    Map<String, String> idOfVersion = new ConcurrentHashMap<>();
    Set<String> inconsistent = ConcurrentHashMap.newKeySet();
    AtomicReference<WebhookReceiver.Received> inFlight = new AtomicReference<>();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.answer((request, n) -> {
        var event = request.json().get(0);
        String id = event.path("id").asText();
        String previous = idOfVersion.putIfAbsent(event.path("data").path("Version").asText(), id);
        if (previous != null && !previous.equals(id)) {
          inconsistent.add(id);
        }
        inFlight.set(request);
        sleep(ANSWER_AFTER);
        inFlight.compareAndSet(request, null);
        // Each event's first attempt fails, so retries are pending when the node dies.
        if (attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() == 1) {
          return 503;
        }
        accepted.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        return 200;
      });

      DevCredentials credentials;
      // Bootstraps the cluster's credentials and the subscription, then stops normally.
      try (RunningCoffer boot =
          RunningCoffer.start(settings(firstDir, ports[0], ports[0]), Optional.of(database), env)) {
        credentials = boot.credentials();
        HttpResponse<String> subscribed =
            boot.admin(
                "PUT",
                "/vaults/main/event-subscriptions/kill-hook",
                "{\"endpoint\":\"" + receiver.url() + "\"}");
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(200);
      }
      Path secondDir = RunningCoffer.nodeDir(firstDir, "2");
      Map<Long, ChildNode> nodes = new HashMap<>();
      ChildNode first =
          ChildNode.start(firstDir, ports[0], ports[0], database, env, dirs.resolve("node-1.log"));
      nodes.put(first.pid(), first);
      ChildNode second =
          ChildNode.start(secondDir, ports[1], ports[0], database, env, dirs.resolve("node-2.log"));
      nodes.put(second.pid(), second);
      try {
        List<SecretClient> clients =
            List.of(clientOf(credentials, ports[0]), clientOf(credentials, ports[1]));
        Set<String> versions = new HashSet<>();
        for (int i = 0; i < SECRETS; i++) {
          versions.add(
              clients.get(i % 2).setSecret("kill9-" + i, "v").getProperties().getVersion());
        }

        // Kill the sender of a post in flight once some events are through.
        receiver.await(r -> accepted.size() >= 5 && inFlight.get() != null, Duration.ofSeconds(60));
        WebhookReceiver.Received flying = inFlight.get();
        assertThat(flying).as("a delivery in flight after 5 accepted").isNotNull();
        long delivering = senderPid(flying.remotePort(), receiver.port(), nodes.keySet());
        String flyingId = flying.json().get(0).path("id").asText();
        int acceptedBefore = accepted.size();
        ChildNode victim = nodes.get(delivering);
        ChildNode survivor = victim == first ? second : first;
        Instant killed = Instant.now();
        victim.kill();
        int receivedAtKill = receiver.received().size();

        receiver.await(r -> r.size() > receivedAtKill, Duration.ofSeconds(60));
        Duration takeover = Duration.between(killed, receiver.received().get(receivedAtKill).at());
        receiver.await(r -> accepted.size() >= SECRETS, Duration.ofSeconds(90));
        Duration allDelivered = Duration.between(killed, Instant.now());

        assertThat(accepted).as("every event delivered at least once").hasSize(SECRETS);
        assertThat(idOfVersion.keySet()).isEqualTo(versions);
        assertThat(Set.copyOf(idOfVersion.values())).isEqualTo(accepted.keySet());
        assertThat(inconsistent).as("events whose id changed between attempts").isEmpty();
        assertThat(accepted).containsKey(flyingId);
        assertThat(survivor.isAlive()).isTrue();
        long twice = accepted.values().stream().filter(c -> c.get() > 1).count();
        System.out.printf(
            "kill -9 of the delivering node (pid %d) with %d of %d events accepted and %s in"
                + " flight: the survivor posted %d ms after the kill and had every event"
                + " delivered %d ms after it; %d delivered twice, 0 delivered zero times%n",
            delivering,
            acceptedBefore,
            SECRETS,
            flyingId,
            takeover.toMillis(),
            allDelivered.toMillis(),
            twice);
      } finally {
        first.kill();
        second.kill();
      }
    }
  }

  /**
   * The node whose TCP connection from {@code localPort} reaches the receiver: the socket's inode
   * from {@code /proc/net/tcp[6]}, then the process holding it among {@code pids}.
   */
  private static long senderPid(int localPort, int receiverPort, Set<Long> pids)
      throws IOException {
    String inode = null;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9
            && f[1].endsWith(":" + String.format("%04X", localPort))
            && f[2].endsWith(":" + String.format("%04X", receiverPort))) {
          inode = f[9];
        }
      }
    }
    assertThat(inode).as("the socket of port %d", localPort).isNotNull();
    String link = "socket:[" + inode + "]";
    for (long pid : pids) {
      try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
        if (fds.anyMatch(fd -> link.equals(readLink(fd)))) {
          return pid;
        }
      }
    }
    throw new AssertionError("no node holds the connection from port " + localPort);
  }

  private static String readLink(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
