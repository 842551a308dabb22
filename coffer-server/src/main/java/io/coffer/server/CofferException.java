package io.coffer.server;

import java.time.Duration;
import java.util.Optional;

/**
 * Every failure a client can cause, as a domain fact. The {@code http} package maps each one to a
 * status and an Azure {@code error.code} in a single switch. Messages never contain secret values.
 */
public abstract sealed class CofferException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A finer reason the wire layer turns into {@code innererror.code}. */
  public enum Reason {
    NONE,
    DELETED_BUT_RECOVERABLE,
    BEING_DELETED,
    SECRET_DISABLED,
    FORBIDDEN_BY_RBAC,
    FORBIDDEN_BY_POLICY,
    MALFORMED_BACKUP,
    INVALID_CLIENT,
    UNAUTHORIZED_CLIENT,
    INVALID_REQUEST,
    UNSUPPORTED_GRANT_TYPE,
    INVALID_SCOPE,
    INVALID_GRANT
  }

  private final Reason reason;

  private CofferException(String message, Reason reason) {
    // Stack traces are never shown to clients, and filling them costs on hot failure paths.
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The most of one client-sent value a message quotes back. */
  public static final int ECHO_LIMIT = 128;

  /**
   * A value the client sent, as a message may quote it back: cut to {@value #ECHO_LIMIT}
   * characters, so an error answer never grows with what an unauthenticated client sends.
   */
  public static String echo(String clientValue) {
    if (clientValue == null) {
      return "";
    }
    if (clientValue.length() <= ECHO_LIMIT) {
      return clientValue;
    }
    return clientValue.substring(0, ECHO_LIMIT) + "…(" + clientValue.length() + " characters)";
  }

  /** The request is malformed or breaks a limit. */
  public static final class BadRequest extends CofferException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
      super(message, Reason.NONE);
    }

    /** A request refused for a reason that has its own error code (a malformed backup). */
    public BadRequest(String message, Reason reason) {
      super(message, reason);
    }
  }

  /** No secret (or version, or deleted secret) by that name. */
  public static final class SecretNotFound extends CofferException {
    private static final long serialVersionUID = 1L;

    public SecretNotFound(String message) {
      super(message, Reason.NONE);
    }
  }

  /** No such vault, tenant or route. */
  public static final class NotFound extends CofferException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message, Reason.NONE);
    }
  }

  /** The request contradicts the object's current state. */
  public static final class Conflict extends CofferException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message, Reason reason) {
      super(message, reason);
    }
  }

  /** The caller is known but not allowed, or the object refuses the operation. */
  public static final class Forbidden extends CofferException {
    private static final long serialVersionUID = 1L;

    public Forbidden(String message, Reason reason) {
      super(message, reason);
    }
  }

  /** No valid bearer token: answered with 401 and the challenge. */
  public static final class Unauthenticated extends CofferException {
    private static final long serialVersionUID = 1L;

    public Unauthenticated(String message) {
      super(message, Reason.NONE);
    }
  }

  /**
   * The token service refuses a token request; answered in the OAuth 2.0 error shape with the Entra
   * {@code AADSTS} number.
   */
  public static final class TokenRefused extends CofferException {
    private static final long serialVersionUID = 1L;
    private final int aadsts;

    public TokenRefused(Reason reason, int aadsts, String message) {
      super("AADSTS" + aadsts + ": " + message, reason);
      this.aadsts = aadsts;
    }

    public int aadsts() {
      return aadsts;
    }
  }

  /**
   * The authorize endpoint refuses a sign-in request. With a validated loopback redirect the client
   * is told by redirect ({@code error}, {@code error_description}, {@code state}); without one the
   * browser gets an error page, so an unvalidated URI is never redirected to.
   */
  public static final class AuthorizeRefused extends CofferException {
    private static final long serialVersionUID = 1L;
    private final String error;
    private final int aadsts;
    private final transient Optional<String> redirectUri;
    private final boolean formPost;
    private final transient Optional<String> state;

    /** A refusal shown on an error page: the redirect URI is unknown or not to be trusted. */
    public AuthorizeRefused(String error, int aadsts, String message) {
      this(error, aadsts, message, Optional.empty(), false, Optional.empty());
    }

    /** A refusal sent to a validated redirect URI, in the response mode the client asked for. */
    public AuthorizeRefused(
        String error,
        int aadsts,
        String message,
        Optional<String> redirectUri,
        boolean formPost,
        Optional<String> state) {
      super("AADSTS" + aadsts + ": " + message, Reason.INVALID_REQUEST);
      this.error = error;
      this.aadsts = aadsts;
      this.redirectUri = redirectUri;
      this.formPost = formPost;
      this.state = state;
    }

    /** The OAuth 2.0 {@code error} value. */
    public String error() {
      return error;
    }

    public int aadsts() {
      return aadsts;
    }

    /** A validated loopback redirect, when the failure is the client's to hear about. */
    public Optional<String> redirectUri() {
      return redirectUri;
    }

    /** Whether the client asked for {@code response_mode=form_post}. */
    public boolean formPost() {
      return formPost;
    }

    public Optional<String> state() {
      return state;
    }
  }

  /** The request body is larger than its route accepts; answered 413 before or while reading. */
  public static final class TooLarge extends CofferException {
    private static final long serialVersionUID = 1L;

    public TooLarge(String message) {
      super(message, Reason.NONE);
    }
  }

  /** The HTTP method is not served at this path. */
  public static final class MethodNotAllowed extends CofferException {
    private static final long serialVersionUID = 1L;
    private final transient java.util.Set<String> allowed;

    /**
     * @param allowed the methods that are served at this path, for the {@code Allow} header
     */
    public MethodNotAllowed(String message, java.util.Set<String> allowed) {
      super(message, Reason.NONE);
      this.allowed = java.util.Set.copyOf(allowed);
    }

    public java.util.Set<String> allowed() {
      return allowed;
    }
  }

  /** The caller or the vault spent its request budget; answered 429 with Retry-After. */
  public static final class Throttled extends CofferException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    public Throttled(String message, Duration retryAfter) {
      super(message, Reason.NONE);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** A dependency (storage) cannot serve now; the client should retry after the given time. */
  public static final class Unavailable extends CofferException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    public Unavailable(String message, Duration retryAfter) {
      super(message, Reason.NONE);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }
}
