package io.coffer.client;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Follows Coffer's change channel, a long poll on the vault host ({@code GET
 * /coffer/changes?since=<cursor>&timeout=30}, a Coffer extension authorized like listing secrets),
 * with the caller's credential: the token's resource comes from the vault's 401 challenge, as the
 * Azure SDK learns it. After a failure it waits (1 s, doubling to 30 s) and goes on from its
 * cursor, so nothing committed meanwhile is missed while the server still keeps it. A vault that
 * has no such endpoint (404, 400: Azure Key Vault) is left alone for good.
 */
public final class VaultChanges implements ChangeFeed {
  private static final Logger LOG = Logger.getLogger(VaultChanges.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RESOURCE = Pattern.compile("resource=\"([^\"]+)\"");
  private static final Pattern SCOPE = Pattern.compile("scope=\"([^\"]+)\"");
  private static final int POLL_SECONDS = 30;
  private static final String API_VERSION = "7.5";

  private final TokenCredential credential;
  private final HttpClient http;

  public VaultChanges(TokenCredential credential) {
    this.credential = credential;
    this.http =
        HttpClient.newBuilder()
            .sslContext(trustingAsTheSdkDoes())
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /**
   * A TLS context made now from the JVM's trust settings as they are now, as the Azure SDK's
   * clients make theirs: the JVM's default context is fixed at its first use, which may have come
   * before the application set {@code javax.net.ssl.trustStore} to trust its vault's CA.
   */
  private static SSLContext trustingAsTheSdkDoes() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context: " + e.getMessage(), e);
    }
  }

  @Override
  public AutoCloseable follow(String vaultUri, ChangeListener listener) {
    Follower follower = new Follower(vaultUri, listener);
    Thread thread = Thread.ofVirtual().name("coffer-changes").start(follower::run);
    return () -> {
      follower.stopped = true;
      thread.interrupt();
    };
  }

  private final class Follower {
    private final String vaultUri;
    private final ChangeListener listener;
    private volatile boolean stopped;
    private String scope;
    private AccessToken token;
    private String cursor;

    Follower(String vaultUri, ChangeListener listener) {
      this.vaultUri = vaultUri;
      this.listener = listener;
    }

    void run() {
      long backoff = 1000;
      while (!stopped) {
        try {
          HttpResponse<byte[]> answer = poll();
          if (answer.statusCode() == 200) {
            backoff = 1000;
            heard(JSON.readTree(answer.body()));
            continue;
          }
          if (answer.statusCode() == 404 || answer.statusCode() == 400) {
            LOG.fine(() -> vaultUri + " has no change channel; its TTL alone applies");
            return;
          }
          if (answer.statusCode() == 401 || answer.statusCode() == 403) {
            token = null;
          }
          failed(backoff, "answered " + answer.statusCode());
        } catch (IOException | RuntimeException e) {
          failed(backoff, e.toString());
        } catch (InterruptedException e) {
          return;
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException e) {
          return;
        }
        backoff = Math.min(backoff * 2, 30_000);
      }
    }

    /** The first failure of a streak is worth a warning: until it ends, only the TTL applies. */
    private void failed(long backoff, String why) {
      Level level = backoff == 1000 ? Level.WARNING : Level.FINE;
      LOG.log(
          level,
          () ->
              "change channel of " + vaultUri + " failed (" + why + "); retrying, the TTL applies");
    }

    private void heard(JsonNode answer) {
      String next = answer.path("cursor").asText();
      boolean first = cursor == null;
      cursor = next;
      if (answer.path("reset").asBoolean(false) && !first) {
        listener.missed();
      }
      answer.path("changes").forEach(change -> listener.changed(change.path("name").asText()));
    }

    private HttpResponse<byte[]> poll() throws IOException, InterruptedException {
      String query =
          "api-version="
              + API_VERSION
              + "&timeout="
              + (cursor == null ? 0 : POLL_SECONDS)
              + (cursor == null
                  ? ""
                  : "&since=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(vaultUri + "/coffer/changes?" + query))
              .timeout(Duration.ofSeconds(POLL_SECONDS + 15))
              .GET();
      bearer().ifPresent(t -> request.header("Authorization", "Bearer " + t));
      HttpResponse<byte[]> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (answer.statusCode() == 401 && scope == null) {
        // The first request carries no token; the challenge names the resource to ask one for.
        String challenge = answer.headers().firstValue("WWW-Authenticate").orElse("");
        scope = scopeOf(challenge).orElse(null);
        if (scope != null) {
          return poll();
        }
      }
      return answer;
    }

    private Optional<String> bearer() {
      if (scope == null) {
        return Optional.empty();
      }
      if (token == null || token.getExpiresAt().isBefore(OffsetDateTime.now().plusMinutes(2))) {
        token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
      }
      return Optional.of(token.getToken());
    }
  }

  static Optional<String> scopeOf(String challenge) {
    Matcher scope = SCOPE.matcher(challenge);
    if (scope.find()) {
      return Optional.of(scope.group(1));
    }
    Matcher resource = RESOURCE.matcher(challenge);
    return resource.find() ? Optional.of(resource.group(1) + "/.default") : Optional.empty();
  }
}
