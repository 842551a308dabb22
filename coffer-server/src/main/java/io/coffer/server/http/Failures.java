package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.CofferException.Reason;
import io.coffer.wire.ErrorCode;
import io.coffer.wire.Json;
import io.coffer.wire.KeyVaultError;
import io.coffer.wire.OAuthError;
import io.coffer.wire.WireException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP: status, Azure {@code error.code}, message. No stack trace
 * ever reaches a body; an unexpected failure is logged with its request id and answered with a
 * generic 500.
 */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
  static final String CHALLENGE = "coffer.challenge";
  private static final String ANSWERED = "coffer.answered";

  private Failures() {}

  static void handle(Exception failure, Context ctx) {
    switch (failure) {
      case CofferException.TokenRefused refused -> oauth(ctx, refused);
      case CofferException.AuthorizeRefused refused -> LoginPage.refused(ctx, refused);
      case CofferException known -> keyVault(ctx, known);
      case WireException wire ->
          write(ctx, 400, KeyVaultError.of(ErrorCode.BAD_PARAMETER, wire.getMessage()));
      case HttpResponseException http -> framework(ctx, http.getStatus(), http.getMessage());
      // A path escape Jetty lets through (such as %u0041) that the router cannot decode.
      case IllegalArgumentException bad
          when bad.getMessage() != null && bad.getMessage().startsWith("URLDecoder") ->
          write(
              ctx,
              400,
              KeyVaultError.of(
                  ErrorCode.BAD_PARAMETER, "The request path is not validly encoded."));
      // The client sent less body than its Content-Length announced, then closed its side.
      case java.io.EOFException eof ->
          write(
              ctx,
              400,
              KeyVaultError.of(
                  ErrorCode.BAD_PARAMETER, "The request body ended before its Content-Length."));
      default -> {
        LOG.error(
            "event=unexpected-failure request_id={} method={} path={}",
            ctx.attribute(Headers.REQUEST_ID),
            ctx.method(),
            ctx.path(),
            failure);
        write(
            ctx,
            500,
            KeyVaultError.of(
                ErrorCode.INTERNAL_ERROR,
                "The server encountered an internal error; request id "
                    + ctx.attribute(Headers.REQUEST_ID)
                    + "."));
      }
    }
  }

  /** Status codes Javalin produces itself (unknown route, wrong method, body too large). */
  static void framework(Context ctx, int status, String message) {
    String text =
        switch (status) {
          case 404 -> "The requested resource " + ctx.path() + " was not found.";
          // Key Vault's own wording, as it answers PUT /secrets/ (a secret without a name).
          case 405 -> "HTTP " + ctx.method() + " not allowed";
          case 413 -> "The request body is too large.";
          default -> Optional.ofNullable(message).orElse("The request could not be served.");
        };
    write(ctx, status, KeyVaultError.of(codeFor(status), text));
  }

  /** The {@code error.code} for a status that no domain failure produced. */
  static String codeFor(int status) {
    return switch (status) {
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_PARAMETER;
    };
  }

  /** A Key Vault error before it is written: status, the headers it needs, body. */
  record ErrorAnswer(int status, Map<String, String> headers, KeyVaultError body) {}

  private static void keyVault(Context ctx, CofferException failure) {
    ErrorAnswer answer = keyVaultAnswer(failure, () -> ctx.attribute(CHALLENGE));
    answer.headers().forEach(ctx::header);
    write(ctx, answer.status(), answer.body());
  }

  /** The answer to a domain failure; the challenge is asked for only when the failure is a 401. */
  static ErrorAnswer keyVaultAnswer(CofferException failure, Supplier<String> challenge) {
    int status =
        switch (failure) {
          case CofferException.BadRequest e -> 400;
          case CofferException.Unauthenticated e -> 401;
          case CofferException.Forbidden e -> 403;
          case CofferException.SecretNotFound e -> 404;
          case CofferException.NotFound e -> 404;
          case CofferException.MethodNotAllowed e -> 405;
          case CofferException.Conflict e -> 409;
          case CofferException.Unavailable e -> 503;
          case CofferException.Throttled e -> 429;
          case CofferException.TokenRefused e -> 400;
          case CofferException.AuthorizeRefused e -> 400;
        };
    String code =
        switch (failure) {
          case CofferException.BadRequest e ->
              e.reason() == Reason.MALFORMED_BACKUP
                  ? ErrorCode.MALFORMED_BACKUP_BLOB
                  : ErrorCode.BAD_PARAMETER;
          case CofferException.Unauthenticated e -> ErrorCode.UNAUTHORIZED;
          case CofferException.Forbidden e -> ErrorCode.FORBIDDEN;
          case CofferException.SecretNotFound e -> ErrorCode.SECRET_NOT_FOUND;
          case CofferException.NotFound e -> ErrorCode.NOT_FOUND;
          case CofferException.MethodNotAllowed e -> ErrorCode.METHOD_NOT_ALLOWED;
          case CofferException.Conflict e -> ErrorCode.CONFLICT;
          case CofferException.Unavailable e -> ErrorCode.SERVICE_UNAVAILABLE;
          case CofferException.Throttled e -> ErrorCode.THROTTLED;
          case CofferException.TokenRefused e -> ErrorCode.BAD_PARAMETER;
          case CofferException.AuthorizeRefused e -> ErrorCode.BAD_PARAMETER;
        };
    Map<String, String> headers = new LinkedHashMap<>();
    if (failure instanceof CofferException.Unauthenticated) {
      String header = challenge.get();
      if (header != null) {
        headers.put("WWW-Authenticate", header);
      }
    }
    if (failure instanceof CofferException.Throttled throttled) {
      headers.put("Retry-After", Long.toString(throttled.retryAfter().toSeconds()));
    }
    if (failure instanceof CofferException.Unavailable unavailable) {
      headers.put("Retry-After", Long.toString(Math.max(1, unavailable.retryAfter().toSeconds())));
    }
    return new ErrorAnswer(
        status, headers, KeyVaultError.of(code, failure.getMessage(), inner(failure.reason())));
  }

  /** Key Vault names an inner error only on its 403 and 409 answers. */
  private static String inner(Reason reason) {
    return switch (reason) {
      case DELETED_BUT_RECOVERABLE -> ErrorCode.INNER_DELETED_BUT_RECOVERABLE;
      case BEING_DELETED -> ErrorCode.INNER_BEING_DELETED;
      case SECRET_DISABLED -> ErrorCode.INNER_SECRET_DISABLED;
      case FORBIDDEN_BY_RBAC -> ErrorCode.INNER_FORBIDDEN_BY_RBAC;
      case FORBIDDEN_BY_POLICY -> ErrorCode.INNER_FORBIDDEN_BY_POLICY;
      case NONE,
          MALFORMED_BACKUP,
          INVALID_CLIENT,
          UNAUTHORIZED_CLIENT,
          INVALID_REQUEST,
          UNSUPPORTED_GRANT_TYPE,
          INVALID_SCOPE,
          INVALID_GRANT ->
          null;
    };
  }

  private static void oauth(Context ctx, CofferException.TokenRefused refused) {
    String error =
        switch (refused.reason()) {
          case INVALID_CLIENT -> OAuthError.INVALID_CLIENT;
          case UNAUTHORIZED_CLIENT -> OAuthError.UNAUTHORIZED_CLIENT;
          case UNSUPPORTED_GRANT_TYPE -> OAuthError.UNSUPPORTED_GRANT_TYPE;
          case INVALID_SCOPE -> OAuthError.INVALID_SCOPE;
          case INVALID_GRANT -> OAuthError.INVALID_GRANT;
          default -> OAuthError.INVALID_REQUEST;
        };
    int status = error.equals(OAuthError.INVALID_CLIENT) ? 401 : 400;
    String requestId = ctx.attribute(Headers.REQUEST_ID);
    write(
        ctx,
        status,
        new OAuthError(
            error,
            refused.getMessage() + "\r\nTrace ID: " + requestId + "\r\nTimestamp: " + Instant.now(),
            List.of(refused.aadsts()),
            Instant.now().toString(),
            requestId,
            Optional.ofNullable(ctx.header("client-request-id")).orElse(requestId)));
  }

  static void write(Context ctx, int status, Object body) {
    ctx.attribute(ANSWERED, Boolean.TRUE);
    switch (body) {
      case KeyVaultError e -> ctx.attribute(AuditRecorder.ERROR_CODE, e.error().code());
      case OAuthError e -> ctx.attribute(AuditRecorder.ERROR_CODE, e.error());
      default -> {}
    }
    ctx.status(status).result(Json.write(body));
    Headers.json(ctx);
  }

  /** Javalin's own error pages are replaced unless one of our handlers already answered. */
  static void replaceFrameworkAnswer(Context ctx) {
    if (ctx.attribute(ANSWERED) == null) {
      framework(ctx, ctx.statusCode(), null);
    }
  }
}
