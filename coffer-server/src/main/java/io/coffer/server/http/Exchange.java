package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.identity.Principal;
import io.coffer.server.vault.Vault;
import io.coffer.wire.Json;
import io.coffer.wire.KeyVaultError;
import io.coffer.wire.OAuthError;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One request and its answer as the pipeline sees them, whatever server carried the request in: the
 * parts of the request read once from the wire, what the pipeline learns on the way (route, vault,
 * principal), and the answer the handler and the error mapping build.
 */
final class Exchange {
  /** Reads the request body, at most {@code limit} bytes, or refuses it. */
  interface BodySource {
    byte[] read(long limit);
  }

  private static final byte[] EMPTY = new byte[0];

  private final String method;
  private final String host;
  private final String path;
  private final String rawQuery;
  private final Supplier<Map<String, String>> queryParser;
  private Map<String, String> query;
  private final UnaryOperator<String> requestHeaders;
  private final String clientAddress;
  private final BodySource bodySource;
  private final Supplier<Map<String, String>> cookieParser;
  private Map<String, String> cookies;
  private final long started = System.nanoTime();

  private String requestId = "";
  private Route route;
  private CofferException unrouted;
  private Map<String, String> pathParameters = Map.of();
  private byte[] body;
  private Optional<VaultRequest> vault = Optional.empty();
  private Optional<Principal> principal = Optional.empty();
  private Optional<String> appId = Optional.empty();
  private Optional<String> challenge = Optional.empty();
  private String errorCode = "";
  private Optional<Vault> targetVault = Optional.empty();
  private String userName = "";
  private int auditStatus;
  private String auditErrorCode = "";

  private int status = 200;
  private final Map<String, String> answerHeaders = new LinkedHashMap<>();
  private byte[] answerBody = EMPTY;

  /**
   * @param method the request method; HEAD is routed as GET, and its answer is sent without a body
   * @param path the decoded path
   * @param query the decoded query parameters, the first value of each, parsed when first asked for
   *     (a malformed query is then a {@link io.coffer.server.CofferException.BadRequest})
   * @param requestHeaders a request header by name, any case, or null
   */
  Exchange(
      String method,
      String host,
      String path,
      String rawQuery,
      Supplier<Map<String, String>> query,
      UnaryOperator<String> requestHeaders,
      String clientAddress,
      Supplier<Map<String, String>> cookies,
      BodySource bodySource) {
    this.method = method;
    this.host = host == null ? "" : host;
    this.path = path;
    this.rawQuery = rawQuery;
    this.queryParser = query;
    this.requestHeaders = requestHeaders;
    this.clientAddress = clientAddress;
    this.cookieParser = cookies;
    this.bodySource = bodySource;
  }

  // The request.

  String method() {
    return method;
  }

  /** The method a route is looked up by: HEAD is a GET without the body. */
  String routedMethod() {
    return method.equals("HEAD") ? "GET" : method;
  }

  String host() {
    return host;
  }

  String path() {
    return path;
  }

  /** The query as sent, or null. */
  String rawQuery() {
    return rawQuery;
  }

  Optional<String> query(String name) {
    return Optional.ofNullable(queryParameters().get(name));
  }

  Map<String, String> queryParameters() {
    if (query == null) {
      query = Map.copyOf(queryParser.get());
    }
    return query;
  }

  Optional<String> requestHeader(String name) {
    return Optional.ofNullable(requestHeaders.apply(name));
  }

  Optional<String> cookie(String name) {
    if (cookies == null) {
      cookies = Map.copyOf(cookieParser.get());
    }
    return Optional.ofNullable(cookies.get(name));
  }

  String clientAddress() {
    return clientAddress;
  }

  long started() {
    return started;
  }

  /** The body, read once, within the route's limit (checked by the body budget before). */
  byte[] body() {
    if (body == null) {
      body = bodySource.read(route == null ? 0 : route.bodyLimit());
    }
    return body;
  }

  /** Whether the body was read (or there was none to read). */
  boolean bodyRead() {
    return body != null;
  }

  String pathParameter(String name) {
    String value = pathParameters.get(name);
    if (value == null) {
      throw new IllegalStateException("route " + route + " has no parameter " + name);
    }
    return value;
  }

  Map<String, String> pathParameters() {
    return pathParameters;
  }

  // What the pipeline learns.

  String requestId() {
    return requestId;
  }

