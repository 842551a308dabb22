package io.coffer.server.http;

import static io.coffer.server.http.ConsoleHtml.BASE;
import static io.coffer.server.http.ConsoleHtml.escape;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.server.config.Endpoints;
import io.coffer.server.crypto.Digests;
import io.coffer.server.http.ConsoleApi.Answer;
import io.coffer.server.http.ConsoleSessions.PendingSignIn;
import io.coffer.server.http.ConsoleSessions.Session;
import io.coffer.server.http.ConsoleSessions.Tokens;
import io.coffer.server.identity.AuthorizationResponse;
import io.coffer.server.identity.Directory;
import io.coffer.server.identity.Principal;
import io.coffer.server.identity.PublicClients;
import io.coffer.wire.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The web console at {@code /console/} on the token service's host: sign-in through Coffer's own
 * authorization code + PKCE flow (the console is a public client), a server-side session behind an
 * {@code HttpOnly; Secure; SameSite=Strict} cookie, a CSRF token in every form, and pages that do
 * their work through {@link ConsoleApi} with the user's own tokens. This class holds the route
 * table, the session and CSRF checks and sign-in and sign-out; the pages are {@link PageGroup}s:
 * {@link ConsoleVaultPages}, {@link ConsoleSecretPages}, {@link ConsoleAccessPages} and {@link
 * ConsoleAdminPages}.
 */
final class ConsoleRoutes {
  /** The session cookie. {@code __Host-}: this host only, over TLS, for every path. */
  static final String SESSION_COOKIE = "__Host-coffer-console";

  /** Binds a sign-in in progress to the browser that started it. */
  static final String SIGN_IN_COOKIE = "__Host-coffer-console-signin";

  private final ConsoleApi api;
  private final ConsoleSessions sessions;
  private final Endpoints endpoints;
  private final Directory directory;
  private final List<PageGroup> pages;

  ConsoleRoutes(
      ConsoleApi api,
      ConsoleSessions sessions,
      Endpoints endpoints,
      Directory directory,
      List<PageGroup> pages) {
    this.api = api;
    this.sessions = sessions;
    this.endpoints = endpoints;
    this.directory = directory;
    this.pages = List.copyOf(pages);
  }

  /** A set of pages: adds its routes, made with {@link #get} and {@link #post}. */
  interface PageGroup {
    void routes(ConsoleRoutes console, List<Route> into);
  }

  /** A page's work, for a signed-in person; {@code form} is empty for a GET. */
  @FunctionalInterface
  interface Page {
    void serve(Exchange exchange, Session session, Map<String, String> form);
  }

  List<Route> routes() {
    List<Route> routes = new ArrayList<>();
    routes.add(Route.get(BASE + "/signin", "ConsoleSignIn", this::signIn));
    routes.add(Route.post(BASE + "/auth", "ConsoleSignInDone", this::signedIn));
    routes.add(Route.get(BASE + "/assets/{asset}", "ConsoleAsset", this::asset));
    routes.add(post("/signout", "ConsoleSignOut", this::signOut));
    pages.forEach(group -> group.routes(this, routes));
    return routes;
  }

  Route get(String path, String operation, Page page) {
    return Route.get(BASE + path, operation, exchange -> serve(exchange, page, false));
  }

  Route post(String path, String operation, Page page) {
    return Route.post(BASE + path, operation, exchange -> serve(exchange, page, true));
  }

  /** Whether the exchange belongs to the console, whose failures are pages. */
  static boolean owns(Exchange exchange) {
    String path = exchange.path();
    return path.equals(BASE) || path.startsWith(BASE + "/");
  }

