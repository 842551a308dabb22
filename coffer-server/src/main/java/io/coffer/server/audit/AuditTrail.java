package io.coffer.server.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per request, appended to {@code audit.jsonl}, each line chained to
 * the one before by a SHA-256 hash, so an edited, removed or reordered line breaks the chain that
 * {@link AuditChain#verify} checks. The chain continues across restarts.
 */
public final class AuditTrail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  // Requests run on virtual threads: a buffer pool per thread would be a new pool per request.
  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .build())
          .build();

  private final Path file;
  private final FileChannel channel;
  private final ReentrantLock lock = new ReentrantLock();
  private String previous;
  private volatile boolean healthy = true;
  private volatile long lastProbe;

  private AuditTrail(Path file, FileChannel channel, String previous) {
    this.file = file;
    this.channel = channel;
    this.previous = previous;
  }

  /** Opens (creating, 0600) the trail in a directory and continues its chain. */
  public static AuditTrail open(Path directory) {
    try {
      Files.createDirectories(directory);
      Path file = directory.resolve("audit.jsonl");
      if (!Files.exists(file)) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      String previous = AuditChain.lastHash(file);
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      if (channel.size() > 0 && !endsWithNewline(file)) {
        // A line torn by a crash stays visible to verify; new lines start cleanly after it.
        channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
      }
      return new AuditTrail(file, channel, previous);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the audit trail in " + directory, e);
    }
  }

  public Path file() {
    return file;
  }

  /** Whether the last append succeeded; fail-closed servers refuse requests while it has not. */
  public boolean healthy() {
    return healthy;
  }

  /**
   * Whether a record can be written now. After a failure, checks again at most once a second, so a
   * fail-closed server recovers by itself when the disk does.
   */
  public boolean ready() {
    if (healthy) {
      return true;
    }
    long now = System.nanoTime();
    if (now - lastProbe < 1_000_000_000L) {
      return false;
    }
    lastProbe = now;
    try {
      channel.force(false);
      healthy = channel.isOpen() && Files.isWritable(file);
    } catch (IOException e) {
      healthy = false;
    }
    return healthy;
  }

  /**
   * Appends one event to the chain.
   *
   * @return false when it could not be written (the failure is logged, never thrown)
   */
  public boolean append(AuditEvent event) {
    String body;
    try {
      body = JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit event is not serialisable", e);
    }
    lock.lock();
    try {
      String chained = body.substring(0, body.length() - 1) + ",\"prev\":\"" + previous + "\"";
      String hash = AuditChain.hash(chained);
      byte[] line = (chained + ",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      previous = hash;
      healthy = true;
      return true;
    } catch (IOException e) {
      if (healthy) {
        LOG.error("event=audit-write-failed file={} reason={}", file, e.getMessage());
      }
      healthy = false;
      return false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      channel.force(true);
      channel.close();
    } catch (IOException e) {
      LOG.warn("event=audit-close-failed file={} reason={}", file, e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      if (raf.length() == 0) {
        return true;
      }
      raf.seek(raf.length() - 1);
      return raf.read() == '\n';
    }
  }
}
