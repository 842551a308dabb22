package io.coffer.server.audit;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys the audit chain's MACs are made with, found by the id each line names. They come from
 * the keyring and are never written to the trail: whoever can edit the files but does not hold the
 * keyring cannot recompute a MAC, so a rewritten line stays a broken one.
 */
@FunctionalInterface
public interface AuditKeys {
  /** No key: lines are checked for their links only, and a keyed line's MAC is not checked. */
  AuditKeys NONE = id -> Optional.empty();

  /** The key with this id, if held. */
  Optional<byte[]> byId(String id);

  /** The HMAC-SHA256 of a line's chained part, in hex. */
  static String mac(byte[] key, String chained) {
    return mac(hmac(key), chained);
  }

  /**
   * The HMAC-SHA256 of a line's chained part with a MAC already keyed, in hex; the MAC is ready for
   * the next line afterwards. (The trail's writer MACs its lines where they lie: {@code
   * ChainedLines}.)
   */
  static String mac(Mac mac, String chained) {
    return HexFormat.of()
        .formatHex(mac.doFinal(chained.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** An HMAC-SHA256 keyed with an audit key. */
  static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("an audit key must be a usable HMAC key", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** The key a trail writes with: its id goes in every line, its bytes never do. */
  record Signing(String id, byte[] key) {
    public Signing {
      if (!id.matches("[0-9a-f]{1,64}") || key.length < 16) {
        throw new IllegalArgumentException("an audit key has a hex id and at least 16 bytes");
      }
      key = key.clone();
    }

    /** The Ed25519 key the trail signs its checkpoints with, derived from this key. */
    AuditCheckpoints.Signer checkpointSigner() {
      return AuditCheckpoints.Signer.of(this);
    }

    @Override
    public String toString() {
      return "AuditKeys.Signing[" + id + "]";
    }
  }
}
