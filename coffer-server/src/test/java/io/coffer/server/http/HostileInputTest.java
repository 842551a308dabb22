package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.http.RawWire.Answer;
import io.coffer.server.testing.RunningCoffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on the wire: requests generated from a seed out of the REST shapes (names,
 * versions, api-versions, query parameters, headers and bodies, valid and broken), plus huge and
 * truncated requests. Whatever arrives, the answer is never a 5xx, never a hang, always an
 * Azure-shaped JSON error, and the server keeps serving. {@code -Dcoffer.fuzz.seed} replays a run;
 * {@code -Dcoffer.fuzz.cases} sets its size.
 */
class HostileInputTest {
  private static final ObjectMapper JSON = RawWire.JSON;
  private static final int TIMEOUT_MS = RawWire.TIMEOUT_MS;
  private static RunningCoffer coffer;
  private static RawWire wire;
  private static String token;

  @BeforeAll
  static void start() throws IOException {
    coffer = RunningCoffer.start(Files.createTempDirectory("coffer-hostile"));
    wire = new RawWire(coffer);
    token = coffer.token();
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  @Test
  void generated_requests_never_get_a_5xx_a_hang_or_a_shapeless_error() throws Exception {
    long seed = Long.getLong("coffer.fuzz.seed", System.nanoTime());
    int cases = Integer.getInteger("coffer.fuzz.cases", 500);
    Random random = new Random(seed);
    RequestShapes shapes = new RequestShapes(random, "main.vault.localhost:" + coffer.port());
    List<String> failures = new ArrayList<>();
    int[] byClass = new int[6];
    for (int i = 0; i < cases; i++) {
      RequestShapes.Case request = shapes.next(random.nextInt(10) == 0 ? "junk" : token);
      String problem;
      try {
        Answer answer = wire.exchange(request.bytes());
        byClass[answer.status() / 100]++;
        problem = RawWire.keyVaultProblem(answer, request.method());
      } catch (SocketTimeoutException e) {
        problem = "no answer within " + TIMEOUT_MS + " ms";
      }
      if (problem != null) {
        failures.add("case " + i + " (" + request.description() + "): " + problem);
      }
    }
    System.out.printf(
        "hostile-input: seed=%d cases=%d 2xx=%d 3xx=%d 4xx=%d 5xx=%d failures=%d%n",
        seed, cases, byClass[2], byClass[3], byClass[4], byClass[5], failures.size());

    assertThat(failures).as("seed " + seed).isEmpty();
    assertServerServes();
  }

  @Test
  void generated_token_and_sign_in_requests_never_get_a_5xx_or_a_hang() throws Exception {
    long seed = Long.getLong("coffer.fuzz.seed", System.nanoTime());
    int cases = Integer.getInteger("coffer.fuzz.cases", 500) / 2;
    Random random = new Random(seed);
    TokenFormShapes shapes =
        new TokenFormShapes(random, "localhost:" + coffer.port(), coffer.credentials().tenantId());
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      RequestShapes.Case request = shapes.next();
      String problem;
      try {
        Answer answer = wire.exchange(request.bytes());
        problem = oauthProblemWith(answer, request.description().contains("/token"));
      } catch (SocketTimeoutException e) {
        problem = "no answer within " + TIMEOUT_MS + " ms";
      }
      if (problem != null) {
        failures.add("case " + i + " (" + request.description() + "): " + problem);
      }
    }
    System.out.printf(
        "hostile-input: token-endpoint seed=%d cases=%d failures=%d%n",
        seed, cases, failures.size());

    assertThat(failures).as("seed " + seed).isEmpty();
    assertServerServes();
  }

  /** Token endpoint errors are OAuth JSON ({@code error} a string); sign-in errors are pages. */
  private static String oauthProblemWith(Answer answer, boolean tokenEndpoint) {
    if (answer.status() >= 500 || answer.status() < 100) {
      return "HTTP " + answer.status();
    }
    if (answer.body().contains("Exception") || answer.body().contains("at io.")) {
      return "a stack trace in the body";
    }
    if (!tokenEndpoint || answer.status() < 400) {
      return null;
    }
    try {
      JsonNode error = JSON.readTree(answer.body()).path("error");
      return error.isTextual() || error.path("code").isTextual()
          ? null
          : "HTTP " + answer.status() + " without an error: " + RawWire.abbreviated(answer.body());
    } catch (IOException e) {
      return "HTTP " + answer.status() + " body is not JSON: " + RawWire.abbreviated(answer.body());
    }
  }

  @Test
  void path_tricks_never_reach_a_secret_outside_the_granted_scope() throws Exception {
    String allowed = "allowed-" + System.nanoTime();
    String denied = "denied-" + System.nanoTime();
    for (String name : List.of(allowed, denied)) {
      Answer set =
          wire.exchange(
              request("PUT", "/secrets/" + name, token, "{\"value\":\"value-of-" + name + "\"}"));
      assertThat(set.status()).isEqualTo(200);
    }
    var directory = coffer.server().directory();
    var app = directory.createServicePrincipal(coffer.credentials().tenantId(), "scoped");
    var credential = directory.addClientSecret(app, java.time.Duration.ofHours(1));
    coffer
        .server()
        .authorizer()
        .assign(
            app.objectId(),
            io.coffer.server.authz.Role.KEY_VAULT_SECRETS_USER,
            io.coffer.server.authz.Scope.secret(
                coffer.server().vaults().named("main").id(), allowed));
    String scoped = coffer.token(credential.clientId(), credential.clientSecret());
    assertThat(wire.exchange(request("GET", "/secrets/" + allowed, scoped, "")).status())
        .as("the granted secret")
        .isEqualTo(200);

    for (String path :
        List.of(
            "/secrets/" + allowed + "/../" + denied,
            "/secrets/" + allowed + "/%2e%2e/" + denied,
            "/secrets/" + allowed + "%2F..%2F" + denied,
            "/secrets/" + allowed + "%252F..%252F" + denied,
            "/secrets/" + allowed + "/..%2F" + denied,
            "/secrets/" + allowed + "/%2E%2E%2F" + denied + "/",
            "/secrets/" + allowed + "/./../" + denied,
            "/secrets/" + allowed + ";/../" + denied,
            "/secrets/" + allowed + "%00/../" + denied,
            "/secrets/" + allowed + "\\..\\" + denied,
            "//secrets/" + allowed + "/../../secrets/" + denied)) {
      Answer answer = wire.exchange(request("GET", path, scoped, ""));
      assertThat(answer.body()).as(path).doesNotContain("value-of-" + denied);
      assertThat(answer.status()).as(path).isBetween(400, 499);
      assertThat(RawWire.keyVaultProblem(answer, "GET")).as(path).isNull();
    }
  }

