package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A successful OAuth 2.0 token response, with the fields MSAL reads. */
public record TokenResponse(
    @JsonProperty("token_type") String tokenType,
    @JsonProperty("expires_in") long expiresIn,
    @JsonProperty("ext_expires_in") long extExpiresIn,
    @JsonProperty("access_token") String accessToken) {

  public static TokenResponse bearer(String accessToken, long expiresIn) {
    return new TokenResponse("Bearer", expiresIn, expiresIn, accessToken);
  }

  @Override
  public String toString() {
    return "TokenResponse[expiresIn=" + expiresIn + "]";
  }
}
