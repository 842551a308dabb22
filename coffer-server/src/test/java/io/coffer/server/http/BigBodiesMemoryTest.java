package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.config.Endpoints;
import io.coffer.server.config.Settings;
import io.coffer.server.http.RawWire.Answer;
import io.coffer.server.testing.ChildNode;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.tls.TlsMaterial;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients at once sending bodies near and over the 20 MiB limit (a secret value, a backup to
 * restore, a management API body, a token form; with and without a Content-Length) to a Coffer
 * whose JVM has a 256 MiB heap: every answer is a proper 2xx/4xx, the process lives, serves
 * afterwards and never ran out of memory. The child's peak RSS is printed for the record.
 */
class BigBodiesMemoryTest {
  private static final int CLIENTS = 16;
  private static final int ROUNDS = 3;
  private static final int NEAR = 20 * 1024 * 1024 - 64 * 1024;
  private static final int OVER = 21 * 1024 * 1024;

  /** One request: its head (Content-Length filled in unless chunked), filler, and tail. */
  private record Big(String name, String head, byte fill, int size, String tail, boolean chunked) {}

  @Test
  void concurrent_bodies_near_and_over_the_limit_never_exhaust_a_small_heap(@TempDir Path dirs)
      throws Exception {
    Path dataDir = dirs.resolve("data");
    Path log = dirs.resolve("child.log");
    int port = RunningCoffer.freePort();
    try (ChildNode child = ChildNode.startDev(dataDir, port, List.of("-Xmx256m"), log)) {
      Settings settings = Settings.defaults(dataDir, port);
      RawWire wire =
          new RawWire(
              TlsMaterial.loadOrCreate(dataDir.resolve("tls"), settings.endpoints().serverNames())
                  .clientContext(),
              port);
      String devEnv = Files.readString(dataDir.resolve("dev.env"));
      String tenant = env(devEnv, "AZURE_TENANT_ID");
      Endpoints endpoints = settings.endpoints();
      String vaultToken =
          token(
              wire,
              port,
              tenant,
              env(devEnv, "AZURE_CLIENT_ID"),
              env(devEnv, "AZURE_CLIENT_SECRET"),
              endpoints.resource());
      JsonNode admin = RawWire.JSON.readTree(dataDir.resolve("admin.json").toFile());
      String adminToken =
          token(
              wire,
              port,
              admin.path("tenantId").asText(),
              admin.path("clientId").asText(),
              admin.path("clientSecret").asText(),
              endpoints.managementResource());
      List<Big> kinds = kinds(port, tenant, vaultToken, adminToken);

      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      // A round's bodies end together, so the server holds all it accepted at once: the worst case.
      // A client the server keeps waiting cannot arrive, so the others wait for it only briefly.
      List<CountDownLatch> together = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        together.add(new CountDownLatch(CLIENTS));
      }
      List<Future<String>> results = new ArrayList<>();
      long started = System.nanoTime();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        results.add(
            clients.submit(() -> {
              StringBuilder answers = new StringBuilder();
              for (int round = 0; round < ROUNDS; round++) {
                Big big = kinds.get((client + round) % kinds.size());
                int size = (client + round) % 2 == 0 || big.chunked() ? big.size() : NEAR;
                Answer answer = send(wire, big, size, together.get(round));
                answers
                    .append(big.name())
                    .append(size == NEAR ? " near" : " over")
                    .append(" -> ")
                    .append(answer.status())
                    .append(answer.status() >= 200 && answer.status() < 500 ? "" : " WRONG")
                    .append(
                        answer.status() >= 200 && answer.status() < 500
                            ? ""
                            : " "
                                + answer.head().lines().findFirst().orElse("")
                                + " "
                                + RawWire.abbreviated(answer.body()).replace('\n', ' '))
                    .append('\n');
              }
              return answers.toString();
            }));
      }
      List<String> answers = new ArrayList<>();
      for (Future<String> result : results) {
        answers.addAll(Arrays.asList(result.get(5, TimeUnit.MINUTES).split("\n")));
      }
      clients.shutdown();
      long millis = (System.nanoTime() - started) / 1_000_000;
      String status = Files.readString(Path.of("/proc/" + child.pid() + "/status"));
      System.out.printf(
          "big-bodies: clients=%d rounds=%d requests=%d in %d ms, child %s, %s%n",
          CLIENTS, ROUNDS, answers.size(), millis, line(status, "VmHWM"), line(status, "VmRSS"));
      answers.stream().sorted().forEach(a -> System.out.println("big-bodies: " + a));

      Files.readAllLines(log).stream()
          .filter(l -> l.contains("Error") || l.contains("level=ERROR") || l.contains("WARN"))
          .limit(40)
          .forEach(l -> System.out.println("big-bodies: child: " + RawWire.abbreviated(l)));

