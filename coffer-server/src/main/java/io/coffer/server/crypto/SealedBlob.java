package io.coffer.server.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque, encrypted, tamper-evident blobs (secret backups): AES-256-GCM under a key derived from
 * the master key for this one purpose, framed with a format tag that is also authenticated.
 */
public final class SealedBlob {
  private static final byte[] FORMAT = "CFB1".getBytes(StandardCharsets.US_ASCII);
  // What AES-GCM adds to the plaintext: the nonce (12 bytes) and the tag (16).
  private static final int OVERHEAD = 12 + 16;
  private final Keyring keyring;
  private final String purpose;

  public SealedBlob(Keyring keyring, String purpose) {
    this.keyring = keyring;
    this.purpose = purpose;
  }

  private AesGcm aead(MasterKey master) {
    return new AesGcm(master.derive("coffer-blob:" + purpose));
  }

  /** Seals bytes into unpadded base64url text. */
  public String seal(byte[] plaintext) {
    try {
      byte[] sealed = aead(keyring.active()).encrypt(plaintext, associatedData());
      byte[] framed = Arrays.copyOf(FORMAT, FORMAT.length + sealed.length);
      System.arraycopy(sealed, 0, framed, FORMAT.length, sealed.length);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(framed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Whether text is long enough to be a sealed blob of some format yet does not carry this one's
   * tag: a blob of another kind or version, rather than damaged or cut-short text.
   */
  public static boolean isOtherFormat(String text) {
    try {
      byte[] framed = Base64.getUrlDecoder().decode(text.replace('+', '-').replace('/', '_'));
      return framed.length >= FORMAT.length + OVERHEAD
          && !Arrays.equals(Arrays.copyOf(framed, FORMAT.length), FORMAT);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Opens a blob; empty when it is malformed, altered or sealed by another server. */
  public Optional<byte[]> open(String text) {
    try {
      byte[] framed = Base64.getUrlDecoder().decode(text.replace('+', '-').replace('/', '_'));
      if (framed.length <= FORMAT.length
          || !Arrays.equals(Arrays.copyOf(framed, FORMAT.length), FORMAT)) {
        return Optional.empty();
      }
      byte[] sealed = Arrays.copyOfRange(framed, FORMAT.length, framed.length);
      // Blobs name no key: one sealed before a rotation opens with the key of its time.
      for (MasterKey master : keyring.all()) {
        try {
          return Optional.of(aead(master).decrypt(sealed, associatedData()));
        } catch (GeneralSecurityException e) {
          // not this key
        }
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] associatedData() {
    return ("CFB1:" + purpose).getBytes(StandardCharsets.UTF_8);
  }
}
