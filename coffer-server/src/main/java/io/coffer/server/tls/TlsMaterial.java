package io.coffer.server.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS identity: a private CA and a server certificate for {@code <domain>}, {@code
 * *.<domain>}, localhost and the loopback addresses, created at first start in the data directory;
 * or a certificate chain and key the operator supplies.
 */
public final class TlsMaterial {
  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
  private static final char[] STORE_PASSWORD = "coffer".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] TRUST_PASSWORD = "changeit".toCharArray();
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final X509Certificate ca;
  private final Path caFile;

  private TlsMaterial(
      PrivateKey key, List<X509Certificate> chain, X509Certificate ca, Path caFile) {
    this.key = key;
    this.chain = List.copyOf(chain);
    this.ca = ca;
    this.caFile = caFile;
  }

  /**
   * The server certificate must be issued again, but the CA's key is kept away from the server: it
   * serves only while the certificate the CA issued is usable.
   */
  public static final class CaKeyElsewhere extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String fix;

    CaKeyElsewhere(String problem, String fix) {
      super(problem);
      this.fix = fix;
    }

    public String fix() {
      return fix;
    }
  }

  /**
   * Loads the generated material from {@code tlsDir}, creating the CA and server certificate at
   * first start. A server certificate that is missing, near expiry or for another domain is
   * re-issued from the existing CA, so clients keep trusting the same CA. With {@code ca.pem} but
   * no {@code ca-key.pem} (the CA's key kept offline), the server certificate is served as it is.
   *
   * @throws CaKeyElsewhere when it would have to be re-issued without the CA's key
   */
  public static TlsMaterial loadOrCreate(Path tlsDir, List<String> serverNames) {
    List<String> families = new ArrayList<>();
    for (String name : serverNames) {
      String base = name.startsWith("*.") ? name.substring(2) : name;
      if (!CertificateAuthority.within(families, base)) {
        families.add(base);
      }
    }
    return loadOrCreate(tlsDir, serverNames, families);
  }

  /**
   * As {@link #loadOrCreate(Path, List)}; a CA it creates is name-constrained to {@code caFamilies}
   * (DNS names and every name under them) and the loopback addresses. When the names served fall
   * outside an existing CA's constraints (a new domain elsewhere), a new CA is made and the change
   * is logged as a warning: clients must trust the new {@code ca.pem}.
   */
  public static TlsMaterial loadOrCreate(
      Path tlsDir, List<String> serverNames, List<String> caFamilies) {
    try {
      Files.createDirectories(tlsDir);
      Files.setPosixFilePermissions(tlsDir, PosixFilePermissions.fromString("rwx------"));
      Path caPem = tlsDir.resolve("ca.pem");
      Path caKeyPem = tlsDir.resolve("ca-key.pem");
      Path serverPem = tlsDir.resolve("server.pem");
      Path serverKeyPem = tlsDir.resolve("server-key.pem");
      Optional<X509Certificate> current =
          Files.exists(serverPem) && Files.exists(serverKeyPem)
              ? Optional.of(PemFiles.readCertificates(serverPem).get(0))
              : Optional.empty();
      if (Files.exists(caPem) && !Files.exists(caKeyPem)) {
        // The CA's key is kept elsewhere: serve the certificate it issued, while it is usable.
        X509Certificate caCertificate = PemFiles.readCertificates(caPem).get(0);
        if (current.isEmpty()
            || !usable(current.get(), serverNames, c -> issuedBy(c, caCertificate))) {
          throw new CaKeyElsewhere(
              "the server certificate in "
                  + tlsDir
                  + " is missing, expires within "
                  + RENEW_BEFORE.toDays()
                  + " days or does not cover "
                  + String.join(", ", serverNames)
                  + ", and the CA key (ca-key.pem) that would re-issue it is not there",
              "put ca-key.pem back in " + tlsDir + " for one start, then move it away again");
        }
        TlsMaterial material =
            new TlsMaterial(
                PemFiles.readPrivateKey(serverKeyPem),
                PemFiles.readCertificates(serverPem),
                caCertificate,
                caPem);
        material.ensureTrustStore(tlsDir.resolve("ca-truststore.p12"), false);
        return material;
      }
      CertificateAuthority authority;
      if (Files.exists(caPem)) {
        authority =
            new CertificateAuthority(
                PemFiles.readCertificates(caPem).get(0), PemFiles.readPrivateKey(caKeyPem));
        List<String> outside = outsideConstraints(authority.certificate(), serverNames);
        if (!outside.isEmpty()) {
          LOG.warn(
              "event=tls-ca-replaced file={} outside={} note=\"the CA is name-constrained and"
                  + " cannot issue for {}: a new CA is made; clients must trust the new ca.pem\"",
              caPem,
              String.join(",", outside),
              String.join(", ", outside));
          authority = newCa(caPem, caKeyPem, caFamilies);
          current = Optional.empty();
        } else if (CertificateAuthority.permittedDnsNames(authority.certificate()).isEmpty()) {
          LOG.warn(
              "event=tls-ca-unconstrained file={} note=\"this CA predates name constraints and"
                  + " can issue for any name; remove ca.pem and ca-key.pem to make a constrained"
                  + " one (clients must then trust it anew)\"",
              caPem);
        }
      } else {
        authority = newCa(caPem, caKeyPem, caFamilies);
      }
      if (current.isEmpty() || !usable(current.get(), serverNames, authority::signed)) {
        CertificateAuthority.Issued issued = authority.issueServer(serverNames);
        PemFiles.writePrivate(serverKeyPem, PemFiles.encode(issued.key()));
        PemFiles.writePublic(
            serverPem, PemFiles.encode(List.of(issued.certificate(), authority.certificate())));
      }
      TlsMaterial material =
          new TlsMaterial(
              PemFiles.readPrivateKey(serverKeyPem),
              PemFiles.readCertificates(serverPem),
              authority.certificate(),
              caPem);
      material.ensureTrustStore(tlsDir.resolve("ca-truststore.p12"), false);
      return material;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot prepare TLS material in " + tlsDir + ": " + e, e);
    }
  }

  private static CertificateAuthority newCa(Path caPem, Path caKeyPem, List<String> families)
      throws IOException, GeneralSecurityException {
    CertificateAuthority authority = CertificateAuthority.create(families);
    PemFiles.writePrivate(caKeyPem, PemFiles.encode(authority.key()));
    PemFiles.writePublic(caPem, PemFiles.encode(List.of(authority.certificate())));
    return authority;
  }

  /** The names a constrained CA cannot issue for; none for a CA without constraints. */
  private static List<String> outsideConstraints(X509Certificate ca, List<String> names) {
    return CertificateAuthority.permittedDnsNames(ca)
        .map(families ->
            names.stream().filter(n -> !CertificateAuthority.within(families, n)).toList())
        .orElse(List.of());
  }

  /** An operator-supplied PEM certificate chain (leaf first) and its private key. */
  public static TlsMaterial fromFiles(Path certificateChain, Path privateKey) {
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      chain = PemFiles.readCertificates(certificateChain);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tls-cert " + certificateChain + " is not a readable PEM certificate chain", e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("tls-cert " + certificateChain + " holds no certificate");
    }
    try {
      key = PemFiles.readPrivateKey(privateKey);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tls-key " + privateKey + " is not a readable PEM private key", e);
    }
    if (!CertificateAuthority.matches(key, chain.get(0))) {
      throw new IllegalArgumentException(
          "tls-key " + privateKey + " does not match the certificate in " + certificateChain);
    }
    return new TlsMaterial(key, chain, chain.get(chain.size() - 1), certificateChain);
  }

  /**
   * An in-memory PKCS12 store with the key and chain under alias {@code coffer}. The entry is
   * sealed with one PBKDF2 round, not the JDK's default 10,000: the store never leaves memory, its
   * password is a constant of this class, and the key is in server-key.pem in the clear, so the
   * rounds guarded nothing, while sealing and unsealing (by the TLS key manager) cost a fifth of
   * the main thread's start.
   */
  public KeyStore keyStore() {
    try {
      KeyStore store = emptyStore(STORE_PASSWORD);
      byte[] salt = new byte[16];
      byte[] iv = new byte[16];
      RANDOM.nextBytes(salt);
      RANDOM.nextBytes(iv);
      store.setEntry(
          "coffer",
          new KeyStore.PrivateKeyEntry(key, chain.toArray(new java.security.cert.Certificate[0])),
          new KeyStore.PasswordProtection(
              STORE_PASSWORD,
              "PBEWithHmacSHA256AndAES_256",
              new PBEParameterSpec(salt, 1, new IvParameterSpec(iv))));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the TLS key store", e);
    }
  }

  public char[] keyStorePassword() {
    return STORE_PASSWORD.clone();
  }

  /** The PEM file clients trust: the generated CA, or the supplied chain. */
  public Path caFile() {
    return caFile;
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  /**
   * The client certificates the server trusts: none, since it asks for none. Given no trust store,
   * the JDK loads its ~150 public CAs at every start, to keep them in the heap unused.
   */
  public KeyStore clientCertificateTrust() {
    try {
      return emptyStore(TRUST_PASSWORD);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build an empty trust store", e);
    }
  }

  /** A client context that trusts only this CA. */
  public SSLContext clientContext() {
    try {
      KeyStore trust = emptyStore(TRUST_PASSWORD);
      trust.setCertificateEntry("coffer-ca", ca);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a client TLS context", e);
    }
  }

  @Override
  public String toString() {
    return "TlsMaterial[" + chain.get(0).getSubjectX500Principal().getName() + "]";
  }

  /**
   * A PKCS12 trust store (password {@code changeit}) holding the JDK's public CAs and this CA, so
   * that {@code -Djavax.net.ssl.trustStore} can point every JVM at it without breaking other HTTPS
   * (Maven Central, for one). Rebuilt only when the CA file is newer.
   */
  public Path javaTrustStore(Path file) {
    try {
      ensureTrustStore(file, true);
      return file;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the Java trust store " + file, e);
    }
  }

  private static KeyStore emptyStore(char[] password) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, password);
    return store;
  }

  /** Writes the trust store unless it exists and is not older than the CA file. */
  private void ensureTrustStore(Path file, boolean withJdkCas)
      throws IOException, GeneralSecurityException {
    if (Files.exists(file)
        && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(caFile)) >= 0) {
      return;
    }
    KeyStore trust = emptyStore(TRUST_PASSWORD);
    Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
    if (withJdkCas && Files.isReadable(cacerts)) {
      KeyStore jdk = KeyStore.getInstance(cacerts.toFile(), TRUST_PASSWORD);
      for (String alias : Collections.list(jdk.aliases())) {
        trust.setCertificateEntry(alias, jdk.getCertificate(alias));
      }
    }
    trust.setCertificateEntry("coffer-ca", ca);
    Path temp = Files.createTempFile(file.getParent(), ".trust", ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      trust.store(out, TRUST_PASSWORD);
    }
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The names of {@code required} the served certificate does not cover, exactly or by a
   * single-label wildcard, as TLS clients match them.
   */
  public List<String> uncovered(List<String> required) {
    List<String> covered = CertificateAuthority.names(chain.get(0));
    return required.stream().filter(name -> !covers(covered, name)).toList();
  }

  private static boolean covers(List<String> covered, String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    for (String entry : covered) {
      String pattern = entry.toLowerCase(java.util.Locale.ROOT);
      if (pattern.equals(lower)) {
        return true;
      }
      if (pattern.startsWith("*.") && !lower.startsWith("*.")) {
        int dot = lower.indexOf('.');
        if (dot > 0 && lower.substring(dot).equals(pattern.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean usable(
      X509Certificate certificate,
      List<String> serverNames,
      java.util.function.Predicate<X509Certificate> signedByCa) {
    Instant renewBy = Instant.now().plus(RENEW_BEFORE);
    return certificate.getNotAfter().toInstant().isAfter(renewBy)
        && CertificateAuthority.names(certificate).containsAll(serverNames)
        && signedByCa.test(certificate);
  }

  private static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
    try {
      certificate.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
