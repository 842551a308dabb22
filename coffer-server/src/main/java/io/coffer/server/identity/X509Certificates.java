package io.coffer.server.identity;

import io.coffer.server.CofferException;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** The X.509 certificates of certificate credentials: read as given, named as Azure names them. */
final class X509Certificates {
  private X509Certificates() {}

  static X509Certificate parse(byte[] pemOrDer) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pemOrDer));
    } catch (CertificateException | ClassCastException e) {
      throw new CofferException.BadRequest(
          "The certificate is not a PEM or DER X.509 certificate.");
    }
  }

  /** SHA-1 over the DER encoding, upper-case hex: the thumbprint Azure shows. */
  static String thumbprint(byte[] der) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from the JDK", e);
    }
  }
}
