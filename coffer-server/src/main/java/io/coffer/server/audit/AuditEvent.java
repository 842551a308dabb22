package io.coffer.server.audit;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * One request, as the audit trail records it: who (principal object id, app id, the user name a
 * sign-in or user grant named, tenant), what (operation, vault, secret name and version), the
 * outcome (HTTP status and error code) and where from. Never a value, never a credential. Empty
 * strings stand for "not applicable".
 *
 * <p>Every text field is cut to {@value #FIELD_LIMIT} characters: most of them come from requests
 * no one has authenticated yet (a client id, a tenant, a path), and a record must not grow with
 * what such a request sends.
 */
public record AuditEvent(
    String time,
    String requestId,
    String operation,
    String principal,
    String appId,
    String user,
    String tenant,
    String vault,
    String secret,
    String version,
    int status,
    String errorCode,
    String clientAddress,
    long durationMs) {

  public static final int FIELD_LIMIT = 256;

  /** An event that names no user (every request but sign-ins and user token grants). */
  public AuditEvent(
      String time,
      String requestId,
      String operation,
      String principal,
      String appId,
      String tenant,
      String vault,
      String secret,
      String version,
      int status,
      String errorCode,
      String clientAddress,
      long durationMs) {
    this(
        time,
        requestId,
        operation,
        principal,
        appId,
        "",
        tenant,
        vault,
        secret,
        version,
        status,
        errorCode,
        clientAddress,
        durationMs);
  }

  public AuditEvent {
    time = bounded(time);
    requestId = bounded(requestId);
    operation = bounded(operation);
    principal = bounded(principal);
    appId = bounded(appId);
    user = bounded(user);
    tenant = bounded(tenant);
    vault = bounded(vault);
    secret = bounded(secret);
    version = bounded(version);
    errorCode = bounded(errorCode);
    clientAddress = bounded(clientAddress);
  }

  /**
   * The event as one JSON object, members in component order (as Jackson writes the record, and as
   * readers of the trail parse it), written directly: this runs once per request.
   */
  String json() {
    StringBuilder out = new StringBuilder(384);
    out.append('{');
    member(out, "time", time).append(',');
    member(out, "requestId", requestId).append(',');
    member(out, "operation", operation).append(',');
    member(out, "principal", principal).append(',');
    member(out, "appId", appId).append(',');
    member(out, "user", user).append(',');
    member(out, "tenant", tenant).append(',');
    member(out, "vault", vault).append(',');
    member(out, "secret", secret).append(',');
    member(out, "version", version).append(',');
    out.append("\"status\":").append(status).append(',');
    member(out, "errorCode", errorCode).append(',');
    member(out, "clientAddress", clientAddress).append(',');
    out.append("\"durationMs\":").append(durationMs);
    return out.append('}').toString();
  }

  private static StringBuilder member(StringBuilder out, String name, String value) {
    out.append('"').append(name).append("\":\"");
    int i = 0;
    while (i < value.length()
        && value.charAt(i) >= 0x20
        && value.charAt(i) != '"'
        && value.charAt(i) != '\\') {
      i++;
    }
    if (i == value.length()) {
      out.append(value); // most fields: nothing to escape, and no copy to make
    } else {
      // In one piece: the appending form adds a character at a time (7 % of a GET).
      out.append(JsonStringEncoder.getInstance().quoteAsString(value));
    }
    return out.append('"');
  }

  /** A field cut to the limit, saying how long it was, so a cut value is never taken as whole. */
  static String bounded(String value) {
    if (value == null) {
      return "";
    }
    if (value.length() <= FIELD_LIMIT) {
      return value;
    }
    String cut = "…(" + value.length() + " characters)";
    return value.substring(0, FIELD_LIMIT - cut.length()) + cut;
  }
}
