package io.coffer.server.storage;

import java.util.List;

/** The token-signing keys: every one still verifies, one at a time signs. */
public interface SigningKeyStore {

  void insertSigningKey(SigningKeyRecord key);

  List<SigningKeyRecord> signingKeys();

  /** Puts a re-wrapped data key on a signing key, if it still holds the one read. */
  boolean replaceSigningKeyWrap(
      String kid, String oldMasterKeyId, byte[] wrappedKey, String masterKeyId);

  /** Makes {@code kid} the only active signing key; older keys stay for verification. */
  void activateSigningKey(String kid);
}
