package io.coffer.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests no HTTP client library would send, written byte by byte over TLS. */
class MalformedRequestTest {
  private static RunningCoffer coffer;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
  }

  private static String exchange(String requestHead) throws Exception {
    return exchange(requestHead.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String exchange(byte[] requestHead) throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            coffer
                .server()
                .tls()
                .clientContext()
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), coffer.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(requestHead);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        response.write(buffer, 0, n);
      }
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  private String get(String path, String extraHeaders) throws Exception {
    return exchange(
        "GET "
            + path
            + " HTTP/1.1\r\nHost: main.vault.localhost:"
            + coffer.port()
            + "\r\nAuthorization: Bearer "
            + coffer.token()
            + "\r\n"
            + extraHeaders
            + "Connection: close\r\n\r\n");
  }

  private String put(String name, String body) throws Exception {
    byte[] bytes = body.getBytes(UTF_8);
    return exchange(
        "PUT /secrets/"
            + name
            + "?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
            + coffer.port()
            + "\r\nAuthorization: Bearer "
            + coffer.token()
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  @Test
  void half_a_surrogate_pair_is_refused_not_stored_as_a_question_mark() throws Exception {
    // JSON's escapes can write it; UTF-8, which the value is stored in, cannot.
    for (String body :
        List.of(
            "{\"value\":\"x\\ud800y\"}",
            "{\"value\":\"x\\udfff\"}",
            "{\"value\":\"x\\ude00\\ud83d\"}",
            "{\"value\":\"v\",\"contentType\":\"\\ud800\"}",
            "{\"value\":\"v\",\"tags\":{\"k\\ud800\":\"t\"}}",
            "{\"value\":\"v\",\"tags\":{\"k\":\"\\udbff\"}}")) {
      String response = put("half-pair", body);

      // Jackson itself refuses one in a member name ("not valid JSON"); the rest are ours.
      assertThat(response)
          .as(body)
          .startsWith("HTTP/1.1 400")
          .contains("\"code\":\"BadParameter\"")
          .containsAnyOf("half of a surrogate pair", "is not valid JSON");
    }
    assertThat(put("half-pair", "{\"value\":\"x\\ud800y\"}"))
        .contains("Property 'value' holds half of a surrogate pair");
    assertThat(get("/secrets/half-pair?api-version=7.4", "")).startsWith("HTTP/1.1 404");

    String whole =
        put("whole-pair", "{\"value\":\"x\\ud83d\\ude00y\",\"tags\":{\"k\":\"\\ud83d\\ude00\"}}");
    assertThat(whole).startsWith("HTTP/1.1 200");
    assertThat(get("/secrets/whole-pair?api-version=7.4", ""))
        .contains("\"value\":\"x\ud83d\ude00y\"")
        .contains("\"k\":\"\ud83d\ude00\"");
  }

  @Test
  void bad_percent_encoding_is_an_azure_shaped_400() throws Exception {
    String response = get("/secrets/%zz?api-version=7.4", "");

    assertThat(response).startsWith("HTTP/1.1 400").contains("\"code\":\"BadParameter\"");
  }

  @Test
  void a_raw_utf8_path_is_read_as_its_percent_encoded_twin() throws Exception {
    String head =
        " HTTP/1.1\r\nHost: main.vault.localhost:"
            + coffer.port()
            + "\r\nAuthorization: Bearer "
            + coffer.token()
            + "\r\nConnection: close\r\n\r\n";
    String raw = exchange(("GET /secrets/caf\u00e9?api-version=7.4" + head).getBytes(UTF_8));
    String encoded = exchange(("GET /secrets/caf%C3%A9?api-version=7.4" + head).getBytes(UTF_8));

    assertThat(raw).startsWith("HTTP/1.1 400").contains("\"code\":\"BadParameter\"");
    // Decoded once: the name the answer quotes is the client's, not its bytes read twice.
    assertThat(raw).contains("caf\u00e9").doesNotContain("caf\u00c3");
    assertThat(body(raw)).isEqualTo(body(encoded));
  }

  private static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void oversized_headers_are_an_azure_shaped_431() throws Exception {
    String response = get("/secrets?api-version=7.4", "X-Padding: " + "a".repeat(20_000) + "\r\n");

    assertThat(response).startsWith("HTTP/1.1 431").contains("\"code\":\"BadParameter\"");
  }

  @Test
  void path_tricks_do_not_escape_the_secrets_routes() throws Exception {
    String dotDot = get("/secrets/../deletedsecrets?api-version=7.4", "");
    String encodedSlash = get("/secrets/a%2Fb?api-version=7.4", "");

    assertThat(dotDot).doesNotStartWith("HTTP/1.1 5").contains("\"error\"");
    assertThat(encodedSlash).startsWith("HTTP/1.1 4").contains("\"error\"");
  }
}
