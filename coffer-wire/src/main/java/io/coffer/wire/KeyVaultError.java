package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The error body: {@code {"error":{"code":…,"message":…,"innererror":{"code":…}}}}. */
public record KeyVaultError(Error error) {

  /** One level of the error; {@code innererror} is itself an error and may be absent. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Error(String code, String message, Error innererror) {}

  public static KeyVaultError of(String code, String message) {
    return new KeyVaultError(new Error(code, message, null));
  }

  public static KeyVaultError of(String code, String message, String innerCode) {
    Error inner = innerCode == null ? null : new Error(innerCode, null, null);
    return new KeyVaultError(new Error(code, message, inner));
  }
}
