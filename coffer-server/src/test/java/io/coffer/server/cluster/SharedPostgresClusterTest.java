package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.server.DevCredentials;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.testing.RunningCoffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three stateless nodes on loopback ports share one PostgreSQL, as behind a load balancer: every
 * node advertises the first node's port, so a token any node issues verifies on every node.
 */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class SharedPostgresClusterTest {
  private static final int NODES = 3;

  @Test
  void acknowledged_writes_survive_a_node_restart_and_read_back_from_every_node(
      @TempDir Path dataDir) throws Exception {
    Optional<PostgresOptions> database = RunningCoffer.database(dataDir);
    int[] ports = new int[NODES];
    AtomicReferenceArray<RunningCoffer> nodes = new AtomicReferenceArray<>(NODES);
    for (int i = 0; i < NODES; i++) {
      ports[i] = RunningCoffer.freePort();
      nodes.set(i, RunningCoffer.start(settings(dataDir, ports[i], ports[0]), database));
    }
    DevCredentials credentials = nodes.get(0).credentials();
    List<SecretClient> clients = new ArrayList<>();
    for (int port : ports) {
      clients.add(clientOf(credentials, port));
    }

    int writers = 6;
    int setsEach = 40;
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    Map<String, String> nameOfVersion = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger retried = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        running.add(
            pool.submit(() -> {
              for (int i = 0; i < setsEach; i++) {
                // Writers contend on a few shared names and also write their own.
                String name = i % 2 == 0 ? "shared-" + (i % 3) : "own-" + writer;
                String value = "w" + writer + "-s" + i;
                String version = setAnywhere(clients, next, retried, name, value);
                acknowledged.put(version, value);
                nameOfVersion.put(version, name);
                String readBack =
                    readAnywhere(clients, next, retried, name, version, next.get() + 1);
                assertThat(readBack).isEqualTo(value);
              }
              return null;
            }));
      }
      // Mid-run, one node stops and comes back on the same port.
      Thread.sleep(1000);
      assertThat(running)
          .as("writers still running when the node stops")
          .anyMatch(f -> !f.isDone());
      nodes.get(1).close();
      Thread.sleep(500);
      nodes.set(1, RunningCoffer.start(settings(dataDir, ports[1], ports[0]), database));
      for (Future<?> future : running) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }

    System.out.println("cluster test: attempts retried on another node = " + retried.get());
    assertThat(acknowledged).hasSize(writers * setsEach);
    for (int i = 0; i < NODES; i++) {
      SecretClient client = clients.get(i);
      Set<String> listed =
          nameOfVersion.values().stream()
              .distinct()
              .flatMap(name -> client.listPropertiesOfSecretVersions(name).stream())
              .map(SecretProperties::getVersion)
              .collect(Collectors.toSet());
      assertThat(listed).as("versions listed by node %d", i).containsAll(acknowledged.keySet());
    }
    for (var entry : acknowledged.entrySet()) {
      SecretClient client = clients.get(Math.floorMod(entry.getKey().hashCode(), NODES));
      assertThat(client.getSecret(nameOfVersion.get(entry.getKey()), entry.getKey()).getValue())
          .isEqualTo(entry.getValue());
    }
    for (int i = 0; i < NODES; i++) {
      nodes.get(i).close();
    }
  }

  private static Settings settings(Path dataDir, int port, int publicPort) {
    return Settings.defaults(dataDir, port).withPublicPort(publicPort);
  }

  /** A client talking to one node directly, with tokens from that node. */
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

  /**
   * Sets on the next node; a node that is down (or a 503) is not an acknowledgement: try another.
   */
  private static String setAnywhere(
      List<SecretClient> clients,
      AtomicInteger next,
      AtomicInteger retried,
      String name,
      String value) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      SecretClient client = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
      try {
        return client.setSecret(name, value).getProperties().getVersion();
      } catch (RuntimeException e) {
        last = e;
        retried.incrementAndGet();
        pause();
      }
    }
    throw last;
  }

  private static String readAnywhere(
      List<SecretClient> clients,
      AtomicInteger next,
      AtomicInteger retried,
      String name,
      String version,
      int start) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      SecretClient client = clients.get(Math.floorMod(start + attempt, clients.size()));
      try {
        return client.getSecret(name, version).getValue();
      } catch (com.azure.core.exception.ResourceNotFoundException e) {
        throw new AssertionError("node lost acknowledged version " + version + " of " + name, e);
      } catch (RuntimeException e) {
        last = e;
        retried.incrementAndGet();
        pause();
      }
    }
    throw last;
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
