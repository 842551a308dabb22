package io.coffer.server.throttle;

import io.coffer.server.CofferException;
import io.coffer.server.config.Rate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Budgets for the requests that present a credential before anyone is authenticated (token
 * requests, sign-in posts): each costs a deliberately slow hash, so each client address and each
 * client id named may spend only so many. The address is checked before the body is read, the
 * client id once the form names it.
 */
public final class CredentialThrottle {
  private final Optional<Rate> perAddress;
  private final Optional<Rate> perClient;
  private final Budgets budgets;
  private final AtomicLong refused = new AtomicLong();

  public CredentialThrottle(
      Optional<Rate> perAddress, Optional<Rate> perClient, LongSupplier nanos) {
    this.perAddress = perAddress;
    this.perClient = perClient;
    this.budgets = new Budgets(nanos);
  }

  /**
   * Spends one request from the client address's budget.
   *
   * @throws CofferException.Throttled when it is spent
   */
  public void admitAddress(String clientAddress) {
    if (perAddress.isPresent()) {
      spend("address/" + clientAddress, perAddress.get(), "client address's sign-in");
    }
  }

  /**
   * Spends one request from the budget of the client id a request names (whether or not it exists,
   * so a made-up id costs the same).
   *
   * @throws CofferException.Throttled when it is spent
   */
  public void admitClient(String clientId) {
    if (perClient.isPresent()) {
      // Bounded: a key is never longer than an echo of it.
      spend("client/" + CofferException.echo(clientId), perClient.get(), "client id's sign-in");
    }
  }

  /** Requests refused for a spent budget since start, for metrics. */
  public long refused() {
    return refused.get();
  }

  private void spend(String key, Rate rate, String what) {
    try {
      budgets.spend(key, rate, what);
    } catch (CofferException.Throttled e) {
      refused.incrementAndGet();
      throw e;
    }
  }
}
