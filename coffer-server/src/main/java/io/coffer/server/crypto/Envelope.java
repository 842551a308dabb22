package io.coffer.server.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Envelope encryption: each value gets a fresh AES-256-GCM data key, and the data key is wrapped by
 * the master key. The associated data binds a ciphertext to where it is stored, so a row copied to
 * another secret does not decrypt.
 */
public final class Envelope {
  /** Ciphers a master key keeps: as many as requests unwrap at once on two to eight cores. */
  private static final int KEPT = 16;

  private final Keyring keyring;
  private final Map<String, AesGcm> wrappers = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  public Envelope(Keyring keyring) {
    this.keyring = keyring;
  }

  public Envelope(MasterKey master) {
    this(Keyring.of(master));
  }

  /** The key new values are wrapped with. */
  public String masterKeyId() {
    return keyring.active().id();
  }

  public SealedValue seal(byte[] plaintext, String boundTo) {
    byte[] dataKey = new byte[MasterKey.KEY_BYTES];
    random.nextBytes(dataKey);
    try {
      byte[] aad = boundTo.getBytes(StandardCharsets.UTF_8);
      byte[] ciphertext = new AesGcm(dataKey).encrypt(plaintext, aad);
      MasterKey master = keyring.active();
      byte[] wrapped = wrapper(master).encrypt(dataKey, aad);
      return new SealedValue(ciphertext, wrapped, master.id());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /**
   * Opens a sealed value.
   *
   * @throws IllegalStateException when the value was sealed under another master key or altered;
   *     storage corruption is a server fault, not a client one
   */
  public byte[] open(SealedValue sealed, String boundTo) {
    byte[] aad = boundTo.getBytes(StandardCharsets.UTF_8);
    byte[] dataKey = null;
    try {
      dataKey = unwrap(sealed, aad);
      return new AesGcm(dataKey).decrypt(sealed.ciphertext(), aad);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored value failed authentication for " + boundTo, e);
    } finally {
      if (dataKey != null) {
        Arrays.fill(dataKey, (byte) 0);
      }
    }
  }

  /**
   * The same value with its data key wrapped by the active master key instead; the ciphertext is
   * untouched, so re-wrapping never needs the value itself.
   */
  public SealedValue rewrap(SealedValue sealed, String boundTo) {
    byte[] aad = boundTo.getBytes(StandardCharsets.UTF_8);
    byte[] dataKey = null;
    try {
      dataKey = unwrap(sealed, aad);
      MasterKey master = keyring.active();
      return new SealedValue(
          sealed.ciphertext(), wrapper(master).encrypt(dataKey, aad), master.id());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored key failed authentication for " + boundTo, e);
    } finally {
      if (dataKey != null) {
        Arrays.fill(dataKey, (byte) 0);
      }
    }
  }

  private byte[] unwrap(SealedValue sealed, byte[] aad) throws GeneralSecurityException {
    MasterKey master =
        keyring
            .byId(sealed.masterKeyId())
            .orElseThrow(() ->
                new IllegalStateException(
                    "value sealed under master key "
                        + sealed.masterKeyId()
                        + ", which the keyring does not hold"));
    return wrapper(master).decrypt(sealed.wrappedKey(), aad);
  }

  private AesGcm wrapper(MasterKey master) {
    return wrappers.computeIfAbsent(master.id(), id -> new AesGcm(master.material(), KEPT));
  }
}
