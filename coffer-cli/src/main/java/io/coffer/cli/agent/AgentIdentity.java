package io.coffer.cli.agent;

import java.util.Objects;
import java.util.Optional;

/**
 * One identity the agent holds: its client id and the host key (a client secret) that proves it to
 * Coffer. The host key stays with the agent; workloads only ever see access tokens.
 */
public record AgentIdentity(
    String clientId, String clientSecret, AgentIdentity.Kind kind, Optional<String> name) {

  /** System-assigned: the host's own identity, used when a request names none. */
  public enum Kind {
    SYSTEM,
    USER
  }

  public AgentIdentity {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("an identity needs a clientId");
    }
    if (clientSecret == null || clientSecret.isBlank()) {
      throw new IllegalArgumentException("identity " + clientId + " needs a clientSecret");
    }
  }

  @Override
  public String toString() {
    return "AgentIdentity[client="
        + clientId
        + ", kind="
        + kind
        + name.map(n -> ", name=" + n).orElse("")
        + ", secret=(redacted)]";
  }
}