      assertThat(answers).hasSize(CLIENTS * ROUNDS).noneMatch(a -> a.contains("WRONG"));
      assertThat(child.isAlive()).as("the child process lives").isTrue();
      Answer list =
          wire.exchange(
              ("GET /secrets?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
                      + port
                      + "\r\nAuthorization: Bearer "
                      + vaultToken
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(list.status()).as("an ordinary request afterwards").isEqualTo(200);
      assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    }
  }

  private static List<Big> kinds(int port, String tenant, String vaultToken, String adminToken) {
    String vault = "Host: main.vault.localhost:" + port + "\r\nAuthorization: Bearer " + vaultToken;
    String manage = "Host: localhost:" + port + "\r\nAuthorization: Bearer " + adminToken;
    String json = "\r\nContent-Type: application/json\r\n";
    return List.of(
        new Big(
            "PUT secret",
            "PUT /secrets/big-value?api-version=7.4 HTTP/1.1\r\n" + vault + json,
            (byte) 'v',
            OVER,
            "\"}",
            false),
        new Big(
            "POST restore",
            "POST /secrets/restore?api-version=7.4 HTTP/1.1\r\n" + vault + json,
            (byte) 'A',
            OVER,
            "\"}",
            false),
        new Big(
            "POST principal",
            "POST /admin/v1/tenants/" + tenant + "/principals HTTP/1.1\r\n" + manage + json,
            (byte) 'p',
            OVER,
            "\"}",
            false),
        new Big(
            "POST token form",
            "POST /"
                + tenant
                + "/oauth2/v2.0/token HTTP/1.1\r\nHost: localhost:"
                + port
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\n",
            (byte) 'a',
            OVER,
            "",
            false),
        new Big(
            "PUT secret chunked",
            "PUT /secrets/big-chunked?api-version=7.4 HTTP/1.1\r\n" + vault + json,
            (byte) 'c',
            24 * 1024 * 1024,
            "\"}",
            true));
  }

  /** Streams the body from a small buffer, so the test's own memory stays small too. */
  private static Answer send(RawWire wire, Big big, int size, CountDownLatch together)
      throws Exception {
    String prefix =
        switch (big.name()) {
          case "POST principal" -> "{\"displayName\":\"";
          case "POST token form" ->
              "grant_type=client_credentials&client_id=big&client_assertion_type=x&"
                  + "client_assertion=";
          default -> "{\"value\":\"";
        };
    long length = prefix.length() + (long) size + big.tail().length();
    try (SSLSocket socket = wire.socket()) {
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      boolean refused = false;
      try {
        String head =
            big.head()
                + (big.chunked()
                    ? "Transfer-Encoding: chunked\r\n"
                    : "Content-Length: " + length + "\r\n")
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        byte[] buffer = new byte[64 * 1024];
        Arrays.fill(buffer, big.fill());
        write(out, prefix.getBytes(StandardCharsets.ISO_8859_1), big.chunked());
        for (int left = size; left > 0; left -= buffer.length) {
          write(out, Arrays.copyOf(buffer, Math.min(left, buffer.length)), big.chunked());
        }
        out.flush();
      } catch (IOException e) {
        // The server answered (413) and closed before reading the rest: read that answer.
        refused = true;
      }
      together.countDown();
      together.await(3, TimeUnit.SECONDS);
      if (!refused) {
        try {
          write(out, big.tail().getBytes(StandardCharsets.ISO_8859_1), big.chunked());
          if (big.chunked()) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          }
          out.flush();
        } catch (IOException e) {
          // As above.
        }
      }
      return RawWire.read(socket.getInputStream());
    }
  }

  private static void write(OutputStream out, byte[] bytes, boolean chunked) throws IOException {
    if (bytes.length == 0) {
      return;
    }
    if (chunked) {
      out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    out.write(bytes);
    if (chunked) {
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  private static String token(
      RawWire wire, int port, String tenant, String clientId, String secret, String resource)
      throws IOException {
    String form =
        "grant_type=client_credentials&client_id="
            + enc(clientId)
            + "&client_secret="
            + enc(secret)
            + "&scope="
            + enc(resource + "/.default");
    Answer answer =
        wire.exchange(
            ("POST /"
                    + tenant
                    + "/oauth2/v2.0/token HTTP/1.1\r\nHost: localhost:"
                    + port
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                    + form.length()
                    + "\r\nConnection: close\r\n\r\n"
                    + form)
                .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return RawWire.JSON.readTree(answer.body()).path("access_token").asText();
  }

  private static String env(String file, String name) {
    Matcher value = Pattern.compile("export " + name + "='([^']*)'").matcher(file);
    assertThat(value.find()).as(name + " in dev.env").isTrue();
    return value.group(1);
  }

  private static String line(String status, String field) {
    return status
        .lines()
        .filter(l -> l.startsWith(field + ":"))
        .findFirst()
        .orElse(field + ": ?")
        .replaceAll("\\s+", " ");
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
