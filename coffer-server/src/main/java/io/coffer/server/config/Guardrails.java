package io.coffer.server.config;

import java.util.Optional;

/**
 * How the server protects itself and its record: whether a request is refused when its audit record
 * cannot be written ({@code audit-fail-closed}), and the request budgets per principal and per
 * vault ({@code throttle-principal}, {@code throttle-vault}; Azure allows 4000/10s per vault).
 */
public record Guardrails(
    boolean auditFailClosed, Optional<Rate> perPrincipal, Optional<Rate> perVault) {

  /** Audit failures are logged, not fatal; no throttling. */
  public static final Guardrails DEFAULT =
      new Guardrails(false, Optional.empty(), Optional.empty());
}
