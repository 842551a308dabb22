package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.authz.Action;
import io.coffer.server.secrets.SecretService;
import io.coffer.server.secrets.SecretVersion;
import io.coffer.wire.Json;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;

/**
 * {@code GET /secrets/{name}[/{version}]?api-version=…}, the request a vault serves most, answered
 * straight on Jetty ahead of the framework, whose servlet layer costs more than the read itself.
 * The same guard, service, bodies, error mapping and audit serve it as the framework route; any
 * request of another shape (other query parameters, encoded or odd path characters, no bearer
 * token) goes on to the framework unchanged.
 */
final class SecretGetHandler extends Handler.Wrapper {
  private static final Requires REQUIRES = Requires.onSecret(Action.GET_SECRET);
  private static final String API_VERSION = "api-version=";
  private static final int MAX_API_VERSION = 40;

  private final Guard guard;
  private final SecretService secrets;
  private final AuditRecorder audit;

  private final boolean inline;

  /**
   * @param inline whether plain GETs may be answered on the I/O thread that read them: only when
   *     storage is local, so that what the read path may wait for (a cold cache's read of SQLite)
   *     is short
   */
  SecretGetHandler(
      Handler framework, Guard guard, SecretService secrets, AuditRecorder audit, boolean inline) {
    super(framework);
    this.guard = guard;
    this.secrets = secrets;
    this.audit = audit;
    this.inline = inline;
  }

  /**
   * Non-blocking when plain GETs are answered inline: Jetty then calls {@link #handle} on the I/O
   * thread, saving a hand-over per request, and this handler hands every other request to a
   * (virtual) thread of its own, where the framework may block.
   */
  @Override
  public InvocationType getInvocationType() {
    return inline ? InvocationType.NON_BLOCKING : super.getInvocationType();
  }

  /** What the path names; an empty version is the latest. */
  private record Target(String name, String version) {
    Map<String, String> parameters() {
      return Map.of("name", name, "version", version);
    }
  }

  /** The outcome, before it is written. */
  private record Answer(
      int status, String errorCode, byte[] body, Optional<VaultRequest> admitted) {}

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Target target = target(request);
    if (target == null || audit.refusing()) {
      return inline
          ? handOver(request, response, callback)
          : super.handle(request, response, callback);
    }
    long started = System.nanoTime();
    HttpFields.Mutable headers = response.getHeaders();
    String clientAddress = Request.getRemoteAddr(request);
    String requestId = Headers.stamp(request.getHeaders()::get, clientAddress, headers::put);
    Answer answer = answer(request, target, headers);
    AccessLog.record(
        requestId,
        "GET",
        request.getHttpURI().getAuthority(),
        request.getHttpURI().getPath(),
        request.getHttpURI().getQuery(),
        answer.status(),
        answer.admitted(),
        clientAddress);
    if (!audit.recordVault(
        "SecretGet",
        answer.admitted(),
        target.parameters(),
        answer.status(),
        answer.errorCode(),
        clientAddress,
        requestId,
        started)) {
      headers.put(HttpHeader.RETRY_AFTER, "5");
      answer = new Answer(503, "", Json.write(AuditRecorder.UNRECORDED), answer.admitted());
    }
    response.setStatus(answer.status());
    headers.put(HttpHeader.CONTENT_TYPE, Headers.JSON);
    headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
    return true;
  }

  private boolean handOver(Request request, Response response, Callback callback) {
    VirtualThreads.execute(
        getServer().getThreadPool(),
        () -> {
          try {
            if (!super.handle(request, response, callback)) {
              Response.writeError(request, response, callback, 404);
            }
          } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
          }
        });
    return true;
  }

  /** The guard's checks, then the secret; a refusal is mapped as the framework maps it. */
  private Answer answer(Request request, Target target, HttpFields.Mutable headers) {
    String host = request.getHeaders().get(HttpHeader.HOST);
    String query = request.getHttpURI().getQuery();
    Optional<VaultRequest> admitted = Optional.empty();
    try {
      VaultRequest vault =
          guard.admit(
              host,
              Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
              () -> query.substring(API_VERSION.length()),
              REQUIRES,
              target::name);
      admitted = Optional.of(vault);
      SecretVersion secret = secrets.get(vault.vault(), target.name(), target.version());
      return new Answer(200, "", Json.write(Bodies.bundle(vault, secret)), admitted);
    } catch (CofferException failure) {
      Failures.ErrorAnswer error = Failures.keyVaultAnswer(failure, () -> guard.challengeAt(host));
      error.headers().forEach(headers::put);
      return new Answer(
          error.status(), error.body().error().code(), Json.write(error.body()), admitted);
    }
  }

  /**
   * The secret a plain GET names, or null for anything the framework should see: only letters,
   * digits and dashes in the path, and api-version as the only query parameter.
   */
  private static Target target(Request request) {
    if (!"GET".equals(request.getMethod())
        || request.getHeaders().get(HttpHeader.AUTHORIZATION) == null) {
      return null;
    }
    String query = request.getHttpURI().getQuery();
    if (query == null
        || !query.startsWith(API_VERSION)
        || query.length() > API_VERSION.length() + MAX_API_VERSION
        || !plain(query, API_VERSION.length(), query.length(), ".-")) {
      return null;
    }
    String path = request.getHttpURI().getPath();
    String prefix = "/secrets/";
    if (path == null || !path.startsWith(prefix)) {
      return null;
    }
    int end = path.endsWith("/") ? path.length() - 1 : path.length();
    int slash = path.indexOf('/', prefix.length());
    int nameEnd = slash < 0 || slash > end ? end : slash;
    String name = path.substring(prefix.length(), nameEnd);
    String version = nameEnd >= end ? "" : path.substring(nameEnd + 1, end);
    if (name.isEmpty()
        || (version.isEmpty() && nameEnd < end)
        || !plain(name, 0, name.length(), "-")
        || !plain(version, 0, version.length(), "-")
        || version.equals("versions")) {
      return null;
    }
    return new Target(name, version);
  }

  /** Only ASCII letters, digits and the extra characters between from and to. */
  private static boolean plain(String text, int from, int to, String extra) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || extra.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