  private static byte[] request(String method, String path, String bearer, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return (method
            + " "
            + path
            + "?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
            + coffer.port()
            + "\r\nAuthorization: Bearer "
            + bearer
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void a_body_over_the_limit_is_an_azure_shaped_413_not_a_5xx() throws Exception {
    byte[] value = new byte[21 * 1024 * 1024];
    java.util.Arrays.fill(value, (byte) 'a');
    String head =
        "PUT /secrets/huge?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
            + coffer.port()
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + (value.length + 11)
            + "\r\nConnection: close\r\n\r\n{\"value\":\"";
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(head.getBytes(StandardCharsets.ISO_8859_1));
    request.write(value);
    request.write("\"}".getBytes(StandardCharsets.ISO_8859_1));

    Answer answer = wire.exchange(request.toByteArray());

    assertThat(answer.status()).isEqualTo(413);
    assertThat(RawWire.keyVaultProblem(answer, "PUT")).isNull();
    assertServerServes();
  }

  @Test
  void a_body_shorter_than_its_content_length_is_answered_and_the_server_serves_on()
      throws Exception {
    String request =
        "PUT /secrets/short?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
            + coffer.port()
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"value\":";

    try (SSLSocket socket = wire.socket()) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.shutdownOutput();
      Answer answer = RawWire.read(socket.getInputStream());
      assertThat(answer.status()).isBetween(400, 499);
      assertThat(RawWire.keyVaultProblem(answer, "PUT")).isNull();
    }
    assertServerServes();
  }

  @Test
  void many_header_lines_and_a_huge_request_line_are_4xx() throws Exception {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      headers.append("X-H").append(i).append(": v\r\n");
    }
    Answer manyHeaders =
        wire.exchange(
            ("GET /secrets?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
                    + coffer.port()
                    + "\r\n"
                    + headers
                    + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    Answer longLine =
        wire.exchange(
            ("GET /secrets/"
                    + "a".repeat(100_000)
                    + "?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
                    + coffer.port()
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));

    for (Answer answer : List.of(manyHeaders, longLine)) {
      assertThat(answer.status()).isBetween(400, 499);
      assertThat(RawWire.keyVaultProblem(answer, "GET")).isNull();
    }
    assertServerServes();
  }

  @Test
  void slow_clients_do_not_starve_others_and_idle_ones_are_dropped() throws Exception {
    List<SSLSocket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        SSLSocket socket = wire.socket();
        // The connector's idle timeout (60 s) plus a margin: the wait below is bounded.
        socket.setSoTimeout(120_000);
        socket
            .getOutputStream()
            .write(
                ("PUT /secrets/slow-" + i + "?api-version=7.4 HTTP/1.1\r\nHost: main.vault")
                    .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        slow.add(socket);
      }
      for (int i = 0; i < 20; i++) {
        assertServerServes();
      }
      int dropped = 0;
      for (SSLSocket socket : slow) {
        try {
          Answer answer = RawWire.read(socket.getInputStream());
          assertThat(answer.status() == 0 || answer.status() >= 400).isTrue();
          dropped++;
        } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
          dropped++;
        }
      }
      System.out.printf("hostile-input: slow-clients=%d dropped=%d%n", slow.size(), dropped);
      assertThat(dropped).isEqualTo(slow.size());
    } finally {
      for (SSLSocket socket : slow) {
        socket.close();
      }
    }
    assertServerServes();
  }

  @Test
  void a_client_trickling_a_request_head_is_dropped_though_never_idle() throws Exception {
    try (SSLSocket socket = wire.socket()) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /secrets?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:" + coffer.port())
              .getBytes(StandardCharsets.ISO_8859_1));
      int linesSent = 0;
      boolean dropped = false;
      // One header line every 2 s keeps the connection busy far past the 60 s idle timeout.
      while (!dropped && linesSent < 60) {
        Thread.sleep(2_000);
        try {
          out.write(("\r\nX-Line-" + linesSent + ": v").getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          linesSent++;
        } catch (IOException e) {
          dropped = true;
        }
      }
      System.out.printf("hostile-input: trickled-lines=%d dropped=%s%n", linesSent, dropped);
      assertThat(dropped).as("dropped before %d lines (120 s)", linesSent).isTrue();
    }
    assertServerServes();
  }

  static void assertServerServes() throws Exception {
    Answer health =
        wire.exchange(
            ("GET /secrets?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
                    + coffer.port()
                    + "\r\nAuthorization: Bearer "
                    + token
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(health.status()).as("an ordinary request after the hostile ones").isEqualTo(200);
  }
}
