package io.coffer.wire;

/** The {@code error.code} and {@code innererror.code} strings the real service answers with. */
public final class ErrorCode {
  public static final String BAD_PARAMETER = "BadParameter";
  public static final String UNAUTHORIZED = "Unauthorized";
  public static final String FORBIDDEN = "Forbidden";
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String NOT_FOUND = "NotFound";
  public static final String CONFLICT = "Conflict";
  public static final String METHOD_NOT_ALLOWED = "MethodNotAllowed";
  public static final String THROTTLED = "Throttled";
  public static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";
  public static final String INTERNAL_ERROR = "InternalServerError";

  /** Restore's refusal of a blob it cannot read; the code holds spaces, as the service sends it. */
  public static final String MALFORMED_BACKUP_BLOB = "Malformed backup blob";

  public static final String INNER_DELETED_BUT_RECOVERABLE = "ObjectIsDeletedButRecoverable";
  public static final String INNER_BEING_DELETED = "ObjectIsBeingDeleted";
  public static final String INNER_SECRET_DISABLED = "SecretDisabled";
  public static final String INNER_FORBIDDEN_BY_RBAC = "ForbiddenByRbac";
  public static final String INNER_FORBIDDEN_BY_POLICY = "ForbiddenByPolicy";

  private ErrorCode() {}
}
