package io.coffer.server.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a random 96-bit nonce, sealed as nonce ‖ ciphertext ‖ 128-bit tag: the layout Tink's
 * {@code AesGcmJce} wrote before, so every stored value still opens. Written on the JDK's cipher
 * because Tink keeps its cipher and its random source per thread, and a request runs on a new
 * virtual thread each time: every seal built a SecureRandom and every open a cipher, about a tenth
 * of a SET's processor time, much of it inside the single writer's lock.
 */
final class AesGcm {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Ciphers for keys used once (a value's data key): initialised afresh with each key, so what one
   * skips is the provider look-up, 3 % of a GET's processor time. An idle one still holds the last
   * data key's schedule, which the master key kept beside it opens anyway.
   */
  private static final Idle ANY_KEY = new Idle(16);

  private final SecretKeySpec key;
  private final Idle idle;

  /** A key used once or a few times. */
  AesGcm(byte[] key) {
    this(key, 0);
  }

  /**
   * @param keep how many ciphers to keep between calls, for a key used for every request (a master
   *     key unwraps a data key on every read): a kept cipher skips the provider look-up and, given
   *     the same key again, the AES key schedule, which were most of an unwrap's cost
   */
  AesGcm(byte[] key, int keep) {
    if (key.length != 16 && key.length != 32) {
      throw new IllegalArgumentException("an AES key is 16 or 32 bytes, not " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
    this.idle = keep > 0 ? new Idle(keep) : ANY_KEY;
  }

  private Cipher cipher() throws GeneralSecurityException {
    Cipher kept = idle.take();
    return kept != null ? kept : Cipher.getInstance("AES/GCM/NoPadding");
  }

  /** Keeps a cipher whose doFinal returned (one that threw is dropped). */
  private void done(Cipher cipher) {
    idle.keep(cipher);
  }

  /**
   * Idle ciphers in a few slots, taken and put back without a lock: every read takes two, from
   * every event loop at once, and a queue's lock was 3 % of a GET on two processors.
   */
  private static final class Idle {
    private final AtomicReferenceArray<Cipher> slots;

    Idle(int size) {
      slots = new AtomicReferenceArray<>(size);
    }

    Cipher take() {
      for (int i = 0; i < slots.length(); i++) {
        if (slots.getPlain(i) != null) {
          Cipher taken = slots.getAndSet(i, null);
          if (taken != null) {
            return taken;
          }
        }
      }
      return null;
    }

    /** Keeps the cipher if a slot is free; otherwise it is left to the collector. */
    void keep(Cipher cipher) {
      for (int i = 0; i < slots.length(); i++) {
        if (slots.getPlain(i) == null && slots.compareAndSet(i, null, cipher)) {
          return;
        }
      }
    }
  }

  byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    Cipher cipher = cipher();
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(associatedData);
    byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
    System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
    cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_BYTES);
    done(cipher);
    return sealed;
  }

  /**
   * @throws GeneralSecurityException when the text was altered, is cut short, or was sealed under
   *     another key or other associated data
   */
  byte[] decrypt(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
    if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new GeneralSecurityException("sealed text is too short");
    }
    Cipher cipher = cipher();
    cipher.init(
        Cipher.DECRYPT_MODE,
        key,
        new GCMParameterSpec(TAG_BITS, Arrays.copyOf(sealed, NONCE_BYTES)));
    cipher.updateAAD(associatedData);
    byte[] opened = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    done(cipher);
    return opened;
  }
}
