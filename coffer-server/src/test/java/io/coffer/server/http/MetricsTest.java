package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.server.CofferServer;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Guardrails;
import io.coffer.server.config.MetricsListener;
import io.coffer.server.config.Rate;
import io.coffer.server.config.Settings;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics}: Prometheus' text on the metrics listener (plain HTTP, no token), and on the
 * HTTPS port for administrators only, never at a vault's host; what it counts is what happened.
 */
class MetricsTest {
  @TempDir static Path dataDir;
  private static RunningCoffer coffer;
  private static int metricsPort;
  private static final HttpClient PLAIN = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    metricsPort = RunningCoffer.freePort();
    Settings settings =
        Settings.defaults(dataDir, RunningCoffer.freePort())
            .withGuardrails(
                new Guardrails(
                    false,
                    Optional.empty(),
                    Optional.of(Rate.parse("throttle-vault", "40/10s")),
                    Guardrails.mib(8),
                    Guardrails.mib(256)))
            .withMetrics(new MetricsListener("127.0.0.1", metricsPort));
    coffer = RunningCoffer.start(settings, RunningCoffer.database(dataDir));
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  @Test
  void requests_are_counted_by_operation_and_status_with_a_latency_histogram() throws Exception {
    SecretClient client = coffer.secretClient();
    client.setSecret("counted", "v");
    double before = value(scrape(), "coffer_requests_seconds_count", "SecretGet", "200");
    for (int i = 0; i < 3; i++) {
      client.getSecret("counted");
    }

    String metrics = scrape();
    assertThat(value(metrics, "coffer_requests_seconds_count", "SecretGet", "200"))
        .isEqualTo(before + 3);
    assertThat(value(metrics, "coffer_requests_seconds_count", "SecretSet", "200")).isPositive();
    assertThat(metrics)
        .containsPattern(
            "coffer_requests_seconds_bucket\\{operation=\"SecretGet\",status=\"200\",le=\"0\\.001\"\\}")
        .contains("coffer_tokens_issued_total{grant=\"client_credentials\"}")
        .contains("coffer_audit_write_seconds_count");
    if (RunningCoffer.onPostgresql()) {
      assertThat(metrics).contains("hikaricp_connections_active{pool=\"coffer-postgresql\"}");
    } else {
      assertThat(metrics)
          .contains("hikaricp_connections_active{pool=\"coffer-readers\"}")
          .contains("cache_gets_total{cache=\"secret-reads\",result=\"hit\"}");
    }
  }

