package io.coffer.server.crypto;

import io.coffer.server.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The key that wraps every data key. It comes from {@code COFFER_MASTER_KEY} (base64 of 32 bytes)
 * or from {@code <data-dir>/master.key}, created 0600 at first start and refused when others can
 * read it.
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

  /** Loads the master key from the environment or the data directory, creating it if needed. */
  public static MasterKey load(Path dataDir, Map<String, String> environment) {
    String fromEnv = environment.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new MasterKey(decode(fromEnv.trim(), ENV));
    }
    Path file = dataDir.resolve("master.key");
    try {
      if (Files.exists(file)) {
        if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
          throw new ConfigException(
              "master-key", file + " is readable by others", "chmod 600 " + file);
        }
        return new MasterKey(decode(Files.readString(file).trim(), file.toString()));
      }
      byte[] fresh = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(fresh);
      Path temp = Files.createTempFile(dataDir, ".master", ".tmp");
      Files.setPosixFilePermissions(temp, OWNER_ONLY);
      Files.writeString(temp, Base64.getEncoder().encodeToString(fresh) + "\n");
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      return new MasterKey(fresh);
    } catch (IOException e) {
      throw new ConfigException("cannot read or create the master key at " + file, e);
    }
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
