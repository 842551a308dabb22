package io.coffer.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.coffer.server.crypto.Envelope;
import io.coffer.server.crypto.SealedValue;
import io.coffer.server.storage.SigningKeyRecord;
import io.coffer.server.storage.SigningKeyStore;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token-signing keys: RS256 (what Entra issues), private halves sealed by the master key in
 * storage. One key signs; every stored key still verifies, so rotation never breaks tokens already
 * issued.
 */
public final class SigningKeys {
  private static final String BOUND_TO = "signing-key";
  private static final java.util.regex.Pattern KID =
      java.util.regex.Pattern.compile("[0-9a-f]{32}");

  private final SigningKeyStore store;
  private final Envelope envelope;
  private final Clock clock;
  private final Map<String, RSASSAVerifier> verifiers = new ConcurrentHashMap<>();
  private volatile Active active;
  private static final long LOOKUP_INTERVAL_NANOS = 100_000_000L;
  private long lastLookup = System.nanoTime() - LOOKUP_INTERVAL_NANOS;

  private record Active(String kid, RSASSASigner signer) {}

  public SigningKeys(SigningKeyStore store, Envelope envelope, Clock clock) {
    this.store = store;
    this.envelope = envelope;
    this.clock = clock;
    reload();
    if (active == null) {
      rotate();
    }
  }

  /** Creates a new signing key and makes it the one that signs. */
  public synchronized String rotate() {
    try {
      String kid = UUID.randomUUID().toString().replace("-", "");
      RSAKey key =
          new RSAKeyGenerator(2048)
              .keyID(kid)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .generate();
      SealedValue sealed =
          envelope.seal(key.toJSONString().getBytes(StandardCharsets.UTF_8), BOUND_TO + ":" + kid);
      store.insertSigningKey(
          new SigningKeyRecord(
              kid,
              key.toPublicJWK().toJSONString(),
              sealed.ciphertext(),
              sealed.wrappedKey(),
              sealed.masterKeyId(),
              clock.instant().getEpochSecond(),
              false));
      store.activateSigningKey(kid);
      reload();
      return kid;
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA signing key", e);
    }
  }

  String activeKid() {
    return active.kid();
  }

  RSASSASigner signer() {
    return active.signer();
  }

  /**
   * A key's public half never changes, so verifiers stay cached; a kid not seen yet may have been
   * created by another node sharing the database, and is looked up once.
   */
  Optional<RSASSAVerifier> verifier(String kid) {
    RSASSAVerifier known = verifiers.get(kid);
    if (known == null && KID.matcher(kid).matches()) {
      known = lookUp(kid);
    }
    return Optional.ofNullable(known);
  }

  /**
   * Reloads keys for an unknown kid, at most every {@link #LOOKUP_INTERVAL_NANOS} so that made-up
   * kids cannot turn every request into a database read; callers arriving during a reload wait for
   * it and see its result.
   */
  private synchronized RSASSAVerifier lookUp(String kid) {
    RSASSAVerifier known = verifiers.get(kid);
    long now = System.nanoTime();
    if (known == null && now - lastLookup >= LOOKUP_INTERVAL_NANOS) {
      lastLookup = now;
      reload();
      known = verifiers.get(kid);
    }
    return known;
  }

  /** Re-wraps the signing keys' data keys under the active master key; returns how many. */
  public int rewrap() {
    int done = 0;
    for (SigningKeyRecord record : store.signingKeys()) {
      if (record.masterKeyId().equals(envelope.masterKeyId())) {
        continue;
      }
      SealedValue again =
          envelope.rewrap(
              new SealedValue(new byte[0], record.wrappedKey(), record.masterKeyId()),
              BOUND_TO + ":" + record.kid());
      if (store.replaceSigningKeyWrap(
          record.kid(), record.masterKeyId(), again.wrappedKey(), again.masterKeyId())) {
        done++;
      }
    }
    return done;
  }

  /** The JWKS document: every public key that may verify a live token. */
  public String jwks() {
    List<com.nimbusds.jose.jwk.JWK> keys = new ArrayList<>();
    for (SigningKeyRecord record : store.signingKeys()) {
      keys.add(parsePublic(record));
    }
    return new JWKSet(keys).toString(true);
  }

  private synchronized void reload() {
    for (SigningKeyRecord record : store.signingKeys()) {
      RSAKey publicKey = parsePublic(record);
      verifiers.computeIfAbsent(record.kid(), kid -> verifierOf(publicKey));
      if (record.active()) {
        byte[] json =
            envelope.open(
                new SealedValue(record.sealedPrivate(), record.wrappedKey(), record.masterKeyId()),
                BOUND_TO + ":" + record.kid());
        try {
          RSAKey full = RSAKey.parse(new String(json, StandardCharsets.UTF_8));
          active = new Active(record.kid(), new RSASSASigner(full));
        } catch (ParseException | JOSEException e) {
          throw new IllegalStateException("signing key " + record.kid() + " is corrupt", e);
        }
      }
    }
  }

  private static RSAKey parsePublic(SigningKeyRecord record) {
    try {
      return RSAKey.parse(record.publicJwk());
    } catch (ParseException e) {
      throw new IllegalStateException("public key " + record.kid() + " is corrupt", e);
    }
  }

  private static RSASSAVerifier verifierOf(RSAKey key) {
    try {
      return new RSASSAVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalStateException("public key " + key.getKeyID() + " is unusable", e);
    }
  }
}
