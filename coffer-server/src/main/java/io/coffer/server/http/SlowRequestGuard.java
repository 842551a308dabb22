package io.coffer.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that keeps sending bytes for a whole period without completing a request: a
 * slowloris client trickles header bytes to stay under the idle timeout forever. Silent connections
 * are left to the idle timeout; a connection that completes requests is never cut.
 */
final class SlowRequestGuard implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(SlowRequestGuard.class);

  private final Scheduler scheduler;
  private final long periodMillis;

  SlowRequestGuard(Scheduler scheduler, Duration period) {
    this.scheduler = scheduler;
    this.periodMillis = period.toMillis();
  }

  @Override
  public void onOpened(Connection connection) {
    // The TLS layer counts ciphertext; the HTTP connection above it counts requests.
    if (!(connection instanceof SslConnection)) {
      arm(connection, connection.getMessagesIn(), connection.getBytesIn());
    }
  }

  private void arm(Connection connection, long messages, long bytes) {
    scheduler.schedule(
        () -> check(connection, messages, bytes), periodMillis, TimeUnit.MILLISECONDS);
  }

  private void check(Connection connection, long messages, long bytes) {
    EndPoint endPoint = connection.getEndPoint();
    if (!endPoint.isOpen()) {
      return;
    }
    long messagesNow = connection.getMessagesIn();
    long bytesNow = connection.getBytesIn();
    if (messagesNow == messages && bytesNow > bytes) {
      LOG.info("event=slow-request-dropped remote={}", endPoint.getRemoteSocketAddress());
      endPoint.close();
      return;
    }
    arm(connection, messagesNow, bytesNow);
  }
}
