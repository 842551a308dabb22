package io.coffer.server.config;

import java.util.Optional;

/**
 * How the server protects itself and its record, and what memory it spends: whether a request is
 * refused when its audit record cannot be written ({@code audit-fail-closed}), the request budgets
 * per principal and per vault ({@code throttle-principal}, {@code throttle-vault}; Azure allows
 * 4000/10s per vault), the memory for sealed secret rows read on a single node ({@code
 * read-cache-mib}; 0 reads every GET from storage), and the size at which the audit file is rotated
 * for shipping ({@code audit-rotate-mib}; 0 never rotates); how many rotated files are kept ({@code
 * audit-keep-files}; 0 keeps all) and for how many days ({@code audit-keep-days}; 0 forever); the
 * free space below which the trail writes nothing and requests are refused ({@code
 * audit-min-free-mib}); and whether every record is also written to standard output as a JSON line
 * ({@code audit-stdout}); and the budgets of token requests and sign-in posts per client address
 * and per client id ({@code throttle-sign-in-address}, {@code throttle-sign-in-client}).
 */
public record Guardrails(
    boolean auditFailClosed,
    Optional<Rate> perPrincipal,
    Optional<Rate> perVault,
    long readCacheBytes,
    long auditRotateBytes,
    int auditKeepFiles,
    int auditKeepDays,
    long auditMinFreeBytes,
    boolean auditStdout,
    Optional<Rate> signInPerAddress,
    Optional<Rate> signInPerClient) {

  /**
   * Token requests and sign-in posts per client address and per client id: each costs a slow hash,
   * so a burst of 300 and then 5 a second, far above what a client with a token cache asks.
   */
  public static final Rate DEFAULT_SIGN_IN_RATE = new Rate(300, java.time.Duration.ofMinutes(1));

  public static final int DEFAULT_READ_CACHE_MIB = 64;
  public static final int DEFAULT_AUDIT_ROTATE_MIB = 256;
  public static final int DEFAULT_AUDIT_MIN_FREE_MIB = 64;

  /** Audit failures are logged, not fatal; no throttling; the default read cache and rotation. */
  public static final Guardrails DEFAULT =
      new Guardrails(
          false,
          Optional.empty(),
          Optional.empty(),
          mib(DEFAULT_READ_CACHE_MIB),
          mib(DEFAULT_AUDIT_ROTATE_MIB),
          0,
          0,
          mib(DEFAULT_AUDIT_MIN_FREE_MIB),
          false,
          Optional.of(DEFAULT_SIGN_IN_RATE),
          Optional.of(DEFAULT_SIGN_IN_RATE));

  public Guardrails {
    nonNegative(readCacheBytes, "read-cache-mib", "pass 0 to read every GET from storage");
    nonNegative(auditRotateBytes, "audit-rotate-mib", "pass 0 to keep one audit file");
    nonNegative(auditKeepFiles, "audit-keep-files", "pass 0 to keep every rotated file");
    nonNegative(auditKeepDays, "audit-keep-days", "pass 0 to keep rotated files for ever");
    nonNegative(auditMinFreeBytes, "audit-min-free-mib", "pass 0 to write until the disk is full");
  }

  private static void nonNegative(long value, String setting, String fix) {
    if (value < 0) {
      throw new ConfigException(setting, "cannot be negative", fix);
    }
  }

  /** Guardrails with the default audit retention (keep all), floor and no shipping. */
  public Guardrails(
      boolean auditFailClosed,
      Optional<Rate> perPrincipal,
      Optional<Rate> perVault,
      long readCacheBytes,
      long auditRotateBytes) {
    this(
        auditFailClosed,
        perPrincipal,
        perVault,
        readCacheBytes,
        auditRotateBytes,
        0,
        0,
        mib(DEFAULT_AUDIT_MIN_FREE_MIB),
        false);
  }

  /** Guardrails with the default sign-in budgets. */
  public Guardrails(
      boolean auditFailClosed,
      Optional<Rate> perPrincipal,
      Optional<Rate> perVault,
      long readCacheBytes,
      long auditRotateBytes,
      int auditKeepFiles,
      int auditKeepDays,
      long auditMinFreeBytes,
      boolean auditStdout) {
    this(
        auditFailClosed,
        perPrincipal,
        perVault,
        readCacheBytes,
        auditRotateBytes,
        auditKeepFiles,
        auditKeepDays,
        auditMinFreeBytes,
        auditStdout,
        Optional.of(DEFAULT_SIGN_IN_RATE),
        Optional.of(DEFAULT_SIGN_IN_RATE));
  }

  /** The same guardrails with other budgets for token requests and sign-ins. */
  public Guardrails withSignInBudgets(Optional<Rate> perAddress, Optional<Rate> perClient) {
    return new Guardrails(
        auditFailClosed,
        perPrincipal,
        perVault,
        readCacheBytes,
        auditRotateBytes,
        auditKeepFiles,
        auditKeepDays,
        auditMinFreeBytes,
        auditStdout,
        perAddress,
        perClient);
  }

  public static long mib(long mebibytes) {
    return mebibytes * 1024 * 1024;
  }
}
