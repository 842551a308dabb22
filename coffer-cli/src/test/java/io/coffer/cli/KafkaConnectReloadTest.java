package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.coffer.client.kafka.CofferConfigProvider;
import io.coffer.server.testing.RunningCoffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A secret changed in Coffer reaches a running connector's task with no call to Connect's restart
 * API: a real Kafka Connect cluster (Kafka's own harness: a KRaft broker and a distributed worker)
 * with {@code config.providers=coffer} and {@code config.action.reload=restart}. The provider's TTL
 * makes Connect restart the connector, which reads the changed value (the provider's cache has it
 * already from Coffer's change channel); Connect then gives the task new configuration because the
 * connector's resolved configuration differs from the one its tasks were made from. Connect
 * compares against that configuration as first resolved when tasks were last reconfigured, so a
 * connector that asks for task reconfiguration when it starts (as connectors watching their source
 * do) has its tasks restarted; one that never does keeps them until a restart (see
 * KafkaConnectMigrationTest).
 */
class KafkaConnectReloadTest {
  private static final String PASSWORD = "connection.password";
  private static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();

  /** Every connector and task start, in order, with its time: what a failure prints. */
  private static final List<String> STARTS = new CopyOnWriteArrayList<>();

  private static final Instant BEGUN = Instant.now();
  private static volatile Instant lastStart = BEGUN;
  private static final long TTL_MS = 2000;

  private static RunningCoffer coffer;
  private static EmbeddedConnectCluster connect;

  @BeforeAll
  static void start() throws Exception {
    for (String logger : List.of("org.apache.kafka", "kafka", "state.change.logger")) {
      ((Logger) LoggerFactory.getLogger(logger)).setLevel(Level.WARN);
    }
    coffer = RunningCoffer.shared();
    Map<String, String> worker = new HashMap<>();
    worker.put("plugin.discovery", "service_load");
    worker.put("config.providers", "coffer");
    worker.put("config.providers.coffer.class", CofferConfigProvider.class.getName());
    String param = "config.providers.coffer.param.";
    worker.put(param + "tenant.id", coffer.credentials().tenantId());
    worker.put(param + "client.id", coffer.credentials().clientId());
    worker.put(param + "client.secret", coffer.credentials().clientSecret());
    worker.put(param + "authority.host", coffer.credentials().authorityHost());
    worker.put(param + "cache.ttl.ms", Long.toString(TTL_MS));
    connect =
        new EmbeddedConnectCluster.Builder()
            .name("coffer-reload")
            .numWorkers(1)
            .numBrokers(1)
            .workerProps(worker)
            .build();
    connect.start();
    connect.assertions().assertAtLeastNumWorkersAreUp(1, "the Connect worker did not start");
  }

  @AfterAll
  static void stop() {
    if (connect != null) {
      connect.stop();
    }
  }

  @Test
  void a_changed_secret_reaches_the_running_task_without_a_restart_call() throws Exception {
    String name = "reload-" + UUID.randomUUID().toString().substring(0, 6);
    String secret = name + "-password";
    coffer.secretClient().setSecret(secret, "pw-1");
    String placeholder = "${coffer:" + coffer.vaultUrl() + "::" + secret + "}";
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", WatchingConnector.class.getName());
    config.put("tasks.max", "1");
    config.put("config.action.reload", "restart");
    config.put("topic", "orders");
    config.put(PASSWORD, placeholder);
    connect.configureConnector(name, config);
    connect
        .assertions()
        .assertConnectorAndExactlyNumTasksAreRunning(name, 1, "the connector did not start");
    await(name + "/task", "pw-1", Duration.ofSeconds(60));
    assertThat(connect.taskConfigs(name).get(0).config()).containsEntry(PASSWORD, placeholder);
    // Connect resolves the configuration its tasks were made from only when it next compares it,
    // at the next reconfiguration, and keeps that. When pw-2 was written before then (the
    // connector's first restart by TTL), that comparison took pw-2 as what the running task
    // had, and the task never restarted (CI, twice). So the write waits for that restart, with
    // pw-1, and for the reconfiguration it asks for to have run.
    await(name + "/connector", "pw-1", 2, Duration.ofSeconds(30));
    awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(30));

    Instant changed = Instant.now();
    STARTS.add("pw-2 written at " + Duration.between(BEGUN, changed).toMillis() + " ms");
    coffer.secretClient().setSecret(secret, "pw-2");
    Instant connectorSaw = await(name + "/connector", "pw-2", Duration.ofSeconds(60));
    Instant taskSaw = await(name + "/task", "pw-2", Duration.ofSeconds(60));
    // Connect still stores only the placeholder.
    assertThat(connect.connectorInfo(name).config()).containsEntry(PASSWORD, placeholder);
    assertThat(connect.taskConfigs(name).get(0).config()).containsEntry(PASSWORD, placeholder);
    System.out.printf(
        "Kafka Connect (TTL %d ms, config.action.reload=restart): the connector saw the changed"
            + " secret %d ms after it was written, its task %d ms after, with no restart call;"
            + " starts: %s%n",
        TTL_MS,
        Duration.between(changed, connectorSaw).toMillis(),
        Duration.between(changed, taskSaw).toMillis(),
        STARTS);
  }

  /** Waits until {@code who} was started with {@code value}; returns when it first was. */
  private static Instant await(String who, String value, Duration within)
      throws InterruptedException {
    return await(who, value, 1, within);
  }

  /** Waits until {@code who} was started {@code times} times with {@code value}. */
  private static Instant await(String who, String value, int times, Duration within)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      if (Collections.frequency(SEEN.getOrDefault(who, List.of()), value) >= times) {
        return Instant.now();
      }
      Thread.sleep(20);
    }
    assertThat(Collections.frequency(SEEN.getOrDefault(who, List.of()), value))
        .as(
            "starts of %s with %s; every start so far: %s; the connector's state now: %s",
            who, value, STARTS, state(who.substring(0, who.indexOf('/'))))
        .isGreaterThanOrEqualTo(times);
    return Instant.now();
  }

  /** Waits until no connector or task has started for {@code quiet}. */
  private static void awaitQuiet(Duration quiet, Duration within) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      if (Duration.between(lastStart, Instant.now()).compareTo(quiet) >= 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("connector or task starts never paused for " + quiet + ": " + STARTS);
  }

  private static void seen(Map<String, String> props, String who) {
    lastStart = Instant.now();
    String name = props.get("name") + "/" + who;
    SEEN.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(props.get(PASSWORD));
    STARTS.add(
        name
            + " with "
            + props.get(PASSWORD)
            + " at "
            + Duration.between(BEGUN, Instant.now()).toMillis()
            + " ms");
  }

  private static String state(String connector) {
    try {
      var status = connect.connectorStatus(connector);
      return status.connector().state()
          + ", tasks "
          + status.tasks().stream().map(t -> t.id() + " " + t.state()).toList();
    } catch (RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /**
   * Hands its configuration to one task and, when it starts, asks Connect to reconfigure its tasks
   * (as a connector that watches its source for new tables does).
   */
  public static final class WatchingConnector extends SourceConnector {
    private Map<String, String> props = Map.of();

    @Override
    public void start(Map<String, String> props) {
      this.props = Map.copyOf(props);
      seen(props, "connector");
      context().requestTaskReconfiguration();
    }

    @Override
    public Class<? extends Task> taskClass() {
      return RecordingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
      return List.of(props);
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
      return new ConfigDef()
          .define(PASSWORD, ConfigDef.Type.PASSWORD, ConfigDef.Importance.HIGH, "the password")
          .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "the topic");
    }

    @Override
    public String version() {
      return "1";
    }
  }

  /** Records the password it is started with; produces nothing. */
  public static final class RecordingTask extends SourceTask {
    @Override
    public String version() {
      return "1";
    }

    @Override
    public void start(Map<String, String> props) {
      seen(props, "task");
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
      Thread.sleep(200);
      return null;
    }

    @Override
    public void stop() {}
  }
}
