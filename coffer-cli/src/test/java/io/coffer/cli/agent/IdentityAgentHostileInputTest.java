package io.coffer.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.DevMode;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input to the identity agent's two loopback endpoints (App Service and IMDS style):
 * requests generated from a seed with junk query parameters, encodings, proof headers and methods.
 * Whatever arrives, the answer is never a 5xx, never a hang, never a stack trace; an error from an
 * endpoint is OAuth's {@code {"error", "error_description"}}; and the agent serves on. {@code
 * -Dcoffer.fuzz.seed} replays a run; {@code -Dcoffer.fuzz.cases} sets its size.
 */
class IdentityAgentHostileInputTest {
  private static final int TIMEOUT_MS = 20_000;

  /**
   * The JDK's HTTP server refuses a request line whose URI is not valid (a bad percent escape)
   * before any handler runs, with this fixed page; the agent cannot shape that answer, and it names
   * an exception class but holds no trace.
   */
  private static final String JDK_REFUSAL = "<h1>400 Bad Request</h1>URISyntaxException thrown";

  private static final List<String> JUNK =
      List.of(
          "",
          "%",
          "%zz",
          "%00",
          "%ED%A0%80",
          "caf%C3%A9",
          "%E2%80%AE",
          "a+b",
          "%26%3D",
          "x".repeat(5000),
          "https%3A%2F%2Fevil.example%2F",
          "..%2F..%2F",
          "%0d%0aX-Injected%3A%201",
          "00000000-0000-0000-0000-000000000000",
          "%7B%22a%22%3A1%7D");

  @TempDir static Path dir;

  private static RunningCoffer coffer;
  private static IdentityAgent agent;
  private static DirectoryPrincipal user;

  @BeforeAll
  static void start() throws IOException {
    coffer = RunningCoffer.start(dir.resolve("coffer"));
    String tenant = coffer.credentials().tenantId();
    String vaultId = coffer.server().vaults().find(DevMode.VAULT).orElseThrow().id();
    var directory = coffer.server().directory();
    DirectoryPrincipal system = directory.createManagedIdentity(tenant, "fuzz-host", true);
    user = directory.createManagedIdentity(tenant, "fuzz-user", false);
    List<Map<String, String>> identities = new ArrayList<>();
    for (DirectoryPrincipal identity : List.of(system, user)) {
      coffer
          .server()
          .authorizer()
          .assign(identity.objectId(), Role.KEY_VAULT_SECRETS_USER, Scope.vault(vaultId));
      identities.add(
          Map.of(
              "clientId",
              identity.clientId(),
              "clientSecret",
              directory.addClientSecret(identity, Duration.ofDays(1)).clientSecret(),
              "kind",
              identity == system ? "system" : "user",
              "name",
              identity.displayName()));
    }
    Path config = dir.resolve("agent.json");
    Files.write(
        config,
        Json.write(
            Map.of(
                "authority",
                coffer.credentials().authorityHost(),
                "tenant",
                tenant,
                "caFile",
                coffer.server().tls().caFile().toAbsolutePath().toString(),
                "identities",
                identities)));
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    agent =
        IdentityAgent.start(
            AgentConfig.load(config), InetAddress.getLoopbackAddress(), 0, new MovableClock());
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
    if (coffer != null) {
      coffer.close();
    }
  }

  /** One answer: status (0 when there was none), head as sent, body. */
  record Answer(int status, String head, String body) {}

