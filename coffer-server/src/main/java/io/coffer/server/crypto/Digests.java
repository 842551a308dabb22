package io.coffer.server.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of text, for what is stored or compared by hash rather than kept: one-time tokens and
 * codes, assertion ids, audit-chain links, form tokens.
 */
public final class Digests {
  /**
   * Copied per use: a copy is much cheaper than a provider lookup, and the audit chain hashes every
   * request.
   */
  private static final MessageDigest SHA_256 = sha256Digest();

  private Digests() {}

  public static byte[] sha256(String text) {
    try {
      MessageDigest digest = (MessageDigest) SHA_256.clone();
      return digest.digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** Lower-case hex of {@link #sha256}. */
  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256(text));
  }
}
