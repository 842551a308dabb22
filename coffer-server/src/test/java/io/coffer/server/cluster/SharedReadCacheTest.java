package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL, both answering reads from their caches: whatever one node
 * acknowledged, the other answers at once, for every kind of secret write and for the directory
 * changes every request depends on (a principal disabled, a role assignment removed). The nodes
 * hold read leases while they do (each test begins once both are held); a write waits for a lease
 * that stopped being renewed, and a node whose listening connection is cut still reads fresh.
 */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class SharedReadCacheTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static List<RunningCoffer> nodes;
  private static String token;
  private static PostgresOptions database;

  /** What a GET must answer for one secret: its value and whether it is enabled, or gone. */
  private record Expected(Optional<String> value, boolean enabled, boolean deleted) {}

  @BeforeAll
  static void startTwoNodes() {
    database = RunningCoffer.database(dataDir).orElseThrow();
    int publicPort = RunningCoffer.freePort();
    RunningCoffer first =
        RunningCoffer.start(Settings.defaults(dataDir, publicPort), Optional.of(database));
    RunningCoffer second =
        RunningCoffer.start(
            Settings.defaults(RunningCoffer.nodeDir(dataDir, "2"), RunningCoffer.freePort())
                .withPublicPort(publicPort),
            Optional.of(database));
    nodes = List.of(first, second);
    token = first.token();
  }

  @BeforeEach
  void bothNodesHoldTheirLeases() throws Exception {
    awaitLeases(2);
  }

  @AfterAll
  static void stop() {
    nodes.get(1).close();
    nodes.get(0).close();
  }

  @Test
  void every_write_acknowledged_on_one_node_is_read_at_once_on_the_other() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    List<String> names = List.of("cached-a", "cached-b", "cached-c");
    Map<String, Expected> model = new HashMap<>();
    for (int step = 0; step < 400; step++) {
      String name = names.get(random.nextInt(names.size()));
      RunningCoffer writer = nodes.get(random.nextInt(2));
      Expected now = model.getOrDefault(name, new Expected(Optional.empty(), true, false));
      Expected next = write(writer, name, now, random, seed + "/" + step);
      model.put(name, next);
      // Both nodes, the other one first: each has likely cached this secret on an earlier step.
      int first = random.nextInt(2);
      for (int i = 0; i < 2; i++) {
        RunningCoffer reader = nodes.get((first + i) % 2);
        assertAnswers(reader, name, next, "seed " + seed + ", step " + step);
      }
    }
  }

  @Test
  void a_node_that_missed_more_changes_than_it_catches_up_one_by_one_still_reads_fresh() {
    RunningCoffer a = nodes.get(0);
    RunningCoffer b = nodes.get(1);
    call(a, "PUT", "/secrets/behind", "{\"value\":\"old\"}");
    assertThat(call(b, "GET", "/secrets/behind", null).body()).contains("\"value\":\"old\"");
    // More writes than one round trip applies (ReadBarrier.CATCH_UP), while b reads nothing.
    for (int i = 0; i < 520; i++) {
      call(a, "PUT", "/secrets/filler-" + (i % 7), "{\"value\":\"" + i + "\"}");
    }
    call(a, "PUT", "/secrets/behind", "{\"value\":\"new\"}");
    assertThat(call(b, "GET", "/secrets/behind", null).body()).contains("\"value\":\"new\"");
  }

  @Test
  void a_principal_disabled_or_unassigned_on_one_node_is_refused_at_once_on_the_other()
      throws IOException {
    RunningCoffer a = nodes.get(0);
    RunningCoffer b = nodes.get(1);
    String tenant = a.credentials().tenantId();
    JsonNode app =
        JSON.readTree(
            admin(a, "POST", "/tenants/" + tenant + "/principals", "{\"displayName\":\"reader\"}")
                .body());
    String objectId = app.path("objectId").asText();
    JsonNode secret =
        JSON.readTree(
            admin(a, "POST", "/principals/" + objectId + "/secrets", "{\"days\":1}").body());
    String appToken =
        a.token(secret.path("clientId").asText(), secret.path("clientSecret").asText());
    call(a, "PUT", "/secrets/guarded", "{\"value\":\"v\"}");
    Random random = new Random();
    for (int round = 0; round < 10; round++) {
      RunningCoffer writer = nodes.get(random.nextInt(2));
      RunningCoffer reader = nodes.get(random.nextInt(2));
      HttpResponse<String> assigned =
          admin(
              writer,
              "POST",
              "/vaults/main/role-assignments",
              "{\"principal\":\"" + objectId + "\",\"role\":\"Key Vault Secrets User\"}");
      assertThat(assigned.statusCode()).isEqualTo(200);
      assertThat(call(reader, "GET", "/secrets/guarded", null, appToken).statusCode())
          .isEqualTo(200);
      assertThat(call(other(reader), "GET", "/secrets/guarded", null, appToken).statusCode())
          .isEqualTo(200);

      String id = JSON.readTree(assigned.body()).path("id").asText();
      assertThat(admin(writer, "DELETE", "/vaults/main/role-assignments/" + id, null).statusCode())
          .isEqualTo(204);
      assertThat(call(reader, "GET", "/secrets/guarded", null, appToken).statusCode())
          .isEqualTo(403);

      String again =
          JSON.readTree(
                  admin(
                          writer,
                          "POST",
                          "/vaults/main/role-assignments",
                          "{\"principal\":\""
                              + objectId
                              + "\",\"role\":\"Key Vault Secrets User\"}")
                      .body())
              .path("id")
              .asText();
      assertThat(call(reader, "GET", "/secrets/guarded", null, appToken).statusCode())
          .isEqualTo(200);
      assertThat(
              admin(other(writer), "PATCH", "/principals/" + objectId, "{\"enabled\":false}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(call(reader, "GET", "/secrets/guarded", null, appToken).statusCode())
          .isEqualTo(401);
      admin(writer, "PATCH", "/principals/" + objectId, "{\"enabled\":true}");
      assertThat(call(other(reader), "GET", "/secrets/guarded", null, appToken).statusCode())
          .isEqualTo(200);
      admin(other(writer), "DELETE", "/vaults/main/role-assignments/" + again, null);
      assertThat(call(reader, "GET", "/secrets/guarded", null, appToken).statusCode())
          .isEqualTo(403);
    }
  }

  @Test
  void a_write_is_acknowledged_only_once_a_lease_behind_it_has_expired() throws Exception {
    try (Connection db = connect()) {
      // A node that stopped answering: its lease is unexpired and behind every change.
      execute(
          db,
          "INSERT INTO read_leases(node_id, expires_at, position, generation)"
              + " VALUES ('stalled', clock_timestamp() + interval '1.5 seconds', 0, 0)");
      try {
        expectStatus(call(nodes.get(0), "PUT", "/secrets/held", "{\"value\":\"v\"}"), 200);
        assertThat(stalledLeaseExpired(db)).isTrue();

        execute(
            db,
            "UPDATE read_leases SET expires_at = clock_timestamp() + interval '1.5 seconds'"
                + " WHERE node_id = 'stalled'");
        String tenant = nodes.get(0).credentials().tenantId();
        HttpResponse<String> created =
            admin(
                nodes.get(1),
                "POST",
                "/tenants/" + tenant + "/principals",
                "{\"displayName\":\"held\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(stalledLeaseExpired(db)).isTrue();
      } finally {
        execute(db, "DELETE FROM read_leases WHERE node_id = 'stalled'");
      }
    }
  }

  @Test
  void a_node_whose_listening_connection_is_cut_still_reads_fresh_and_takes_its_lease_again()
      throws Exception {
    try (Connection db = connect();
        Statement statement = db.createStatement();
        ResultSet cut =
            statement.executeQuery(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = 'coffer-read-lease' AND datname = current_database()")) {
      cut.next();
      assertThat(cut.getInt(1)).isEqualTo(2);
    }
    for (int i = 0; i < 50; i++) {
      RunningCoffer writer = nodes.get(i % 2);
      String value = "cut-" + i;
      expectStatus(call(writer, "PUT", "/secrets/cut", "{\"value\":\"" + value + "\"}"), 200);
      assertAnswers(
          other(writer), "cut", new Expected(Optional.of(value), true, false), "write " + i);
    }
    awaitLeases(2);
  }

  private static boolean stalledLeaseExpired(Connection db) throws SQLException {
    try (Statement statement = db.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT expires_at <= clock_timestamp() FROM read_leases"
                    + " WHERE node_id = 'stalled'")) {
      return row.next() && row.getBoolean(1);
    }
  }

  /** Waits until {@code count} nodes hold unexpired leases, as PostgreSQL sees them. */
  private static void awaitLeases(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (Connection db = connect();
        Statement statement = db.createStatement()) {
      while (true) {
        try (ResultSet row =
            statement.executeQuery(
                "SELECT count(*) FROM read_leases WHERE expires_at > clock_timestamp()")) {
          row.next();
          if (row.getInt(1) == count) {
            return;
          }
          assertThat(System.nanoTime() - deadline)
              .as("nodes holding leases: " + row.getInt(1))
              .isNegative();
        }
        Thread.sleep(50);
      }
    }
  }

  private static void execute(Connection db, String sql) throws SQLException {
    try (Statement statement = db.createStatement()) {
      statement.execute(sql);
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
  }

  /** One random write allowed in the secret's state, made on {@code node}; the state after it. */
  private static Expected write(
      RunningCoffer node, String name, Expected now, Random random, String tag) {
    if (now.deleted()) {
      if (random.nextBoolean()) {
        expectStatus(call(node, "POST", "/deletedsecrets/" + name + "/recover", ""), 200);
        return new Expected(now.value(), now.enabled(), false);
      }
      expectStatus(call(node, "DELETE", "/deletedsecrets/" + name, null), 204);
      return new Expected(Optional.empty(), true, false);
    }
    int choice = now.value().isEmpty() ? 0 : random.nextInt(4);
    switch (choice) {
      case 1 -> {
        boolean enabled = !now.enabled();
        expectStatus(
            call(
                node,
                "PATCH",
                "/secrets/" + name + "/",
                "{\"attributes\":{\"enabled\":" + enabled + "}}"),
            200);
        return new Expected(now.value(), enabled, false);
      }
      case 2 -> {
        expectStatus(call(node, "DELETE", "/secrets/" + name, null), 200);
        return new Expected(now.value(), now.enabled(), true);
      }
      default -> {
        String value = "value-" + tag;
        expectStatus(call(node, "PUT", "/secrets/" + name, "{\"value\":\"" + value + "\"}"), 200);
        return new Expected(Optional.of(value), true, false);
      }
    }
  }

  private static void assertAnswers(RunningCoffer node, String name, Expected expected, String at) {
    HttpResponse<String> answer = call(node, "GET", "/secrets/" + name, null);
    if (expected.value().isEmpty() || expected.deleted()) {
      assertThat(answer.statusCode()).as(at + ": " + answer.body()).isEqualTo(404);
    } else if (!expected.enabled()) {
      assertThat(answer.statusCode()).as(at + ": " + answer.body()).isEqualTo(403);
    } else {
      assertThat(answer.statusCode()).as(at + ": " + answer.body()).isEqualTo(200);
      assertThat(answer.body()).as(at).contains("\"value\":\"" + expected.value().get() + "\"");
    }
  }

  private static void expectStatus(HttpResponse<String> answer, int status) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
  }

  private static RunningCoffer other(RunningCoffer node) {
    return nodes.get(0) == node ? nodes.get(1) : nodes.get(0);
  }

  private static HttpResponse<String> call(
      RunningCoffer node, String method, String path, String body) {
    return call(node, method, path, body, token);
  }

  private static HttpResponse<String> call(
      RunningCoffer node, String method, String path, String body, String bearer) {
    String url =
        "https://main." + Settings.DEFAULT_DOMAIN + ":" + node.port() + path + "?api-version=7.5";
    return node.send(request(url, method, body, bearer));
  }

  /** The management API on {@code node} itself (not the node the credentials name). */
  private static HttpResponse<String> admin(
      RunningCoffer node, String method, String path, String body) {
    URI authority = URI.create(node.credentials().authorityHost());
    String url =
        authority.getScheme()
            + "://"
            + authority.getHost()
            + ":"
            + node.port()
            + "/admin/v1"
            + path;
    return node.send(request(url, method, body, nodes.get(0).adminToken()));
  }

  private static HttpRequest request(String url, String method, String body, String bearer) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/json")
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
