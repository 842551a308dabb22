package io.coffer.client.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.Worker;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Kafka Connect worker (connect-runtime's Worker and standalone herder, in-process) with the
 * Coffer provider configured as a deployment configures it: the connector is started with the
 * secret's value, and after the provider's TTL the worker restarts it and it gets the rotated
 * value. The probe connector runs no tasks, so no broker is needed; only the worker's look-up of
 * the Kafka cluster id is answered without one.
 */
class KafkaConnectWorkerTest {
  static final List<String> SEEN = new CopyOnWriteArrayList<>();

  @TempDir Path dir;

  @Test
  void the_worker_resolves_placeholders_and_restarts_the_connector_to_rotate() throws Exception {
    RunningCoffer coffer = RunningCoffer.shared();
    coffer.secretClient().setSecret("kafka-worker-password", "before-rotation");
    Map<String, String> workerProps = new HashMap<>();
    workerProps.put("bootstrap.servers", "127.0.0.1:9");
    workerProps.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    workerProps.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    workerProps.put("offset.storage.file.filename", dir.resolve("offsets").toString());
    workerProps.put("plugin.discovery", "only_scan");
    workerProps.put("config.providers", "coffer");
    workerProps.put("config.providers.coffer.class", CofferConfigProvider.class.getName());
    String param = "config.providers.coffer.param.";
    workerProps.put(param + "vault.domain", "vault.localhost:" + coffer.port());
    workerProps.put(param + "tenant.id", coffer.credentials().tenantId());
    workerProps.put(param + "client.id", coffer.credentials().clientId());
    workerProps.put(param + "client.secret", coffer.credentials().clientSecret());
    workerProps.put(param + "authority.host", coffer.credentials().authorityHost());
    workerProps.put(param + "cache.ttl.ms", "2000");

    Plugins plugins = new Plugins(workerProps);
    StandaloneConfig config = new NoBrokerConfig(workerProps);
    AllConnectorClientConfigOverridePolicy policy = new AllConnectorClientConfigOverridePolicy();
    FileOffsetBackingStore offsets = new FileOffsetBackingStore(new JsonConverter());
    offsets.configure(config);
    Worker worker = new Worker("coffer-test-worker", Time.SYSTEM, plugins, config, offsets, policy);
    StandaloneHerder herder = new StandaloneHerder(worker, "coffer-test-cluster", policy);
    herder.start();
    try {
      Map<String, String> connector = new HashMap<>();
      connector.put("name", "probe");
      connector.put("connector.class", ProbeConnector.class.getName());
      connector.put("tasks.max", "1");
      connector.put("probe.password", "${coffer:main:kafka-worker-password}");
      CompletableFuture<Object> created = new CompletableFuture<>();
      herder.putConnectorConfig(
          "probe",
          connector,
          false,
          (error, result) -> {
            if (error != null) {
              created.completeExceptionally(error);
            } else {
              created.complete(result);
            }
          });
      created.get(60, TimeUnit.SECONDS);
      await("before-rotation", Duration.ofSeconds(30));

      coffer.secretClient().setSecret("kafka-worker-password", "after-rotation");
      await("after-rotation", Duration.ofSeconds(30));
      assertThat(SEEN).doesNotContain("${coffer:main:kafka-worker-password}");
    } finally {
      // Stopping waits a minute for Kafka clients that never had a broker: do it off the test.
      Thread stopper = Thread.ofPlatform().daemon().start(herder::stop);
      stopper.join(Duration.ofSeconds(5));
    }
  }

  private static void await(String value, Duration within) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (!SEEN.contains(value) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(SEEN).as("values the connector was started with").contains(value);
  }

  /** The worker's configuration, answering the cluster-id look-up that would need a broker. */
  static final class NoBrokerConfig extends StandaloneConfig {
    NoBrokerConfig(Map<String, String> props) {
      super(props);
    }

    @Override
    public String kafkaClusterId() {
      return "coffer-test-cluster";
    }
  }

  /** Records the resolved value it is started with; runs no tasks. */
  public static final class ProbeConnector extends SourceConnector {
    @Override
    public void start(Map<String, String> props) {
      SEEN.add(props.get("probe.password"));
    }

    @Override
    public Class<? extends Task> taskClass() {
      return ProbeTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
      return List.of();
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
      return new ConfigDef()
          .define("probe.password", ConfigDef.Type.PASSWORD, ConfigDef.Importance.HIGH, "probe");
    }

    @Override
    public String version() {
      return "1";
    }
  }

  /** Never started: the probe has no tasks. */
  public static final class ProbeTask extends SourceTask {
    @Override
    public String version() {
      return "1";
    }

    @Override
    public void start(Map<String, String> props) {}

    @Override
    public List<SourceRecord> poll() {
      return null;
    }

    @Override
    public void stop() {}
  }
}
