package io.coffer.server.identity;

/** An access token and its lifetime in seconds. */
public record IssuedToken(String accessToken, long expiresIn) {

  @Override
  public String toString() {
    return "IssuedToken[expiresIn=" + expiresIn + "]";
  }
}
