package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A successful OAuth 2.0 token response, with the fields MSAL reads. App-only answers carry the
 * access token alone; a user's also carry the scope, the ID token, {@code client_info} (MSAL builds
 * the account from it and the ID token) and a refresh token.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenResponse(
    @JsonProperty("token_type") String tokenType,
    @JsonProperty("scope") String scope,
    @JsonProperty("expires_in") long expiresIn,
    @JsonProperty("ext_expires_in") long extExpiresIn,
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("refresh_token") String refreshToken,
    @JsonProperty("id_token") String idToken,
    @JsonProperty("client_info") String clientInfo) {

  public static TokenResponse bearer(String accessToken, long expiresIn) {
    return new TokenResponse("Bearer", null, expiresIn, expiresIn, accessToken, null, null, null);
  }

  /** The answer to a user's authorization-code or refresh-token grant. */
  public static TokenResponse user(
      String accessToken,
      long expiresIn,
      String scope,
      String refreshToken,
      String idToken,
      String clientInfo) {
    return new TokenResponse(
        "Bearer", scope, expiresIn, expiresIn, accessToken, refreshToken, idToken, clientInfo);
  }

  @Override
  public String toString() {
    return "TokenResponse[expiresIn=" + expiresIn + "]";
  }
}
