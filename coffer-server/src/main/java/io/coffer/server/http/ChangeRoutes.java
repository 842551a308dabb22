package io.coffer.server.http;

import io.coffer.server.CofferException.BadRequest;
import io.coffer.server.authz.Action;
import io.coffer.server.secrets.SecretChanges;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A Coffer extension on the vault host: {@code GET /coffer/changes?since=<cursor>&timeout=<s>}, a
 * long poll over the change log that answers as soon as a secret of this vault changed after the
 * cursor, or when the timeout passes. Authorized like listing secrets. Without {@code since} it
 * answers at once with the current cursor (follow from now); a cursor older than the kept log
 * answers {@code reset}, and the caller re-reads what it holds.
 */
final class ChangeRoutes {
  private static final int DEFAULT_TIMEOUT_S = 30;
  // Stays below the connector's idle timeout, so an idle poll is answered, never cut.
  private static final int MAX_TIMEOUT_S = 50;

  /** One change as a follower sees it: which secret, which version, what happened. */
  record ChangeView(String name, String version, String kind) {}

  /** The answer: where to continue from, and what changed. */
  record ChangesView(String cursor, boolean reset, List<ChangeView> changes) {}

  private final SecretChanges changes;

  ChangeRoutes(SecretChanges changes) {
    this.changes = changes;
  }

  List<Route> routes() {
    return List.of(
        Route.get("/coffer/changes", "SecretChanges", this::changes).onVault(Action.READ_METADATA));
  }

  private void changes(Exchange exchange) {
    String since = exchange.query("since").orElse("");
    SecretChanges.Page page =
        changes.after(
            exchange.vaultRequest().vault(),
            since.isEmpty() ? OptionalLong.empty() : OptionalLong.of(position(since)),
            Duration.ofSeconds(timeout(exchange)));
    exchange.json(
        200,
        new ChangesView(
            Long.toString(page.cursor()),
            page.reset(),
            page.changes().stream()
                .map(c -> new ChangeView(c.name(), c.version(), c.kind()))
                .toList()));
  }

  private static long position(String since) {
    try {
      long value = Long.parseLong(since);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest("'since' must be a cursor this endpoint returned.");
  }

  private static int timeout(Exchange exchange) {
    Map<String, String> query = exchange.queryParameters();
    String raw = query.get("timeout");
    if (raw == null || raw.isEmpty()) {
      return DEFAULT_TIMEOUT_S;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= 0 && value <= MAX_TIMEOUT_S) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest("'timeout' is 0-" + MAX_TIMEOUT_S + " seconds.");
  }
}