  /** Bound in the background once the server serves, so as not to delay its start. */
  @Test
  void the_jvm_and_process_meters_are_there_soon_after_start() throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    String metrics = scrape();
    // The binders run one after another: the GC's is the last, and what a scrape waits for.
    while (!metrics.contains("jvm_gc_memory_allocated_bytes_total")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
      metrics = scrape();
    }
    assertThat(metrics)
        .contains("jvm_memory_used_bytes")
        .contains("jvm_gc_memory_allocated_bytes_total")
        .contains("process_cpu_usage");
  }

  @Test
  void no_secret_name_or_value_reaches_the_metrics() throws Exception {
    SecretClient client = coffer.secretClient();
    client.setSecret("metrics-probe-name", "metrics-probe-value");
    client.getSecret("metrics-probe-name");
    client.getSecret("metrics-probe-name");

    String metrics = scrape();
    assertThat(metrics).doesNotContain("metrics-probe");
    assertThat(value(metrics, "coffer_requests_seconds_count", "SecretGet", "200")).isPositive();
  }

  @Test
  void a_path_no_route_takes_counts_as_unrouted_with_no_name_from_the_request() throws Exception {
    new VaultHttp(coffer).call("GET", "/no-such-thing-" + System.nanoTime(), null);

    String metrics = scrape();
    assertThat(value(metrics, "coffer_requests_seconds_count", "Unrouted", "404")).isPositive();
    assertThat(metrics).doesNotContain("no-such-thing");
  }

  @Test
  void token_refusals_are_counted_by_their_oauth_error() throws Exception {
    double before = tokensRefused(scrape());
    try {
      coffer.token(coffer.credentials().clientId(), "not-the-secret");
    } catch (IllegalStateException expected) {
      // refused, as it should be
    }
    assertThat(tokensRefused(scrape())).isEqualTo(before + 1);
  }

  @Test
  void throttled_requests_are_counted() throws Exception {
    VaultHttp vault = new VaultHttp(coffer);
    double before = sample(scrape(), "coffer_requests_throttled_total{operation=\"SecretGet\"}");
    int throttled = 0;
    for (int i = 0; i < 60 && throttled == 0; i++) {
      if (vault.call("GET", "/secrets/counted?api-version=7.5", null).statusCode() == 429) {
        throttled++;
      }
    }
    assertThat(throttled).isEqualTo(1);
    assertThat(sample(scrape(), "coffer_requests_throttled_total{operation=\"SecretGet\"}"))
        .isEqualTo(before + 1);
  }

  @Test
  void the_metrics_listener_serves_only_metrics_and_health() throws Exception {
    assertThat(plain("/healthz").statusCode()).isEqualTo(200);
    assertThat(plain("/secrets/counted?api-version=7.5").statusCode()).isEqualTo(404);
    assertThat(plain("/admin/v1/vaults").statusCode()).isEqualTo(404);
    HttpResponse<String> metrics = plain("/metrics");
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
  }

  @Test
  void on_the_https_port_a_vault_host_answers_404_and_others_need_an_administrator() {
    HttpResponse<String> atVault = https(coffer.vaultUrl() + "/metrics", null);
    assertThat(atVault.statusCode()).isEqualTo(404);
    assertThat(atVault.body()).doesNotContain("coffer_");

    String atService = coffer.credentials().authorityHost() + "/metrics";
    HttpResponse<String> anonymous = https(atService, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(https(atService, coffer.token()).statusCode()).isIn(401, 403);

    ClientCredential admin = coffer.server().directory().createAdministrator();
    String adminToken =
        coffer.token(
            admin.tenantId(),
            admin.clientId(),
            admin.clientSecret(),
            coffer.server().settings().endpoints().managementResource() + "/.default");
    HttpResponse<String> allowed = https(atService, adminToken);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body()).contains("coffer_requests_seconds_count");
  }

  @Test
  void a_metrics_port_that_is_the_https_port_is_refused_naming_the_setting() {
    Settings settings = Settings.defaults(dataDir, 18443);

    assertThatThrownBy(() -> settings.withMetrics(new MetricsListener("127.0.0.1", 18443)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("setting 'metrics-port'")
        .hasMessageContaining("is the HTTPS port 18443");
  }

  @Test
  void a_metrics_port_in_use_is_refused_at_start_naming_the_setting(@TempDir Path other)
      throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Settings settings =
          Settings.defaults(other, RunningCoffer.freePort())
              .withMetrics(new MetricsListener("127.0.0.1", taken.getLocalPort()));

      assertThatThrownBy(
              () -> CofferServer.start(settings, RunningCoffer.database(other), Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("setting 'metrics-port'")
          .hasMessageContaining("already in use")
          .hasMessageContaining("--metrics-port");
    }
  }

  private static double tokensRefused(String metrics) {
    Matcher m =
        Pattern.compile("coffer_tokens_refused_total\\{error=\"invalid_client\"\\} (\\S+)")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The value of the sample written exactly so, 0 when it is not there yet. */
  private static double sample(String metrics, String nameAndLabels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The value of a sample, 0 when it is not there yet. */
  private static double value(String metrics, String name, String operation, String status) {
    String labels =
        operation == null ? "" : "\\{operation=\"" + operation + "\",status=\"" + status + "\"\\}";
    Matcher m = Pattern.compile("(?m)^" + name + labels + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response = plain("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static HttpResponse<String> plain(String path) throws IOException, InterruptedException {
    return PLAIN.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> https(String url, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return coffer.send(request.build());
  }
}
