package io.coffer.server.authz;

/** The answer of {@link Authorizer#decide}: allowed, or denied with the reason to show. */
public record AccessDecision(boolean allowed, String reason) {

  static AccessDecision allow() {
    return new AccessDecision(true, "");
  }

  static AccessDecision deny(String reason) {
    return new AccessDecision(false, reason);
  }
}
