package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An error from the App Service identity endpoint: App Service's own {@code statusCode} and {@code
 * message} (what MSAL Python reads, and msal-node prefers), with OAuth's {@code error} and {@code
 * error_description} beside them, as {@link ManagedIdentityError} has them.
 */
public record AppServiceError(
    String error,
    @JsonProperty("error_description") String errorDescription,
    int statusCode,
    String message) {}
