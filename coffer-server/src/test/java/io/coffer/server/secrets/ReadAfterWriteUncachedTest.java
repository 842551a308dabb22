package io.coffer.server.secrets;

import io.coffer.server.config.Guardrails;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;

/**
 * The same checks with the read cache off, so every GET reads SQLite, on statements each read
 * connection keeps compiled: a kept statement must never answer from an older snapshot.
 */
class ReadAfterWriteUncachedTest extends ReadAfterWriteTest {
  private static RunningCoffer uncached;

  @Override
  RunningCoffer server() {
    synchronized (ReadAfterWriteUncachedTest.class) {
      if (uncached == null) {
        try {
          uncached =
              RunningCoffer.start(
                  Files.createTempDirectory("coffer-uncached"),
                  new Guardrails(false, Optional.empty(), Optional.empty(), 0, 0));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return uncached;
    }
  }

  @AfterAll
  static void stop() {
    if (uncached != null) {
      uncached.close();
    }
  }
}