  void requestId(String id) {
    this.requestId = id;
  }

  Optional<Route> route() {
    return Optional.ofNullable(route);
  }

  void route(Route matched, Map<String, String> parameters) {
    this.route = matched;
    this.pathParameters = Map.copyOf(parameters);
  }

  /** No route serves this method and path: the refusal to answer with. */
  void unrouted(CofferException refusal) {
    this.unrouted = refusal;
  }

  /**
   * The route found for this request.
   *
   * @throws CofferException the refusal when none was
   */
  Route routeOrRefusal() {
    if (route == null) {
      throw unrouted;
    }
    return route;
  }

  Optional<VaultRequest> vault() {
    return vault;
  }

  /** What the guard established; the principal is the vault request's. */
  void vault(VaultRequest admitted) {
    this.vault = Optional.of(admitted);
    this.principal = Optional.of(admitted.principal());
  }

  /** A vault request's handler reads what the guard established. */
  VaultRequest vaultRequest() {
    return vault.orElseThrow(() -> new IllegalStateException("no vault request on " + route));
  }

  Optional<Principal> principal() {
    return principal;
  }

  /** Set by routes that authenticate outside the vault guard (the management API). */
  void principal(Principal authenticated) {
    this.principal = Optional.of(authenticated);
  }

  /**
   * The vault the request's host names, once found: recorded even when the request is refused after
   * (a 401, a 403), with the principal its token proved.
   */
  Optional<Vault> targetVault() {
    return vault.map(VaultRequest::vault).or(() -> targetVault);
  }

  void targetVault(Vault found) {
    this.targetVault = Optional.of(found);
  }

  /** The user name a sign-in or a password grant named, proven or not; empty for others. */
  String userName() {
    return userName;
  }

  void userName(String named) {
    this.userName = named;
  }

  /**
   * The outcome the audit trail records when it is not the answer's: a failed sign-in shows the
   * form again (200), but is a refusal.
   */
  void auditOutcome(int status, String code) {
    this.auditStatus = status;
    this.auditErrorCode = code;
  }

  int auditStatus() {
    return auditStatus != 0 ? auditStatus : status;
  }

  String auditErrorCode() {
    return auditStatus != 0 ? auditErrorCode : errorCode;
  }

  /** The application a request spoke for, when no principal was proven (a token request). */
  Optional<String> appId() {
    return appId.or(() -> principal.map(Principal::clientId));
  }

  void appId(String clientId) {
    this.appId = Optional.of(clientId);
  }

  /** The {@code WWW-Authenticate} challenge a 401 to this request carries. */
  Optional<String> challenge() {
    return challenge;
  }

  void challenge(String header) {
    this.challenge = Optional.of(header);
  }

  String errorCode() {
    return errorCode;
  }

  // The answer.

  int status() {
    return status;
  }

  Map<String, String> answerHeaders() {
    return answerHeaders;
  }

  byte[] answerBody() {
    return answerBody;
  }

  Exchange header(String name, String value) {
    answerHeaders.put(name, value);
    return this;
  }

  /** A JSON answer, typed as Key Vault types it; an error body's code is noted for the audit. */
  void json(int answerStatus, Object value) {
    switch (value) {
      case KeyVaultError e -> errorCode = e.error().code();
      case OAuthError e -> errorCode = e.error();
      default -> {}
    }
    answer(answerStatus, Headers.JSON, Json.write(value));
  }

  /** A JSON document already written, such as the signing keys. */
  void jsonDocument(int answerStatus, String document) {
    answer(answerStatus, Headers.JSON, document.getBytes(StandardCharsets.UTF_8));
  }

  /** An HTML page. */
  void html(int answerStatus, String page) {
    answer(answerStatus, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  /** A text answer of another type: Prometheus' exposition format, the console's assets. */
  void text(int answerStatus, String type, String text) {
    answer(answerStatus, type, text.getBytes(StandardCharsets.UTF_8));
  }

  /** An answer without a body and without a type (204, a redirect). */
  void empty(int answerStatus) {
    status = answerStatus;
    answerHeaders.remove("Content-Type");
    answerBody = EMPTY;
  }

  private void answer(int answerStatus, String type, byte[] bytes) {
    status = answerStatus;
    answerHeaders.put("Content-Type", type);
    answerBody = bytes;
  }

  @Override
  public String toString() {
    return "Exchange[" + method + " " + path + ", request " + requestId + "]";
  }
}
