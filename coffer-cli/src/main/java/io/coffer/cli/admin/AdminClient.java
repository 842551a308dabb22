package io.coffer.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.cli.CommandFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Calls Coffer's management API: a client-credentials token for the management resource, then JSON
 * over HTTPS, trusting the JDK's CAs plus the profile's CA file. Errors become one line.
 */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String authority;
  private final HttpClient http;
  private final Optional<AdminProfile> profile;
  private String token;

  private AdminClient(String authority, Optional<String> caFile, Optional<AdminProfile> profile) {
    this.authority =
        authority.endsWith("/") ? authority.substring(0, authority.length() - 1) : authority;
    this.profile = profile;
    this.http =
        HttpClient.newBuilder()
            .sslContext(trusting(caFile.filter(f -> !f.isBlank())))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  static AdminClient of(AdminProfile profile) {
    return new AdminClient(
        profile.authority(), Optional.of(profile.caFile()), Optional.of(profile));
  }

  /** A client that can only bootstrap: no credential yet. */
  static AdminClient anonymous(String authority, Optional<String> caFile) {
    return new AdminClient(authority, caFile, Optional.empty());
  }

  JsonNode get(String path) {
    return send("GET", path, Optional.empty());
  }

  JsonNode post(String path, Object body) {
    return send("POST", path, Optional.of(body));
  }

  JsonNode put(String path, Object body) {
    return send("PUT", path, Optional.of(body));
  }

  JsonNode patch(String path, Object body) {
    return send("PATCH", path, Optional.of(body));
  }

  JsonNode delete(String path) {
    return send("DELETE", path, Optional.empty());
  }

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, Optional<Object> body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(authority + "/admin/v1" + path))
              .timeout(TIMEOUT)
              .header("Accept", "application/json")
              .method(
                  method,
                  body.isPresent()
                      ? HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body.get()))
                      : HttpRequest.BodyPublishers.noBody());
      if (body.isPresent()) {
        request.header("Content-Type", "application/json");
      }
      if (profile.isPresent()) {
        request.header("Authorization", "Bearer " + token());
      }
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode answer =
          response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
      if (response.statusCode() >= 300) {
        throw new CommandFailure(describe(response.statusCode(), answer));
      }
      return answer;
    } catch (IOException e) {
      throw new CommandFailure("cannot reach " + authority + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted");
    }
  }

  /** Client credentials at the profile's tenant, for the management resource. */
  private String token() throws IOException, InterruptedException {
    if (token != null) {
      return token;
    }
    AdminProfile p = profile.orElseThrow();
    String form =
        "grant_type=client_credentials&client_id="
            + segment(p.clientId())
            + "&client_secret="
            + segment(p.clientSecret())
            + "&scope="
            + segment(p.scope());
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(authority + "/" + p.tenantId() + "/oauth2/v2.0/token"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode answer = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      throw new CommandFailure(
          "the token service refused the admin credential: "
              + answer
                  .path("error_description")
                  .asText(answer.path("error").asText(""))
                  .lines()
                  .findFirst()
                  .orElse(""));
    }
    token = answer.path("access_token").asText();
    return token;
  }

  private static String describe(int status, JsonNode answer) {
    JsonNode error = answer.path("error");
    return status
        + " "
        + error.path("code").asText("Error")
        + ": "
        + error.path("message").asText(answer.toString()).lines().findFirst().orElse("");
  }

  /** The JDK's trusted CAs, plus the given CA file's certificates. */
  private static SSLContext trusting(Optional<String> caFile) {
    try {
      TrustManagerFactory jdk =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jdk.init((KeyStore) null);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (TrustManager manager : jdk.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate ca : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + n++, ca);
          }
        }
      }
      if (caFile.isPresent()) {
        try (InputStream in = Files.newInputStream(Path.of(caFile.get()))) {
          List<Certificate> certificates =
              new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
          for (Certificate certificate : certificates) {
            store.setCertificateEntry("coffer-" + n++, certificate);
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
          "cannot use the CA file " + caFile.orElse("") + ": " + e.getMessage());
    }
  }
}
