package io.coffer.server.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Envelope encryption: each value gets a fresh AES-256-GCM data key, and the data key is wrapped by
 * the master key. The associated data binds a ciphertext to where it is stored, so a row copied to
 * another secret does not decrypt.
 */
public final class Envelope {
  private final MasterKey master;
  private final Aead wrapper;
  private final SecureRandom random = new SecureRandom();

  public Envelope(MasterKey master) {
    this.master = master;
    this.wrapper = aead(master.material());
  }

  public String masterKeyId() {
    return master.id();
  }

  public SealedValue seal(byte[] plaintext, String boundTo) {
    byte[] dataKey = new byte[MasterKey.KEY_BYTES];
    random.nextBytes(dataKey);
    try {
      byte[] aad = boundTo.getBytes(StandardCharsets.UTF_8);
      byte[] ciphertext = aead(dataKey).encrypt(plaintext, aad);
      byte[] wrapped = wrapper.encrypt(dataKey, aad);
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
    if (!sealed.masterKeyId().equals(master.id())) {
      throw new IllegalStateException(
          "value sealed under master key " + sealed.masterKeyId() + ", loaded " + master.id());
    }
    byte[] aad = boundTo.getBytes(StandardCharsets.UTF_8);
    byte[] dataKey = null;
    try {
      dataKey = wrapper.decrypt(sealed.wrappedKey(), aad);
      return aead(dataKey).decrypt(sealed.ciphertext(), aad);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored value failed authentication for " + boundTo, e);
    } finally {
      if (dataKey != null) {
        Arrays.fill(dataKey, (byte) 0);
      }
    }
  }

  static Aead aead(byte[] key) {
    try {
      return new AesGcmJce(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    }
  }
}
