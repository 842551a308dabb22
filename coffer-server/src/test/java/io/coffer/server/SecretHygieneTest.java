package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.config.Settings;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Marker values sent through every path that carries a secret (secret values on set, update, backup
 * and restore; values inside rejected bodies; client secrets and passwords on the token endpoint
 * and the admin API, including the one-time bootstrap) never show up in a log line, an error body
 * or the bytes of the database files.
 */
class SecretHygieneTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Everything the server said or stored during the test, to be scanned for markers. */
  private final List<String> bodies = new ArrayList<>();

  private final List<String> markers = new ArrayList<>();

  @Test
  void marker_values_never_reach_logs_error_bodies_or_storage_files(@TempDir Path dirs)
      throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger coffers = (Logger) LoggerFactory.getLogger("io.coffer");
    Level before = coffers.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    coffers.setLevel(Level.DEBUG);
    Path dataDir = dirs.resolve("dev");
    Path bareDir = dirs.resolve("bare");
    byte[] backup;
    try (RunningCoffer coffer = RunningCoffer.start(dataDir)) {
      backup = secretPaths(coffer);
      errorPaths(coffer);
      tokenPaths(coffer);
      adminPaths(coffer);
      bootstrapPath(bareDir);
    } finally {
      root.detachAppender(logs);
      coffers.setLevel(before);
    }

    assertThat(logs.list).as("the access log saw the requests").isNotEmpty();
    assertThat(markers).hasSizeGreaterThan(8);
    for (ILoggingEvent event : logs.list) {
      String text =
          event.getFormattedMessage()
              + (event.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertNoMarker("log line", text);
    }
    for (String body : bodies) {
      assertNoMarker("response body", body);
    }
    assertNoMarker("backup blob", new String(backup, StandardCharsets.ISO_8859_1));
    List<Path> files = new ArrayList<>();
    for (Path dir : List.of(dataDir, bareDir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.filter(Files::isRegularFile)
            .filter(f -> f.getFileName().toString().startsWith("coffer.db"))
            .forEach(files::add);
      }
    }
    assertThat(files).extracting(f -> f.getFileName().toString()).contains("coffer.db");
    for (Path file : files) {
      assertNoMarker(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }
  }

  private String marker(String path) {
    String marker = "HYGIENE-" + path + "-" + UUID.randomUUID();
    markers.add(marker);
    return marker;
  }

  private void assertNoMarker(String where, String text) {
    for (String marker : markers) {
      assertThat(text).as(where + " holds marker " + marker).doesNotContain(marker);
    }
  }

  /** Set, new version, update, get, backup, delete, purge, restore: the value is only returned. */
  private byte[] secretPaths(RunningCoffer coffer) {
    SecretClient client = coffer.secretClient();
    String name = "hygiene-" + UUID.randomUUID().toString().substring(0, 8);
    String first = marker("set");
    String second = marker("set-version");
    client.setSecret(name, first);
    KeyVaultSecret latest = client.setSecret(name, second);
    client.updateSecretProperties(latest.getProperties().setContentType("text/plain"));
    assertThat(client.getSecret(name).getValue()).isEqualTo(second);
    byte[] backup = client.backupSecret(name);
    client.beginDeleteSecret(name).waitForCompletion();
    client.purgeDeletedSecret(name);
    client.restoreSecretBackup(backup);
    assertThat(client.getSecret(name).getValue()).isEqualTo(second);
    return backup;
  }

  /** Rejected requests whose bodies carry a value: the value is never echoed. */
  private void errorPaths(RunningCoffer coffer) {
    String token = coffer.token();
    String name = "hygiene-err-" + UUID.randomUUID().toString().substring(0, 8);
    String value = marker("error");
    String restore = Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    for (String[] call :
        new String[][] {
          {"PUT", "/secrets/bad_name", "{\"value\":\"" + value + "\"}"},
          {"PUT", "/secrets/" + name + "x", "{\"value\":\"" + value + "x".repeat(25_600) + "\"}"},
          {"PUT", "/secrets/" + name + "y", "{\"value\":\"" + value + "\",\"tags\":7}"},
          {"PUT", "/secrets/" + name + "z", "{\"value\":\"" + value + "\""},
          {"PUT", "/secrets/" + name, "{\"value\":[\"" + value + "\"]}"},
          {"POST", "/secrets/restore", "{\"value\":\"" + value + "\"}"},
          {"POST", "/secrets/restore", "{\"value\":\"" + restore + "\"}"},
          {"PATCH", "/secrets/" + name, "{\"value\":\"" + value + "\",\"contentType\":5}"},
          {"PATCH", "/secrets/" + name, "{\"value\":\"" + value + "\"}"}
        }) {
      HttpResponse<String> response =
          coffer.send(
              HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + call[1] + "?api-version=7.4"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .method(call[0], HttpRequest.BodyPublishers.ofString(call[2]))
                  .build());
      assertThat(response.statusCode()).as(call[0] + " " + call[1]).isBetween(400, 499);
      bodies.add(response.body());
    }
  }

  /** Client secrets on the token endpoint: a wrong one, a right one, and one in Basic auth. */
  private void tokenPaths(RunningCoffer coffer) {
    String wrong = marker("client-secret");
    String scope = enc(coffer.server().settings().endpoints().resource() + "/.default");
    URI endpoint =
        URI.create(
            coffer.credentials().authorityHost()
                + "/"
                + coffer.credentials().tenantId()
                + "/oauth2/v2.0/token");
    String clientId = coffer.credentials().clientId();
    for (HttpRequest request :
        List.of(
            form(endpoint, "client_id=" + clientId + "&client_secret=" + enc(wrong), scope),
            form(endpoint, "client_id=nobody&client_secret=" + enc(wrong), scope),
            HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (clientId + ":" + wrong).getBytes(StandardCharsets.UTF_8)))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&scope=" + scope))
                .build())) {
      HttpResponse<String> response = coffer.send(request);
      assertThat(response.statusCode()).isBetween(400, 401);
      bodies.add(response.body());
    }
    markers.add(coffer.credentials().clientSecret());
    coffer.token();
  }

  /** The admin API creates principals with passwords and client secrets. */
  private void adminPaths(RunningCoffer coffer) throws IOException {
    JsonNode profile =
        JSON.readTree(coffer.server().settings().dataDir().resolve("admin.json").toFile());
    markers.add(profile.path("clientSecret").asText());
    String management =
        coffer.token(
            profile.path("tenantId").asText(),
            profile.path("clientId").asText(),
            profile.path("clientSecret").asText(),
            coffer.server().settings().endpoints().managementResource() + "/.default");
    String admin = coffer.credentials().authorityHost() + "/admin/v1";
    String tenant = coffer.credentials().tenantId();
    String password = marker("password");

    JsonNode user =
        adminCall(
            coffer.http(),
            management,
            "POST",
            admin + "/tenants/" + tenant + "/principals",
            "{\"kind\":\"User\",\"displayName\":\"hygiene\",\"userName\":\"hygiene-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "@coffer\",\"password\":\""
                + password
                + "\"}",
            200);
    String userId = user.path("objectId").asText();
    adminCall(
        coffer.http(),
        management,
        "PUT",
        admin + "/principals/" + userId + "/password",
        "{\"password\":\"" + marker("new-password") + "\"}",
        -1);
    adminCall(
        coffer.http(),
        management,
        "PUT",
        admin + "/principals/" + userId + "/password",
        "{\"password\":[\"" + marker("bad-password") + "\"]}",
        400);
    JsonNode app =
        adminCall(
            coffer.http(),
            management,
            "POST",
            admin + "/tenants/" + tenant + "/principals",
            "{\"displayName\":\"hygiene-app\"}",
            200);
    JsonNode secret =
        adminCall(
            coffer.http(),
            management,
            "POST",
            admin + "/principals/" + app.path("objectId").asText() + "/secrets",
            "{\"days\":1}",
            200);
    assertThat(secret.path("clientSecret").asText()).isNotEmpty();
    markers.add(secret.path("clientSecret").asText());
    coffer.token(secret.path("clientId").asText(), secret.path("clientSecret").asText());
  }

  /** A server without dev mode: the one-time bootstrap token and the credential it yields. */
  private void bootstrapPath(Path bareDir) throws IOException {
    int port = RunningCoffer.freePort();
    try (CofferServer bare = CofferServer.start(Settings.defaults(bareDir, port), Map.of())) {
      String token = bare.bootstrapToken().orElseThrow();
      markers.add(token);
      HttpClient http = HttpClient.newBuilder().sslContext(bare.tls().clientContext()).build();
      String admin = "https://localhost:" + port + "/admin/v1";
      adminCall(
          http, "", "POST", admin + "/bootstrap", "{\"token\":\"" + marker("boot") + "\"}", -1);
      JsonNode credential =
          adminCall(http, "", "POST", admin + "/bootstrap", "{\"token\":\"" + token + "\"}", 200);
      markers.add(credential.path("clientSecret").asText());
    }
  }

  private JsonNode adminCall(
      HttpClient http, String token, String method, String uri, String body, int expected) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (expected > 0) {
        assertThat(response.statusCode()).as(method + " " + uri).isEqualTo(expected);
      }
      if (response.statusCode() >= 400) {
        bodies.add(response.body());
      }
      return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest form(URI endpoint, String credentials, String scope) {
    return HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "grant_type=client_credentials&" + credentials + "&scope=" + scope))
        .build();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
