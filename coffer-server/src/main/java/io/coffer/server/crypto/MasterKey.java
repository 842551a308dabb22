package io.coffer.server.crypto;

import io.coffer.server.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * A key that wraps data keys: 32 random bytes, named by a non-secret fingerprint. The {@link
 * Keyring} holds the active one and those it replaced.
 */
public final class MasterKey {
  public static final String ENV = "COFFER_MASTER_KEY";
  static final int KEY_BYTES = 32;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final String id;
  private final byte[] key;

  private MasterKey(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("a master key has " + KEY_BYTES + " bytes");
    }
    this.key = key.clone();
    this.id = fingerprint(key);
  }

  /** A key given directly, for tests and tools. */
  public static MasterKey of(byte[] key) {
    return new MasterKey(key);
  }

  /** A short, non-secret name of this key, stored beside everything it wraps. */
  public String id() {
    return id;
  }

  byte[] derive(String purpose) {
    try {
      return com.google.crypto.tink.subtle.Hkdf.computeHkdf(
          "HMACSHA256", key, new byte[0], purpose.getBytes(StandardCharsets.UTF_8), KEY_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 is unavailable", e);
    }
  }

  byte[] material() {
    return key;
  }

  @Override
  public String toString() {
    return "MasterKey[" + id + "]";
  }

  /** A fresh random key. */
  static MasterKey generate() {
    byte[] fresh = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(fresh);
    return new MasterKey(fresh);
  }

  static MasterKey parse(String base64, String source) {
    return new MasterKey(decode(base64, source));
  }

  String encoded() {
    return Base64.getEncoder().encodeToString(key);
  }

  private static byte[] decode(String base64, String source) {
    try {
      byte[] bytes = Base64.getDecoder().decode(base64);
      if (bytes.length != KEY_BYTES) {
        throw new ConfigException(
            "master-key",
            source + " holds " + bytes.length + " bytes",
            "use base64 of 32 random bytes: head -c32 /dev/urandom | base64");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "master-key",
          source + " is not base64",
          "use base64 of 32 random bytes: head -c32 /dev/urandom | base64");
    }
  }

  private static String fingerprint(byte[] key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  ("coffer-master-key-id" + Base64.getEncoder().encodeToString(key))
                      .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
