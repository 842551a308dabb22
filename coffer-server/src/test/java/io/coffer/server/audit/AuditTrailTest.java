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

  private void append(int count) {
    try (AuditTrail trail = AuditTrail.open(dir)) {
      for (int i = 0; i < count; i++) {
        assertThat(
                trail.append(
                    new AuditEvent(
                        "2026-11-23T10:00:0" + i + "Z",
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
