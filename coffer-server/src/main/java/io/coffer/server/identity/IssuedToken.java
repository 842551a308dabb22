package io.coffer.server.identity;

import java.time.Instant;

/** An access token, its lifetime in seconds and the instant it expires. */
public record IssuedToken(String accessToken, long expiresIn, Instant expiresOn) {

  @Override
  public String toString() {
    return "IssuedToken[expiresOn=" + expiresOn + "]";
  }
}
