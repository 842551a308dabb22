package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the server lets requests in flight finish instead of cutting them off. */
class GracefulShutdownTest {

  @Test
  void a_request_in_flight_when_the_server_stops_still_completes(@TempDir Path dataDir)
      throws Exception {
    RunningCoffer coffer = RunningCoffer.start(dataDir);
    String tokenUrl =
        coffer.credentials().authorityHost()
            + "/"
            + coffer.credentials().tenantId()
            + "/oauth2/v2.0/token";
    // Warm the connection so the slow request below is dispatched at once.
    coffer.send(
        HttpRequest.newBuilder(
                URI.create(
                    tokenUrl.replace(
                        "/oauth2/v2.0/token", "/v2.0/.well-known/openid-configuration")))
            .build());
    // A token request verifies a PBKDF2 hash (600k iterations): a few hundred milliseconds.
    String form =
        "grant_type=client_credentials&client_id="
            + coffer.credentials().clientId()
            + "&client_secret="
            + java.net.URLEncoder.encode(coffer.credentials().clientSecret(), "UTF-8")
            + "&scope="
            + java.net.URLEncoder.encode(
                "https://vault.localhost:" + coffer.port() + "/.default", "UTF-8");
    CompletableFuture<HttpResponse<String>> inFlight =
        coffer
            .http()
            .sendAsync(
                HttpRequest.newBuilder(URI.create(tokenUrl))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Thread.sleep(120);

    coffer.close();

    HttpResponse<String> response = inFlight.get();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("access_token");
  }
}
