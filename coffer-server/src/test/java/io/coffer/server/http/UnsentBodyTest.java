package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.server.testing.RunningCoffer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * A request answered where reads are answered (a secret read, or a refusal of an unknown path)
 * whose announced body never comes: it is answered at once, its connection closed, and no other
 * read waits for it. On shared storage the read barrier's thread answers reads in turn, so one that
 * waited for a body would hold up every read on the node until the idle timeout.
 */
class UnsentBodyTest {
  @Test
  void a_refusal_whose_body_never_comes_is_answered_and_holds_up_no_read() throws Exception {
    RunningCoffer coffer = RunningCoffer.shared();
    SecretClient client = coffer.secretClient();
    client.setSecret("unsent-body", "read meanwhile");
    RawWire wire = new RawWire(coffer);
    try (SSLSocket socket = wire.socket()) {
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /no-such-path HTTP/1.1\r\nHost: main.vault.localhost:"
                  + coffer.port()
                  + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The body is never sent: the answer must come without it, and the connection close.
      CompletableFuture<RawWire.Answer> answer =
          CompletableFuture.supplyAsync(() -> {
            try {
              return RawWire.read(socket.getInputStream());
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      for (int i = 0; i < 5; i++) {
        CompletableFuture<String> read =
            CompletableFuture.supplyAsync(() -> client.getSecret("unsent-body").getValue());
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("read meanwhile");
      }
      RawWire.Answer refused = answer.get(10, TimeUnit.SECONDS);
      assertThat(refused.status()).isEqualTo(404);
      assertThat(refused.header("Connection")).contains("close");
    }
  }
}
