package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.client.kafka.CofferConfigProvider;
import io.coffer.server.testing.RunningCoffer;
import jakarta.ws.rs.core.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A connector file that {@code coffer migrate --target kafka-connect --apply} rewrote, registered
 * unchanged through the REST API of a real Kafka Connect cluster — Kafka's own test harness: a
 * KRaft broker and a distributed worker — whose worker is configured with the Coffer provider as
 * the README shows. The connector and its task are started with the secret's value; Connect keeps
 * only the placeholder; after the provider's TTL Connect restarts the connector, which then has the
 * rotated value, and the task has it from its next restart.
 */
class KafkaConnectMigrationTest {
  private static final String PASSWORD = "connection.password";
  private static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();

  private static RunningCoffer coffer;
  private static EmbeddedConnectCluster connect;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    // Kafka's INFO is megabytes per run; a second logback-test.xml would make logback print its
    // status to the stdout that other tests' child processes answer on.
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
    worker.put(param + "cache.ttl.ms", "3000");
    connect =
        new EmbeddedConnectCluster.Builder()
            .name("coffer-connect")
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
  void a_migrated_connector_runs_with_the_secret_and_picks_up_a_rotation_after_the_ttl()
      throws Exception {
    String name = "pg-source-" + UUID.randomUUID().toString().substring(0, 6);
    Path file =
        Files.writeString(
            dir.resolve(name + ".json"),
            "{\"name\":\""
                + name
                + "\",\"config\":{\"connector.class\":\""
                + RecordingConnector.class.getName()
                + "\",\"tasks.max\":\"1\",\"topic\":\"orders\",\"connection.user\":\"etl\","
                + "\"connection.password\":\"pw-before-rotation\"}}");
    migrate(name, file);
    String secret = name + "-config-connection-password";
    String placeholder = "${coffer:" + coffer.vaultUrl() + "::" + secret + "}";
    assertThat(Files.readString(file))
        .contains("\"connection.password\" : \"" + placeholder + "\"")
        .doesNotContain("pw-before-rotation");

    Response created =
        connect.requestPost(
            connect.endpointForResource("connectors"),
            Files.readString(file),
            Map.of("Content-Type", "application/json"));
    assertThat(created.getStatus()).as(String.valueOf(created.getEntity())).isEqualTo(201);
    connect
        .assertions()
        .assertConnectorAndExactlyNumTasksAreRunning(name, 1, "the connector did not start");
    await(name + "/task", "pw-before-rotation");
    assertThat(SEEN.get(name + "/connector")).containsOnly("pw-before-rotation");
    // Connect stores what it was given: the placeholder, never the value
    assertThat(connect.connectorInfo(name).config()).containsEntry(PASSWORD, placeholder);
    assertThat(connect.taskConfigs(name).get(0).config()).containsEntry(PASSWORD, placeholder);

    admin().setSecret(secret, "pw-after-rotation");
    await(name + "/connector", "pw-after-rotation");
    // The TTL restarts the connector; its tasks keep their configuration until they restart.
    assertThat(SEEN.get(name + "/task")).doesNotContain("pw-after-rotation");
    connect.restartConnectorAndTasks(name, false, true, false);
    await(name + "/task", "pw-after-rotation");
  }

  private static void migrate(String prefix, Path file) {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new MigrateCommand());
    command.setOut(new PrintWriter(out));
    int exit =
        command.execute(
            file.toString(),
            "--target",
            "kafka-connect",
            "--apply",
            "--vault-url",
            coffer.vaultUrl(),
            "--prefix",
            prefix,
            "--tenant-id",
            coffer.credentials().tenantId(),
            "--client-id",
            coffer.credentials().clientId(),
            "--client-secret-file",
            clientSecretFile().toString(),
            "--authority-host",
            coffer.credentials().authorityHost());
    assertThat(exit).as(out.toString()).isZero();
  }

  private static Path clientSecretFile() {
    try {
      return Files.writeString(dir.resolve("client-secret"), coffer.credentials().clientSecret());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static SecretClient admin() {
    return coffer.secretClient();
  }

  private static void await(String who, String value) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!SEEN.getOrDefault(who, List.of()).contains(value) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(SEEN.getOrDefault(who, List.of()))
        .as("values %s was started with", who)
        .contains(value);
  }

  private static void seen(Map<String, String> props, String who) {
    SEEN.computeIfAbsent(props.get("name") + "/" + who, k -> new CopyOnWriteArrayList<>())
        .add(props.get(PASSWORD));
  }

  /** Records the password it is started with and hands its configuration to one task. */
  public static final class RecordingConnector extends SourceConnector {
    private Map<String, String> props = Map.of();

    @Override
    public void start(Map<String, String> props) {
      this.props = Map.copyOf(props);
      seen(props, "connector");
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
