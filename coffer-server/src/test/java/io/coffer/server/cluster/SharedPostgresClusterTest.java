package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.exception.ResourceNotFoundException;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.server.DevCredentials;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.testing.ChildNode;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three stateless nodes on loopback ports share one PostgreSQL, as behind a load balancer: every
 * node advertises the first node's port, so a token any node issues verifies on every node. The
 * middle node runs in a JVM of its own so it can be killed with SIGKILL.
 */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class SharedPostgresClusterTest {
  private static final int NODES = 3;
  private static final int ATTEMPTS = 80;

  @Test
  void no_acknowledged_write_is_lost_when_a_node_is_killed_and_postgresql_restarts(
      @TempDir Path dataDir, @TempDir Path logs) throws Exception {
    PostgresOptions database = RunningCoffer.database(dataDir).orElseThrow();
    int[] ports = {RunningCoffer.freePort(), RunningCoffer.freePort(), RunningCoffer.freePort()};
    RunningCoffer first =
        RunningCoffer.start(settings(dataDir, ports[0], ports[0]), Optional.of(database));
    Path childDir = RunningCoffer.nodeDir(dataDir, "2");
    ChildNode child =
        ChildNode.start(childDir, ports[1], ports[0], database, logs.resolve("1.log"));
    RunningCoffer third =
        RunningCoffer.start(
            settings(RunningCoffer.nodeDir(dataDir, "3"), ports[2], ports[0]),
            Optional.of(database));
    DevCredentials credentials = first.credentials();
    List<SecretClient> clients = new ArrayList<>();
    for (int port : ports) {
      clients.add(clientOf(credentials, port));
    }

    int writers = 6;
    int minimumEach = 15;
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    Map<String, String> nameOfVersion = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger retried = new AtomicInteger();
    AtomicBoolean enough = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        running.add(
            pool.submit(() -> {
              for (int i = 0; i < minimumEach || !enough.get(); i++) {
                // Writers contend on a few shared names and also write their own.
                String name = i % 2 == 0 ? "shared-" + (i % 3) : "own-" + writer;
                String value = "w" + writer + "-s" + i;
                String version = setAnywhere(clients, next, retried, name, value);
                acknowledged.put(version, value);
                nameOfVersion.put(version, name);
                // Read-after-acknowledged-write on another node than the next writer's.
                assertThat(readAnywhere(clients, retried, name, version, next.get() + 1))
                    .isEqualTo(value);
              }
              return null;
            }));
      }
      awaitMore(acknowledged, 20);
      assertThat(running)
          .as("writers still running when the node is killed")
          .anyMatch(f -> !f.isDone());
      int beforeKill = acknowledged.size();
      child.kill();
      Thread.sleep(300);
      child = ChildNode.start(childDir, ports[1], ports[0], database, logs.resolve("1b.log"));
      awaitMore(acknowledged, 20);
      int beforeOutage = acknowledged.size();
      TestPostgres.get().stop();
      Thread.sleep(500);
      TestPostgres.get().restart();
      awaitMore(acknowledged, 20);
      enough.set(true);
      System.out.println(
          "cluster test: acknowledged before kill="
              + beforeKill
              + " before PostgreSQL restart="
              + beforeOutage
              + " at stop="
              + acknowledged.size());
      for (Future<?> future : running) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }

    System.out.println(
        "cluster test: acknowledged=" + acknowledged.size() + " retried=" + retried.get());
    assertThat(acknowledged.size()).isGreaterThanOrEqualTo(writers * minimumEach);
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
    first.close();
    child.close();
    third.close();
  }

  /** Waits until writers acknowledged {@code more} writes more: the run goes on around events. */
  private static void awaitMore(Map<String, String> acknowledged, int more)
      throws InterruptedException {
    int target = acknowledged.size() + more;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (acknowledged.size() < target) {
      assertThat(System.nanoTime()).as("writers make progress").isLessThan(deadline);
      Thread.sleep(20);
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

  /** Sets on the next node; a failure (node down, 503) is no acknowledgement: try another. */
  private static String setAnywhere(
      List<SecretClient> clients,
      AtomicInteger next,
      AtomicInteger retried,
      String name,
      String value) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
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
      List<SecretClient> clients, AtomicInteger retried, String name, String version, int start) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      SecretClient client = clients.get(Math.floorMod(start + attempt, clients.size()));
      try {
        return client.getSecret(name, version).getValue();
      } catch (ResourceNotFoundException e) {
        throw new AssertionError("a node does not see acknowledged " + name + "/" + version, e);
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
