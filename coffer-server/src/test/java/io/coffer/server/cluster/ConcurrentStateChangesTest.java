package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.testing.RunningCoffer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes change one secret at the same moment: no change is lost, none happens twice. */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class ConcurrentStateChangesTest {
  @TempDir static Path dataDir;
  private static RunningCoffer first;
  private static RunningCoffer second;
  private static String token;

  @BeforeAll
  static void startTwoNodes() {
    Optional<PostgresOptions> database = RunningCoffer.database(dataDir);
    int publicPort = RunningCoffer.freePort();
    first = RunningCoffer.start(Settings.defaults(dataDir, publicPort), database);
    second =
        RunningCoffer.start(
            Settings.defaults(RunningCoffer.nodeDir(dataDir, "2"), RunningCoffer.freePort())
                .withPublicPort(publicPort),
            database);
    token = first.token();
  }

  @AfterAll
  static void stop() {
    second.close();
    first.close();
  }

  @Test
  void concurrent_metadata_updates_on_two_nodes_keep_both_changes() throws Exception {
    call(first, "PUT", "/secrets/patched", "{\"value\":\"v\"}");
    for (int round = 0; round < 20; round++) {
      String contentType = "type-" + round;
      String tag = "round-" + round;
      List<HttpResponse<String>> answers =
          together(
              () ->
                  call(
                      first,
                      "PATCH",
                      "/secrets/patched/",
                      "{\"contentType\":\"" + contentType + "\"}"),
              () ->
                  call(
                      second,
                      "PATCH",
                      "/secrets/patched/",
                      "{\"tags\":{\"round\":\"" + tag + "\"}}"));
      assertThat(answers).allMatch(a -> a.statusCode() == 200);

      String body = call(second, "GET", "/secrets/patched", null).body();
      assertThat(body).contains("\"contentType\":\"" + contentType + "\"");
      assertThat(body).contains("\"round\":\"" + tag + "\"");
    }
  }

  @Test
  void a_secret_deleted_or_recovered_on_two_nodes_at_once_changes_state_once() throws Exception {
    for (int i = 0; i < 10; i++) {
      String name = "raced-" + i;
      call(first, "PUT", "/secrets/" + name, "{\"value\":\"v\"}");

      List<HttpResponse<String>> deletes =
          together(
              () -> call(first, "DELETE", "/secrets/" + name, null),
              () -> call(second, "DELETE", "/secrets/" + name, null));
      assertThat(deletes).filteredOn(a -> a.statusCode() == 200).hasSize(1);
      assertThat(deletes).filteredOn(a -> a.statusCode() == 404).hasSize(1);

      List<HttpResponse<String>> recovers =
          together(
              () -> call(first, "POST", "/deletedsecrets/" + name + "/recover", ""),
              () -> call(second, "POST", "/deletedsecrets/" + name + "/recover", ""));
      assertThat(recovers).filteredOn(a -> a.statusCode() == 200).hasSize(1);
      assertThat(call(second, "GET", "/secrets/" + name, null).statusCode()).isEqualTo(200);
    }
  }

  /** Runs both requests released by one barrier, so they reach their nodes together. */
  private static List<HttpResponse<String>> together(
      Supplier<HttpResponse<String>> a, Supplier<HttpResponse<String>> b) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<HttpResponse<String>> left =
        CompletableFuture.supplyAsync(() -> after(start, a));
    CompletableFuture<HttpResponse<String>> right =
        CompletableFuture.supplyAsync(() -> after(start, b));
    return List.of(left.get(), right.get());
  }

  private static HttpResponse<String> after(
      CyclicBarrier start, Supplier<HttpResponse<String>> call) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return call.get();
  }

  private static HttpResponse<String> call(
      RunningCoffer node, String method, String path, String body) {
    String url =
        "https://main." + Settings.DEFAULT_DOMAIN + ":" + node.port() + path + "?api-version=7.5";
    return node.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }
}
