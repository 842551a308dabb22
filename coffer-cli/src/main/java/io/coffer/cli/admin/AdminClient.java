package io.coffer.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.cli.CaTrust;
import io.coffer.cli.CommandFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Calls Coffer's management API: a client-credentials token for the management resource, then JSON
 * over HTTPS, trusting the JDK's CAs plus the profile's CA file. Errors become one line.
 */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String authority;
  private final HttpClient http;
  private final Optional<AdminProfile> profile;
  private String token;

  private AdminClient(String authority, Optional<String> caFile, Optional<AdminProfile> profile) {
    this.authority =
        authority.endsWith("/") ? authority.substring(0, authority.length() - 1) : authority;
    this.profile = profile;
    this.http =
        HttpClient.newBuilder()
            .sslContext(CaTrust.context(caFile.filter(f -> !f.isBlank()).map(Path::of)))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  static AdminClient of(AdminProfile profile) {
    return new AdminClient(
        profile.authority(), Optional.of(profile.caFile()), Optional.of(profile));
  }

  /** A client that can only bootstrap: no credential yet. */
  static AdminClient anonymous(String authority, Optional<String> caFile) {
    return new AdminClient(authority, caFile, Optional.empty());
  }

  JsonNode get(String path) {
    return send("GET", path, Optional.empty());
  }

  JsonNode post(String path, Object body) {
    return send("POST", path, Optional.of(body));
  }

  JsonNode put(String path, Object body) {
    return send("PUT", path, Optional.of(body));
  }

  JsonNode patch(String path, Object body) {
    return send("PATCH", path, Optional.of(body));
  }

  JsonNode delete(String path) {
    return send("DELETE", path, Optional.empty());
  }

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, Optional<Object> body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(authority + "/admin/v1" + path))
              .timeout(TIMEOUT)
              .header("Accept", "application/json")
              .method(
                  method,
                  body.isPresent()
                      ? HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body.get()))
                      : HttpRequest.BodyPublishers.noBody());
      if (body.isPresent()) {
        request.header("Content-Type", "application/json");
      }
      if (profile.isPresent()) {
        request.header("Authorization", "Bearer " + token());
      }
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode answer =
          response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
      if (response.statusCode() >= 300) {
        throw new CommandFailure(describe(response.statusCode(), answer));
      }
      return answer;
    } catch (IOException e) {
      throw new CommandFailure("cannot reach " + authority + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted");
    }
  }

  /** Client credentials at the profile's tenant, for the management resource. */
  private String token() throws IOException, InterruptedException {
    if (token != null) {
      return token;
    }
    AdminProfile p = profile.orElseThrow();
    String form =
        "grant_type=client_credentials&client_id="
            + segment(p.clientId())
            + "&client_secret="
            + segment(p.clientSecret())
            + "&scope="
            + segment(p.scope());
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(authority + "/" + p.tenantId() + "/oauth2/v2.0/token"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode answer = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      throw new CommandFailure(
          "the token service refused the admin credential: "
              + answer
                  .path("error_description")
                  .asText(answer.path("error").asText(""))
                  .lines()
                  .findFirst()
                  .orElse(""));
    }
    token = answer.path("access_token").asText();
    return token;
  }

  private static String describe(int status, JsonNode answer) {
    JsonNode error = answer.path("error");
    return status
        + " "
        + error.path("code").asText("Error")
        + ": "
        + error.path("message").asText(answer.toString()).lines().findFirst().orElse("");
  }
}
