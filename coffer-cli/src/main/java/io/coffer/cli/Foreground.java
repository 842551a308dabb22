package io.coffer.cli;

import io.coffer.server.CofferServer;
import java.util.concurrent.CountDownLatch;

/** Keeps a server (or agent) running until Ctrl-C or SIGTERM, then stops it cleanly. */
final class Foreground {
  private Foreground() {}

  static int runUntilStopped(CofferServer server) {
    return runUntilStopped(server::close);
  }

  /** Runs {@code stop} on Ctrl-C or SIGTERM and returns once it has. */
  static int runUntilStopped(Runnable stop) {
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop.run();
                    stopped.countDown();
                  },
                  "coffer-shutdown"));
    } catch (IllegalStateException alreadyStopping) {
      // Ctrl-C arrived while starting: stop at once instead of failing.
      stop.run();
      return 0;
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Milliseconds since the launcher started the JVM (or since this process started). */
  static long uptimeMillis() {
    String launchedAt = System.getenv("COFFER_LAUNCHED_AT_MS");
    if (launchedAt != null && launchedAt.matches("\\d{10,16}")) {
      return System.currentTimeMillis() - Long.parseLong(launchedAt);
    }
    return ProcessHandle.current()
        .info()
        .startInstant()
        .map(start -> java.time.Duration.between(start, java.time.Instant.now()).toMillis())
        .orElse(-1L);
  }
}
