package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.audit.AuditTrail;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.DefaultEventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records made off an event loop (a virtual thread's request, one released by the read barrier)
 * join that loop's batch: written together, each answer going on the loop only once its record is
 * in the file.
 */
class AuditBatchTest {
  @TempDir Path directory;

  @Test
  void records_made_off_the_loop_are_written_together_on_it_before_any_answer() throws Exception {
    DefaultEventLoop loop = new DefaultEventLoop();
    CountDownLatch busy = new CountDownLatch(1);
    try (AuditTrail trail = AuditTrail.open(directory)) {
      AuditRecorder recorder =
          new AuditRecorder(trail, false, new HttpMetrics(new SimpleMeterRegistry()));
      AuditBatch batch = new AuditBatch(recorder, loop);
      loop.execute(() -> awaitQuietly(busy)); // the loop is in the middle of a turn
      CountDownLatch answered = new CountDownLatch(3);
      List<String> seen = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 3; i++) {
        batch.record(
            exchange("batch-test-" + i),
            () -> {
              seen.add(loop.inEventLoop() + " " + recordsInTrail());
              answered.countDown();
            });
      }
      assertThat(seen).isEmpty(); // nothing answered before its record is written
      busy.countDown();
      assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
      // On the loop, and the three records were all in the file before the first answer went.
      assertThat(seen).containsExactly("true 3", "true 3", "true 3");
    } finally {
      busy.countDown();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static Exchange exchange(String requestId) {
    Exchange exchange =
        new Exchange(
            "GET",
            "main.vault.localhost",
            "/secrets/a",
            "api-version=7.4",
            Map::of,
            name -> null,
            "127.0.0.1",
            Map::of,
            limit -> new byte[0]);
    exchange.requestId(requestId);
    return exchange;
  }

  private long recordsInTrail() {
    try (Stream<Path> files = Files.list(directory)) {
      long count = 0;
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        count += Files.readAllLines(file).stream().filter(l -> l.contains("batch-test-")).count();
      }
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