  @Test
  void generated_token_requests_never_get_a_5xx_a_hang_or_a_shapeless_error() throws Exception {
    long seed = Long.getLong("coffer.fuzz.seed", System.nanoTime());
    int cases = Integer.getInteger("coffer.fuzz.cases", 500);
    Random random = new Random(seed);
    List<String> failures = new ArrayList<>();
    int[] byClass = new int[6];
    int jdkRefused = 0;
    long started = System.nanoTime();
    for (int i = 0; i < cases; i++) {
      String[] request = request(random);
      String problem;
      try {
        Answer answer = exchange(request[1]);
        byClass[Math.min(5, answer.status() / 100)]++;
        if (answer.status() == 400 && answer.body().equals(JDK_REFUSAL)) {
          jdkRefused++;
          continue;
        }
        problem = problemWith(answer, request[0].startsWith("HEAD"));
      } catch (SocketTimeoutException e) {
        problem = "no answer within " + TIMEOUT_MS + " ms";
      }
      if (problem != null) {
        failures.add("case " + i + " (" + request[0] + "): " + problem);
      }
    }
    System.out.printf(
        "hostile-input: identity-agent seed=%d cases=%d 2xx=%d 4xx=%d (of them refused by the JDK"
            + " server=%d) 5xx=%d failures=%d in %d ms%n",
        seed,
        cases,
        byClass[2],
        byClass[4],
        jdkRefused,
        byClass[5],
        failures.size(),
        (System.nanoTime() - started) / 1_000_000);

    assertThat(failures).as("seed " + seed).isEmpty();
    Answer normal =
        exchange(
            "GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource="
                + enc(coffer.server().settings().endpoints().resource())
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nMetadata: true\r\nConnection: close\r\n\r\n");
    assertThat(normal.status()).as(normal.body()).isEqualTo(200);
    assertThat(normal.body()).contains("access_token");
  }

  /** A description (never the whole request) and the request. */
  private static String[] request(Random random) {
    boolean appService = random.nextBoolean();
    String method =
        random.nextInt(12) == 0 ? pick(random, List.of("POST", "PUT", "HEAD", "DELETE")) : "GET";
    String path = appService ? "/msi/token" : "/metadata/identity/oauth2/token";
    if (random.nextInt(10) == 0) {
      path = pick(random, List.of(path + "/", path + "/../token", path + "%2F..", path + "x"));
    }
    StringBuilder query = new StringBuilder();
    if (random.nextInt(6) != 0) {
      query
          .append("api-version=")
          .append(
              random.nextInt(4) == 0
                  ? pick(random, JUNK)
                  : appService ? "2019-08-01" : "2018-02-01");
    }
    if (random.nextInt(6) != 0) {
      String resource = coffer.server().settings().endpoints().resource();
      query
          .append("&resource=")
          .append(
              random.nextInt(3) == 0
                  ? pick(random, JUNK)
                  : enc(random.nextBoolean() ? resource : resource + "/"));
    }
    List<String> ids =
        appService
            ? List.of("client_id", "object_id", "principal_id", "mi_res_id")
            : List.of("client_id", "object_id", "msi_res_id");
    int named = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0;
    for (int i = 0; i < named; i++) {
      query
          .append('&')
          .append(pick(random, ids))
          .append('=')
          .append(random.nextBoolean() ? user.clientId() : pick(random, JUNK));
    }
    if (random.nextInt(8) == 0) {
      query.append(pick(random, List.of("&", "&&", "&=", "&%zz", "&a=%", "&resource=x")));
    }
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path);
    if (!query.isEmpty() || random.nextBoolean()) {
      head.append('?').append(query);
    }
    head.append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(agent.port()).append("\r\n");
    String header = appService ? "X-IDENTITY-HEADER" : "Metadata";
    String proof = appService ? agent.environment().get("IDENTITY_HEADER") : "true";
    switch (random.nextInt(6)) {
      case 0 -> {}
      case 1 ->
          head.append(header)
              .append(": ")
              .append(pick(random, List.of("", "false", "TRUE", "x".repeat(8000), proof + "x")))
              .append("\r\n");
      case 2 ->
          head.append(header)
              .append(": ")
              .append(proof)
              .append("\r\n")
              .append(header)
              .append(": other\r\n");
      default -> head.append(header).append(": ").append(proof).append("\r\n");
    }
    if (random.nextInt(10) == 0) {
      head.append(
              pick(
                  random,
                  List.of(
                      "X-Big: " + "b".repeat(20_000),
                      "Expect: 100-continue",
                      "Content-Type: application/x-www-form-urlencoded")))
          .append("\r\n");
    }
    String body = method.equals("POST") || method.equals("PUT") ? "resource=x&" + query : "";
    if (!body.isEmpty()) {
      head.append("Content-Length: ").append(body.length()).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n").append(body);
    String shown = path + "?" + query;
    return new String[] {
      method + " " + (shown.length() > 140 ? shown.substring(0, 140) + "..." : shown),
      head.toString()
    };
  }

  private static String problemWith(Answer answer, boolean head) {
    if (answer.status() >= 500) {
      return "HTTP " + answer.status();
    }
    if (answer.status() < 100) {
      return "no status line: '" + answer.head() + "'";
    }
    if (answer.body().contains("Exception") || answer.body().contains("at io.")) {
      return "HTTP "
          + answer.status()
          + " with a stack trace in the body: "
          + abbreviated(answer.body());
    }
    if (answer.status() < 400 || head) {
      return null;
    }
    try {
      JsonNode body = Json.readTree(answer.body().getBytes(StandardCharsets.UTF_8));
      return body.path("error").isTextual() && body.path("error_description").isTextual()
          ? null
          : "HTTP " + answer.status() + " not an OAuth error: " + abbreviated(answer.body());
    } catch (RuntimeException e) {
      return "HTTP " + answer.status() + " body is not JSON: " + abbreviated(answer.body());
    }
  }

  private static Answer exchange(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.port())) {
      socket.setSoTimeout(TIMEOUT_MS);
      try {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // The agent may answer and close before reading all of it.
      }
      return read(socket.getInputStream());
    }
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        bytes.write(buffer, 0, n);
      }
    } catch (java.net.SocketException e) {
      // A reset after the answer: the agent closed without reading the rest.
      if (bytes.size() == 0) {
        return new Answer(0, "connection reset: " + e.getMessage(), "");
      }
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Answer(0, text, "");
    }
    String head = text.substring(0, end);
    String body = text.substring(end + 4);
    if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
    }
    return new Answer(Integer.parseInt(text.substring(9, 12)), head, body);
  }

  private static String abbreviated(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static <T> T pick(Random random, List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
