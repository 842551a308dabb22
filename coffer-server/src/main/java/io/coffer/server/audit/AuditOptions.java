package io.coffer.server.audit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How the trail keeps itself: when the live file is rotated ({@code rotateBytes}, 0: never), how
 * many rotated files are kept ({@code keepFiles}, 0: all) and for how long ({@code keepFor}, zero:
 * forever), the free space below which nothing more is written ({@code minFreeBytes}), where every
 * line is also shipped as it is written ({@code ship}, e.g. standard output), and how often a keyed
 * trail signs a checkpoint: after at most {@code checkpointEvery} records, and within {@code
 * checkpointInterval} of a record.
 */
public record AuditOptions(
    long rotateBytes,
    int keepFiles,
    Duration keepFor,
    long minFreeBytes,
    Optional<Consumer<String>> ship,
    int checkpointEvery,
    Duration checkpointInterval) {

  /** Without a floor set, the trail stops writing before the last 64 MiB of its disk. */
  public static final long DEFAULT_MIN_FREE_BYTES = 64L * 1024 * 1024;

  public AuditOptions {
    if (rotateBytes < 0 || keepFiles < 0 || keepFor.isNegative() || minFreeBytes < 0) {
      throw new IllegalArgumentException("audit options cannot be negative");
    }
    if (checkpointEvery < 1 || checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException("audit checkpoints come after 1 or more records");
    }
  }

  /** With checkpoints at the default count and interval. */
  public AuditOptions(
      long rotateBytes,
      int keepFiles,
      Duration keepFor,
      long minFreeBytes,
      Optional<Consumer<String>> ship) {
    this(
        rotateBytes,
        keepFiles,
        keepFor,
        minFreeBytes,
        ship,
        AuditCheckpoints.DEFAULT_EVERY,
        AuditCheckpoints.DEFAULT_INTERVAL);
  }

  /** These options, with checkpoints after {@code every} records or {@code interval}. */
  public AuditOptions checkpoints(int every, Duration interval) {
    return new AuditOptions(rotateBytes, keepFiles, keepFor, minFreeBytes, ship, every, interval);
  }

  /** Rotation only: every rotated file kept, no floor, nothing shipped. */
  public static AuditOptions rotating(long rotateBytes) {
    return new AuditOptions(rotateBytes, 0, Duration.ZERO, 0, Optional.empty());
  }
}
