package io.coffer.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.cli.CaTrust;
import io.coffer.wire.Json;
import io.coffer.wire.OAuthError;
import io.coffer.wire.TokenResponse;
import io.coffer.wire.WireException;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Gets access tokens from Coffer's token endpoint with each identity's host key (client
 * credentials) and keeps them per identity and scope until shortly before they expire.
 */
final class CofferTokens {
  /** Hand out no token that a workload could not use for a few minutes more, as Azure does. */
  static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  private record Key(String clientId, String scope) {}

  private final AgentConfig config;
  private final HttpClient http;
  private final Clock clock;
  private final Map<Key, AgentToken> cache = new ConcurrentHashMap<>();

  CofferTokens(AgentConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .sslContext(CaTrust.context(config.caFile()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** {@code resource} as a workload names it, with or without a trailing slash or /.default. */
  static String scopeFor(String resource) {
    String base = resource.strip();
    if (base.endsWith("/.default")) {
      base = base.substring(0, base.length() - "/.default".length());
    }
    return base.replaceAll("/+$", "") + "/.default";
  }

  AgentToken token(AgentIdentity identity, String scope) throws TokenRefused {
    Key key = new Key(identity.clientId(), scope);
    AgentToken cached = cache.get(key);
    if (cached != null && clock.instant().plus(REFRESH_MARGIN).isBefore(cached.expiresOn())) {
      return cached;
    }
    AgentToken fresh = fetch(identity, scope);
    cache.put(key, fresh);
    return fresh;
  }

  private AgentToken fetch(AgentIdentity identity, String scope) throws TokenRefused {
    String form =
        form(
            Map.of(
                "grant_type",
                "client_credentials",
                "client_id",
                identity.clientId(),
                "client_secret",
                identity.clientSecret(),
                "scope",
                scope));
    HttpRequest request =
        HttpRequest.newBuilder(config.tokenEndpoint())
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    Instant sent = clock.instant();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new TokenRefused(
          502,
          "service_unavailable",
          "Coffer at " + config.authority() + " cannot be reached: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenRefused(503, "service_unavailable", "The agent is stopping.");
    }
    try {
      if (response.statusCode() != 200) {
        OAuthError error = Json.read(response.body(), OAuthError.class);
        throw new TokenRefused(
            response.statusCode(),
            error.error() == null ? "invalid_request" : error.error(),
            "Coffer refused a token for "
                + identity.clientId()
                + ": "
                + (error.errorDescription() == null ? "no description" : error.errorDescription()));
      }
      TokenResponse token = Json.read(response.body(), TokenResponse.class);
      JsonNode claims = claims(token.accessToken());
      return new AgentToken(
          token.accessToken(),
          identity.clientId(),
          sent,
          sent.plusSeconds(token.expiresIn()),
          text(claims, "oid"),
          text(claims, "xms_mirid"));
    } catch (WireException e) {
      throw new TokenRefused(
          502,
          "invalid_response",
          "Coffer answered HTTP " + response.statusCode() + " with an unreadable body.");
    }
  }

  /** The token's claims, read without verifying: Coffer just issued it over TLS. */
  private static JsonNode claims(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return Json.emptyObject();
    }
    try {
      return Json.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IllegalArgumentException | WireException e) {
      return Json.emptyObject();
    }
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e ->
            URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
