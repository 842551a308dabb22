package io.coffer.server.storage;

/** A token-signing key pair: the public JWK in clear, the private key sealed by the master key. */
public record SigningKeyRecord(
    String kid,
    String publicJwk,
    byte[] sealedPrivate,
    byte[] wrappedKey,
    String masterKeyId,
    long created,
    boolean active) {

  @Override
  public String toString() {
    return "SigningKeyRecord[kid=" + kid + ", active=" + active + "]";
  }
}
