package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Marker values in configuration files go to the vault and nowhere else: not into what {@code
 * coffer migrate} prints (the dry run's diff, progress, messages, failures), not into its logs at
 * DEBUG, not into any file it writes but the backup of an input, and not into the rewritten files.
 */
class MigrateHygieneTest {
  private static RunningCoffer coffer;
  private static Path secretFile;
  private static Path scratch;

  @TempDir Path dir;
  private final List<String> markers = new ArrayList<>();

  /** Values migrate does not recognise: never printed, but left where they are. */
  private final List<String> unrecognised = new ArrayList<>();

  /** Everything migrate printed: stdout, stderr, DEBUG logs, the progress bar. */
  private final StringBuilder said = new StringBuilder();

  @BeforeAll
  static void start(@TempDir Path shared) throws IOException {
    coffer = RunningCoffer.shared();
    secretFile =
        Files.writeString(shared.resolve("client-secret"), coffer.credentials().clientSecret());
    scratch = shared;
  }

  @Test
  void moved_values_reach_only_the_vault_in_a_dry_run_an_apply_and_a_failure() throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    Map<Path, String> inputs = new LinkedHashMap<>();
    inputs.put(
        dir.resolve("pg-sink.json"),
        "{\"name\":\"pg-sink\",\"config\":{\"connection.user\":\"etl\",\"connection.password\":\""
            + marker("kafka")
            + "\",\"connection.url\":\"jdbc:postgresql://db/dwh?password="
            + unrecognised("url")
            + "\",\"consumer.override.sasl.jaas.config\":\"PlainLoginModule required username=etl"
            + " password="
            + marker("jaas")
            + ";\",\"topics\":\"orders\",\"ssl\":{\"key.password\":\""
            + marker("nested")
            + "\"}}}");
    StringBuilder properties = new StringBuilder("# app\ndb.user=etl\n");
    properties.append("db.password = ").append(marker("prop")).append('\n');
    properties.append("api-key: ").append(marker("colon")).append('\n');
    for (int i = 0; i < 11; i++) {
      // past the progress bar's threshold, so the bar is drawn too
      properties.append("feed").append(i).append(".token=").append(marker("feed" + i)).append('\n');
    }
    inputs.put(dir.resolve("app.properties"), properties.toString());
    inputs.put(
        dir.resolve("airflow.env"),
        "# airflow\nAIRFLOW_CONN_WH_"
            + id.toUpperCase()
            + "='postgres://etl:"
            + marker("conn")
            + "@db:5432/dwh'\nexport AIRFLOW_VAR_API_KEY_"
            + id.toUpperCase()
            + "=\""
            + marker("var")
            + "\"\nexport SMTP_PASSWORD="
            + marker("env")
            + "\nAIRFLOW__CORE__PARALLELISM=8\n");
    inputs.put(
        dir.resolve("values.yaml"),
        "service:\n  name: reports\n  credentials:\n    client_secret: "
            + marker("yaml")
            + "\n    tokens:\n      - "
            + marker("list0")
            + "\n      - "
            + marker("list1")
            + "\n");
    for (Map.Entry<Path, String> input : inputs.entrySet()) {
      Files.writeString(input.getKey(), input.getValue());
    }
    Path broken =
        Files.writeString(
            dir.resolve("broken.json"), "{\"password\":\"" + marker("broken") + "\",");
    Map<Path, byte[]> before = snapshot();
    String prefix = "hygiene-" + id;
    List<Path> files = List.copyOf(inputs.keySet());

    int dry = migrate(prefix, files);
    int applied = migrate(prefix, files, "--apply");
    int failed = migrate(prefix, List.of(broken), "--apply");

    assertThat(dry).isZero();
    assertThat(applied).isZero();
    assertThat(failed).isNotZero();
    assertNoMarker("what migrate printed or logged", said.toString(), markers);
    assertNoMarker("what migrate printed or logged", said.toString(), unrecognised);
    assertThat(said)
        .contains("would write", "rewritten to references", "not valid json")
        .contains("DEBUG com.azure", "13/13");

    List<Path> written = new ArrayList<>();
    for (Map.Entry<Path, byte[]> now : snapshot().entrySet()) {
      Path file = now.getKey();
      if (before.containsKey(file) && !inputs.containsKey(file)) {
        assertThat(now.getValue()).as(file + " was not touched").isEqualTo(before.get(file));
      } else if (isBackup(file, inputs.keySet())) {
        assertThat(now.getValue())
            .as(file + " is a copy of its input")
            .isEqualTo(before.get(original(file)));
        assertThat(Files.getPosixFilePermissions(file))
            .as(file + " holds plaintext, so only its owner may read it")
            .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      } else {
        written.add(file);
      }
    }
    assertThat(written).containsAll(inputs.keySet());
    for (Path file : written) {
      assertNoMarker(
          file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8), markers);
    }
    assertThat(coffer.secretClient().getSecret(prefix + "-db-password").getValue())
        .startsWith("MIGRATE-prop-");
  }

  /**
   * Runs {@code coffer migrate} in a JVM of its own, as a user would: what it prints is what
   * reaches the process's stdout and stderr (the progress bar writes to the file descriptor
   * directly), with every logger at DEBUG and its temporary and home directories inside the scanned
   * one.
   */
  private int migrate(String prefix, List<Path> files, String... extra) throws Exception {
    Path logback =
        Files.writeString(
            scratch.resolve("logback-debug.xml"),
            """
            <configuration>
              <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%level %logger %msg%n%ex</pattern></encoder>
              </appender>
              <logger name="com.azure" level="DEBUG"/>
              <logger name="com.microsoft.aad.msal4j" level="DEBUG"/>
              <root level="DEBUG"><appender-ref ref="ERR"/></root>
            </configuration>
            """);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xshare:auto",
                "-Dlogback.configurationFile=" + logback,
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                "-Duser.home=" + Files.createDirectories(dir.resolve("home"))));
    for (String property :
        List.of(
            "jdk.net.hosts.file",
            "javax.net.ssl.trustStore",
            "javax.net.ssl.trustStorePassword",
            "javax.net.ssl.trustStoreType")) {
      command.add("-D" + property + "=" + System.getProperty(property));
    }
    command.addAll(List.of(Main.class.getName(), "migrate"));
    command.addAll(files.stream().map(Path::toString).toList());
    command.addAll(
        List.of(
            "--vault-url",
            coffer.vaultUrl(),
            "--prefix",
            prefix,
            "--tenant-id",
            coffer.credentials().tenantId(),
            "--client-id",
            coffer.credentials().clientId(),
            "--client-secret-file",
            secretFile.toString(),
            "--authority-host",
            coffer.credentials().authorityHost()));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("HOME", dir.resolve("home").toString());
    builder.environment().put("COFFER_LOG_LEVEL", "DEBUG");
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("migrate finished").isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    text.lines().filter(line -> !line.startsWith("DEBUG ")).forEach(System.out::println);
    said.append(text);
    return process.exitValue();
  }

  private String marker(String where) {
    String marker = "MIGRATE-" + where + "-" + UUID.randomUUID();
    markers.add(marker);
    return marker;
  }

  private static void assertNoMarker(String where, String text, List<String> markers) {
    List<String> found = markers.stream().filter(text::contains).toList();
    assertThat(found).as(where + " holds markers").isEmpty();
  }

  /** Every regular file under the test directory with its bytes. */
  private Map<Path, byte[]> snapshot() throws IOException {
    Map<Path, byte[]> files = new HashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
        files.put(file, Files.readAllBytes(file));
      }
    }
    return files;
  }

  private String unrecognised(String where) {
    String marker = "UNRECOGNISED-" + where + "-" + UUID.randomUUID();
    unrecognised.add(marker);
    return marker;
  }

  private static boolean isBackup(Path file, Set<Path> inputs) {
    return inputs.stream()
        .anyMatch(input ->
            file.getParent().equals(input.getParent())
                && file.getFileName().toString().startsWith(input.getFileName() + ".bak-"));
  }

  private static Path original(Path backup) {
    String name = backup.getFileName().toString();
    return backup.resolveSibling(name.substring(0, name.lastIndexOf(".bak-")));
  }
}
