package io.coffer.server.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWKSet;
import io.coffer.server.CofferException;
import io.coffer.server.CofferException.Reason;
import io.coffer.server.CofferException.TokenRefused;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of external OIDC issuers (Kubernetes service-account issuers, CI systems),
 * discovered from {@code <issuer>/.well-known/openid-configuration} and cached for a few minutes.
 */
final class FederatedKeys {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_DOCUMENT = 512 * 1024;

  /** Built on first use: a mapper costs a started server some 5 MiB (see {@code Json}). */
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private static final Logger LOG = LoggerFactory.getLogger(FederatedKeys.class);

  private volatile HttpClient http;
  private final Cache<String, JWKSet> byIssuer =
      Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofMinutes(5)).build();

  /**
   * The issuer's current keys; {@code refresh} skips the cache, for a key id not seen before.
   *
   * @throws TokenRefused when the issuer cannot be reached or answers nonsense
   */
  JWKSet keys(String issuer, boolean refresh) {
    if (refresh) {
      byIssuer.invalidate(issuer);
    }
    return byIssuer.get(issuer, this::discover);
  }

  /** Parses an inline JWKS document, as an administrator registers it. */
  static JWKSet parseJwks(String json) {
    try {
      JWKSet set = JWKSet.parse(json);
      if (set.getKeys().isEmpty()) {
        throw new CofferException.BadRequest("The JWKS holds no keys.");
      }
      return set;
    } catch (ParseException e) {
      throw new CofferException.BadRequest("The JWKS is not a valid JSON Web Key Set.");
    }
  }

  private JWKSet discover(String issuer) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    JsonNode configuration;
    try {
      configuration = Mapper.JSON.readTree(fetch(base + "/.well-known/openid-configuration"));
    } catch (IOException e) {
      throw unreachable(issuer);
    }
    String jwksUri = configuration.path("jwks_uri").asText("");
    if (!jwksUri.startsWith("https://")) {
      throw unreachable(issuer);
    }
    try {
      return JWKSet.parse(fetch(jwksUri));
    } catch (ParseException e) {
      throw unreachable(issuer);
    }
  }

  private String fetch(String url) {
    try {
      HttpResponse<InputStream> response =
          client()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        byte[] bytes = body.readNBytes(MAX_DOCUMENT + 1);
        if (response.statusCode() != 200 || bytes.length > MAX_DOCUMENT) {
          throw new IOException("status " + response.statusCode());
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("event=federation-keys-unavailable url={} reason={}", url, e.toString());
      throw unreachable(url);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(url);
    }
  }

  /**
   * Built at first use with a fresh TLS context, so it trusts what the JVM's trust settings say
   * then ({@code javax.net.ssl.trustStore}, e.g. a cluster's private CA), not what they said when
   * the server started.
   */
  private HttpClient client() {
    HttpClient client = http;
    if (client == null) {
      try {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        client =
            HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("TLS is unavailable", e);
      }
      http = client;
    }
    return client;
  }

  private static TokenRefused unreachable(String where) {
    return new TokenRefused(
        Reason.INVALID_CLIENT,
        700027,
        "The signing keys of the assertion's issuer could not be retrieved from " + where + ".");
  }
}
