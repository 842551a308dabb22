package io.coffer.server.audit;

/**
 * One request, as the audit trail records it: who (principal object id, app id, tenant), what
 * (operation, vault, secret name and version), the outcome (HTTP status and error code) and where
 * from. Never a value, never a credential. Empty strings stand for "not applicable".
 */
public record AuditEvent(
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
    long durationMs) {}
