package io.coffer.server.crypto;

/**
 * A value encrypted under its own data key, with that data key wrapped by the master key named by
 * {@code masterKeyId}.
 */
public record SealedValue(byte[] ciphertext, byte[] wrappedKey, String masterKeyId) {

  @Override
  public String toString() {
    return "SealedValue[" + ciphertext.length + " bytes, key " + masterKeyId + "]";
  }
}
