package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.audit.AuditEvent;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.identity.Principal;
import io.coffer.wire.ErrorCode;
import io.coffer.wire.KeyVaultError;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Records every request in the audit trail once it is answered: operation, principal, vault, secret
 * name and version, status and error code, client address. In fail-closed mode a request is refused
 * (503) while the trail cannot be written, and an answer whose record could not be written is
 * replaced by a 503.
 */
final class AuditRecorder {
  /** Set by routes that authenticate outside the vault guard (the management API). */
  static final String PRINCIPAL = "coffer.audit.principal";

  static final String ERROR_CODE = "coffer.error-code";
  private static final String STARTED = "coffer.audit.started";
  private static final String TARGET = "coffer.audit.target";

  /** The secrets routes by their Key Vault operation names, as the service's own logs call them. */
  private static final Map<String, String> OPERATIONS =
      Map.ofEntries(
          Map.entry("GET /secrets", "SecretList"),
          Map.entry("POST /secrets/restore", "SecretRestore"),
          Map.entry("GET /secrets/{name}/versions", "SecretListVersions"),
          Map.entry("POST /secrets/{name}/backup", "SecretBackup"),
          Map.entry("GET /secrets/{name}", "SecretGet"),
          Map.entry("GET /secrets/{name}/{version}", "SecretGet"),
          Map.entry("PUT /secrets/{name}", "SecretSet"),
          Map.entry("PATCH /secrets/{name}", "SecretUpdate"),
          Map.entry("PATCH /secrets/{name}/{version}", "SecretUpdate"),
          Map.entry("DELETE /secrets/{name}", "SecretDelete"),
          Map.entry("GET /deletedsecrets", "SecretListDeleted"),
          Map.entry("GET /deletedsecrets/{name}", "SecretGetDeleted"),
          Map.entry("DELETE /deletedsecrets/{name}", "SecretPurge"),
          Map.entry("POST /deletedsecrets/{name}/recover", "SecretRecover"),
          Map.entry("POST /{tenant}/oauth2/v2.0/token", "TokenIssue"),
          Map.entry("GET /{tenant}/oauth2/v2.0/authorize", "SignInPage"),
          Map.entry("POST /{tenant}/oauth2/v2.0/authorize", "SignIn"));

  /** The answer that replaces one whose record could not be written, in fail-closed mode. */
  static final KeyVaultError UNRECORDED =
      KeyVaultError.of(
          ErrorCode.SERVICE_UNAVAILABLE,
          "The audit trail cannot be written; the request's outcome is unknown to the caller and"
              + " must be checked.");

  private record Target(String operation, Map<String, String> parameters) {}

  private final AuditTrail trail;
  private final boolean failClosed;

  AuditRecorder(AuditTrail trail, boolean failClosed) {
    this.trail = trail;
    this.failClosed = failClosed;
  }

  /** Before anything else: note the start, and refuse at once if fail-closed and unwritable. */
  void start(Context ctx) {
    ctx.attribute(STARTED, System.nanoTime());
    if (refusing() && !ctx.path().equals("/healthz")) {
      throw new CofferException.Unavailable(
          "The audit trail cannot be written; requests are refused until it can.",
          Duration.ofSeconds(5));
    }
  }

  /** Once a route matched: what it is about, while its path parameters are at hand. */
  void target(Context ctx) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    String template = endpoint == null ? ctx.path() : endpoint.path;
    String key = ctx.method().name() + " " + template;
    String operation =
        OPERATIONS.getOrDefault(key, template.startsWith("/admin/") ? "Admin " + key : key);
    ctx.attribute(TARGET, new Target(operation, Map.copyOf(ctx.pathParamMap())));
  }

  void record(Context ctx) {
    if (ctx.path().equals("/healthz")) {
      return;
    }
    Target target =
        Optional.<Target>ofNullable(ctx.attribute(TARGET))
            .orElseGet(() -> new Target(ctx.method().name() + " (no route)", Map.of()));
    VaultRequest vault = ctx.attribute(VaultRequest.ATTRIBUTE);
    Optional<Principal> principal =
        Optional.ofNullable(vault)
            .map(VaultRequest::principal)
            .or(() -> Optional.ofNullable(ctx.attribute(PRINCIPAL)));
    String tenant =
        vault != null
            ? vault.vault().tenantId()
            : principal
                .map(Principal::tenantId)
                .orElse(target.parameters().getOrDefault("tenant", ""));
    String appId =
        principal
            .map(Principal::clientId)
            .orElseGet(() ->
                target.operation().equals("TokenIssue")
                    ? PostedForm.field(ctx, "client_id").orElse("")
                    : "");
    Long started = ctx.attribute(STARTED);
    boolean written =
        append(
            target.operation(),
            principal,
            appId,
            tenant,
            vault == null ? "" : vault.vault().name(),
            target.parameters(),
            ctx.statusCode(),
            Optional.<String>ofNullable(ctx.attribute(ERROR_CODE)).orElse(""),
            ctx.ip(),
            Optional.<String>ofNullable(ctx.attribute(Headers.REQUEST_ID)).orElse(""),
            started == null ? System.nanoTime() : started);
    if (!written) {
      Failures.write(ctx, 503, UNRECORDED);
      ctx.header("Retry-After", "5");
    }
  }

  /**
   * Records a vault request answered outside the framework.
   *
   * @return false when fail-closed and the record could not be written: the answer must not go out
   */
  boolean recordVault(
      String operation,
      Optional<VaultRequest> request,
      Map<String, String> parameters,
      int status,
      String errorCode,
      String clientAddress,
      String requestId,
      long startedNanos) {
    return append(
        operation,
        request.map(VaultRequest::principal),
        request.map(r -> r.principal().clientId()).orElse(""),
        request.map(r -> r.vault().tenantId()).orElse(""),
        request.map(r -> r.vault().name()).orElse(""),
        parameters,
        status,
        errorCode,
        clientAddress,
        requestId,
        startedNanos);
  }

  /** Whether fail-closed mode refuses requests now. */
  boolean refusing() {
    return failClosed && !trail.ready();
  }

  private boolean append(
      String operation,
      Optional<Principal> principal,
      String appId,
      String tenant,
      String vault,
      Map<String, String> parameters,
      int status,
      String errorCode,
      String clientAddress,
      String requestId,
      long startedNanos) {
    AuditEvent event =
        new AuditEvent(
            Instant.now().toString(),
            requestId,
            operation,
            principal.map(Principal::objectId).orElse(""),
            appId,
            tenant,
            vault,
            parameters.getOrDefault("name", ""),
            parameters.getOrDefault("version", ""),
            status,
            errorCode,
            clientAddress,
            Duration.ofNanos(System.nanoTime() - startedNanos).toMillis());
    return trail.append(event) || !failClosed;
  }
}
