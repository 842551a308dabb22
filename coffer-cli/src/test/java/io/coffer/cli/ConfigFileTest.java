package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.config.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code coffer serve --config coffer.yaml}: every flag is a key of the file, a {@code COFFER_*}
 * variable beats the file and a flag beats both; a key that is no setting is refused naming the one
 * it resembles; the README documents every key.
 */
class ConfigFileTest {
  @TempDir Path dir;

  /** What a run of the command printed, and its exit status. */
  private record Outcome(int status, String out, String err) {}

  private static Outcome run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = Main.command(environment);
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int status = command.execute(args);
    return new Outcome(status, out.toString(), err.toString());
  }

  private Path config(String yaml) throws IOException {
    Path file = dir.resolve("coffer.yaml");
    Files.writeString(file, yaml);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** The line of {@code --print-config} for a key, its columns split on runs of spaces. */
  private static List<String> line(String report, String key) {
    return report
        .lines()
        .filter(l -> l.startsWith(key + " "))
        .findFirst()
        .map(l -> List.of(l.trim().split(" {2,}")))
        .orElseThrow(() -> new AssertionError("no line for " + key + " in:\n" + report));
  }

  @Test
  void a_flag_beats_its_variable_which_beats_the_file_which_beats_the_default() throws Exception {
    Path file =
        config(
            """
            data-dir: %s
            port: 9101
            domain: file.test
            read-cache-mib: 32
            throttle-vault: 500/10s
            """
                .formatted(dir.resolve("data")));

    Outcome outcome =
        run(
            Map.of("COFFER_PORT", "9202", "COFFER_DOMAIN", "env.test"),
            "serve",
            "--config",
            file.toString(),
            "--domain",
            "flag.test",
            "--print-config");

    assertThat(outcome.status()).as(outcome.err()).isZero();
    String report = outcome.out();
    assertThat(line(report, "data-dir")).containsExactly("data-dir", dir + "/data", "file " + file);
    assertThat(line(report, "port")).containsExactly("port", "9202", "environment COFFER_PORT");
    assertThat(line(report, "domain")).containsExactly("domain", "flag.test", "flag");
    assertThat(line(report, "read-cache-mib"))
        .containsExactly("read-cache-mib", "32", "file " + file);
    assertThat(line(report, "throttle-vault"))
        .containsExactly("throttle-vault", "500/10s", "file " + file);
    assertThat(line(report, "bind")).containsExactly("bind", "127.0.0.1", "default");
  }

  @Test
  void the_config_file_may_be_named_by_coffer_config() throws Exception {
    Path file = config("data-dir: " + dir.resolve("data") + "\nmetrics-port: 9464\n");

    Outcome outcome = run(Map.of("COFFER_CONFIG", file.toString()), "serve", "--print-config");

    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(line(outcome.out(), "metrics-port"))
        .containsExactly("metrics-port", "9464", "file " + file);
  }

  @Test
  void an_unknown_key_is_refused_naming_the_key_it_resembles() throws Exception {
    Path file = config("data-dir: " + dir + "\nread-cach-mib: 32\n");

    Outcome outcome = run(Map.of(), "serve", "--config", file.toString(), "--print-config");

    assertThat(outcome.status()).isEqualTo(Errors.CONFIG);
    assertThat(outcome.err())
        .contains("unknown key 'read-cach-mib' in " + file)
        .contains("did you mean 'read-cache-mib'?");
  }

  @Test
  void a_key_like_no_setting_is_refused_pointing_at_the_list_of_keys() throws Exception {
    Path file = config("data-dir: " + dir + "\nlisten_address: 0.0.0.0\n");

    Outcome outcome = run(Map.of(), "serve", "--config", file.toString(), "--print-config");

    assertThat(outcome.status()).isEqualTo(Errors.CONFIG);
    assertThat(outcome.err())
        .contains("unknown key 'listen_address'")
        .contains("the flags of 'coffer serve --help' without their dashes");
  }

  @Test
  void a_variable_of_the_wrong_kind_is_refused_naming_the_variable() throws Exception {
    Outcome outcome =
        run(
            Map.of("COFFER_PORT", "eighty"),
            "serve",
            "--data-dir",
            dir.toString(),
            "--print-config");

    assertThat(outcome.status()).isEqualTo(Errors.CONFIG);
    assertThat(outcome.err())
        .contains("setting 'port'")
        .contains("'eighty' from COFFER_PORT is not a whole number");
  }

  @Test
  void a_list_where_one_value_belongs_is_refused_naming_the_key() throws Exception {
    Path file = config("data-dir: " + dir + "\nport:\n  - 1\n  - 2\n");

    Outcome outcome = run(Map.of(), "serve", "--config", file.toString(), "--print-config");

    assertThat(outcome.status()).isEqualTo(Errors.CONFIG);
    assertThat(outcome.err()).contains("setting 'port'").contains("must be one value");
  }

  @Test
  void a_file_with_the_database_password_that_others_may_read_is_refused() throws Exception {
    Path file = config("data-dir: " + dir + "\ndb-password: hunter2-of-the-db\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    Outcome outcome = run(Map.of(), "serve", "--config", file.toString(), "--print-config");

    assertThat(outcome.status()).isEqualTo(Errors.CONFIG);
    assertThat(outcome.err()).contains("chmod 600 " + file).doesNotContain("hunter2-of-the-db");
  }

  @Test
  void print_config_masks_the_database_password_and_one_inside_the_jdbc_url() throws Exception {
    Path file =
        config(
            """
            data-dir: %s
            storage: postgresql
            jdbc-url: jdbc:postgresql://db:5432/coffer?password=in-the-url-secret
            db-user: coffer
            db-password: hunter2-of-the-db
            """
                .formatted(dir));

    Outcome outcome = run(Map.of(), "serve", "--config", file.toString(), "--print-config");

    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.out())
        .doesNotContain("hunter2-of-the-db")
        .doesNotContain("in-the-url-secret");
    assertThat(line(outcome.out(), "db-password"))
        .containsExactly("db-password", "****", "file " + file);
  }

  @Test
  void the_readme_documents_every_key_with_its_variable() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    CommandLine serve = Main.command(Map.of()).getSubcommands().get("serve");

    List<String> undocumented = new ArrayList<>();
    for (String key : ConfigSources.keys(serve.getCommandSpec())) {
      String row = "| `" + key + "` | `" + ConfigSources.variable(key) + "` |";
      if (!readme.contains(row)) {
        undocumented.add(row);
      }
    }
    assertThat(undocumented).as("rows missing from README.md's table of settings").isEmpty();
  }

  @Test
  void io_threads_out_of_range_is_refused_naming_the_setting_and_its_range() {
    ServerOptions options = new ServerOptions();
    options.ioThreads = 0;

    assertThatThrownBy(() -> options.settings(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("io-threads")
        .hasMessageContaining("0 is out of range")
        .hasMessageContaining("1-256");
    options.ioThreads = 3;
    assertThat(options.settings(dir).ioThreads()).isEqualTo(3);
  }

  @Test
  void serve_started_from_a_config_file_serves_tls_and_metrics_where_the_settings_say()
      throws Exception {
    int port = freePort();
    int metricsPort = freePort();
    Path data = dir.resolve("data");
    Path file = config("data-dir: " + data + "\nport: " + freePort() + "\nio-threads: 1\n");
    Path log = dir.resolve("serve.log");
    // The variable beats the file's port; the metrics port comes from the environment alone.
    ProcessBuilder builder =
        new ProcessBuilder(java("serve", "--config", file.toString())).redirectError(log.toFile());
    builder.environment().put("COFFER_PORT", Integer.toString(port));
    builder.environment().put("COFFER_METRICS_PORT", Integer.toString(metricsPort));
    Process process = builder.start();
    try {
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = stdout.readLine();
      assertThat(first).startsWith("Coffer is serving on https://127.0.0.1:" + port);

      HttpClient tls =
          HttpClient.newBuilder().sslContext(trusting(data.resolve("tls/ca.pem"))).build();
      HttpResponse<String> health =
          tls.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);

      HttpResponse<String> metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .containsPattern(
              "(?m)^coffer_requests_seconds_count\\{operation=\"Health\",status=\"200\"\\} 1$");
      assertThat(Files.readString(log)).contains("event=listening").contains("io_threads=1");
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static List<String> java(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.coffer.cli.Main");
    command.addAll(List.of(args));
    return command;
  }

  private static SSLContext trusting(Path caFile) throws Exception {
    X509Certificate ca;
    try (var in = Files.newInputStream(caFile)) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("coffer-ca", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
