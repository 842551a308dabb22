package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** An OAuth 2.0 error as Entra answers it, with its AADSTS number in {@code error_codes}. */
public record OAuthError(
    String error,
    @JsonProperty("error_description") String errorDescription,
    @JsonProperty("error_codes") List<Integer> errorCodes,
    String timestamp,
    @JsonProperty("trace_id") String traceId,
    @JsonProperty("correlation_id") String correlationId) {

  public static final String INVALID_CLIENT = "invalid_client";
  public static final String UNAUTHORIZED_CLIENT = "unauthorized_client";
  public static final String INVALID_REQUEST = "invalid_request";
  public static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
  public static final String INVALID_SCOPE = "invalid_scope";
  public static final String INVALID_GRANT = "invalid_grant";

  /** RFC 6749's answer for a server that cannot take the request now (sent with a 429 here). */
  public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";
}
