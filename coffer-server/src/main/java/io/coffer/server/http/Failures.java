package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.CofferException.Reason;
import io.coffer.wire.ErrorCode;
import io.coffer.wire.KeyVaultError;
import io.coffer.wire.OAuthError;
import io.coffer.wire.WireException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP: status, Azure {@code error.code}, message, in the shape of
 * the surface that failed (Key Vault's error body, an OAuth error at the token endpoint, a page at
 * the sign-in form). No stack trace ever reaches a body; an unexpected failure is logged with its
 * request id and answered with a generic 500.
 */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private static final int MESSAGE_LIMIT = 1024;
  private static final String TOKEN = "TokenIssue";
  private static final String SIGN_IN = "SignIn";

  private Failures() {}

  /** Answers the exchange with what {@code failure} means to the client. */
  static void answer(Exchange exchange, Exception failure) {
    if (ConsoleRoutes.owns(exchange)) {
      console(exchange, failure);
      return;
    }
    switch (failure) {
      case CofferException.Throttled throttled when surface(exchange).equals(TOKEN) ->
          oauthThrottled(exchange, throttled);
      case CofferException.Throttled throttled when surface(exchange).equals(SIGN_IN) ->
          LoginPage.throttled(exchange, throttled);
      case CofferException.TokenRefused refused -> oauth(exchange, refused);
      case CofferException.AuthorizeRefused refused -> LoginPage.refused(exchange, refused);
      case CofferException known -> keyVault(exchange, known);
      case WireException wire ->
          exchange.json(400, KeyVaultError.of(ErrorCode.BAD_PARAMETER, bounded(wire.getMessage())));
      default -> {
        LOG.error(
            "event=unexpected-failure request_id={} method={} path={}",
            exchange.requestId(),
            exchange.method(),
            exchange.path(),
            failure);
        exchange.json(
            500,
            KeyVaultError.of(
                ErrorCode.INTERNAL_ERROR,
                "The server encountered an internal error; request id "
                    + exchange.requestId()
                    + "."));
      }
    }
  }

  /**
   * A message as an answer carries it: each value a message quotes is cut where it is quoted, and
   * this holds any message that quotes one without cutting it to a size no client could make grow.
   */
  static String bounded(String message) {
    if (message == null || message.length() <= MESSAGE_LIMIT) {
      return message;
    }
    return message.substring(0, MESSAGE_LIMIT) + "…";
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

  /** The console's pages fail as pages: the status, and the message in words, never a trace. */
  private static void console(Exchange exchange, Exception failure) {
    int status =
        switch (failure) {
          case CofferException known -> status(known);
          case WireException wire -> 400;
          default -> 500;
        };
    String message =
        switch (failure) {
          case CofferException known -> known.getMessage();
          case WireException wire -> wire.getMessage();
          default -> {
            LOG.error(
                "event=unexpected-failure request_id={} method={} path={}",
                exchange.requestId(),
                exchange.method(),
                exchange.path(),
                failure);
            yield "Something went wrong on the server; nothing is known to have changed. The"
                + " request id is "
                + exchange.requestId()
                + ".";
          }
        };
    if (failure instanceof CofferException.MethodNotAllowed e) {
      exchange.header("Allow", String.join(", ", e.allowed()));
    }
    ConsolePages.failure(exchange, status, message);
  }

  private static int status(CofferException failure) {
    return switch (failure) {
      case CofferException.BadRequest e -> 400;
      case CofferException.Unauthenticated e -> 401;
      case CofferException.Forbidden e -> 403;
      case CofferException.SecretNotFound e -> 404;
      case CofferException.NotFound e -> 404;
      case CofferException.MethodNotAllowed e -> 405;
      case CofferException.Conflict e -> 409;
      case CofferException.TooLarge e -> 413;
      case CofferException.Throttled e -> 429;
      case CofferException.Unavailable e -> 503;
      case CofferException.TokenRefused e -> 400;
      case CofferException.AuthorizeRefused e -> 400;
    };
  }

  private static void keyVault(Exchange exchange, CofferException failure) {
    int status = status(failure);
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
          case CofferException.TooLarge e -> ErrorCode.BAD_PARAMETER;
          case CofferException.Throttled e -> ErrorCode.THROTTLED;
          case CofferException.Unavailable e -> ErrorCode.SERVICE_UNAVAILABLE;
          case CofferException.TokenRefused e -> ErrorCode.BAD_PARAMETER;
          case CofferException.AuthorizeRefused e -> ErrorCode.BAD_PARAMETER;
        };
    switch (failure) {
      case CofferException.Unauthenticated e ->
          exchange.challenge().ifPresent(c -> exchange.header("WWW-Authenticate", c));
      case CofferException.MethodNotAllowed e ->
          exchange.header("Allow", String.join(", ", e.allowed()));
      case CofferException.Throttled e ->
          exchange.header("Retry-After", Long.toString(e.retryAfter().toSeconds()));
      case CofferException.Unavailable e ->
          exchange.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
      default -> {}
    }
    exchange.json(
        status, KeyVaultError.of(code, bounded(failure.getMessage()), inner(failure.reason())));
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

  /** The operation of the route that failed, which names the surface whose shape it answers in. */
  private static String surface(Exchange exchange) {
    return exchange.route().map(Route::operation).orElse("");
  }

  /**
   * Entra answers a client that asks too often with 429 and Retry-After; the body is an OAuth error
   * as every other refusal at the token endpoint.
   */
  private static void oauthThrottled(Exchange exchange, CofferException.Throttled throttled) {
    exchange.header("Retry-After", Long.toString(Math.max(1, throttled.retryAfter().toSeconds())));
    oauthBody(
        exchange,
        429,
        OAuthError.TEMPORARILY_UNAVAILABLE,
        "AADSTS50196: " + throttled.getMessage(),
        50196);
  }

  private static void oauth(Exchange exchange, CofferException.TokenRefused refused) {
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
    oauthBody(exchange, status, error, refused.getMessage(), refused.aadsts());
  }

  private static void oauthBody(
      Exchange exchange, int status, String error, String message, int aadsts) {
    String requestId = exchange.requestId();
    exchange.json(
        status,
        new OAuthError(
            error,
            bounded(message) + "\r\nTrace ID: " + requestId + "\r\nTimestamp: " + Instant.now(),
            List.of(aadsts),
            Instant.now().toString(),
            requestId,
            exchange.requestHeader("client-request-id").orElse(requestId)));
  }
}
