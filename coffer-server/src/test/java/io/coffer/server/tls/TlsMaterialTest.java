package io.coffer.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.config.Cloud;
import io.coffer.server.config.Endpoints;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
  private static final String DOMAIN = "vault.localhost";

  @Test
  void first_start_creates_a_ca_and_a_server_certificate_with_private_keys(@TempDir Path dir)
      throws Exception {
    TlsMaterial material = TlsMaterial.loadOrCreate(dir, names(DOMAIN));

    for (String key : List.of("ca-key.pem", "server-key.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
          .isEqualTo("rw-------");
    }
    X509Certificate leaf = (X509Certificate) material.keyStore().getCertificateChain("coffer")[0];
    leaf.verify(material.caCertificate().getPublicKey());
    assertThat(CertificateAuthority.names(leaf))
        .contains(DOMAIN, "*." + DOMAIN, "localhost", "127.0.0.1");
    assertThat(material.caFile()).isEqualTo(dir.resolve("ca.pem"));
    assertThat(dir.resolve("ca-truststore.p12")).exists();
    assertThat(material.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void a_restart_reuses_the_material_and_a_new_domain_keeps_the_ca(@TempDir Path dir)
      throws Exception {
    TlsMaterial first = served(dir, DOMAIN);
    TlsMaterial again = served(dir, DOMAIN);
    TlsMaterial moved = served(dir, "vault.example.internal");

    assertThat(again.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(leaf(again)).isEqualTo(leaf(first));
    assertThat(moved.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(CertificateAuthority.names(leaf(moved))).contains("*.vault.example.internal");
  }

  @Test
  void supplied_files_are_served_and_a_mismatched_key_is_refused(@TempDir Path dir)
      throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    TlsMaterial.loadOrCreate(a, names(DOMAIN));
    TlsMaterial.loadOrCreate(b, names(DOMAIN));

    TlsMaterial supplied =
        TlsMaterial.fromFiles(a.resolve("server.pem"), a.resolve("server-key.pem"));
    assertThat(leaf(supplied).getSubjectX500Principal().getName()).contains(DOMAIN);
    assertThatThrownBy(
            () -> TlsMaterial.fromFiles(a.resolve("server.pem"), b.resolve("server-key.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match")
        .hasMessageContaining("server-key.pem");
    assertThatThrownBy(() ->
            TlsMaterial.fromFiles(a.resolve("ca-truststore.p12"), a.resolve("server-key.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ca-truststore.p12");
  }

  @Test
  void clients_trusting_the_ca_verify_vault_host_names_but_not_others(@TempDir Path dir)
      throws Exception {
    TlsMaterial material = TlsMaterial.loadOrCreate(dir, names(DOMAIN));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(material.keyStore(), material.keyStorePassword());
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(keys.getKeyManagers(), null, null);

    assertThat(handshake(server, material.clientContext(), "main." + DOMAIN)).isTrue();
    assertThat(handshake(server, material.clientContext(), "other.example")).isFalse();
  }

  @Test
  void cloud_names_are_covered_and_a_certificate_for_other_names_is_found_short(@TempDir Path dir)
      throws Exception {
    List<String> cloud =
        new Endpoints(
                "vault.azure.net", "login.microsoftonline.com", 443, Optional.of(Cloud.AZURE_CLOUD))
            .serverNames();
    TlsMaterial material = TlsMaterial.loadOrCreate(dir, cloud);

    assertThat(CertificateAuthority.names(leaf(material)))
        .contains("*.vault.azure.net", "login.microsoftonline.com", "management.azure.com");
    assertThat(material.uncovered(List.of("main.vault.azure.net", "login.microsoftonline.com")))
        .isEmpty();
    TlsMaterial other = TlsMaterial.loadOrCreate(dir.resolve("other"), names(DOMAIN));
    assertThat(other.uncovered(List.of("*.vault.azure.net", "login.microsoftonline.com", DOMAIN)))
        .containsExactly("*.vault.azure.net", "login.microsoftonline.com");
    assertThat(other.uncovered(List.of("a.b." + DOMAIN))).containsExactly("a.b." + DOMAIN);
  }

  @Test
  void a_server_runs_with_the_ca_key_kept_elsewhere_until_its_certificate_needs_issuing(
      @TempDir Path root) throws Exception {
    Path dir = root.resolve("tls");
    TlsMaterial first = TlsMaterial.loadOrCreate(dir, names(DOMAIN));
    String ca = Files.readString(dir.resolve("ca.pem"));
    Files.move(dir.resolve("ca-key.pem"), root.resolve("ca-key-offline.pem"));

    TlsMaterial offline = TlsMaterial.loadOrCreate(dir, names(DOMAIN));
    assertThat(offline.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(offline.keyStore().getCertificateChain("coffer")[0])
        .isEqualTo(first.keyStore().getCertificateChain("coffer")[0]);
    assertThat(dir.resolve("ca-key.pem")).doesNotExist();

    assertThatThrownBy(() -> TlsMaterial.loadOrCreate(dir, names("other.localhost")))
        .isInstanceOf(TlsMaterial.CaKeyElsewhere.class)
        .hasMessageContaining("ca-key.pem");
    // The CA is never replaced behind the clients' back.
    assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(ca);
  }

  @Test
  void the_generated_ca_is_name_constrained_to_the_names_coffer_can_serve(@TempDir Path dir)
      throws Exception {
    X509Certificate ca = served(dir, DOMAIN).caCertificate();
    assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.30"); // nameConstraints
    assertThat(CertificateAuthority.permittedDnsNames(ca).orElseThrow())
        .contains("localhost", "internal", "test", "vault.azure.net", "login.microsoftonline.com")
        .doesNotContain("com", "net", "azure.net");

    // A leaf for a name outside, signed by the CA's own key, is refused by OpenSSL (which curl and
    // Python use). The JDK's trust managers ignore a trust anchor's constraints.
    Assumptions.assumeTrue(openssl(dir, "version").exitCode() == 0, "no openssl here");
    CertificateAuthority authority =
        new CertificateAuthority(ca, PemFiles.readPrivateKey(dir.resolve("ca-key.pem")));
    assertThat(opensslVerifies(dir, authority, "main." + DOMAIN).output()).contains(": OK");
    assertThat(opensslVerifies(dir, authority, "login.microsoftonline.com").exitCode()).isZero();
    for (String outside : List.of("www.example.com", "login.microsoftonline.com.evil.com")) {
      Outcome refused = opensslVerifies(dir, authority, outside);
      assertThat(refused.exitCode()).as(outside).isNotZero();
      assertThat(refused.output()).contains("permitted subtree violation");
    }
  }

  @Test
  void a_domain_outside_the_cas_constraints_gets_a_new_constrained_ca(@TempDir Path dir)
      throws Exception {
    TlsMaterial first = served(dir, DOMAIN);
    TlsMaterial cloud =
        TlsMaterial.loadOrCreate(
            dir,
            new Endpoints(
                    "vault.azure.net",
                    "login.microsoftonline.com",
                    443,
                    Optional.of(Cloud.AZURE_CLOUD))
                .serverNames(),
            endpoints(DOMAIN).caNameFamilies());
    assertThat(cloud.caCertificate()).isEqualTo(first.caCertificate()); // one CA for both

    TlsMaterial elsewhere = served(dir, "vault.corp.acme.com");
    assertThat(elsewhere.caCertificate()).isNotEqualTo(first.caCertificate());
    assertThat(CertificateAuthority.permittedDnsNames(elsewhere.caCertificate()).orElseThrow())
        .contains("vault.corp.acme.com", "localhost")
        .doesNotContain("acme.com");
    assertThat(CertificateAuthority.names(leaf(elsewhere))).contains("*.vault.corp.acme.com");
    leaf(elsewhere).verify(elsewhere.caCertificate().getPublicKey());
  }

  @Test
  void the_generated_ca_lives_two_years(@TempDir Path dir) {
    X509Certificate ca = TlsMaterial.loadOrCreate(dir, names(DOMAIN)).caCertificate();
    long days =
        java.time.Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant())
            .toDays();
    assertThat(days).isBetween(729L, 731L);
  }

  private static List<String> names(String domain) {
    return endpoints(domain).serverNames();
  }

  private static Endpoints endpoints(String domain) {
    return new Endpoints(domain, "localhost", 8443);
  }

  /** The material as the server loads it: its names, and the CA constrained as it makes it. */
  private static TlsMaterial served(Path dir, String domain) {
    return TlsMaterial.loadOrCreate(dir, names(domain), endpoints(domain).caNameFamilies());
  }

  private record Outcome(int exitCode, String output) {}

  /** {@code openssl verify} of a leaf the CA issues for {@code name}, against the CA alone. */
  private static Outcome opensslVerifies(Path dir, CertificateAuthority authority, String name)
      throws Exception {
    Path leaf = dir.resolve("leaf-" + name + ".pem");
    Files.writeString(
        leaf, PemFiles.encode(List.of(authority.issueServer(List.of(name)).certificate())));
    return openssl(
        dir,
        "verify",
        "-CAfile",
        dir.resolve("ca.pem").toString(),
        "-purpose",
        "sslserver",
        leaf.toString());
  }

  private static Outcome openssl(Path dir, String... arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      return new Outcome(process.waitFor(), output);
    } catch (java.io.IOException e) {
      return new Outcome(-1, e.getMessage());
    }
  }

  private static boolean handshake(SSLContext server, SSLContext client, String hostName)
      throws Exception {
    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> accepted =
          CompletableFuture.runAsync(() -> {
            try (SSLSocket peer = (SSLSocket) listener.accept();
                OutputStream out = peer.getOutputStream()) {
              peer.startHandshake();
              out.write(1);
            } catch (Exception e) {
              // the client side reports the outcome
            }
          });
      // Layered over a plain loopback socket so the host name, not 127.0.0.1, is verified.
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
          SSLSocket socket =
              (SSLSocket)
                  client
                      .getSocketFactory()
                      .createSocket(plain, hostName, listener.getLocalPort(), true)) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName(hostName)));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        try (InputStream in = socket.getInputStream()) {
          return in.read() == 1;
        }
      } catch (SSLHandshakeException e) {
        return false;
      } finally {
        accepted.join();
      }
    }
  }

  private static X509Certificate leaf(TlsMaterial material) throws Exception {
    KeyStore store = material.keyStore();
    return (X509Certificate) store.getCertificateChain("coffer")[0];
  }
}
