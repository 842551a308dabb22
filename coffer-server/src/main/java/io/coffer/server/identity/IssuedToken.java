package io.coffer.server.identity;

import java.time.Instant;
import java.util.Optional;

/**
 * An access token, its lifetime in seconds and the instant it expires; for a signed-in user also
 * the ID token, account info and refresh token that MSAL keeps; and whom it was issued to, for the
 * audit trail.
 */
public record IssuedToken(
    String accessToken,
    long expiresIn,
    Instant expiresOn,
    Optional<UserTokens> user,
    Principal issuedTo) {

  /** An app-only token. */
  public IssuedToken(String accessToken, long expiresIn, Instant expiresOn, Principal issuedTo) {
    this(accessToken, expiresIn, expiresOn, Optional.empty(), issuedTo);
  }

  @Override
  public String toString() {
    return "IssuedToken[expiresOn=" + expiresOn + ", user=" + user.isPresent() + "]";
  }
}
