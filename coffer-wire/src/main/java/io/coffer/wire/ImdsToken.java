package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A token as the instance metadata service answers it: every number is a string. */
public record ImdsToken(
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("client_id") String clientId,
    @JsonProperty("expires_in") String expiresIn,
    @JsonProperty("expires_on") String expiresOn,
    @JsonProperty("ext_expires_in") String extExpiresIn,
    @JsonProperty("not_before") String notBefore,
    String resource,
    @JsonProperty("token_type") String tokenType) {

  @Override
  public String toString() {
    return "ImdsToken[client=" + clientId + ", resource=" + resource + "]";
  }
}
