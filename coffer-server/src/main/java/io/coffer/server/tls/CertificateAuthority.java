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
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
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

  /** The addresses a server certificate names, and so the only ones the CA may issue for. */
  private static final List<String> LOOPBACK = List.of("127.0.0.0/255.0.0.0", "::1/128");

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

  /**
   * A new CA, name-constrained (critical) to the DNS names in {@code families} and those under
   * them, and to the loopback addresses: whoever takes its key can issue for nothing else, and a
   * client that trusts it trusts it for nothing else.
   */
  static CertificateAuthority create(List<String> families) throws GeneralSecurityException {
    return Issuing.create(families);
  }

  /** A server certificate for these DNS names (the first is its subject) and the loopback IPs. */
  Issued issueServer(List<String> dnsNames) throws GeneralSecurityException {
    return Issuing.server(this, dnsNames);
  }

  /**
   * The DNS names a CA's name constraints permit (each with the names under it); empty when the CA
   * has no constraints (one made before they were added), which permits every name.
   */
  static Optional<List<String>> permittedDnsNames(X509Certificate ca) {
    byte[] value = ca.getExtensionValue(NAME_CONSTRAINTS_OID);
    if (value == null) {
      return Optional.empty();
    }
    // Read with a few lines of DER rather than Bouncy Castle, which every normal start would then
    // load (see Issuing): OCTET STRING { SEQUENCE { [0] { GeneralSubtree { base, ... } ... } } }.
    try {
      Der constraints = Der.at(value, 0).content().get(0);
      List<String> names = new ArrayList<>();
      for (Der part : constraints.content()) {
        if (part.tag() != PERMITTED_SUBTREES) {
          continue;
        }
        for (Der subtree : part.content()) {
          Der base = subtree.content().get(0);
          if (base.tag() == DNS_NAME) {
            names.add(base.text());
          }
        }
      }
      return Optional.of(names);
    } catch (RuntimeException e) {
      return Optional.of(List.of()); // unreadable constraints permit nothing we can rely on
    }
  }

  private static final String NAME_CONSTRAINTS_OID = "2.5.29.30";
  private static final int PERMITTED_SUBTREES = 0xa0; // [0] constructed
  private static final int DNS_NAME = 0x82; // [2] implicit IA5String

  /** One DER element: its tag and where its content lies. */
  private record Der(byte[] bytes, int tag, int start, int end) {
    static Der at(byte[] bytes, int offset) {
      int tag = bytes[offset] & 0xff;
      int length = bytes[offset + 1] & 0xff;
      int start = offset + 2;
      if (length >= 0x80) {
        int count = length & 0x7f;
        if (count == 0 || count > 3) {
          throw new IllegalArgumentException("unsupported DER length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (bytes[start++] & 0xff);
        }
      }
      if (start + length > bytes.length) {
        throw new IllegalArgumentException("DER element overruns its input");
      }
      return new Der(bytes, tag, start, start + length);
    }

    /** The elements inside: an OCTET STRING's or a constructed element's. */
    List<Der> content() {
      List<Der> elements = new ArrayList<>();
      for (int at = start; at < end; ) {
        Der element = at(bytes, at);
        elements.add(element);
        at = element.end;
      }
      return elements;
    }

    String text() {
      return new String(bytes, start, end - start, java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  /**
   * Whether a DNS name (a wildcard's base) is one of {@code families} or under one, as RFC 5280
   * matches a dNSName constraint.
   */
  static boolean within(List<String> families, String name) {
    String base = name.toLowerCase(Locale.ROOT);
    if (base.startsWith("*.")) {
      base = base.substring(2);
    }
    for (String family : families) {
      String f = family.toLowerCase(Locale.ROOT);
      if (base.equals(f) || base.endsWith("." + f)) {
        return true;
      }
    }
    return false;
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

    static CertificateAuthority create(List<String> families) throws GeneralSecurityException {
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
                .addExtension(Extension.nameConstraints, true, nameConstraints(families))
                .addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
        return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
      } catch (java.io.IOException e) {
        throw new GeneralSecurityException("cannot encode CA extensions", e);
      }
    }

    private static NameConstraints nameConstraints(List<String> families) {
      List<GeneralSubtree> permitted = new ArrayList<>();
      families.forEach(
          f -> permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, f))));
      for (String loopback : LOOPBACK) {
        permitted.add(new GeneralSubtree(new GeneralName(GeneralName.iPAddress, loopback)));
      }
      return new NameConstraints(permitted.toArray(new GeneralSubtree[0]), null);
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
