package io.coffer.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash chain finds every edit, removal and reordering, survives restarts and torn lines. */
class AuditTrailTest {
  @TempDir Path dir;

  @Test
  void an_untouched_trail_verifies_and_the_chain_continues_across_reopening() throws IOException {
    append(5);
    append(3);
    AuditChain.Verification result = AuditChain.verify(file());
    assertThat(result.intact()).isTrue();
    assertThat(result.lines()).isEqualTo(8);
    assertThat(Files.getPosixFilePermissions(file()).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
  }

  @Test
  void an_edited_record_breaks_the_chain_at_that_line() throws IOException {
    append(5);
    List<String> lines = lines();
    lines.set(2, lines.get(2).replace("\"status\":200", "\"status\":403"));
    write(lines);
    AuditChain.Verification result = AuditChain.verify(file());
    assertThat(result.intact()).isFalse();
    assertThat(result.brokenAt()).isEqualTo(3);
    assertThat(result.problem()).contains("edited");
  }

  @Test
  void a_removed_or_reordered_record_breaks_the_chain() throws IOException {
    append(5);
    List<String> lines = lines();
    List<String> removed = new ArrayList<>(lines);
    removed.remove(1);
    write(removed);
    assertThat(AuditChain.verify(file()).brokenAt()).isEqualTo(2);

    List<String> reordered = new ArrayList<>(lines);
    Collections.swap(reordered, 3, 4);
    write(reordered);
    assertThat(AuditChain.verify(file()).brokenAt()).isEqualTo(4);
  }

  @Test
  void a_line_torn_by_a_crash_is_reported_and_the_chain_resumes_after_it() throws IOException {
    append(3);
    Files.writeString(
        file(),
        "{\"time\":\"2026-11-23T00:00:00Z\",\"requestId\":\"torn",
        StandardOpenOption.APPEND);
    append(2);
    AuditChain.Verification result = AuditChain.verify(file());
    assertThat(result.intact()).isTrue();
    assertThat(result.torn()).isEqualTo(1);
    assertThat(result.lines()).isEqualTo(6);
  }

  @Test
  void rotated_files_are_kept_aside_and_the_chain_runs_through_them_across_restarts()
      throws IOException {
    append(12, 2000); // about 330 bytes a line: a new file every 7 lines
    append(5, 2000);
    List<Path> files = AuditChain.files(dir);
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    assertThat(files.getLast()).isEqualTo(file());
    for (Path f : files) {
      assertThat(Files.getPosixFilePermissions(f).toString())
          .isEqualTo("[OWNER_READ, OWNER_WRITE]");
      assertThat(Files.size(f)).isLessThan(2000 + 400);
    }
    AuditChain.Verification result = AuditChain.verify(files, AuditChain.GENESIS);
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.lines()).isEqualTo(17);
  }

  @Test
  void a_restart_just_after_a_rotation_continues_from_the_newest_rotated_file() throws IOException {
    append(3, 1); // every line fills a file: the live one is always empty after it
    append(2, 1);
    List<Path> files = AuditChain.files(dir);
    assertThat(files).hasSize(6);
    assertThat(Files.size(file())).isZero();
    assertThat(AuditChain.verify(files, AuditChain.GENESIS).intact()).isTrue();
  }

  @Test
  void a_missing_rotated_file_breaks_the_chain_unless_it_is_named_as_shipped() throws IOException {
    append(30, 2000);
    List<Path> files = AuditChain.files(dir);
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);

    List<Path> gap = new ArrayList<>(files);
    gap.remove(1);
    AuditChain.Verification middle = AuditChain.verify(gap, AuditChain.GENESIS);
    assertThat(middle.intact()).isFalse();
    assertThat(middle.brokenFile()).isEqualTo(files.get(2).toString());
    assertThat(middle.brokenAt()).isEqualTo(1);
    assertThat(middle.problem()).contains("removed or reordered");

    List<Path> shipped = files.subList(1, files.size());
    AuditChain.Verification unnamed = AuditChain.verify(shipped, AuditChain.GENESIS);
    assertThat(unnamed.intact()).isFalse();
    assertThat(unnamed.problem()).contains("does not start here");
    String lastShipped = AuditChain.verify(files.get(0)).last();
    assertThat(AuditChain.verify(shipped, lastShipped).intact()).isTrue();
  }

  private void append(int count) {
    append(count, 0);
  }

  private void append(int count, long rotateBytes) {
    try (AuditTrail trail = AuditTrail.open(dir, rotateBytes)) {
      for (int i = 0; i < count; i++) {
        assertThat(
                trail.append(
                    new AuditEvent(
                        "2026-11-23T10:00:" + (10 + i) + "Z",
                        "req-" + i,
                        "SecretGet",
                        "oid",
                        "app",
                        "tenant",
                        "main",
                        "db-password",
                        "",
                        200,
                        "",
                        "127.0.0.1",
                        1)))
            .isTrue();
      }
    }
  }

  private Path file() {
    return dir.resolve("audit.jsonl");
  }

  private List<String> lines() throws IOException {
    return new ArrayList<>(Files.readAllLines(file(), StandardCharsets.UTF_8));
  }

  private void write(List<String> lines) throws IOException {
    Files.write(file(), lines, StandardCharsets.UTF_8);
  }
}
