package io.coffer.client.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.client.ChangeFeed;
import io.coffer.client.VaultChanges;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Coffer rotates a PostgreSQL password 20 times while 16 threads keep querying through {@code
 * CofferDriver} with references as user and password, each on a connection it renews every second:
 * no query fails, no login is refused (the driver never has to re-read a stale credential), and
 * every rotation reaches the consumers through the change channel. Prints the time from each
 * rotation's start to the first connection with the new login, and to the moment every thread has
 * connected with it (bench/rotation reads this line).
 */
class PushedRotationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 16;

  /** 20, as the issue asks; {@code -Dcoffer.rotations=3} for a quicker look. */
  private static final int ROTATIONS = Integer.getInteger("coffer.rotations", 20);

  private static final long GRACE_MS = 4000;

  /** One connection a consumer made: when, and as which login. */
  private record Login(int thread, long at, String user) {}

  /** One rotation: when it was asked for, when it was answered, and the login it gave. */
  private record Rotation(long started, long answered, String login) {}

  @Test
  void twenty_rotations_reach_sixteen_consumers_with_zero_failed_queries() throws Exception {
    RunningCoffer coffer = RunningCoffer.shared();
    SecretClient client = coffer.secretClient();
    TestPostgres postgres = TestPostgres.get();
    String role = "pushed_" + UUID.randomUUID().toString().substring(0, 6);
    String secret = role.replace('_', '-');
    superuser(postgres, "CREATE ROLE " + role + " NOLOGIN");
    superuser(postgres, "CREATE DATABASE " + role + " OWNER " + role);
    superuser(postgres, "CREATE ROLE " + role + "_admin LOGIN CREATEROLE PASSWORD 'admin-pw'");
    superuser(postgres, "GRANT " + role + " TO " + role + "_admin WITH ADMIN OPTION");
    client.setSecret(
        secret + "-admin", "{\"user\":\"" + role + "_admin\",\"password\":\"admin-pw\"}");
    HttpResponse<String> policy =
        coffer.admin(
            "PUT",
            "/vaults/main/rotations/" + secret,
            "{\"postgres\":\""
                + postgres.jdbcUrl(role)
                + "\",\"role\":\""
                + role
                + "\",\"adminSecret\":\""
                + secret
                + "-admin\",\"every\":\"30d\",\"grace\":\""
                + GRACE_MS / 1000
                + "s\"}");
    assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
    awaitFirstRun(coffer, secret);

    Class.forName(CofferDriver.class.getName());
    String url = postgres.jdbcUrl(role).replace("jdbc:", CofferDriver.PREFIX);
    Properties props = new Properties();
    props.setProperty("user", coffer.vaultUrl() + "::" + secret + "::user");
    props.setProperty("password", coffer.vaultUrl() + "::" + secret + "::password");
    props.setProperty("coffer.tenant.id", coffer.credentials().tenantId());
    props.setProperty("coffer.client.id", coffer.credentials().clientId());
    props.setProperty("coffer.client.secret", coffer.credentials().clientSecret());
    props.setProperty("coffer.authority.host", coffer.credentials().authorityHost());
    long retriesBefore = CofferDriver.staleCredentialRetries();
    // A witness on the same change channel: when a rotation is late to reach the consumers, the
    // failure says whether the push itself was late or the consumers' refresh after it.
    ConcurrentLinkedQueue<Long> heard = new ConcurrentLinkedQueue<>();
    AutoCloseable witness =
        new VaultChanges(coffer.credential())
            .follow(
                coffer.vaultUrl(),
                new ChangeFeed.ChangeListener() {
                  @Override
                  public void changed(String name) {
                    if (name.equalsIgnoreCase(secret)) {
                      heard.add(System.currentTimeMillis());
                    }
                  }

                  @Override
                  public void missed() {}
                });

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger queries = new AtomicInteger();
    ConcurrentLinkedQueue<Login> logins = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService consumers = Executors.newFixedThreadPool(THREADS);
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      consumers.execute(() -> {
        while (!stop.get()) {
          // A connection lives a second, as in a pool with a short max-lifetime: new logins
          // keep coming without a SCRAM login every query, which would starve this small machine.
          long reconnectAt = System.currentTimeMillis() + 1000;
          try (Connection c = DriverManager.getConnection(url, props);
              Statement s = c.createStatement()) {
            while (!stop.get() && System.currentTimeMillis() < reconnectAt) {
              try (ResultSet r = s.executeQuery("SELECT session_user")) {
                r.next();
                logins.add(new Login(thread, System.currentTimeMillis(), r.getString(1)));
                queries.incrementAndGet();
              }
              Thread.sleep(100);
            }
          } catch (SQLException e) {
            failures.add(e.getSQLState() + " " + e.getMessage());
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }
    List<Rotation> rotations = new ArrayList<>();
    try {
      awaitQueries(queries, THREADS * 3);
      long last = System.currentTimeMillis();
      for (int i = 0; i < ROTATIONS; i++) {
        // The previous login must be past its grace before its partner is changed again.
        Thread.sleep(Math.max(0, last + GRACE_MS + 300 - System.currentTimeMillis()));
        long started = System.currentTimeMillis();
        HttpResponse<String> run =
            coffer.admin("POST", "/vaults/main/rotations/" + secret + "/run", null);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        JsonNode view = JSON.readTree(run.body());
        assertThat(view.path("status").asText()).as(run.body()).isEqualTo("succeeded");
        last = System.currentTimeMillis();
        rotations.add(new Rotation(started, last, view.path("login").asText()));
      }
      Thread.sleep(3000);
    } finally {
      witness.close();
      stop.set(true);
      consumers.shutdown();
      assertThat(consumers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    List<Long> first = new ArrayList<>();
    List<Long> everyone = new ArrayList<>();
    for (int k = 0; k < rotations.size(); k++) {
      Rotation rotation = rotations.get(k);
      long until = k + 1 < rotations.size() ? rotations.get(k + 1).started() : Long.MAX_VALUE;
      long[] byThread = new long[THREADS];
      long earliest = Long.MAX_VALUE;
      for (Login login : logins) {
        if (login.user().equals(rotation.login())
            && login.at() >= rotation.started()
            && login.at() < until) {
          earliest = Math.min(earliest, login.at());
          if (byThread[login.thread()] == 0 || login.at() < byThread[login.thread()]) {
            byThread[login.thread()] = login.at();
          }
        }
      }
      String pushed =
          heard.stream()
              .filter(at -> at >= rotation.started() && at < until)
              .map(at -> Long.toString(at - rotation.started()))
              .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
      System.out.printf(
          "rotation %d: run %d ms, change heard after %s ms, first login with %s after %s ms%n",
          k,
          rotation.answered() - rotation.started(),
          pushed,
          rotation.login(),
          earliest == Long.MAX_VALUE ? "never" : Long.toString(earliest - rotation.started()));
      assertThat(earliest)
          .as(
              "rotation %d was seen by a consumer; changes heard after %s ms; logins in its window"
                  + " by user: %s; failures: %s; stale retries: %d",
              k,
              pushed,
              byUser(logins, rotation.started(), until),
              failures.size(),
              CofferDriver.staleCredentialRetries() - retriesBefore)
          .isNotEqualTo(Long.MAX_VALUE);
      first.add(earliest - rotation.started());
      long all = 0;
      for (long at : byThread) {
        assertThat(at)
            .as(
                "rotation %d reached every consumer; changes heard after %s ms; run %d ms; logins"
                    + " in its window by user: %s",
                k,
                pushed,
                rotation.answered() - rotation.started(),
                byUser(logins, rotation.started(), until))
            .isPositive();
        all = Math.max(all, at - rotation.started());
      }
      everyone.add(all);
    }
    System.out.printf(
        "rotation-to-consumer rotations=%d threads=%d queries=%d failed=%d stale_logins=%d"
            + " first_p50_ms=%d first_p99_ms=%d all_p50_ms=%d all_p99_ms=%d%n",
        rotations.size(),
        THREADS,
        queries.get(),
        failures.size(),
        CofferDriver.staleCredentialRetries() - retriesBefore,
        percentile(first, 50),
        percentile(first, 99),
        percentile(everyone, 50),
        percentile(everyone, 99));
    assertThat(failures).isEmpty();
    assertThat(CofferDriver.staleCredentialRetries() - retriesBefore)
        .as("logins refused with a stale credential")
        .isZero();
  }

  private static java.util.Map<String, Long> byUser(
      java.util.Collection<Login> logins, long from, long until) {
    return logins.stream()
        .filter(l -> l.at() >= from && l.at() < until)
        .collect(
            java.util.stream.Collectors.groupingBy(
                Login::user, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static void awaitFirstRun(RunningCoffer coffer, String secret) throws Exception {
    for (int i = 0; i < 150; i++) {
      JsonNode runs =
          JSON.readTree(coffer.admin("GET", "/vaults/main/rotations/" + secret, null).body())
              .path("runs");
      if (runs.size() > 0) {
        assertThat(runs.get(0).path("status").asText()).as(runs.toString()).isEqualTo("succeeded");
        Thread.sleep(GRACE_MS);
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the first rotation did not run");
  }

  private static void awaitQueries(AtomicInteger queries, int atLeast) throws InterruptedException {
    for (int i = 0; i < 600 && queries.get() < atLeast; i++) {
      Thread.sleep(50);
    }
    assertThat(queries.get()).isGreaterThanOrEqualTo(atLeast);
  }

  private static void superuser(TestPostgres postgres, String sql) throws SQLException {
    try (Connection c = postgres.superuser("postgres");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
