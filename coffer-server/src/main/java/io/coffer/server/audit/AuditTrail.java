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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per request, appended to {@code audit.jsonl}, each line chained to
 * the one before by a SHA-256 hash, so an edited, removed or reordered line breaks the chain that
 * {@link AuditChain#verify} checks. The chain continues across restarts and across rotation: a full
 * file is moved aside as {@code audit-<number>-<UTC time>.jsonl} for shipping, and the new one goes
 * on from its last hash.
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

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path directory;
  private final Path file;
  private final long rotateBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private FileChannel channel;
  private long size; // of the live file, kept here rather than asked of the file per line
  private long rotateAt;
  private long rotations; // the number of the newest rotated file
  private String previous;
  private boolean closed;
  private volatile boolean healthy = true;
  private volatile long lastProbe;

  private AuditTrail(
      Path directory, long rotateBytes, FileChannel channel, String previous, long rotations)
      throws IOException {
    this.directory = directory;
    this.file = directory.resolve(AuditChain.LIVE);
    this.rotateBytes = rotateBytes;
    this.channel = channel;
    this.size = channel.size();
    this.rotateAt = rotateBytes;
    this.previous = previous;
    this.rotations = rotations;
  }

  /** Opens (creating, 0600) the trail in a directory and continues its chain; never rotates. */
  public static AuditTrail open(Path directory) {
    return open(directory, 0);
  }

  /** Opens the trail and rotates the live file once it holds {@code rotateBytes} (0: never). */
  public static AuditTrail open(Path directory, long rotateBytes) {
    try {
      Files.createDirectories(directory);
      List<Path> files = AuditChain.files(directory);
      String previous = AuditChain.lastHash(files);
      long rotations = files.stream().mapToLong(AuditChain::rotation).max().orElse(0);
      FileChannel channel = live(directory.resolve(AuditChain.LIVE));
      return new AuditTrail(directory, rotateBytes, channel, previous, rotations);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the audit trail in " + directory, e);
    }
  }

  /** Opens the live file for appending, creating it readable by its owner only. */
  private static FileChannel live(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (channel.size() > 0 && !endsWithNewline(file)) {
      // A line torn by a crash stays visible to verify; new lines start cleanly after it.
      channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
    }
    return channel;
  }

  public Path file() {
    return file;
  }

  /** Where the live file and the rotated ones are, for reading the trail back. */
  public Path directory() {
    return directory;
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
    lock.lock();
    try {
      if (!channel.isOpen() && !closed) {
        reopen();
      }
      channel.force(false);
      healthy = Files.isWritable(file);
    } catch (IOException e) {
      healthy = false;
    } finally {
      lock.unlock();
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
      if (!channel.isOpen() && !closed) {
        reopen(); // a rotation could not open the new file: try again
      }
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      size += line.length;
      previous = hash;
      healthy = true;
      if (rotateBytes > 0 && size >= rotateAt) {
        rotate();
      }
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

  /**
   * Moves the full live file aside and starts a new one, which continues the chain. If the move
   * fails the live file goes on growing, and the next try waits for another {@code rotateBytes}.
   */
  private void rotate() throws IOException {
    Path aside =
        directory.resolve(
            String.format("audit-%06d-%s.jsonl", rotations + 1, STAMP.format(Instant.now())));
    try {
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      rotateAt = size + rotateBytes;
      LOG.error("event=audit-rotate-failed file={} reason={}", file, e.getMessage());
      return;
    }
    rotations++;
    LOG.info("event=audit-rotated file={}", aside);
    FileChannel full = channel;
    try {
      reopen();
    } catch (IOException e) {
      full.close(); // appends now fail and try to open the live file again, until it can be
      throw e;
    }
    // Up to rotateBytes may still be unwritten to disk: syncing them under the lock would hold
    // every request for as long.
    Thread.ofVirtual().name("audit-rotated-sync").start(() -> syncAndClose(full, aside));
  }

  private static void syncAndClose(FileChannel full, Path aside) {
    try (full) {
      full.force(true);
    } catch (IOException e) {
      LOG.warn("event=audit-rotated-sync-failed file={} reason={}", aside, e.getMessage());
    }
  }

  private void reopen() throws IOException {
    channel = live(file);
    size = channel.size();
    rotateAt = rotateBytes;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
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