  private void serve(Exchange exchange, Page page, boolean posted) {
    if (redirectedToCanonicalHost(exchange)) {
      return;
    }
    Optional<Session> found = exchange.cookie(SESSION_COOKIE).flatMap(sessions::find);
    if (found.isEmpty()) {
      if (posted) {
        ConsoleHtml.bare(
            exchange,
            401,
            "Signed out",
            "<h1>Your session has ended</h1><p>Nothing was changed. <a href=\""
                + BASE
                + "/signin\">Sign in again</a> and repeat what you were doing.</p>");
      } else {
        String next =
            exchange.path() + (exchange.rawQuery() == null ? "" : "?" + exchange.rawQuery());
        ConsoleHtml.headers(exchange);
        exchange
            .header(
                "Location",
                BASE + "/signin?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8))
            .empty(303);
      }
      return;
    }
    Session session = found.get();
    exchange.principal(new Principal(session.objectId, session.tenantId, PublicClients.CONSOLE));
    Map<String, String> form = Map.of();
    if (posted) {
      form =
          PostedForm.read(
              exchange, () -> new CofferException.BadRequest("The form could not be read."));
      checkForgery(exchange, session, form);
    }
    page.serve(exchange, session, form);
  }

  /**
   * A form must carry this session's CSRF token; a browser that says where a post comes from
   * ({@code Origin}, {@code Sec-Fetch-Site}) must say it comes from this console.
   */
  private void checkForgery(Exchange exchange, Session session, Map<String, String> form) {
    String presented = form.getOrDefault("csrf", "");
    boolean tokenMatches =
        MessageDigest.isEqual(
            session.csrf.getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII));
    boolean originMatches =
        exchange.requestHeader("Origin").map(o -> o.equalsIgnoreCase(origin())).orElse(true);
    boolean siteMatches =
        exchange
            .requestHeader("Sec-Fetch-Site")
            .map(s -> s.equals("same-origin") || s.equals("none"))
            .orElse(true);
    if (!tokenMatches || !originMatches || !siteMatches) {
      throw new CofferException.Forbidden(
          "This form has expired or was not sent from this console, so nothing was changed."
              + " Reload the page and try again.",
          CofferException.Reason.NONE);
    }
  }

  /** Whether the signed-in person is a Coffer administrator (which pages to offer). */
  boolean administrator(Session session) {
    return directory.isAdministrator(session.objectId);
  }

  ConsoleApi api() {
    return api;
  }

  /** The console lives on the token service's public name: elsewhere, send the browser there. */
  private boolean redirectedToCanonicalHost(Exchange exchange) {
    String canonical = URI.create(endpoints.authority()).getRawAuthority().toLowerCase(Locale.ROOT);
    String host = exchange.host().toLowerCase(Locale.ROOT);
    if (host.endsWith(":443")) {
      host = host.substring(0, host.length() - 4);
    }
    if (host.equals(canonical)) {
      return false;
    }
    ConsoleHtml.headers(exchange);
    exchange.header("Location", endpoints.authority() + BASE + "/").empty(308);
    return true;
  }

  private String origin() {
    return endpoints.authority();
  }

  private String redirectUri() {
    return endpoints.authority() + AuthorizationResponse.CONSOLE_PATH;
  }

  /**
   * Starts a sign-in: a PKCE verifier kept here, the browser bound by a cookie, on to authorize.
   */
  private void signIn(Exchange exchange) {
    if (redirectedToCanonicalHost(exchange)) {
      return;
    }
    String next = exchange.query("next").filter(ConsoleRoutes::isConsolePath).orElse(BASE + "/");
    String browser = ConsoleSessions.random();
    String verifier = ConsoleSessions.random();
    String state = sessions.pend(verifier, browser, next);
    Map<String, String> authorize = new LinkedHashMap<>();
    authorize.put("client_id", PublicClients.CONSOLE);
    authorize.put("response_type", "code");
    authorize.put("response_mode", "form_post");
    authorize.put("redirect_uri", redirectUri());
    authorize.put("scope", api.vaultScope());
    authorize.put("code_challenge", challenge(verifier));
    authorize.put("code_challenge_method", "S256");
    authorize.put("state", state);
    ConsoleHtml.headers(exchange);
    exchange
        .header("Set-Cookie", cookie(SIGN_IN_COOKIE, browser, ConsoleSessions.PENDING.toSeconds()))
        .header("Location", "/organizations/oauth2/v2.0/authorize?" + ConsoleApi.encode(authorize))
        .empty(303);
  }

