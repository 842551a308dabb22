package io.coffer.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash harness in its quick form (5 kills); {@code bench/crash} runs it with 50 or more via
 * {@code -Dcoffer.crash.kills}.
 */
class CrashDurabilityTest {

  @Test
  void no_acknowledged_write_is_lost_when_the_server_is_killed(@TempDir Path work)
      throws Exception {
    int kills = Integer.getInteger("coffer.crash.kills", 5);
    long seed = Long.getLong("coffer.crash.seed", System.nanoTime());
    CrashHarness.Report report = new CrashHarness(work, kills, 4, seed).run();
    System.out.println(report.summary() + " seed=" + seed);

    assertThat(report.lostWrites()).isEmpty();
    assertThat(report.badReads()).isEmpty();
    assertThat(report.acknowledgedWrites()).as("writes acknowledged between kills").isPositive();
    assertThat(report.versionsChecked()).isPositive();
  }
}
