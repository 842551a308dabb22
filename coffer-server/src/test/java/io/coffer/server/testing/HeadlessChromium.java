package io.coffer.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol with the JDK's WebSocket
 * client: navigate, evaluate JavaScript, read the page. It trusts exactly one server certificate
 * (by its public-key hash), not every certificate.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> BINARIES =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The installed Chromium, if any. */
  public static Optional<Path> binary() {
    return BINARIES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  /** Starts Chromium trusting {@code serverCertificate} and attaches to its first page. */
  public static HeadlessChromium start(Path binary, X509Certificate serverCertificate)
      throws Exception {
    Path profile = Files.createTempDirectory("coffer-chromium");
    String spki =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(serverCertificate.getPublicKey().getEncoded()));
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--headless=new",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--ignore-certificate-errors-spki-list=" + spki,
                // The sandbox needs user namespaces, which containers running as root lack.
                "--no-sandbox",
                "--no-first-run",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile())
            .start();
    Path portFile = profile.resolve("DevToolsActivePort");
    Instant deadline = Instant.now().plusSeconds(30);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (Instant.now().isAfter(deadline) || !process.isAlive()) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    String pageSocket = null;
    while (pageSocket == null) {
      JsonNode targets =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      for (JsonNode target : targets) {
        if (target.path("type").asText().equals("page")) {
          pageSocket = target.path("webSocketDebuggerUrl").asText();
        }
      }
      if (pageSocket == null) {
        Thread.sleep(100);
      }
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(pageSocket), new Listener(m -> self[0].received(m)))
            .get(10, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(process, profile, socket);
    return self[0];
  }

  public void navigate(String url) throws Exception {
    ObjectNode params = JSON.createObjectNode().put("url", url);
    call("Page.navigate", params);
  }

  /** Evaluates an expression in the page and returns its value as text. */
  public String evaluate(String expression) throws Exception {
    ObjectNode params =
        JSON.createObjectNode().put("expression", expression).put("returnByValue", true);
    JsonNode answer = call("Runtime.evaluate", params);
    if (answer.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + answer.get("exceptionDetails"));
    }
    return answer.path("result").path("value").asText();
  }

  /** Waits until {@code condition} (a JavaScript expression) is true in the page. */
  public void waitFor(String condition, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (!evaluate("!!(" + condition + ")").equals("true")) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "timed out waiting for " + condition + " at " + evaluate("location.href"));
      }
      Thread.sleep(100);
    }
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
    JsonNode reply = answer.get(30, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + " failed: " + reply.get("error"));
    }
    return reply.path("result");
  }

  private void received(String message) {
    try {
      JsonNode node = JSON.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> answer = pending.remove(node.get("id").asInt());
        if (answer != null) {
          answer.complete(node);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    socket.abort();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The page's DevTools log, for a failing test's message. */
  public String log() {
    try {
      return Files.readString(profile.resolve("chromium.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Joins fragmented frames into whole DevTools messages. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.function.Consumer<String> messages;
    private final StringBuilder partial = new StringBuilder();

    Listener(java.util.function.Consumer<String> messages) {
      this.messages = messages;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        messages.accept(message);
      }
      webSocket.request(1);
      return null;
    }
  }
}
