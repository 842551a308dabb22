package io.coffer.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Reads are served from memory on a single node; none may ever answer older data than a write
 * already acknowledged. Readers hammer a secret (newest and by version) while one writer sets new
 * versions, changes tags, disables, deletes and recovers it; every answer is checked against what
 * had been acknowledged when the read started.
 */
class ReadAfterWriteTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int READERS = 4;
  private static final int WRITES = 300;

  private final RunningCoffer coffer = server();
  private final String token = coffer.token();
  private final String name = "raw-" + UUID.randomUUID().toString().substring(0, 8);

  /** The op number each version showed last when acknowledged; "" is the newest version. */
  private final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();

  /** The server under test: the shared one, which keeps its read cache on. */
  RunningCoffer server() {
    return RunningCoffer.shared();
  }

  @Test
  void no_read_answers_older_than_an_acknowledged_write() throws Exception {
    String first = set(0);
    acknowledged.put("", 0);
    acknowledged.put(first, 0);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    List<String> stale = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(READERS);
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        readers.add(
            pool.submit(() -> {
              while (writing.get()) {
                List<String> versions = List.copyOf(acknowledged.keySet());
                String version = versions.get(ThreadLocalRandom.current().nextInt(versions.size()));
                int expected = acknowledged.get(version);
                HttpResponse<String> answer = get(version);
                reads.incrementAndGet();
                int seen = op(answer);
                if (seen < expected) {
                  synchronized (stale) {
                    stale.add("version '" + version + "' showed op " + seen + " after " + expected);
                  }
                }
              }
              return null;
            }));
      }
      String latest = first;
      for (int op = 1; op <= WRITES; op++) {
        if (op % 3 == 0) {
          latest = set(op);
          acknowledged.put(latest, op);
        } else {
          assertThat(call("PATCH", "", "{\"tags\":{\"op\":\"" + op + "\"}}").statusCode())
              .isEqualTo(200);
          acknowledged.put(latest, op);
        }
        acknowledged.put("", op);
      }
      writing.set(false);
      for (Future<?> reader : readers) {
        reader.get();
      }
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
    System.out.printf("read-after-write: %d writes, %d concurrent reads%n", WRITES, reads.get());
    assertThat(reads.get()).isGreaterThan(WRITES);
    assertThat(stale).isEmpty();
  }

  @Test
  void disable_delete_and_recover_show_at_once_while_reads_keep_the_cache_warm() throws Exception {
    set(0);
    AtomicBoolean reading = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(READERS);
    try {
      for (int r = 0; r < READERS; r++) {
        pool.submit(() -> {
          while (reading.get()) {
            get("");
          }
        });
      }
      for (int round = 0; round < 20; round++) {
        assertThat(call("PATCH", "", "{\"attributes\":{\"enabled\":false}}").statusCode())
            .isEqualTo(200);
        assertThat(get("").statusCode()).as("disabled, round " + round).isEqualTo(403);
        assertThat(call("PATCH", "", "{\"attributes\":{\"enabled\":true}}").statusCode())
            .isEqualTo(200);
        assertThat(get("").statusCode()).as("enabled, round " + round).isEqualTo(200);
        assertThat(call("DELETE", "", null).statusCode()).isEqualTo(200);
        assertThat(get("").statusCode()).as("deleted, round " + round).isEqualTo(404);
        assertThat(
                send("POST", "/deletedsecrets/" + name + "/recover?api-version=7.4", null)
                    .statusCode())
            .isEqualTo(200);
        assertThat(op(get(""))).as("recovered, round " + round).isEqualTo(0);
      }
    } finally {
      reading.set(false);
      pool.shutdownNow();
    }
  }

  private String set(int op) throws IOException {
    HttpResponse<String> answer =
        call("PUT", "", "{\"value\":\"v-" + op + "\",\"tags\":{\"op\":\"" + op + "\"}}");
    assertThat(answer.statusCode()).isEqualTo(200);
    String id = JSON.readTree(answer.body()).path("id").asText();
    return id.substring(id.lastIndexOf('/') + 1);
  }

  private HttpResponse<String> get(String version) {
    return call("GET", version, null);
  }

  /** The op number a 200 answer carries; -1 for any other answer. */
  private static int op(HttpResponse<String> answer) throws IOException {
    if (answer.statusCode() != 200) {
      return -1;
    }
    JsonNode body = JSON.readTree(answer.body());
    return Integer.parseInt(body.path("tags").path("op").asText());
  }

  private HttpResponse<String> call(String method, String version, String body) {
    return send(method, "/secrets/" + name + "/" + version + "?api-version=7.4", body);
  }

  private HttpResponse<String> send(String method, String pathAndQuery, String body) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + pathAndQuery))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .build());
  }
}
