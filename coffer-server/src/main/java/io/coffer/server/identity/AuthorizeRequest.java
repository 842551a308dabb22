package io.coffer.server.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A validated request to {@code /<tenant>/oauth2/v2.0/authorize}: a known client, a loopback
 * redirect (the console's own address for the console) and an S256 PKCE challenge. Only a value of
 * this type may be redirected to. The state, nonce and challenge are opaque to us but are the
 * client's, so they are not printed.
 */
public record AuthorizeRequest(
    String tenantId,
    String clientId,
    String redirectUri,
    String scope,
    String codeChallenge,
    boolean formPost,
    Optional<String> state,
    Optional<String> nonce,
    Optional<String> loginHint,
    Optional<String> prompt) {

  public AuthorizeRequest {
    if (!AuthorizationResponse.isLoopback(redirectUri)
        && !AuthorizationResponse.isConsole(redirectUri)) {
      throw new IllegalArgumentException("only loopback or console redirect URIs are served");
    }
    for (String required : new String[] {tenantId, clientId, redirectUri, scope, codeChallenge}) {
      if (required.isEmpty()) {
        throw new IllegalArgumentException("an authorize request needs all of its parts");
      }
    }
  }

  /**
   * The parameters that reproduce this request, as the login form carries them; the tenant is in
   * the path.
   */
  public Map<String, String> parameters() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("response_type", "code");
    parameters.put("response_mode", formPost ? "form_post" : "query");
    parameters.put("client_id", clientId);
    parameters.put("redirect_uri", redirectUri);
    parameters.put("scope", scope);
    parameters.put("code_challenge", codeChallenge);
    parameters.put("code_challenge_method", "S256");
    state.ifPresent(v -> parameters.put("state", v));
    nonce.ifPresent(v -> parameters.put("nonce", v));
    loginHint.ifPresent(v -> parameters.put("login_hint", v));
    prompt.ifPresent(v -> parameters.put("prompt", v));
    return parameters;
  }

  @Override
  public String toString() {
    return "AuthorizeRequest[tenant=" + tenantId + ", client=" + clientId + "]";
  }
}
