package io.coffer.server.authz;

/**
 * The answer of {@link Authorizer#decide}: allowed, or denied with the message to show and the
 * model that denied it (the 403's inner error names it).
 */
public record AccessDecision(boolean allowed, String reason, PermissionModel model) {

  static AccessDecision allow(PermissionModel model) {
    return new AccessDecision(true, "", model);
  }

  static AccessDecision deny(PermissionModel model, String reason) {
    return new AccessDecision(false, reason, model);
  }
}