  /** The authorization response: redeem the code with the verifier, start the session. */
  private void signedIn(Exchange exchange) {
    if (redirectedToCanonicalHost(exchange)) {
      return;
    }
    // form_post: the code arrives in a body, never in a URL, a log line or the history.
    Map<String, String> response =
        PostedForm.read(
            exchange, () -> new CofferException.BadRequest("The sign-in answer is unreadable."));
    Optional<PendingSignIn> pending =
        sessions.take(
            response.getOrDefault("state", ""), exchange.cookie(SIGN_IN_COOKIE).orElse(null));
    if (pending.isEmpty()) {
      signInFailed(
          exchange,
          "This sign-in has expired or was started in another browser or tab. Start again.");
      return;
    }
    if (response.containsKey("error")) {
      signInFailed(exchange, response.getOrDefault("error_description", response.get("error")));
      return;
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", response.getOrDefault("code", ""));
    form.put("redirect_uri", redirectUri());
    form.put("code_verifier", pending.get().verifier());
    form.put("scope", api.vaultScope());
    Answer answer = api.token("organizations", form, exchange.clientAddress());
    if (!answer.ok()) {
      signInFailed(exchange, answer.message());
      return;
    }
    JsonNode claims = claims(answer.body().path("access_token").asText());
    String objectId = claims.path("oid").asText();
    String tenantId = claims.path("tid").asText();
    Tokens tokens =
        new Tokens(
            answer.body().path("access_token").asText(),
            api.expiry(answer),
            "",
            Instant.EPOCH,
            answer.body().path("refresh_token").asText());
    String id =
        sessions.start(
            objectId,
            tenantId,
            claims.path("upn").asText(),
            claims.path("name").asText(claims.path("upn").asText()),
            tokens);
    exchange.principal(new Principal(objectId, tenantId, PublicClients.CONSOLE));
    ConsoleHtml.headers(exchange);
    exchange
        .header("Set-Cookie", cookie(SESSION_COOKIE, id, ConsoleSessions.LIFETIME.toSeconds()))
        .header("Location", pending.get().next())
        .empty(303);
  }

  private void signOut(Exchange exchange, Session session, Map<String, String> form) {
    sessions.end(session);
    exchange.header("Set-Cookie", cookie(SESSION_COOKIE, "", 0));
    ConsoleHtml.bare(
        exchange,
        200,
        "Signed out",
        "<h1>You have signed out</h1><p>Your session and its tokens are gone from the server."
            + " <a href=\""
            + BASE
            + "/signin\">Sign in again</a></p>");
  }

  private void signInFailed(Exchange exchange, String message) {
    ConsoleHtml.bare(
        exchange,
        400,
        "Sign-in failed",
        "<h1>Sign-in failed</h1>"
            + ConsoleHtml.notice("error", message, "alert")
            + "<p><a href=\""
            + BASE
            + "/signin\">Sign in again</a></p>");
  }

  private void asset(Exchange exchange) {
    String asset = exchange.pathParameter("asset");
    ConsoleHtml.headers(exchange);
    switch (asset) {
      case "console.css" -> exchange.text(200, "text/css; charset=utf-8", ConsoleHtml.CSS);
      case "favicon.svg" -> exchange.text(200, "image/svg+xml", ConsoleHtml.ICON);
      case "console.js" -> exchange.text(200, "text/javascript; charset=utf-8", ConsoleHtml.JS);
      default -> throw new CofferException.NotFound("There is no such file.");
    }
  }

  /** A cookie only this host gets, only over TLS, never from another site, unseen by scripts. */
  static String cookie(String name, String value, long maxAgeSeconds) {
    return name
        + "="
        + value
        + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age="
        + maxAgeSeconds;
  }

  /** A place in the console to return to: a path of ours, never another site. */
  static boolean isConsolePath(String next) {
    return next.startsWith(BASE + "/")
        && !next.startsWith("//")
        && !next.contains("\\")
        && next.chars().noneMatch(c -> c < 0x21 || c > 0x7e);
  }

  private static String challenge(String verifier) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Digests.sha256(verifier));
  }

  /**
   * The claims of a token this server just issued to the console over its own pipeline: read, not
   * verified again, because it never left the process.
   */
  private static JsonNode claims(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      throw new IllegalStateException("the token endpoint answered a malformed token");
    }
    return Json.readTree(Base64.getUrlDecoder().decode(parts[1]));
  }

  /** Escapes a text for a page (shared with the page classes). */
  static String text(String value) {
    return escape(value);
  }
}
