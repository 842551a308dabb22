package io.coffer.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the trail lives on a 64 KiB tmpfs (mounting one needs root; the test is skipped
 * without it), filled until a record is written only in part. Nothing is simulated: the kernel
 * answers ENOSPC part-way through a line.
 */
class AuditDiskFullTest {
  @TempDir Path dir;
  private Path mount;
  private boolean mounted;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    mount = Files.createDirectories(dir.resolve("small"));
    Process process =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    mounted = process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    assumeTrue(mounted, "mounting a tmpfs needs root");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_record_cut_by_a_full_disk_is_repaired_before_the_next_one_and_the_chain_verifies()
      throws IOException {
    Path audit = mount.resolve("audit");
    Path filler = mount.resolve("filler");
    int written = 0;
    boolean partial = false;
    try (AuditTrail trail = AuditTrail.open(audit)) {
      // Leave less than a page free, so the last record goes out in part.
      Files.write(filler, new byte[60 * 1024 - 700]);
      while (trail.append(event(written, "x".repeat(200)))) {
        written++;
      }
      assertThat(written).isPositive();
      assertThat(trail.unaudited()).isEqualTo(1);
      String onDisk = Files.readString(audit.resolve("audit.jsonl"), StandardCharsets.UTF_8);
      partial = !onDisk.endsWith("\n");

      Files.delete(filler); // space again
      assertThat(trail.append(event(written + 1, "z"))).isTrue();
    }
    AuditChain.Verification result = AuditChain.verify(mount.resolve("audit/audit.jsonl"));
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.torn()).isZero();
    assertThat(result.lines()).isEqualTo(written + 1L);
    // Said so the test is honest about what it saw: the kernel may also refuse a whole record.
    System.err.println("audit-disk-full: partial line left by ENOSPC before repair = " + partial);
  }

  @Test
  void a_batch_the_disk_cannot_hold_is_written_not_at_all_and_the_chain_goes_on_after_it()
      throws IOException {
    Path audit = mount.resolve("audit");
    Path filler = mount.resolve("filler");
    try (AuditTrail trail = AuditTrail.open(audit)) {
      assertThat(trail.append(List.of(event(0, "a")))).isEqualTo(1);
      // The trail's page has under 4 KiB left and no page is free: ten records do not fit.
      Files.write(filler, new byte[60 * 1024 - 700]);
      List<AuditEvent> batch = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        batch.add(event(i, "x".repeat(200)));
      }
      assertThat(trail.append(batch)).isZero();
      assertThat(trail.unaudited()).isEqualTo(10);

      Files.delete(filler);
      assertThat(trail.append(List.of(event(11, "z"), event(12, "z")))).isEqualTo(2);
    }
    AuditChain.Verification result = AuditChain.verify(mount.resolve("audit/audit.jsonl"));
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.torn()).isZero();
    assertThat(result.lines()).isEqualTo(3);
    assertThat(Files.readString(audit.resolve("audit.jsonl"), StandardCharsets.UTF_8))
        .contains("\"requestId\":\"r0\"", "\"requestId\":\"r11\"", "\"requestId\":\"r12\"")
        .doesNotContain("\"requestId\":\"r1\"");
  }

  private static AuditEvent event(int i, String secret) {
    return new AuditEvent(
        "2026-11-23T10:00:00Z",
        "r" + i,
        "SecretGet",
        "oid",
        "app",
        "t",
        "main",
        secret,
        "",
        200,
        "",
        "127.0.0.1",
        1);
  }
}
