package io.coffer.server.rotation;

import io.coffer.server.storage.RotationRunRecord;
import java.time.Instant;

/**
 * One rotation run: why it ran ({@code schedule}, {@code near-expiry}, {@code on-demand}), when,
 * how it ended ({@code succeeded}, {@code failed}), the version written (empty when none was), the
 * login that version holds, and why it failed. Never the password.
 */
public record RotationRun(
    String id,
    String secret,
    String cause,
    Instant started,
    Instant finished,
    String status,
    String version,
    String login,
    String error) {

  public boolean succeeded() {
    return status.equals("succeeded");
  }

  static RotationRun of(RotationRunRecord r) {
    return new RotationRun(
        r.id(),
        r.name(),
        r.cause(),
        Instant.ofEpochMilli(r.started()),
        Instant.ofEpochMilli(r.finished()),
        r.status(),
        r.version(),
        r.login(),
        r.error());
  }
}
