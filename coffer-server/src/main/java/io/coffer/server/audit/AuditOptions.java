package io.coffer.server.audit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How the trail keeps itself: when the live file is rotated ({@code rotateBytes}, 0: never), how
 * many rotated files are kept ({@code keepFiles}, 0: all) and for how long ({@code keepFor}, zero:
 * forever), the free space below which nothing more is written ({@code minFreeBytes}), and where
 * every line is also shipped as it is written ({@code ship}, e.g. standard output).
 */
public record AuditOptions(
    long rotateBytes,
    int keepFiles,
    Duration keepFor,
    long minFreeBytes,
    Optional<Consumer<String>> ship) {

  /** Without a floor set, the trail stops writing before the last 64 MiB of its disk. */
  public static final long DEFAULT_MIN_FREE_BYTES = 64L * 1024 * 1024;

  public AuditOptions {
    if (rotateBytes < 0 || keepFiles < 0 || keepFor.isNegative() || minFreeBytes < 0) {
      throw new IllegalArgumentException("audit options cannot be negative");
    }
  }

  /** Rotation only: every rotated file kept, no floor, nothing shipped. */
  public static AuditOptions rotating(long rotateBytes) {
    return new AuditOptions(rotateBytes, 0, Duration.ZERO, 0, Optional.empty());
  }
}
