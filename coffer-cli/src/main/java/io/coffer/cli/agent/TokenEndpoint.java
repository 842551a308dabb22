package io.coffer.cli.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.coffer.wire.AppServiceError;
import io.coffer.wire.AppServiceToken;
import io.coffer.wire.ImdsToken;
import io.coffer.wire.Json;
import io.coffer.wire.ManagedIdentityError;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local token endpoint (App Service or IMDS shaped): checks the proof header, picks the
 * identity, gets its token from Coffer and answers in the shape that endpoint uses.
 */
final class TokenEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

  /** A refusal to send back in the endpoint's error shape. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String error;

    Refusal(int status, String error, String description) {
      super(description, null, false, false);
      this.status = status;
      this.error = error;
    }
  }

  private final EndpointStyle style;
  private final String identityHeader;
  private final IdentitySelector identities;
  private final CofferTokens tokens;
  private final Clock clock;

  TokenEndpoint(
      EndpointStyle style,
      String identityHeader,
      IdentitySelector identities,
      CofferTokens tokens,
      Clock clock) {
    this.style = style;
    this.identityHeader = identityHeader;
    this.identities = identities;
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Object body;
      int status = 200;
      try {
        body = answer(exchange);
      } catch (Refusal refusal) {
        status = refusal.status;
        body =
            switch (style) {
              // MSAL Python reads only statusCode and message from an App Service error; without
              // them it reports "None, None" instead of the reason.
              case APP_SERVICE ->
                  new AppServiceError(
                      refusal.error, refusal.getMessage(), refusal.status, refusal.getMessage());
              case IMDS -> new ManagedIdentityError(refusal.error, refusal.getMessage());
            };
        log.info(
            "endpoint={} status={} error={} description=\"{}\"",
            style,
            status,
            refusal.error,
            refusal.getMessage().replaceAll("[\\r\\n]+", " "));
      }
      byte[] bytes = Json.write(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private Object answer(HttpExchange exchange) throws Refusal {
    if (!"GET".equals(exchange.getRequestMethod())) {
      throw new Refusal(405, ManagedIdentityError.INVALID_REQUEST, "Only GET is supported.");
    }
    checkProof(exchange.getRequestHeaders().getFirst(style.proofHeader()));
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (!query.containsKey("api-version")) {
      throw new Refusal(
          400,
          ManagedIdentityError.INVALID_REQUEST,
          "Required query variable 'api-version' is missing");
    }
    String resource = query.getOrDefault("resource", "");
    if (resource.isBlank()) {
      throw new Refusal(
          400,
          ManagedIdentityError.INVALID_REQUEST,
          "Required query variable 'resource' is missing");
    }
    String scope = CofferTokens.scopeFor(resource);
    AgentIdentity identity = select(query, scope);
    AgentToken token;
    try {
      token = tokens.token(identity, scope);
    } catch (TokenRefused e) {
      throw new Refusal(e.status(), e.error(), e.getMessage());
    }
    long expiresOn = token.expiresOn().getEpochSecond();
    return switch (style) {
      case APP_SERVICE ->
          new AppServiceToken(
              token.accessToken(),
              Long.toString(expiresOn),
              resource,
              "Bearer",
              identity.clientId());
      case IMDS -> {
        String expiresIn = Long.toString(Math.max(0, expiresOn - clock.instant().getEpochSecond()));
        yield new ImdsToken(
            token.accessToken(),
            identity.clientId(),
            expiresIn,
            Long.toString(expiresOn),
            expiresIn,
            Long.toString(token.notBefore().getEpochSecond()),
            resource,
            "Bearer");
      }
    };
  }

  /**
   * App Service answers a wrong or missing {@code X-IDENTITY-HEADER} with 401; IMDS answers a
   * request without {@code Metadata: true} with 400 — azure-identity's availability probe sends no
   * header on purpose and only needs some HTTP answer.
   */
  private void checkProof(String presented) throws Refusal {
    switch (style) {
      case APP_SERVICE -> {
        if (presented == null
            || !MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8),
                identityHeader.getBytes(StandardCharsets.UTF_8))) {
          throw new Refusal(
              401,
              "unauthorized",
              "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
        }
      }
      case IMDS -> {
        if (!"true".equalsIgnoreCase(presented)) {
          throw new Refusal(
              400, ManagedIdentityError.INVALID_REQUEST, "Required metadata header not specified");
        }
      }
    }
  }

  private AgentIdentity select(Map<String, String> query, String scope) throws Refusal {
    Map<String, String> named = new LinkedHashMap<>();
    for (String parameter : style.idParameters()) {
      Optional.ofNullable(query.get(parameter))
          .filter(v -> !v.isBlank())
          .ifPresent(v -> named.put(parameter, v));
    }
    if (named.size() > 1) {
      throw new Refusal(
          400,
          ManagedIdentityError.INVALID_REQUEST,
          "Only one of " + style.idParameters() + " may be given, not " + named.keySet());
    }
    Optional<AgentIdentity> found;
    if (named.isEmpty()) {
      found = identities.unnamed();
      if (found.isEmpty()) {
        throw new Refusal(
            400,
            ManagedIdentityError.INVALID_REQUEST,
            "Multiple user assigned identities exist, please specify the clientId / resourceId of"
                + " the identity in the token request");
      }
      return found.get();
    }
    Map.Entry<String, String> id = named.entrySet().iterator().next();
    found =
        switch (id.getKey()) {
          case "client_id" -> identities.byClientId(id.getValue());
          case "object_id", "principal_id" ->
              identities.byClaim(id.getValue(), scope, AgentToken::objectId);
          default -> identities.byClaim(id.getValue(), scope, AgentToken::resourceId);
        };
    return found.orElseThrow(
        () -> new Refusal(400, ManagedIdentityError.INVALID_REQUEST, "Identity not found"));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      values.putIfAbsent(key, value);
    }
    return values;
  }
}
