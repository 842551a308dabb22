package io.coffer.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM reading and atomic writing; private keys are written owner-only. */
final class PemFiles {
  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";

  private PemFiles() {}

  static List<X509Certificate> readCertificates(Path file)
      throws IOException, GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certificates = new ArrayList<>();
    for (var certificate :
        factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      certificates.add((X509Certificate) certificate);
    }
    return certificates;
  }

  static PrivateKey readPrivateKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    if (text.contains(PKCS8_BEGIN)) {
      // PKCS#8 (what Coffer writes) needs no Bouncy Castle, which keeps restarts fast.
      Optional<PrivateKey> key = pkcs8(text);
      if (key.isPresent()) {
        return key.get();
      }
    }
    return OpenSsl.privateKey(file);
  }

  private static Optional<PrivateKey> pkcs8(String text) {
    int start = text.indexOf(PKCS8_BEGIN) + PKCS8_BEGIN.length();
    int end = text.indexOf("-----END PRIVATE KEY-----", start);
    if (end < 0) {
      return Optional.empty();
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(start, end));
    for (String algorithm : new String[] {"EC", "RSA"}) {
      try {
        return Optional.of(
            KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    return Optional.empty();
  }

  /** PKCS#8, the form every TLS stack reads. */
  static String encode(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /** A chain of certificates, leaf first. */
  static String encode(List<X509Certificate> certificates) throws GeneralSecurityException {
    StringBuilder text = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      text.append(pem("CERTIFICATE", certificate.getEncoded()));
    }
    return text.toString();
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  static void writePrivate(Path file, String pem) throws IOException {
    write(file, pem, "rw-------");
  }

  static void writePublic(Path file, String pem) throws IOException {
    write(file, pem, "rw-r--r--");
  }

  private static void write(Path file, String pem, String permissions) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), ".pem", ".tmp");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
    Files.writeString(temp, pem, StandardCharsets.US_ASCII);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Other PEM key forms (an operator's {@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY}) through
   * Bouncy Castle, in a class of their own: its signed jar is verified when a first class of it
   * loads, which a normal start with Coffer's own PKCS#8 keys need not pay.
   */
  private static final class OpenSsl {
    private OpenSsl() {}

    static PrivateKey privateKey(Path file) throws IOException {
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
          PEMParser parser = new PEMParser(reader)) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
          if (object instanceof PrivateKeyInfo info) {
            return converter.getPrivateKey(info);
          }
          if (object instanceof PEMKeyPair pair) {
            return converter.getKeyPair(pair).getPrivate();
          }
        }
      }
      throw new IllegalArgumentException("no private key in " + file);
    }
  }
}
