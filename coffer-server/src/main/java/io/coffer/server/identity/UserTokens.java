package io.coffer.server.identity;

/**
 * What a user's token answer carries besides the access token: the granted scope, the OpenID
 * Connect ID token, MSAL's {@code client_info} (base64url of {@code {"uid","utid"}}, from which it
 * builds the account id) and a refresh token.
 */
public record UserTokens(String scope, String idToken, String clientInfo, String refreshToken) {

  @Override
  public String toString() {
    return "UserTokens[scope=" + scope + "]";
  }
}
