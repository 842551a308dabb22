package io.coffer.server.testing;

import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.server.CofferServer;
import io.coffer.server.DevCredentials;
import io.coffer.server.DevMode;
import io.coffer.server.config.Guardrails;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import java.io.IOException;
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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real Coffer for tests: dev mode on a temporary data directory and a free port, over TLS. Every
 * server in a test JVM shares one private CA, so the JVM-wide trust store set for the Azure SDK
 * trusts them all.
 *
 * <p>With {@code -Dcoffer.test.storage=postgresql} every server stores into a real PostgreSQL
 * ({@link TestPostgres}), one database per data directory, so the same suites run on both stores.
 */
public final class RunningCoffer implements AutoCloseable {
  private static final boolean POSTGRESQL =
      "postgresql".equals(System.getProperty("coffer.test.storage"));
  private static Path sharedCa;
  private static RunningCoffer shared;

  private final CofferServer server;
  private final DevCredentials credentials;
  private final HttpClient http;

  private RunningCoffer(CofferServer server, DevCredentials credentials) {
    this.server = server;
    this.credentials = credentials;
    this.http =
        HttpClient.newBuilder()
            .sslContext(server.tls().clientContext())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** One server for the whole test JVM, for tests that only add their own uniquely named data. */
  public static synchronized RunningCoffer shared() {
    if (shared == null) {
      try {
        shared = start(Files.createTempDirectory("coffer-shared"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** Starts (or restarts) a server on this data directory. */
  public static synchronized RunningCoffer start(Path dataDir) {
    return start(dataDir, freePort());
  }

  public static synchronized RunningCoffer start(Path dataDir, int port) {
    return start(Settings.defaults(dataDir, port), database(dataDir));
  }

  /** A server with its own audit and throttling settings. */
  public static synchronized RunningCoffer start(Path dataDir, Guardrails guardrails) {
    return start(
        Settings.defaults(dataDir, freePort()).withGuardrails(guardrails), database(dataDir));
  }

  /**
   * Starts a server with these settings on this database (SQLite in the data directory if empty).
   */
  public static synchronized RunningCoffer start(
      Settings settings, Optional<PostgresOptions> database) {
    return start(settings, database, Map.of());
  }

  /** A server that reads these environment variables (e.g. {@code COFFER_EVENT_RETRY_MS}). */
  public static synchronized RunningCoffer start(
      Settings settings, Optional<PostgresOptions> database, Map<String, String> environment) {
    Path dataDir = settings.dataDir();
    seedCa(dataDir);
    CofferServer server = CofferServer.start(settings, database, environment);
    DevCredentials credentials = DevMode.bootstrap(server);
    if (sharedCa == null) {
      trustForJvm(server, credentials);
    }
    return new RunningCoffer(server, credentials);
  }

  /**
   * The data directory of another node of the cluster whose first node serves {@code first}, as on
   * another host: its own audit trail and files, the cluster's master key and CA copied (one
   * process per data directory). Call it once the first node has started.
   */
  public static Path nodeDir(Path first, String node) {
    Path dir = first.resolveSibling(first.getFileName() + "-" + node);
    try {
      Files.createDirectories(dir.resolve("tls"));
      for (String file : List.of("master.key", "tls/ca.pem", "tls/ca-key.pem")) {
        if (!Files.exists(dir.resolve(file))) {
          Files.copy(first.resolve(file), dir.resolve(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** The database the tests' storage setting selects for a data directory. */
  public static Optional<PostgresOptions> database(Path dataDir) {
    return POSTGRESQL ? Optional.of(TestPostgres.get().databaseFor(dataDir)) : Optional.empty();
  }

  /** Every file Coffer's state reaches: the data directory and, on PostgreSQL, its cluster. */
  public static List<Path> storedFiles(Path dataDir) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path root :
        POSTGRESQL ? List.of(dataDir, TestPostgres.get().dataDir()) : List.of(dataDir)) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    return files;
  }

  /** Whether a file holds the database's tables. */
  public static boolean isDatabaseFile(Path file) {
    return POSTGRESQL
        ? file.toString().contains("/base/")
        : file.getFileName().toString().equals("coffer.db");
  }

  public static boolean onPostgresql() {
    return POSTGRESQL;
  }

  public CofferServer server() {
    return server;
  }

  public DevCredentials credentials() {
    return credentials;
  }

  public int port() {
    return server.settings().port();
  }

  public String vaultUrl() {
    return credentials.vaultUrl();
  }

  public String vaultUrl(String vault) {
    return server.settings().endpoints().vaultUrl(vault);
  }

  public ClientSecretCredential credential() {
    return credential(credentials.clientId(), credentials.clientSecret());
  }

  public ClientSecretCredential credential(String clientId, String clientSecret) {
    return new ClientSecretCredentialBuilder()
        .authorityHost(credentials.authorityHost())
        .tenantId(credentials.tenantId())
        .clientId(clientId)
        .clientSecret(clientSecret)
        .disableInstanceDiscovery()
        .build();
  }

  /** The official SDK client, challenge-resource verification left on. */
  public SecretClient secretClient() {
    return new SecretClientBuilder().vaultUrl(vaultUrl()).credential(credential()).buildClient();
  }

  public HttpClient http() {
    return http;
  }

  /** A token from the token endpoint, as the SDK would get it. */
  public String token() {
    return token(credentials.clientId(), credentials.clientSecret());
  }

  public String token(String clientId, String clientSecret) {
    return token(
        credentials.tenantId(),
        clientId,
        clientSecret,
        server.settings().endpoints().resource() + "/.default");
  }

  /** A client-credentials token of any tenant, for any scope. */
  public String token(String tenantId, String clientId, String clientSecret, String scope) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(
                    URI.create(credentials.authorityHost() + "/" + tenantId + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id="
                            + enc(clientId)
                            + "&client_secret="
                            + enc(clientSecret)
                            + "&scope="
                            + enc(scope)))
                .build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("token request failed: " + response.body());
    }
    String body = response.body();
    int start = body.indexOf("\"access_token\":\"") + "\"access_token\":\"".length();
    return body.substring(start, body.indexOf('"', start));
  }

  /** A token for the management API, as the dev administrator ({@code admin.json}). */
  public String adminToken() {
    try {
      var admin =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(server.settings().dataDir().resolve("admin.json").toFile());
      return token(
          admin.path("tenantId").asText(),
          admin.path("clientId").asText(),
          admin.path("clientSecret").asText(),
          server.settings().endpoints().managementResource() + "/.default");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Calls the management API ({@code /admin/v1<path>}) as the dev administrator. */
  public HttpResponse<String> admin(String method, String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(credentials.authorityHost() + "/admin/v1" + path))
            .header("Authorization", "Bearer " + adminToken())
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void seedCa(Path dataDir) {
    if (sharedCa == null) {
      return;
    }
    try {
      Path tls = Files.createDirectories(dataDir.resolve("tls"));
      for (String file : new String[] {"ca.pem", "ca-key.pem"}) {
        if (!Files.exists(tls.resolve(file))) {
          Files.copy(sharedCa.resolve(file), tls.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void trustForJvm(CofferServer server, DevCredentials credentials) {
    try {
      sharedCa = Files.createTempDirectory("coffer-ca");
      Path tls = server.settings().dataDir().resolve("tls");
      for (String file : new String[] {"ca.pem", "ca-key.pem"}) {
        Files.copy(tls.resolve(file), sharedCa.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
      }
      Path trustStore = sharedCa.resolve("truststore.p12");
      Files.copy(credentials.javaTrustStore(), trustStore);
      System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
      System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static synchronized int freePort() {
    try {
      for (; ; ) {
        try (ServerSocket socket = new ServerSocket(0)) {
          if (HANDED_OUT.add(socket.getLocalPort())) {
            return socket.getLocalPort();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Ports handed out in this JVM, never handed out twice: the Key Vault SDK keeps each vault's
   * challenge (its tenant) JVM-wide by host and port, so a server on a port an earlier test's
   * server had, with another tenant, got that tenant's challenge and every request failed
   * (RotationTest after AuditRecordingTest, both on 41207).
   */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();
}
