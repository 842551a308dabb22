package io.coffer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for commands that call a Coffer server: the JDK's public CAs plus, when given, the
 * server's private CA file (PEM), so a dev server and a publicly certified one both work.
 */
public final class CaTrust {
  private CaTrust() {}

  /**
   * @throws CommandFailure when the CA file cannot be read as PEM certificates
   */
  public static SSLContext context(Optional<Path> caFile) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      TrustManagerFactory jdk =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jdk.init((KeyStore) null);
      int n = 0;
      for (TrustManager manager : jdk.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate ca : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + n++, ca);
          }
        }
      }
      if (caFile.isPresent()) {
        try (InputStream in = Files.newInputStream(caFile.get())) {
          for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            store.setCertificateEntry("coffer-" + n++, ca);
          }
        }
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new CommandFailure(
          "cannot use the CA file "
              + caFile.map(Path::toString).orElse("")
              + ": "
              + e.getMessage());
    }
  }
}
