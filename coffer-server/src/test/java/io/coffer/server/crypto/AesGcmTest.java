package io.coffer.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.subtle.AesGcmJce;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Values sealed before by Tink's AES-GCM still open, and what we seal opens there too. */
class AesGcmTest {
  private final SecureRandom random = new SecureRandom();

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @Test
  void keepsTinksLayoutBothWays() throws GeneralSecurityException {
    for (int size : new int[] {0, 1, 15, 16, 17, 4096, 25_000}) {
      byte[] key = bytes(32);
      byte[] plain = bytes(size);
      byte[] aad = "vault/secret/version".getBytes(StandardCharsets.UTF_8);
      byte[] byTink = new AesGcmJce(key).encrypt(plain, aad);
      assertThat(new AesGcm(key).decrypt(byTink, aad)).isEqualTo(plain);
      byte[] byUs = new AesGcm(key).encrypt(plain, aad);
      assertThat(byUs).hasSize(12 + size + 16);
      assertThat(new AesGcmJce(key).decrypt(byUs, aad)).isEqualTo(plain);
    }
  }

  @Test
  void refusesAlteredShortOrMisboundText() throws GeneralSecurityException {
    byte[] key = bytes(32);
    byte[] aad = "a".getBytes(StandardCharsets.UTF_8);
    AesGcm gcm = new AesGcm(key);
    byte[] sealed = gcm.encrypt("value".getBytes(StandardCharsets.UTF_8), aad);
    for (int i = 0; i < sealed.length; i++) {
      byte[] altered = sealed.clone();
      altered[i] ^= 1;
      assertThatThrownBy(() -> gcm.decrypt(altered, aad))
          .isInstanceOf(GeneralSecurityException.class);
    }
    assertThatThrownBy(() -> gcm.decrypt(new byte[27], aad))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> gcm.decrypt(sealed, "b".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> new AesGcm(bytes(32)).decrypt(sealed, aad))
        .isInstanceOf(GeneralSecurityException.class);
    assertThat(gcm.encrypt(new byte[8], aad)).isNotEqualTo(gcm.encrypt(new byte[8], aad));
  }

  @Test
  void keptCiphersServeManyThreadsAndSurviveARefusal() throws Exception {
    byte[] key = bytes(32);
    AesGcm kept = new AesGcm(key, 2);
    byte[] aad = "vault/secret".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = kept.encrypt("value".getBytes(StandardCharsets.UTF_8), aad);
    byte[] altered = sealed.clone();
    altered[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> kept.decrypt(altered, aad))
        .isInstanceOf(GeneralSecurityException.class);
    try (var threads = Executors.newFixedThreadPool(8)) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            threads.submit(() -> {
              for (int i = 0; i < 500; i++) {
                byte[] plain = ("value " + i).getBytes(StandardCharsets.UTF_8);
                byte[] ours = kept.encrypt(plain, aad);
                if (!Arrays.equals(new AesGcmJce(key).decrypt(ours, aad), plain)
                    || !Arrays.equals(kept.decrypt(ours, aad), plain)
                    || !Arrays.equals(
                        kept.decrypt(sealed, aad), "value".getBytes(StandardCharsets.UTF_8))) {
                  return false;
                }
              }
              return true;
            }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    }
    assertThatThrownBy(() -> kept.decrypt(altered, aad))
        .isInstanceOf(GeneralSecurityException.class);
  }
}
