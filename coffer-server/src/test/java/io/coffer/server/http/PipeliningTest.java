package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Requests sent one after another without waiting (HTTP/1.1 pipelining) are answered in order, each
 * after the one before it was served: a read answered on the event loop does not overtake a write
 * still running on its virtual thread, and a body (sent in the same write) is read as its own
 * request's, never as the next request's head.
 */
class PipeliningTest {
  @Test
  void pipelined_requests_are_answered_in_order_each_after_the_one_before() throws Exception {
    RunningCoffer coffer = RunningCoffer.shared();
    String token = coffer.token();
    String host = "Host: main.vault.localhost:" + coffer.port() + "\r\n";
    String auth = "Authorization: Bearer " + token + "\r\n";
    String body = "{\"value\":\"second\"}";
    String get = "GET /secrets/pipelined?api-version=7.4 HTTP/1.1\r\n" + host + auth;
    String requests =
        "PUT /secrets/pipelined?api-version=7.4 HTTP/1.1\r\n"
            + host
            + auth
            + "Content-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"value\":\"first\"}"
            + get
            + "\r\n"
            + "PUT /secrets/pipelined?api-version=7.4 HTTP/1.1\r\n"
            + host
            + auth
            + "Content-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body
            + get
            + "Connection: close\r\n\r\n";

    List<String> answers;
    try (SSLSocket socket = new RawWire(coffer).socket()) {
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      answers = answers(socket.getInputStream());
    }

    assertThat(answers).hasSize(4);
    assertThat(answers).allSatisfy(answer -> assertThat(answer).startsWith("HTTP/1.1 200"));
    assertThat(answers.get(1)).contains("\"value\":\"first\"");
    assertThat(answers.get(3)).contains("\"value\":\"second\"");
  }

  /** Every answer on the connection until the server closes it, each split by Content-Length. */
  private static List<String> answers(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.ISO_8859_1);
    List<String> answers = new ArrayList<>();
    while (!text.isEmpty()) {
      int end = text.indexOf("\r\n\r\n") + 4;
      String head = text.substring(0, end);
      int length =
          head.lines()
              .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
              .mapToInt(line -> Integer.parseInt(line.substring(15).strip()))
              .findFirst()
              .orElse(0);
      answers.add(text.substring(0, end + length));
      text = text.substring(end + length);
    }
    return answers;
  }
}
