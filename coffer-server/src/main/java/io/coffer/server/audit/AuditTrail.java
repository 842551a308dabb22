package io.coffer.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static final long FLOOR_CHECK_NANOS = 1_000_000_000L;
  private static final long FAILURE_LOG_NANOS = 10_000_000_000L;
  // A probe after a failure wants at least this much free space before it calls the trail writable.
  private static final long PROBE_FREE_BYTES = 64 * 1024;

  private final Path directory;
  private final Path file;
  private final long rotateBytes;
  private final AuditOptions options;
  // The lines of a write, chained (by a MAC keyed once, or SHA-256); used under the lock.
  private final ChainedLines lines;
  private final Optional<AuditCheckpoints.Signer> checkpointSigner;
  // The live file's lines and the digest of those since the last checkpoint, kept as each line is
  // written, as verification reads them: a checkpoint then only signs, instead of reading its
  // segment back under the lock. And how many records wait for a checkpoint.
  private AuditCheckpoints.Segment segment = new AuditCheckpoints.Segment();
  private long pending;
  private Optional<ScheduledExecutorService> checkpointTimer = Optional.empty();
  private final ReentrantLock lock = new ReentrantLock();
  private FileChannel channel;
  private long size; // of the live file, kept here rather than asked of the file per line
  private long rotateAt;
  private long rotations; // the number of the newest rotated file
  private String previous;
  private boolean closed;
  private volatile boolean healthy = true;
  private volatile boolean belowFloor;
  private volatile long lastProbe;
  private volatile long lastFloorCheck;
  private final AtomicLong unaudited = new AtomicLong();
  private long lastFailureLog;
  private boolean torn; // a write failed part-way: the file may end in a partial line

  private AuditTrail(
      Path directory,
      AuditOptions options,
      Optional<AuditKeys.Signing> key,
      FileChannel channel,
      String previous,
      long rotations)
      throws IOException {
    this.directory = directory;
    this.lines =
        new ChainedLines(
            key.map(k -> ",\"key\":\"" + k.id() + "\"").orElse(""),
            key.map(k -> AuditKeys.hmac(k.key())));
    this.checkpointSigner = key.map(AuditKeys.Signing::checkpointSigner);
    this.file = directory.resolve(AuditChain.LIVE);
    this.options = options;
    this.rotateBytes = options.rotateBytes();
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
    return open(directory, AuditOptions.rotating(rotateBytes));
  }

  /** Opens the trail with its rotation, retention, free-space floor and shipping. */
  public static AuditTrail open(Path directory, AuditOptions options) {
    return open(directory, options, Optional.empty());
  }

  /**
   * Opens the trail; with a key every line is chained by an HMAC under it (its id in the line, the
   * key never), so only the keyring's holder can write a line that verifies.
   */
  public static AuditTrail open(
      Path directory, AuditOptions options, Optional<AuditKeys.Signing> key) {
    try {
      Files.createDirectories(directory);
      List<Path> files = AuditChain.files(directory);
      String previous = AuditChain.lastHash(files);
      long rotations = files.stream().mapToLong(AuditChain::rotation).max().orElse(0);
      FileChannel channel = live(directory.resolve(AuditChain.LIVE));
      AuditTrail trail = new AuditTrail(directory, options, key, channel, previous, rotations);
      trail.resumeCheckpoints();
      trail.prune();
      trail.healthy = !trail.checkFloor(System.nanoTime());
      return trail;
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
    repairTail(file, channel);
    return channel;
  }

  public Path file() {
    return file;
  }

  /**
   * Whether the disk holding the trail has less free space than the floor: nothing is written then,
   * and the server refuses requests rather than fill the disk.
   */
  public boolean belowFloor() {
    return belowFloor;
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
    long now = System.nanoTime();
    if (healthy && options.minFreeBytes() > 0 && now - lastFloorCheck > FLOOR_CHECK_NANOS) {
      try {
        healthy = !checkFloor(now);
      } catch (IOException e) {
        healthy = false;
      }
    }
    if (healthy) {
      return true;
    }
    if (now - lastProbe < 1_000_000_000L) {
      return false;
    }
    lastProbe = now;
    lock.lock();
    try {
      if (!channel.isOpen() && !closed) {
        reopen();
      }
      if (torn) {
        repair();
      }
      channel.force(false);
      healthy =
          Files.isWritable(file)
              && !checkFloor(now)
              && Files.getFileStore(directory).getUsableSpace() >= PROBE_FREE_BYTES;
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
    return append(List.of(event)) == 1;
  }

  /**
   * Appends events to the chain in their order, in one write (split only where a checkpoint falls
   * due between them): the records of the requests a thread answered together cost one write and
   * one take of the lock, not one each.
   *
   * @return how many of the events, from the first, were written (a failure is logged, never
   *     thrown)
   */
  public int append(List<AuditEvent> events) {
    List<String> bodies = events.stream().map(AuditEvent::json).toList();
    int written = 0;
    lock.lock();
    try {
      while (written < bodies.size()) {
        int room = bodies.size() - written;
        if (checkpointSigner.isPresent()) {
          room = (int) Math.min(room, Math.max(1, options.checkpointEvery() - pending));
        }
        writeChained(bodies.subList(written, written + room), false);
        written += room;
        checkpointIfDue();
        rotateIfDue();
      }
      return written;
    } catch (IOException e) {
      failed(e, bodies.size() - written);
      return written;
    } finally {
      lock.unlock();
    }
  }

  private void rotateIfDue() {
    if (rotateBytes > 0 && size >= rotateAt) {
      try {
        rotate();
      } catch (IOException e) {
        // The records are written; the next append opens the live file again.
        LOG.error("event=audit-rotate-failed file={} reason={}", file, e.getMessage());
        healthy = false;
      }
    }
  }

  /** Records that could not be written: loud, but not a line per request. Under the lock. */
  private void failed(IOException e, int records) {
    long count = unaudited.addAndGet(records);
    long now = System.nanoTime();
    // The first failure, then the count every 10 seconds.
    if (healthy || now - lastFailureLog > FAILURE_LOG_NANOS) {
      lastFailureLog = now;
      LOG.error(
          "event=audit-write-failed file={} reason={} unaudited_requests={} note=\"requests are"
              + " served without a record until the trail can be written again\"",
          file,
          e.getMessage(),
          count);
    }
    healthy = false;
  }

  /**
   * Chains records' JSON, each to the line before (by the key's MAC, or a plain hash), and writes
   * them whole, or throws, leaving {@code torn} set for the next write to repair and the chain
   * where it was. Under the lock.
   */
  private void writeChained(List<String> bodies, boolean checkpoint) throws IOException {
    lines.start(previous);
    for (String body : bodies) {
      lines.add(body);
    }
    if (!channel.isOpen() && !closed) {
      reopen(); // a rotation could not open the new file: try again
    }
    long now = System.nanoTime();
    if (now - lastFloorCheck > FLOOR_CHECK_NANOS || belowFloor) {
      if (checkFloor(now)) {
        throw new IOException("less free space than the audit floor of " + floorText());
      }
    }
    if (torn) {
      repair();
    }
    ByteBuffer buffer = lines.buffer();
    torn = true; // until every line is written: a failure part-way leaves a partial line
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    torn = false;
    healthy = true;
    byte[] written = lines.bytes();
    for (int i = 0; i < lines.count(); i++) {
      int from = lines.from(i);
      int to = lines.to(i);
      size += to - from;
      counted(written, from, to, checkpoint);
      if (options.ship().isPresent()) {
        options.ship().get().accept(new String(written, from, to - from - 1, UTF_8));
      }
    }
    previous = lines.lastHash();
  }

  /**
   * Finds the live file's lines since its last checkpoint, so the next checkpoint covers them, and
   * signs those a stopped or crashed server left uncovered; then starts the interval's timer.
   */
  private void resumeCheckpoints() throws IOException {
    if (checkpointSigner.isEmpty()) {
      return;
    }
    AuditCheckpoints.Standing standing = AuditCheckpoints.standing(file);
    pending = standing.pending();
    segment =
        AuditCheckpoints.Segment.resumed(file, standing.segmentStart(), size, standing.lines());
    lock.lock();
    try {
      if (pending > 0) {
        checkpoint("open");
      }
    } finally {
      lock.unlock();
    }
    long every = options.checkpointInterval().toMillis();
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("audit-checkpoint").daemon().factory());
    timer.scheduleAtFixedRate(this::checkpointPending, every, every, TimeUnit.MILLISECONDS);
    checkpointTimer = Optional.of(timer);
  }

  /**
   * A line, {@code bytes} from {@code from} to {@code to}, was written whole, ending at {@code
   * size}.
   */
  private void counted(byte[] bytes, int from, int to, boolean checkpoint) {
    if (checkpointSigner.isPresent()) {
      segment.add(bytes, from, to, checkpoint);
    }
    if (checkpoint) {
      pending = 0;
    } else {
      pending++;
    }
  }

  /** After a record: a checkpoint once {@code checkpointEvery} records wait for one. */
  private void checkpointIfDue() {
    if (checkpointSigner.isPresent() && pending >= options.checkpointEvery()) {
      try {
        checkpoint("records");
      } catch (IOException e) {
        // The record is written; the next one tries the checkpoint again.
        LOG.error("event=audit-checkpoint-failed file={} reason={}", file, e.getMessage());
      }
    }
  }

  /** On the interval: a checkpoint if any record waits for one. */
  private void checkpointPending() {
    lock.lock();
    try {
      if (!closed && channel.isOpen() && pending > 0) {
        checkpoint("interval");
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("event=audit-checkpoint-failed file={} reason={}", file, e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends a checkpoint signing where the chain is and the lines since the last one. Under the
   * lock.
   */
  private void checkpoint(String reason) throws IOException {
    AuditCheckpoints.Checkpoint checkpoint =
        AuditCheckpoints.sign(
            checkpointSigner.orElseThrow(),
            Instant.now().toString(),
            rotations + 1,
            segment.lines(),
            previous,
            segment.digest(),
            options.checkpointEvery(),
            reason);
    writeChained(List.of(checkpoint.json()), true);
  }

  /** Requests answered whose record could not be written, since the trail was opened. */
  public long unaudited() {
    return unaudited.get();
  }

  /**
   * Cuts what a failed write left after the last complete record (a full disk writes part of a
   * line), so the next record does not glue onto it and the chain stays verifiable.
   */
  private void repair() throws IOException {
    if (channel.isOpen() && channel.size() > size) {
      LOG.warn("event=audit-partial-record-cut file={} bytes={}", file, channel.size() - size);
      channel.truncate(size);
    }
    torn = false;
  }

  /**
   * Moves the full live file aside and starts a new one, which continues the chain. If the move
   * fails the live file goes on growing, and the next try waits for another {@code rotateBytes}.
   */
  private void rotate() throws IOException {
    if (checkpointSigner.isPresent()) {
      checkpoint("rotation"); // a rotated file ends signed: a cut off its end is found
    }
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
    segment.newFile();
    LOG.info("event=audit-rotated file={}", aside);
    prune();
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

  /** Whether free space is under the floor now; remembered for {@link #belowFloor()}. */
  private boolean checkFloor(long now) throws IOException {
    lastFloorCheck = now;
    if (options.minFreeBytes() == 0) {
      belowFloor = false;
      return false;
    }
    boolean under = Files.getFileStore(directory).getUsableSpace() < options.minFreeBytes();
    if (under && !belowFloor) {
      LOG.error(
          "event=audit-below-floor directory={} floor={} note=\"requests are refused until space"
              + " is freed\"",
          directory,
          floorText());
    }
    belowFloor = under;
    return under;
  }

  private String floorText() {
    return options.minFreeBytes() / (1024 * 1024) + " MiB";
  }

  /**
   * Deletes the rotated files retention no longer keeps: beyond the newest {@code keepFiles}, and
   * those rotated longer than {@code keepFor} ago. The last hash of what was deleted is kept in
   * {@value AuditChain#PRUNED}, where verification of the files that remain starts.
   */
  private void prune() throws IOException {
    if (options.keepFiles() == 0 && options.keepFor().isZero()) {
      return;
    }
    List<Path> rotated = AuditChain.files(directory);
    rotated.remove(file);
    int deletable = 0;
    Instant oldest = Instant.now().minus(options.keepFor());
    for (int i = 0; i < rotated.size(); i++) {
      boolean tooMany = options.keepFiles() > 0 && rotated.size() - i > options.keepFiles();
      boolean tooOld =
          !options.keepFor().isZero() && AuditChain.rotatedAt(rotated.get(i)).isBefore(oldest);
      if (!tooMany && !tooOld) {
        break;
      }
      deletable = i + 1;
    }
    if (deletable == 0) {
      return;
    }
    Path newestDeleted = rotated.get(deletable - 1);
    AuditChain.recordPruned(
        directory, newestDeleted, AuditChain.lastHash(List.of(newestDeleted)), checkpointSigner);
    for (Path old : rotated.subList(0, deletable)) {
      Files.deleteIfExists(old);
      LOG.info("event=audit-file-deleted file={} reason=retention", old);
    }
  }

  private static void syncAndClose(FileChannel full, Path aside) {
    try (full) {
      full.force(true);
    } catch (IOException e) {
      LOG.warn("event=audit-rotated-sync-failed file={} reason={}", aside, e.getMessage());
    }
  }

  private void reopen() throws IOException {
    torn = false;
    channel = live(file);
    size = channel.size();
    rotateAt = rotateBytes;
  }

  @Override
  public void close() {
    checkpointTimer.ifPresent(ScheduledExecutorService::shutdownNow);
    lock.lock();
    try {
      if (checkpointSigner.isPresent() && channel.isOpen() && !closed) {
        try {
          checkpoint("close"); // the trail ends signed: a stop, not a cut
        } catch (IOException e) {
          LOG.error("event=audit-checkpoint-failed file={} reason={}", file, e.getMessage());
        }
      }
      closed = true;
      channel.force(true);
      channel.close();
    } catch (IOException e) {
      LOG.warn("event=audit-close-failed file={} reason={}", file, e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cuts a line torn by a crash or a full disk off the end of the file, so the next line starts
   * cleanly: a torn line is allowed only at the end of a file, and one glued to the next record
   * would read as tampering for ever. A complete line that only lacks its newline gets it.
   */
  private static void repairTail(Path file, FileChannel channel) throws IOException {
    long length = channel.size();
    if (length == 0) {
      return;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, length - 64 * 1024);
      byte[] tail = new byte[(int) (length - start)];
      raf.seek(start);
      raf.readFully(tail);
      if (tail[tail.length - 1] == '\n') {
        return;
      }
      int newline = tail.length - 1;
      while (newline >= 0 && tail[newline] != '\n') {
        newline--;
      }
      String last = new String(tail, newline + 1, tail.length - newline - 1, UTF_8);
      if (last.endsWith("\"}") && last.contains(",\"hash\":\"")) {
        channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
        return;
      }
      long keep = newline < 0 && start == 0 ? 0 : start + newline + 1;
      channel.truncate(keep);
      LOG.warn(
          "event=audit-torn-line-cut file={} bytes={} note=\"an incomplete record from a crash or"
              + " a full disk\"",
          file,
          length - keep);
    }
  }
}
