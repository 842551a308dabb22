package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.coffer.server.CofferException;
import io.coffer.server.config.Endpoints;
import io.coffer.server.http.ConsoleSessions.Session;
import io.coffer.server.http.ConsoleSessions.Tokens;
import io.coffer.server.identity.PublicClients;
import io.coffer.wire.ApiVersion;
import io.coffer.wire.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How the console does anything: it builds the request an API client would send — a vault request
 * to {@code <vault>.<domain>}, a management request to {@code /admin/v1}, a token request — with
 * the signed-in user's bearer token, and serves it through the same {@link Pipeline} as a request
 * from the network. The guard, the authorization decision and the audit record are the API's own;
 * the console only renders the answer.
 */
final class ConsoleApi {
  /** Tokens are renewed this long before they end, so a page never fails half-way. */
  private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

  private final Endpoints endpoints;
  private final Clock clock;
  private volatile Pipeline pipeline;

  ConsoleApi(Endpoints endpoints, Clock clock) {
    this.endpoints = endpoints;
    this.clock = clock;
  }

  /** The pipeline is built from the routes, the console's among them: it is attached after. */
  void attach(Pipeline served) {
    this.pipeline = served;
  }

  /** An API answer: status and JSON body (a missing node when there is none). */
  record Answer(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The refusal's text: Key Vault's {@code error.message} or OAuth's description. */
    String message() {
      JsonNode error = body.path("error");
      if (error.isObject()) {
        return error.path("message").asText("The request was refused (" + status + ").");
      }
      String description = body.path("error_description").asText("");
      if (!description.isEmpty()) {
        int trace = description.indexOf("\r\n");
        return trace > 0 ? description.substring(0, trace) : description;
      }
      return "The request was refused (" + status + ").";
    }

    String code() {
      JsonNode error = body.path("error");
      return error.isObject() ? error.path("code").asText("") : error.asText("");
    }
  }

  /** A request without query parameters to a vault's secrets API, from the exchange's client. */
  Answer vault(
      Exchange exchange,
      Session session,
      String vault,
      String method,
      String path,
      Optional<Object> body) {
    return vault(session, vault, method, path, Map.of(), body, exchange.clientAddress());
  }

  /** A request to a vault's secrets API, as the signed-in user. */
  Answer vault(
      Session session,
      String vault,
      String method,
      String path,
      Map<String, String> query,
      Optional<Object> body,
      String client) {
    Map<String, String> withVersion = new LinkedHashMap<>(query);
    withVersion.put("api-version", ApiVersion.NEWEST.value());
    String host = URI.create(endpoints.vaultUrl(vault)).getRawAuthority();
    return send(
        method,
        host,
        path,
        withVersion,
        "Bearer " + vaultToken(session, client),
        body.map(Json::write),
        "application/json",
        client);
  }

  /** A request to the management API, as the signed-in user (an administrator or refused). */
  Answer admin(
      Session session,
      String method,
      String path,
      Map<String, String> query,
      Optional<Object> body,
      String client) {
    return send(
        method,
        authorityHost(),
        "/admin/v1" + path,
        query,
        "Bearer " + adminToken(session, client),
        body.map(Json::write),
        "application/json",
        client);
  }

  /** A request to the token endpoint of {@code tenant}, as the console (a public client). */
  Answer token(String tenant, Map<String, String> form, String client) {
    Map<String, String> withClient = new LinkedHashMap<>(form);
    withClient.put("client_id", PublicClients.CONSOLE);
    return send(
        "POST",
        authorityHost(),
        "/" + tenant + "/oauth2/v2.0/token",
        Map.of(),
        "",
        Optional.of(encode(withClient).getBytes(StandardCharsets.UTF_8)),
        "application/x-www-form-urlencoded",
        client);
  }

  /** The scope of vault tokens and of management tokens, as the console asks for them. */
  String vaultScope() {
    return endpoints.resource() + "/user_impersonation offline_access openid profile";
  }

  String adminScope() {
    return endpoints.managementResource() + "/.default offline_access";
  }

  private String vaultToken(Session session, String client) {
    Tokens tokens = session.tokens();
    if (clock.instant().isAfter(tokens.vaultExpires().minus(RENEW_BEFORE))) {
      tokens = renew(session, client);
    }
    return tokens.vault();
  }

  private String adminToken(Session session, String client) {
    Tokens tokens = session.tokens();
    if (tokens.admin().isEmpty()
        || clock.instant().isAfter(tokens.adminExpires().minus(RENEW_BEFORE))) {
      Answer answer = refresh(session.tenantId, tokens.refresh(), adminScope(), client);
      if (!answer.ok()) {
        throw ended(answer);
      }
      tokens =
          new Tokens(
              tokens.vault(),
              tokens.vaultExpires(),
              answer.body().path("access_token").asText(),
              expiry(answer),
              answer.body().path("refresh_token").asText(tokens.refresh()));
      session.tokens(tokens);
    }
    return tokens.admin();
  }

  private Tokens renew(Session session, String client) {
    Tokens tokens = session.tokens();
    Answer answer = refresh(session.tenantId, tokens.refresh(), vaultScope(), client);
    if (!answer.ok()) {
      throw ended(answer);
    }
    Tokens renewed =
        new Tokens(
            answer.body().path("access_token").asText(),
            expiry(answer),
            tokens.admin(),
            tokens.adminExpires(),
            answer.body().path("refresh_token").asText(tokens.refresh()));
    session.tokens(renewed);
    return renewed;
  }

  private Answer refresh(String tenant, String refreshToken, String scope, String client) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    form.put("scope", scope);
    return token(tenant, form, client);
  }

  /** When a token answer's access token ends. */
  Instant expiry(Answer answer) {
    return clock.instant().plusSeconds(answer.body().path("expires_in").asLong(0));
  }

  private static CofferException ended(Answer answer) {
    return new CofferException.Unauthenticated(
        "Your sign-in could not be renewed (" + answer.message() + "). Sign in again.");
  }

  private String authorityHost() {
    return URI.create(endpoints.authority()).getRawAuthority();
  }

  /** Builds the exchange a client's request would become and has the pipeline serve it. */
  private Answer send(
      String method,
      String host,
      String path,
      Map<String, String> query,
      String authorization,
      Optional<byte[]> body,
      String contentType,
      String client) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Host", host);
    if (!authorization.isEmpty()) {
      headers.put("Authorization", authorization);
    }
    headers.put("User-Agent", "coffer-console");
    byte[] bytes = body.orElse(new byte[0]);
    if (body.isPresent()) {
      headers.put("Content-Type", contentType);
      headers.put("Content-Length", Integer.toString(bytes.length));
    }
    Map<String, String> parameters = Map.copyOf(query);
    Exchange exchange =
        new Exchange(
            method,
            host,
            path,
            query.isEmpty() ? null : encode(query),
            () -> parameters,
            headers::get,
            client,
            Map::of,
            limit -> {
              if (bytes.length > limit) {
                throw new CofferException.TooLarge("The request body is too large.");
              }
              return bytes;
            });
    pipeline.route(exchange);
    pipeline.serve(exchange);
    byte[] answer = exchange.answerBody();
    JsonNode json = MissingNode.getInstance();
    if (answer.length > 0) {
      try {
        json = Json.readTree(answer);
      } catch (RuntimeException e) {
        json = MissingNode.getInstance();
      }
    }
    return new Answer(exchange.status(), json);
  }

  static String encode(Map<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(e ->
            URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
