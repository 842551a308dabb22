package io.coffer.server.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A private CA (EC P-256) that issues Coffer's server certificates. */
final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Two years: long enough to outlive two server certificates, short enough to be replaced. */
  static final Duration CA_LIFETIME = Duration.ofDays(730);

  private static final Duration SERVER_LIFETIME = Duration.ofDays(397);

  record Issued(X509Certificate certificate, PrivateKey key) {}

  private final X509Certificate certificate;
  private final PrivateKey key;

  CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  X509Certificate certificate() {
    return certificate;
  }

  PrivateKey key() {
    return key;
  }

  static CertificateAuthority create() throws GeneralSecurityException {
    return Issuing.create();
  }

  /** A server certificate for these DNS names (the first is its subject) and the loopback IPs. */
  Issued issueServer(List<String> dnsNames) throws GeneralSecurityException {
    return Issuing.server(this, dnsNames);
  }

  boolean signed(X509Certificate issued) {
    try {
      issued.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The DNS and IP names a certificate covers. */
  static List<String> names(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      if (certificate.getSubjectAlternativeNames() != null) {
        for (List<?> entry : certificate.getSubjectAlternativeNames()) {
          names.add(String.valueOf(entry.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    return names;
  }

  /** Whether the private key belongs to the certificate: sign and verify a probe. */
  static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      byte[] probe = randomBytes(32);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(1, randomBytes(16));
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /**
   * Building and signing certificates with Bouncy Castle, only at first start or renewal: its
   * signed jar is verified when a first class of it loads, and its classes cannot be in the
   * start-up class cache, which cost a normal start about 0.3 s.
   */
  private static final class Issuing {
    private Issuing() {}

    static CertificateAuthority create() throws GeneralSecurityException {
      KeyPair pair = ecKeyPair();
      X500Name name =
          new X500Name("CN=Coffer Development CA " + HexFormat.of().formatHex(randomBytes(4)));
      Instant now = Instant.now();
      try {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder =
            new JcaX509v3CertificateBuilder(
                    name,
                    serial(),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(CA_LIFETIME)),
                    name,
                    pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
        return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
      } catch (java.io.IOException e) {
        throw new GeneralSecurityException("cannot encode CA extensions", e);
      }
    }

    static Issued server(CertificateAuthority ca, List<String> dnsNames)
        throws GeneralSecurityException {
      KeyPair pair = ecKeyPair();
      Instant now = Instant.now();
      List<GeneralName> entries = new ArrayList<>();
      dnsNames.forEach(n -> entries.add(new GeneralName(GeneralName.dNSName, n)));
      entries.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
      entries.add(new GeneralName(GeneralName.iPAddress, "::1"));
      GeneralNames names = new GeneralNames(entries.toArray(new GeneralName[0]));
      try {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder =
            new JcaX509v3CertificateBuilder(
                    ca.certificate,
                    serial(),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(SERVER_LIFETIME)),
                    new X500Name("CN=" + dnsNames.get(0)),
                    pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, names)
                .addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()))
                .addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    extensions.createAuthorityKeyIdentifier(ca.certificate));
        return new Issued(sign(builder, ca.key), pair.getPrivate());
      } catch (java.io.IOException e) {
        throw new GeneralSecurityException("cannot encode server certificate extensions", e);
      }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
        throws GeneralSecurityException {
      try {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      } catch (OperatorCreationException e) {
        throw new GeneralSecurityException("cannot sign a certificate", e);
      }
    }
  }
}
