package io.coffer.server.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Crash durability: concurrent writers set, update and delete secrets of a real server process that
 * is killed with SIGKILL at random moments and restarted on the same data directory. After each
 * restart every name must hold its last acknowledged state (or the state of the one write in flight
 * at the kill), every acknowledged version must still read back, and every read during the run must
 * return what was written. Run with {@code bench/crash} or through CrashDurabilityTest.
 */
public final class CrashHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "?api-version=7.4";
  private static final int NAMES_PER_WRITER = 6;

  private final Path work;
  private final int kills;
  private final int writers;
  private final Random random;
  private final int port;
  private final List<Name> names = new ArrayList<>();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final List<String> badReads = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<String> lost = new ArrayList<>();
  private final List<RuntimeException> failures =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private long versionsChecked;
  private long inFlightAtKill;
  private Process server;
  private HttpClient http;
  private String token;
  private String vaultUrl;

  /** What one run found; a durable server has no lost writes and no bad reads. */
  public record Report(
      int kills,
      long acknowledgedWrites,
      long reads,
      long versionsChecked,
      long inFlightAtKill,
      List<String> lostWrites,
      List<String> badReads) {
    public String summary() {
      return "crash: kills="
          + kills
          + " survived="
          + kills
          + " acknowledged-writes="
          + acknowledgedWrites
          + " reads-checked="
          + reads
          + " versions-checked="
          + versionsChecked
          + " in-flight-at-kill="
          + inFlightAtKill
          + " writes-lost="
          + lostWrites.size()
          + " bad-reads="
          + badReads.size();
    }
  }

  private record State(String value, String tag) {
    static final State ABSENT = new State(null, null);

    @Override
    public String toString() {
      return value == null ? "absent" : "value#" + value.hashCode() + " tag=" + tag;
    }
  }

  /** One secret name, owned by one writer thread; the harness reads it only between rounds. */
  private static final class Name {
    final String name;
    State acked = State.ABSENT;
    final List<State> maybe = new ArrayList<>();
    final Map<String, String> versions = new LinkedHashMap<>();
    String latestVersion = "";

    Name(String name) {
      this.name = name;
    }
  }

  /** A request that got no answer (the server died) or a 5xx: its effect is unknown. */
  private static final class Unanswered extends Exception {
    private static final long serialVersionUID = 1L;

    Unanswered(String message) {
      super(message);
    }
  }

  public CrashHarness(Path work, int kills, int writers, long seed) {
    this.work = work;
    this.kills = kills;
    this.writers = writers;
    this.random = new Random(seed);
    this.port = freePort();
    for (int w = 0; w < writers; w++) {
      for (int n = 0; n < NAMES_PER_WRITER; n++) {
        names.add(new Name("crash-w" + w + "-n" + n));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int kills = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Path work = Files.createTempDirectory("coffer-crash");
    Report report = new CrashHarness(work, kills, 4, System.nanoTime()).run();
    System.out.println(report.summary());
    report.lostWrites().forEach(line -> System.out.println("lost: " + line));
    report.badReads().forEach(line -> System.out.println("bad read: " + line));
    System.exit(report.lostWrites().isEmpty() && report.badReads().isEmpty() ? 0 : 1);
  }

  public Report run() throws Exception {
    Path dataDir = work.resolve("data");
    try {
      startServer(dataDir);
      for (int kill = 1; kill <= kills; kill++) {
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          List<Name> owned = names.subList(w * NAMES_PER_WRITER, (w + 1) * NAMES_PER_WRITER);
          long seed = random.nextLong();
          threads.add(Thread.ofPlatform().name("writer-" + w).start(() -> write(owned, seed)));
        }
        Thread.sleep(100 + random.nextInt(1400));
        server.destroyForcibly().waitFor();
        for (Thread thread : threads) {
          thread.join();
        }
        if (!failures.isEmpty()) {
          throw failures.get(0);
        }
        startServer(dataDir);
        verify();
      }
    } finally {
      if (server != null) {
        server.destroy();
        server.waitFor();
      }
      if (http != null) {
        http.close();
      }
    }
    return new Report(
        kills,
        acknowledged.get(),
        reads.get(),
        versionsChecked,
        inFlightAtKill,
        List.copyOf(lost),
        List.copyOf(badReads));
  }

  /** One writer's round: random operations on its own names until the server stops answering. */
  private void write(List<Name> owned, long seed) {
    Random ops = new Random(seed);
    long sequence = 0;
    try {
      while (true) {
        Name name = owned.get(ops.nextInt(owned.size()));
        int op = ops.nextInt(100);
        sequence++;
        if (op < 50 || name.acked.value() == null) {
          set(name, name.name + ":" + seed + ":" + sequence);
        } else if (op < 70) {
          update(name, "t" + sequence);
        } else if (op < 85) {
          delete(name);
        } else {
          read(name);
        }
      }
    } catch (Unanswered e) {
      // The server died under this writer: its round is over.
    } catch (RuntimeException e) {
      failures.add(e);
    }
  }

  private void set(Name name, String value) throws Unanswered {
    name.maybe.add(new State(value, null));
    HttpResponse<String> response =
        call("PUT", "/secrets/" + name.name, JSON.createObjectNode().put("value", value));
    if (response.statusCode() == 409) {
      // Deleted but not yet purged when the server died: purge, then set.
      call("DELETE", "/deletedsecrets/" + name.name, null);
      response = call("PUT", "/secrets/" + name.name, JSON.createObjectNode().put("value", value));
    }
    expect(response, 200, "set " + name.name);
    String version = versionOf(body(response));
    name.acked = new State(value, null);
    name.maybe.clear();
    name.versions.put(version, value);
    name.latestVersion = version;
    acknowledged.incrementAndGet();
  }

  private void update(Name name, String tag) throws Unanswered {
    State next = new State(name.acked.value(), tag);
    name.maybe.add(next);
    var body = JSON.createObjectNode();
    body.putObject("tags").put("u", tag);
    HttpResponse<String> response =
        call("PATCH", "/secrets/" + name.name + "/" + name.latestVersion, body);
    expect(response, 200, "update " + name.name);
    name.acked = next;
    name.maybe.clear();
    acknowledged.incrementAndGet();
  }

  private void delete(Name name) throws Unanswered {
    name.maybe.add(State.ABSENT);
    expect(call("DELETE", "/secrets/" + name.name, null), 200, "delete " + name.name);
    name.acked = State.ABSENT;
    name.maybe.clear();
    name.versions.clear();
    name.latestVersion = "";
    acknowledged.incrementAndGet();
    int purged = call("DELETE", "/deletedsecrets/" + name.name, null).statusCode();
    if (purged != 204) {
      throw new IllegalStateException("purge of " + name.name + " answered " + purged);
    }
  }

  private void read(Name name) throws Unanswered {
    State seen = latest(name);
    reads.incrementAndGet();
    if (!seen.equals(name.acked)) {
      badReads.add(name.name + " read " + seen + " but the last write was " + name.acked);
    }
  }

  /** After a restart: each name holds its acknowledged state or that of a write in flight. */
  private void verify() throws Unanswered {
    for (Name name : names) {
      inFlightAtKill += name.maybe.size();
      State seen = latest(name);
      reads.incrementAndGet();
      if (seen.equals(name.acked)) {
        for (Map.Entry<String, String> version : name.versions.entrySet()) {
          HttpResponse<String> response =
              call("GET", "/secrets/" + name.name + "/" + version.getKey(), null);
          expect(response, 200, "get version of " + name.name);
          versionsChecked++;
          if (!version.getValue().equals(body(response).path("value").asText())) {
            lost.add(name.name + " version " + version.getKey() + " lost its value");
          }
        }
      } else if (name.maybe.contains(seen)) {
        if (seen.value() == null) {
          name.versions.clear();
          name.latestVersion = "";
        } else if (!seen.value().equals(name.acked.value())) {
          name.latestVersion = latestVersionId(name);
          name.versions.put(name.latestVersion, seen.value());
        }
      } else {
        lost.add(
            name.name
                + " holds "
                + seen
                + "; acknowledged "
                + name.acked
                + ", in flight "
                + name.maybe);
      }
      name.acked = seen;
      name.maybe.clear();
    }
  }

  private State latest(Name name) throws Unanswered {
    HttpResponse<String> response = call("GET", "/secrets/" + name.name + "/", null);
    if (response.statusCode() == 404) {
      return State.ABSENT;
    }
    expect(response, 200, "get " + name.name);
    JsonNode body = body(response);
    JsonNode tag = body.path("tags").path("u");
    return new State(body.path("value").asText(), tag.isMissingNode() ? null : tag.asText());
  }

  private String latestVersionId(Name name) throws Unanswered {
    HttpResponse<String> response = call("GET", "/secrets/" + name.name + "/", null);
    expect(response, 200, "get " + name.name);
    return versionOf(body(response));
  }

  private static String versionOf(JsonNode bundle) {
    String id = bundle.path("id").asText();
    return id.substring(id.lastIndexOf('/') + 1);
  }

  private HttpResponse<String> call(String method, String path, JsonNode body) throws Unanswered {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(vaultUrl + path + API))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Unanswered(method + " " + path + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unanswered("interrupted");
    }
    if (response.statusCode() >= 500) {
      throw new Unanswered(method + " " + path + " answered " + response.statusCode());
    }
    return response;
  }

  private static void expect(HttpResponse<String> response, int status, String what) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          what + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static JsonNode body(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer(Path dataDir) throws Exception {
    Path log = work.resolve("server.log");
    String classpath =
        Objects.requireNonNullElse(
            System.getProperty("surefire.test.class.path"), System.getProperty("java.class.path"));
    server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                "-cp",
                classpath,
                CrashTarget.class.getName(),
                dataDir.toString(),
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Path clientFile = work.resolve("client.properties");
    if (http == null) {
      awaitFile(clientFile, log);
      Properties client = new Properties();
      try (InputStream in = Files.newInputStream(clientFile)) {
        client.load(in);
      }
      http = client(dataDir.resolve("tls/ca.pem"));
      awaitReady(log);
      vaultUrl = client.getProperty("vault");
      token = token(client);
    } else {
      http.close();
      http = client(dataDir.resolve("tls/ca.pem"));
      awaitReady(log);
    }
  }

  private void awaitFile(Path file, Path log) throws Exception {
    for (int i = 0; i < 1200 && !Files.exists(file); i++) {
      if (!server.isAlive()) {
        throw new IllegalStateException("server exited:\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
  }

  private void awaitReady(Path log) throws Exception {
    URI health = URI.create("https://localhost:" + port + "/healthz");
    for (int i = 0; i < 1200; i++) {
      if (!server.isAlive()) {
        throw new IllegalStateException("server exited:\n" + Files.readString(log));
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("server not ready after a minute");
  }

  private String token(Properties client) throws Exception {
    String form =
        "grant_type=client_credentials&client_id="
            + enc(client.getProperty("client-id"))
            + "&client_secret="
            + enc(client.getProperty("client-secret"))
            + "&scope="
            + enc("https://vault.localhost:" + port + "/.default");
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        client.getProperty("authority")
                            + "/"
                            + client.getProperty("tenant")
                            + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    expect(response, 200, "token request");
    return body(response).path("access_token").asText();
  }

  private static HttpClient client(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry(
          "coffer-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder()
        .sslContext(context)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
