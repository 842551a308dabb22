package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An error from a managed-identity endpoint (IMDS, App Service): OAuth's two fields only. */
public record ManagedIdentityError(
    String error, @JsonProperty("error_description") String errorDescription) {

  public static final String INVALID_REQUEST = "invalid_request";
}
