package io.coffer.server.throttle;

import io.coffer.server.config.Rate;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Request budgets per principal and per vault, as token buckets: a burst of a whole budget is
 * allowed, then requests flow at the budget's rate. Over budget, the caller is told how long to
 * wait, which the SDKs' retry policies honour.
 */
public final class Throttle {
  private final Optional<Rate> perPrincipal;
  private final Optional<Rate> perVault;
  private final Budgets budgets;

  public Throttle(Optional<Rate> perPrincipal, Optional<Rate> perVault, LongSupplier nanos) {
    this.perPrincipal = perPrincipal;
    this.perVault = perVault;
    this.budgets = new Budgets(nanos);
  }

  /**
   * Spends one request from the principal's and the vault's budgets.
   *
   * @throws CofferException.Throttled when either is spent, with the wait until the next request
   */
  public void admit(String principalId, String vaultId) {
    if (perPrincipal.isPresent()) {
      spend("principal/" + principalId, perPrincipal.get(), "caller");
    }
    if (perVault.isPresent()) {
      spend("vault/" + vaultId, perVault.get(), "vault");
    }
  }

  private void spend(String key, Rate rate, String what) {
    budgets.spend(key, rate, what);
  }
}
