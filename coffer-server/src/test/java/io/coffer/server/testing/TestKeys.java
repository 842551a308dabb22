package io.coffer.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** RSA keys and self-signed certificates for credential tests, made fresh per test run. */
public record TestKeys(KeyPair keys, X509Certificate certificate, String kid) {

  public static TestKeys rsa(String subject, Duration validity) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair keys = generator.generateKeyPair();
      Instant now = Instant.now();
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          new X500Name("CN=" + subject),
                          BigInteger.valueOf(now.toEpochMilli()),
                          Date.from(now.minus(Duration.ofMinutes(5))),
                          Date.from(now.plus(validity)),
                          new X500Name("CN=" + subject),
                          keys.getPublic())
                      .build(
                          new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
      return new TestKeys(keys, certificate, "k-" + now.toEpochMilli());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Certificate then PKCS#8 key, as ClientCertificateCredential reads a PEM file. */
  public String pem() {
    try {
      return pem("CERTIFICATE", certificate.getEncoded())
          + pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String certificatePem() {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as a JWKS document, as an OIDC issuer publishes it. */
  public String jwks() {
    return new JWKSet(
            new RSAKey.Builder((RSAPublicKey) keys.getPublic())
                .keyID(kid)
                .algorithm(JWSAlgorithm.RS256)
                .build())
        .toString(true);
  }

  /**
   * A token this key's owner (an external issuer) signs, like a projected service-account token.
   */
  public String sign(JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build(),
            claims);
    try {
      jwt.sign(new RSASSASigner(keys.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  public static JWTClaimsSet.Builder claims(
      String issuer, String subject, String audience, Duration validFor) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(subject)
        .audience(audience)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(validFor)));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
