package io.coffer.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.cli.CommandFailure;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import io.coffer.server.testing.WebhookReceiver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code coffer admin event} and {@code coffer admin rotation} against a real server, a real
 * webhook receiver and a real PostgreSQL: an operator subscribes a webhook and it gets the new
 * version; sets a rotation and runs it, and the login the secret then holds connects.
 */
class EventAndRotationCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RunningCoffer coffer;
  private static Path profile;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    profile = coffer.server().settings().dataDir().resolve("admin.json");
  }

  @Test
  void an_operator_subscribes_a_webhook_that_then_receives_new_versions() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      JsonNode made =
          json(
              "event",
              "subscribe",
              "cli-hook",
              "--vault",
              "main",
              "--endpoint",
              receiver.url(),
              "--subject-prefix",
              "cli-events-",
              "--types",
              "Microsoft.KeyVault.SecretNewVersionCreated");
      assertThat(made.path("provisioningState").asText()).isEqualTo("Succeeded");
      assertThat(admin("event", "list", "--vault", "main"))
          .contains("cli-hook")
          .doesNotContain("key-in-query");

      String version =
          coffer.secretClient().setSecret("cli-events-one", "value").getProperties().getVersion();
      receiver.await(r -> !receiver.events().isEmpty(), Duration.ofSeconds(30));
      JsonNode event = receiver.events().get(0).json().get(0);
      assertThat(event.path("subject").asText()).isEqualTo("cli-events-one");
      assertThat(event.path("data").path("Version").asText()).isEqualTo(version);

      admin("event", "delete", "cli-hook", "--vault", "main");
      assertThatThrownBy(() -> admin("event", "show", "cli-hook", "--vault", "main"))
          .isInstanceOf(CommandFailure.class)
          .hasMessageStartingWith("404");
    }
  }

  @Test
  void a_refused_handshake_is_one_clear_line() {
    assertThatThrownBy(() ->
            admin(
                "event",
                "subscribe",
                "cli-nobody",
                "--vault",
                "main",
                "--endpoint",
                "http://127.0.0.1:9/hook"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageStartingWith("400")
        .hasMessageContaining("Webhook validation handshake failed");
  }

  @Test
  void an_operator_sets_and_runs_a_rotation_and_the_new_login_connects() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    String role = "clirot_" + UUID.randomUUID().toString().substring(0, 6);
    String secret = role.replace('_', '-');
    superuser(postgres, "CREATE ROLE " + role + " NOLOGIN");
    superuser(postgres, "CREATE DATABASE " + role + " OWNER " + role);
    superuser(postgres, "CREATE ROLE " + role + "_admin LOGIN CREATEROLE PASSWORD 'admin-pw'");
    superuser(postgres, "GRANT " + role + " TO " + role + "_admin WITH ADMIN OPTION");
    coffer
        .secretClient()
        .setSecret(
            secret + "-admin", "{\"user\":\"" + role + "_admin\",\"password\":\"admin-pw\"}");

    JsonNode policy =
        json(
            "rotation",
            "set",
            "--vault",
            "main",
            "--secret",
            secret,
            "--postgres",
            postgres.jdbcUrl(role),
            "--role",
            role,
            "--admin-secret",
            secret + "-admin",
            "--every",
            "30d",
            "--grace",
            "2s");
    assertThat(policy.path("logins").toString()).contains(role + "_a", role + "_b");
    // The first run is the schedule's, at once.
    JsonNode first = awaitRun(secret);
    assertThat(first.path("status").asText()).isEqualTo("succeeded");
    Thread.sleep(2200);

    JsonNode run = json("rotation", "run", "--vault", "main", "--secret", secret);
    assertThat(run.path("status").asText()).isEqualTo("succeeded");
    assertThat(run.path("cause").asText()).isEqualTo("on-demand");
    assertThat(run.path("login").asText()).isEqualTo(role + "_b");
    JsonNode login = JSON.readTree(coffer.secretClient().getSecret(secret).getValue());
    assertThat(sessionUser(postgres.jdbcUrl(role), login)).isEqualTo(role + "_b");

    // Within the grace, a second run would end the previous login early: refused.
    assertThatThrownBy(() -> admin("rotation", "run", "--vault", "main", "--secret", secret))
        .isInstanceOf(CommandFailure.class)
        .hasMessageStartingWith("409");
    assertThat(admin("rotation", "list", "--vault", "main")).contains(secret);
    admin("rotation", "remove", "--vault", "main", "--secret", secret);
    assertThatThrownBy(() -> admin("rotation", "show", "--vault", "main", "--secret", secret))
        .hasMessageStartingWith("404");
  }

  private static JsonNode awaitRun(String secret) throws Exception {
    for (int i = 0; i < 150; i++) {
      JsonNode runs = json("rotation", "show", "--vault", "main", "--secret", secret).path("runs");
      if (runs.size() > 0) {
        return runs.get(0);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no rotation ran for " + secret);
  }

  private static String sessionUser(String url, JsonNode login) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                url, login.path("user").asText(), login.path("password").asText());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT session_user")) {
      r.next();
      return r.getString(1);
    }
  }

  private static void superuser(TestPostgres postgres, String sql) throws SQLException {
    try (Connection c = postgres.superuser("postgres");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static JsonNode json(String... args) throws IOException {
    String[] withJson = java.util.Arrays.copyOf(args, args.length + 2);
    withJson[args.length] = "-o";
    withJson[args.length + 1] = "json";
    return JSON.readTree(admin(withJson));
  }

  /** Runs {@code coffer admin <args> --profile <file>} in-process; failures are rethrown. */
  private static String admin(String... args) {
    StringWriter out = new StringWriter();
    String[] full = java.util.Arrays.copyOf(args, args.length + 2);
    full[args.length] = "--profile";
    full[args.length + 1] = profile.toString();
    CommandLine command = new CommandLine(new AdminCommand());
    command.setOut(new PrintWriter(out));
    AtomicReference<Exception> failure = new AtomicReference<>();
    command.setExecutionExceptionHandler((e, cmd, parsed) -> {
      failure.set(e);
      return 1;
    });
    int status = command.execute(full);
    if (failure.get() instanceof RuntimeException e) {
      throw e;
    }
    if (status != 0) {
      throw new AssertionError("exit " + status + ": " + out);
    }
    return out.toString();
  }
}
