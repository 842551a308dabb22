package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A token as the App Service identity endpoint (api-version 2019-08-01) answers it. {@code
 * expires_on} is Unix seconds as a string, the one expiry field MSAL reads.
 */
public record AppServiceToken(
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("expires_on") String expiresOn,
    String resource,
    @JsonProperty("token_type") String tokenType,
    @JsonProperty("client_id") String clientId) {

  @Override
  public String toString() {
    return "AppServiceToken[client=" + clientId + ", resource=" + resource + "]";
  }
}
