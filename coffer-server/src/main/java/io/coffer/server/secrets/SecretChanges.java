package io.coffer.server.secrets;

import io.coffer.server.storage.ChangeLog;
import io.coffer.server.storage.ChangeRecord;
import io.coffer.server.vault.Vault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A vault's secret changes for followers (the integration library's caches): a long poll over the
 * change log that returns as soon as a secret of the vault changed after the cursor, or when the
 * wait is over. The cursor is a change-log position; one older than the kept log answers {@code
 * reset}, and the follower re-reads what it holds.
 */
public final class SecretChanges {
  private static final int BATCH = 500;

  /** One change: which secret, which version (empty for a purge), what happened. */
  public record Change(String name, String version, String kind) {}

  /** Where to continue from, whether the follower must re-read everything, and what changed. */
  public record Page(long cursor, boolean reset, List<Change> changes) {
    public Page {
      changes = List.copyOf(changes);
    }
  }

  private final ChangeLog log;

  public SecretChanges(ChangeLog log) {
    this.log = log;
  }

  /**
   * The vault's changes after {@code since}, waiting up to {@code wait} for the first; without a
   * cursor, at once the current one (follow from now).
   */
  public Page after(Vault vault, OptionalLong since, Duration wait) {
    if (since.isEmpty()) {
      return new Page(log.head(), false, List.of());
    }
    long cursor = since.getAsLong();
    if (cursor + 1 < log.oldest()) {
      return new Page(log.head(), true, List.of());
    }
    long deadline = System.nanoTime() + wait.toNanos();
    List<Change> found = new ArrayList<>();
    while (true) {
      List<ChangeRecord> batch = log.after(cursor, BATCH);
      for (ChangeRecord change : batch) {
        cursor = change.position();
        if (change.vaultId().equals(vault.id())) {
          found.add(new Change(change.name(), change.version(), change.kind().wireName()));
        }
      }
      if (!found.isEmpty()) {
        return new Page(cursor, false, found);
      }
      if (batch.size() == BATCH) {
        continue; // other vaults' changes: read on before waiting
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !log.awaitAfter(cursor, Duration.ofNanos(left))) {
        return new Page(cursor, false, found);
      }
    }
  }
}
