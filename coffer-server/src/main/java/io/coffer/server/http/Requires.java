package io.coffer.server.http;

import io.coffer.server.authz.Action;
import io.javalin.security.RouteRole;

/**
 * The access a vault route needs, set on the route itself: the data action, and whether its scope
 * is the secret named in the path or the whole vault.
 */
record Requires(Action action, boolean secretScoped) implements RouteRole {

  static Requires onSecret(Action action) {
    return new Requires(action, true);
  }

  static Requires onVault(Action action) {
    return new Requires(action, false);
  }
}
