package io.coffer.server.identity;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Client secrets, passwords and one-time tokens are stored only as PBKDF2-HMAC-SHA256 hashes with a
 * random salt and the OWASP iteration count; the stored form names its parameters so they can be
 * raised later.
 */
final class SecretHasher {
  private static final String ALGORITHM = "pbkdf2-sha256";
  private static final int ITERATIONS = 600_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Slow hashes run at most on half the processors at once: a flood of sign-ins waits for its turn
   * instead of taking every core from the vault's readers.
   */
  private static final AtomicLong COMPUTED = new AtomicLong();

  private static final Semaphore HASHING =
      new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);

  /** A well-formed hash of nothing anyone knows: compared against when a name is unknown. */
  static String decoy() {
    return Decoy.HASH;
  }

  private static final class Decoy {
    static final String HASH = hash(newClientSecret());
  }

  private SecretHasher() {}

  static String hash(String secret) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = pbkdf2(secret, salt, ITERATIONS);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return ALGORITHM
        + "$"
        + ITERATIONS
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  static boolean matches(String secret, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(ALGORITHM)) {
      return false;
    }
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    byte[] actual = pbkdf2(secret, salt, Integer.parseInt(parts[1]));
    return MessageDigest.isEqual(expected, actual);
  }

  /** Slow hashes computed since start: what a test counts to see the work a request does. */
  static long computed() {
    return COMPUTED.get();
  }

  private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
    COMPUTED.incrementAndGet();
    PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BITS);
    HASHING.acquireUninterruptibly();
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is unavailable", e);
    } finally {
      HASHING.release();
      spec.clearPassword();
    }
  }

  /** A client secret in the shape Entra issues: 40 characters, the 4th to 6th being {@code 8Q~}. */
  static String newClientSecret() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~";
    StringBuilder secret = new StringBuilder(40);
    for (int i = 0; i < 40; i++) {
      secret.append(alphabet.charAt(RANDOM.nextInt(i < 3 ? 62 : alphabet.length())));
    }
    secret.replace(3, 6, "8Q~");
    return secret.toString();
  }
}
