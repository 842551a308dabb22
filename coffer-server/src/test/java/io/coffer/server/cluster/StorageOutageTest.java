package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL going away is a 503 with Retry-After, and its return needs no Coffer restart. */
@EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
class StorageOutageTest {

  @Test
  void an_unreachable_database_answers_503_and_service_resumes_when_it_returns(
      @TempDir Path dataDir) throws Exception {
    try (RunningCoffer coffer = RunningCoffer.start(dataDir)) {
      String token = coffer.token();
      coffer.secretClient().setSecret("before-outage", "value-1");

      TestPostgres.get().stop();
      try {
        HttpResponse<String> during = get(coffer, token, "/secrets/before-outage");
        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(during.headers().firstValue("Retry-After")).isPresent();
        assertThat(during.body()).doesNotContain("value-1");
        assertThat(health(coffer).statusCode()).isEqualTo(503);
      } finally {
        TestPostgres.get().restart();
      }

      HttpResponse<String> after = get(coffer, token, "/secrets/before-outage");
      for (int i = 0; i < 50 && after.statusCode() != 200; i++) {
        Thread.sleep(200);
        after = get(coffer, token, "/secrets/before-outage");
      }
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).contains("value-1");
      assertThat(health(coffer).statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(RunningCoffer coffer, String token, String path) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + path + "?api-version=7.5"))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build());
  }

  private static HttpResponse<String> health(RunningCoffer coffer) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + "/healthz")).GET().build());
  }
}
