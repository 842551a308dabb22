package io.coffer.server.config;

import java.util.Optional;

/**
 * How the server protects itself and its record, and what memory it spends: whether a request is
 * refused when its audit record cannot be written ({@code audit-fail-closed}), the request budgets
 * per principal and per vault ({@code throttle-principal}, {@code throttle-vault}; Azure allows
 * 4000/10s per vault), the memory for sealed secret rows read on a single node ({@code
 * read-cache-mib}; 0 reads every GET from storage), and the size at which the audit file is rotated
 * for shipping ({@code audit-rotate-mib}; 0 never rotates).
 */
public record Guardrails(
    boolean auditFailClosed,
    Optional<Rate> perPrincipal,
    Optional<Rate> perVault,
    long readCacheBytes,
    long auditRotateBytes) {

  public static final int DEFAULT_READ_CACHE_MIB = 64;
  public static final int DEFAULT_AUDIT_ROTATE_MIB = 256;

  /** Audit failures are logged, not fatal; no throttling; the default read cache and rotation. */
  public static final Guardrails DEFAULT =
      new Guardrails(
          false,
          Optional.empty(),
          Optional.empty(),
          mib(DEFAULT_READ_CACHE_MIB),
          mib(DEFAULT_AUDIT_ROTATE_MIB));

  public Guardrails {
    if (readCacheBytes < 0) {
      throw new ConfigException(
          "read-cache-mib", "cannot be negative", "pass 0 to read every GET from storage");
    }
    if (auditRotateBytes < 0) {
      throw new ConfigException(
          "audit-rotate-mib", "cannot be negative", "pass 0 to keep one audit file");
    }
  }

  public static long mib(long mebibytes) {
    return mebibytes * 1024 * 1024;
  }
}
