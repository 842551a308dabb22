package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Raw HTTP to a vault, for what the SDK never sends: bad tokens, bad bodies, odd versions. */
final class VaultHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private final RunningCoffer coffer;
  private final String token;

  VaultHttp(RunningCoffer coffer) {
    this.coffer = coffer;
    this.token = coffer.token();
  }

  HttpResponse<String> call(String method, String pathAndQuery, String body) {
    return call(method, pathAndQuery, body, "Bearer " + token);
  }

  HttpResponse<String> call(String method, String pathAndQuery, String body, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + pathAndQuery))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return coffer.send(request.build());
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  static String errorCode(HttpResponse<String> response) {
    return json(response).path("error").path("code").asText();
  }
}
