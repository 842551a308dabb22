package io.coffer.cli.agent;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Finds the configured identity a token request names, the way Azure hosts resolve them. */
final class IdentitySelector {
  private final List<AgentIdentity> identities;
  private final CofferTokens tokens;

  IdentitySelector(List<AgentIdentity> identities, CofferTokens tokens) {
    this.identities = List.copyOf(identities);
    this.tokens = tokens;
  }

  /** No id in the request: the system-assigned identity, else the only one there is. */
  Optional<AgentIdentity> unnamed() {
    Optional<AgentIdentity> system =
        identities.stream().filter(i -> i.kind() == AgentIdentity.Kind.SYSTEM).findFirst();
    if (system.isPresent() || identities.size() != 1) {
      return system;
    }
    return Optional.of(identities.get(0));
  }

  Optional<AgentIdentity> byClientId(String clientId) {
    return identities.stream().filter(i -> i.clientId().equalsIgnoreCase(clientId)).findFirst();
  }

  /**
   * An identity by its object id or resource id. The config holds client ids only, so these come
   * from the identities' own tokens (cached, so this costs Coffer a call per identity at most once
   * per token lifetime); an identity Coffer refuses simply does not match.
   */
  Optional<AgentIdentity> byClaim(
      String value, String scope, Function<AgentToken, Optional<String>> claim) {
    for (AgentIdentity identity : identities) {
      try {
        if (claim
            .apply(tokens.token(identity, scope))
            .filter(value::equalsIgnoreCase)
            .isPresent()) {
          return Optional.of(identity);
        }
      } catch (TokenRefused e) {
        // Not this one, or not usable: keep looking.
      }
    }
    return Optional.empty();
  }
}
