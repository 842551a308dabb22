package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.testing.RunningCoffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Raw HTTP/1.1 bytes to a running Coffer over TLS, for requests no client library would send, and
 * the checks every answer to hostile input must pass whatever the surface.
 */
final class RawWire {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int TIMEOUT_MS = 20_000;

  private final SSLContext tls;
  private final int port;

  RawWire(RunningCoffer coffer) {
    this(coffer.server().tls().clientContext(), coffer.port());
  }

  /** To a server in another process, trusted through its CA. */
  RawWire(SSLContext tls, int port) {
    this.tls = tls;
    this.port = port;
  }

  /** One answer on the wire: status, head as sent and de-chunked body. */
  record Answer(int status, String head, String body) {
    /** The first value of a header, its name in any case. */
    java.util.Optional<String> header(String name) {
      String wanted = name.toLowerCase(Locale.ROOT) + ":";
      return head.lines()
          .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(wanted))
          .map(line -> line.substring(wanted.length()).strip())
          .findFirst();
    }
  }

  SSLSocket socket() throws IOException {
    SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(TIMEOUT_MS);
    return socket;
  }

  /** Sends the bytes on a new connection and reads the answer until the server closes it. */
  Answer exchange(byte[] request) throws IOException {
    try (SSLSocket socket = socket()) {
      socket.startHandshake();
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      // Written beside the read, as a real client does: the server may answer and close before it
      // has read all of a large request, and the answer must still be seen.
      Thread writer =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  out.write(request);
                  out.flush();
                } catch (IOException e) {
                  // The server stopped reading; its answer is what counts.
                }
              });
      try {
        return read(in);
      } finally {
        writer.interrupt();
      }
    }
  }

  static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        bytes.write(buffer, 0, n);
      }
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      // A reset after a complete answer (the server closed without reading the rest).
      if (bytes.size() == 0) {
        throw e;
      }
    }
    // Latin-1 keeps one character per byte, so chunk sizes can be counted on the text.
    String text = bytes.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Answer(0, text, "");
    }
    String head = text.substring(0, end);
    String body = text.substring(end + 4);
    if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      body = dechunked(body);
    }
    return new Answer(
        Integer.parseInt(text.substring(9, 12)),
        head,
        new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
  }

  /** Null when no answer on any surface is wrong this way: a 5xx, no status, a stack trace. */
  static String anySurfaceProblem(Answer answer) {
    if (answer.status() >= 500) {
      return "HTTP " + answer.status();
    }
    if (answer.status() < 100) {
      return "no status line: '" + abbreviated(answer.head()) + "'";
    }
    if (answer.body().contains("Exception") || answer.body().contains("at io.")) {
      return "a stack trace in the body";
    }
    return null;
  }

  /** Null when the answer is acceptable for a vault or the management API, else what is wrong. */
  static String keyVaultProblem(Answer answer, String method) {
    String problem = anySurfaceProblem(answer);
    if (problem != null || answer.status() < 400 || method.equals("HEAD")) {
      return problem;
    }
    try {
      JsonNode error = JSON.readTree(answer.body()).path("error");
      if (!error.path("code").isTextual() || error.path("code").asText().isEmpty()) {
        return "HTTP " + answer.status() + " without error.code: " + abbreviated(answer.body());
      }
      if (!error.path("message").isTextual()) {
        return "HTTP " + answer.status() + " without error.message";
      }
      if (!answer.header("Content-Type").orElse("").startsWith("application/json")) {
        return "HTTP " + answer.status() + " error not typed application/json";
      }
      return null;
    } catch (IOException e) {
      return "HTTP " + answer.status() + " body is not JSON: " + abbreviated(answer.body());
    }
  }

  /** Null when an error is OAuth's {@code {"error": "...", "error_description": "..."}}. */
  static String oauthProblem(Answer answer) {
    String problem = anySurfaceProblem(answer);
    if (problem != null || answer.status() < 400) {
      return problem;
    }
    try {
      JsonNode body = JSON.readTree(answer.body());
      return body.path("error").isTextual() && body.path("error_description").isTextual()
          ? null
          : "HTTP " + answer.status() + " not an OAuth error: " + abbreviated(answer.body());
    } catch (IOException e) {
      return "HTTP " + answer.status() + " body is not JSON: " + abbreviated(answer.body());
    }
  }

  static String abbreviated(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static String dechunked(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < body.length()) {
      int lineEnd = body.indexOf("\r\n", at);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(body.substring(at, lineEnd).trim().split(";")[0], 16);
      if (size == 0) {
        break;
      }
      out.append(body, lineEnd + 2, Math.min(body.length(), lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    return out.toString();
  }
}
