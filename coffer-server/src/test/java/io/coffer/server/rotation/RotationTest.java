package io.coffer.server.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.azure.security.keyvault.secrets.SecretClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.config.Settings;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import io.coffer.server.testing.WebhookReceiver;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Coffer rotating a real PostgreSQL role's password: the new login works, the previous one keeps
 * working through its grace and stops after it (PostgreSQL's VALID UNTIL), each step is audited,
 * and a rotation that fails leaves the current login working and is announced as an event.
 */
class RotationTest {
  private static RunningCoffer coffer;
  private static SecretClient client;
  private static TestPostgres postgres;
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    postgres = TestPostgres.get();
    Path data = Files.createTempDirectory("coffer-rotation");
    coffer =
        RunningCoffer.start(
            Settings.defaults(data, RunningCoffer.freePort()),
            RunningCoffer.database(data),
            Map.of("COFFER_EVENT_RETRY_MS", "200"));
    client = coffer.secretClient();
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  /** A group role with its database, and an administrator that may manage its logins. */
  private static String prepare(String tag, String adminPassword) throws SQLException {
    String role = tag + "_" + UUID.randomUUID().toString().substring(0, 6);
    superuser("CREATE ROLE " + role + " NOLOGIN");
    superuser("CREATE DATABASE " + role + " OWNER " + role);
    superuser("CREATE ROLE " + role + "_admin LOGIN CREATEROLE PASSWORD 'admin-pw-1'");
    superuser("GRANT " + role + " TO " + role + "_admin WITH ADMIN OPTION");
    client.setSecret(
        role.replace('_', '-') + "-admin",
        "{\"user\":\"" + role + "_admin\",\"password\":\"" + adminPassword + "\"}");
    return role;
  }

  private static JsonNode setPolicy(String role, String grace) throws Exception {
    HttpResponse<String> answer =
        coffer.admin(
            "PUT",
            "/vaults/main/rotations/" + role.replace('_', '-'),
            "{\"postgres\":\""
                + postgres.jdbcUrl(role)
                + "\",\"role\":\""
                + role
                + "\",\"adminSecret\":\""
                + role.replace('_', '-')
                + "-admin\",\"every\":\"30d\",\"grace\":\""
                + grace
                + "\"}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return WebhookReceiver.JSON.readTree(answer.body());
  }

  private static JsonNode run(String role) throws Exception {
    HttpResponse<String> answer =
        coffer.admin("POST", "/vaults/main/rotations/" + role.replace('_', '-') + "/run", null);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return WebhookReceiver.JSON.readTree(answer.body());
  }

  @Test
  void the_new_login_works_and_the_previous_one_works_until_its_grace_ends() throws Exception {
    String role = prepare("rot", "admin-pw-1");
    String secret = role.replace('_', '-');
    // Long enough that the on-demand run below still falls inside it on a loaded machine.
    setPolicy(role, "8s");
    // The policy is due at once: the schedule makes the first rotation.
    JsonNode first = awaitRun(secret);
    assertThat(first.path("status").asText()).isEqualTo("succeeded");
    assertThat(first.path("cause").asText()).isEqualTo("schedule");
    JsonNode v1 = value(secret);
    assertThat(v1.path("user").asText()).isEqualTo(role + "_a");
    assertThat(sessionUser(role, v1)).isEqualTo(role + "_a");

    HttpResponse<String> tooSoon =
        coffer.admin("POST", "/vaults/main/rotations/" + secret + "/run", null);
    assertThat(tooSoon.statusCode()).isEqualTo(409);
    assertThat(tooSoon.body()).contains("grace period");

    Thread.sleep(8200);
    JsonNode second = run(role);
    assertThat(second.path("status").asText()).as(second.toString()).isEqualTo("succeeded");
    assertThat(second.path("login").asText()).isEqualTo(role + "_b");
    JsonNode v2 = value(secret);
    assertThat(sessionUser(role, v2)).isEqualTo(role + "_b");
    // In its grace the previous login still connects; after it PostgreSQL refuses it.
    assertThat(sessionUser(role, v1)).isEqualTo(role + "_a");
    Thread.sleep(8500);
    assertThatThrownBy(() -> sessionUser(role, v1))
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("28P01");
    assertThat(sessionUser(role, v2)).isEqualTo(role + "_b");
    // Objects the logins create belong to the group role, whichever login made them.
    assertThat(query(role, v2, "SELECT current_user")).isEqualTo(role);

    String trail =
        Files.readString(coffer.server().settings().dataDir().resolve("audit/audit.jsonl"));
    for (String step :
        new String[] {
          "SecretRotationStart",
          "SecretRotationPasswordChange",
          "SecretRotationVersionWrite",
          "SecretRotationGraceSet",
          "SecretRotationComplete"
        }) {
      assertThat(trail).contains("\"operation\":\"" + step + "\"");
    }
    assertThat(trail).doesNotContain(v2.path("password").asText());
    List<ILoggingEvent> lines;
    synchronized (LOGS) { // the appender adds under this lock
      lines = List.copyOf(LOGS.list);
    }
    for (ILoggingEvent line : lines) {
      String text =
          line.getFormattedMessage()
              + (line.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(line.getThrowableProxy()));
      assertThat(text)
          .doesNotContain(v1.path("password").asText())
          .doesNotContain(v2.path("password").asText());
    }
    assertThat(lines).anyMatch(l -> l.getFormattedMessage().contains("secret-rotated"));
  }

  @Test
  void a_failed_rotation_leaves_the_current_login_working_and_is_announced() throws Exception {
    String role = prepare("rotfail", "admin-pw-1");
    String secret = role.replace('_', '-');
    setPolicy(role, "1s");
    awaitRun(secret);
    JsonNode before = value(secret);
    String versionBefore = client.getSecret(secret).getProperties().getVersion();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      HttpResponse<String> subscribed =
          coffer.admin(
              "PUT",
              "/vaults/main/event-subscriptions/rotation-failures",
              "{\"endpoint\":\""
                  + receiver.url()
                  + "\",\"includedEventTypes\":[\"Coffer.KeyVault.SecretRotationFailed\"]}");
      assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(200);
      // The administrator's password is wrong now: the run cannot log in.
      client.setSecret(
          secret + "-admin", "{\"user\":\"" + role + "_admin\",\"password\":\"not-the-password\"}");
      Thread.sleep(1200);

      JsonNode failed = run(role);
      assertThat(failed.path("status").asText()).isEqualTo("failed");
      assertThat(failed.path("error").asText()).contains("28P01");
      assertThat(client.getSecret(secret).getProperties().getVersion()).isEqualTo(versionBefore);
      assertThat(sessionUser(role, before)).isEqualTo(role + "_a");

      receiver.await(r -> !receiver.events().isEmpty(), Duration.ofSeconds(30));
      JsonNode event = receiver.events().get(0).json().get(0);
      assertThat(event.path("eventType").asText())
          .isEqualTo("Coffer.KeyVault.SecretRotationFailed");
      assertThat(event.path("subject").asText()).isEqualTo(secret);
      assertThat(event.path("data").path("Version").asText()).isEqualTo(versionBefore);
      assertThat(event.path("data").path("Reason").asText()).contains("28P01");
    } finally {
      coffer.admin("DELETE", "/vaults/main/event-subscriptions/rotation-failures", null);
    }
    String trail =
        Files.readString(coffer.server().settings().dataDir().resolve("audit/audit.jsonl"));
    assertThat(trail).contains("\"operation\":\"SecretRotationFail\"");
  }

  @Test
  void a_run_cut_off_after_writing_the_new_version_still_ends_the_previous_login()
      throws Exception {
    String role = prepare("rotcut", "admin-pw-1");
    String secret = role.replace('_', '-');
    setPolicy(role, "8s");
    awaitRun(secret);
    JsonNode v1 = value(secret);
    String version1 = client.getSecret(secret).getProperties().getVersion();
    assertThat(v1.path("user").asText()).isEqualTo(role + "_a");
    Thread.sleep(8200);

    JsonNode failed;
    // A transaction of ours holds the previous login's row: the run writes the new version, then
    // waits to set VALID UNTIL on that login, and there its connection is cut.
    try (Connection blocker = postgres.superuser("postgres");
        Statement s = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      s.execute("ALTER ROLE " + role + "_a VALID UNTIL 'infinity'");
      var run =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> coffer.admin("POST", "/vaults/main/rotations/" + secret + "/run", null));
      for (int i = 0;
          i < 200 && client.getSecret(secret).getProperties().getVersion().equals(version1);
          i++) {
        Thread.sleep(50);
      }
      assertThat(client.getSecret(secret).getProperties().getVersion()).isNotEqualTo(version1);
      for (int i = 0; i < 100 && waitingRotations() == 0; i++) {
        Thread.sleep(50);
      }
      superuser(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE application_name = 'coffer-rotation' AND usename = '"
              + role
              + "_admin'");
      HttpResponse<String> answer = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
      failed = WebhookReceiver.JSON.readTree(answer.body());
      blocker.rollback();
    }
    assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("failed");
    assertThat(failed.path("version").asText()).as("it failed after the write").isNotEmpty();
    JsonNode v2 = value(secret);
    assertThat(v2.path("user").asText()).isEqualTo(role + "_b");
    var written = client.getSecret(secret).getProperties().getCreatedOn().toInstant();

    // The schedule finishes the run: the previous login gets its end, creation + grace.
    java.sql.Timestamp end = null;
    for (int i = 0; i < 100 && end == null; i++) {
      end = validUntil(role + "_a");
      if (end == null) {
        Thread.sleep(100);
      }
    }
    assertThat(end).as("VALID UNTIL of the previous login").isNotNull();
    assertThat(end.toInstant()).isBetween(written.plusSeconds(7), written.plusSeconds(10));
    // The run ends the login first and the previous version second: read the version's expiry
    // once the run is recorded, not as soon as the login has its end.
    JsonNode resumed = awaitRun(secret);
    assertThat(client.getSecret(secret, version1).getProperties().getExpiresOn().toInstant())
        .isEqualTo(end.toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(resumed.path("cause").asText()).isEqualTo("resume");
    assertThat(resumed.path("status").asText()).isEqualTo("succeeded");
    assertThat(resumed.path("version").asText()).isEqualTo(failed.path("version").asText());

    // Until then the previous password works; after it PostgreSQL refuses it.
    assertThat(sessionUser(role, v1)).isEqualTo(role + "_a");
    assertThat(sessionUser(role, v2)).isEqualTo(role + "_b");
    Thread.sleep(Math.max(0, end.getTime() - System.currentTimeMillis()) + 500);
    assertThatThrownBy(() -> sessionUser(role, v1))
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("28P01");
    assertThat(sessionUser(role, v2)).isEqualTo(role + "_b");
    String trail =
        Files.readString(coffer.server().settings().dataDir().resolve("audit/audit.jsonl"));
    assertThat(trail).contains("\"operation\":\"SecretRotationResume\"");
  }

  /** Sessions of the rotation waiting for a lock. */
  private static int waitingRotations() throws SQLException {
    try (Connection c = postgres.superuser("postgres");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'coffer-rotation'"
                    + " AND wait_event_type = 'Lock'")) {
      r.next();
      return r.getInt(1);
    }
  }

  /** A role's VALID UNTIL, or null when it has none (or 'infinity'). */
  private static java.sql.Timestamp validUntil(String role) throws SQLException {
    try (Connection c = postgres.superuser("postgres");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT CASE WHEN rolvaliduntil = 'infinity' THEN NULL ELSE rolvaliduntil END"
                    + " FROM pg_roles WHERE rolname = '"
                    + role
                    + "'")) {
      r.next();
      return r.getTimestamp(1);
    }
  }

  @Test
  void a_version_near_its_expiry_is_rotated_by_the_schedule() throws Exception {
    String role = prepare("rotnear", "admin-pw-1");
    String secret = role.replace('_', '-');
    HttpResponse<String> answer =
        coffer.admin(
            "PUT",
            "/vaults/main/rotations/" + secret,
            "{\"postgres\":\""
                + postgres.jdbcUrl(role)
                + "\",\"role\":\""
                + role
                + "\",\"adminSecret\":\""
                + secret
                + "-admin\",\"every\":\"30d\",\"grace\":\"1s\",\"nearExpiryDays\":7}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(awaitRun(secret).path("cause").asText()).isEqualTo("schedule");
    Thread.sleep(1200);
    // The current version now expires in two days, within the policy's seven.
    var properties = client.getSecret(secret).getProperties();
    properties.setExpiresOn(java.time.OffsetDateTime.now().plusDays(2));
    client.updateSecretProperties(properties);

    JsonNode near = null;
    for (int i = 0; i < 100 && near == null; i++) {
      JsonNode runs =
          WebhookReceiver.JSON
              .readTree(coffer.admin("GET", "/vaults/main/rotations/" + secret, null).body())
              .path("runs");
      if (runs.size() > 1) {
        near = runs.get(0);
      } else {
        Thread.sleep(200);
      }
    }
    assertThat(near).as("a second run").isNotNull();
    assertThat(near.path("cause").asText()).isEqualTo("near-expiry");
    assertThat(near.path("status").asText()).isEqualTo("succeeded");
    JsonNode login = value(secret);
    assertThat(login.path("user").asText()).isEqualTo(role + "_b");
    assertThat(sessionUser(role, login)).isEqualTo(role + "_b");
    assertThat(client.getSecret(secret).getProperties().getExpiresOn()).isNull();
  }

  private static JsonNode awaitRun(String secret) throws Exception {
    for (int i = 0; i < 100; i++) {
      JsonNode runs =
          WebhookReceiver.JSON
              .readTree(coffer.admin("GET", "/vaults/main/rotations/" + secret, null).body())
              .path("runs");
      if (runs.size() > 0) {
        return runs.get(0);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no rotation ran for " + secret);
  }

  private static JsonNode value(String secret) throws Exception {
    return WebhookReceiver.JSON.readTree(client.getSecret(secret).getValue());
  }

  private static String sessionUser(String database, JsonNode login) throws SQLException {
    return query(database, login, "SELECT session_user");
  }

  private static String query(String database, JsonNode login, String sql) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", login.path("user").asText());
    props.setProperty("password", login.path("password").asText());
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), props);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  private static void superuser(String sql) throws SQLException {
    try (Connection c = postgres.superuser("postgres");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
