package io.coffer.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
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
  void a_line_torn_by_a_crash_is_allowed_at_the_end_and_cut_before_the_next_record()
      throws IOException {
    append(3);
    Files.writeString(
        file(),
        "{\"time\":\"2026-11-23T00:00:00Z\",\"requestId\":\"torn",
        StandardOpenOption.APPEND);
    AuditChain.Verification torn = AuditChain.verify(file());
    assertThat(torn.intact()).isTrue();
    assertThat(torn.torn()).isEqualTo(1);

    append(2);
    AuditChain.Verification result = AuditChain.verify(file());
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.torn()).isZero();
    assertThat(result.lines()).isEqualTo(5);
  }

  @Test
  void an_incomplete_line_inside_a_file_is_a_forgery() throws IOException {
    append(4);
    List<String> lines = lines();
    lines.add(2, "{\"time\":\"2026-11-23T00:00:00Z\",\"operation\":\"SecretDelete\"");
    write(lines);
    AuditChain.Verification result = AuditChain.verify(file());
    assertThat(result.intact()).isFalse();
    assertThat(result.brokenAt()).isEqualTo(3);
    assertThat(result.problem()).contains("incomplete line before the end");
  }

  @Test
  void a_rewrite_with_recomputed_hashes_is_found_by_the_keyed_chain() throws IOException {
    byte[] key = new byte[32];
    key[0] = 7;
    AuditKeys keys = id -> id.equals("ab12") ? Optional.of(key) : Optional.empty();
    try (AuditTrail trail =
        AuditTrail.open(
            dir, AuditOptions.rotating(0), Optional.of(new AuditKeys.Signing("ab12", key)))) {
      for (int i = 0; i < 5; i++) {
        trail.append(event(i));
      }
    }
    AuditChain.Verification untouched =
        AuditChain.verify(List.of(file()), AuditChain.GENESIS, keys);
    assertThat(untouched.intact()).as(untouched.problem()).isTrue();
    assertThat(untouched.macChecked()).isEqualTo(6); // the 5 records and the close's checkpoint
    assertThat(Files.readString(file())).doesNotContain(java.util.HexFormat.of().formatHex(key));

    // Without the key a forger can only recompute plain hashes: as keyed lines or as plain ones.
    write(rechained(lines(), 2, true));
    assertThat(AuditChain.verify(List.of(file()), AuditChain.GENESIS, keys).brokenAt())
        .isEqualTo(3);
    write(rechained(lines(), 0, false));
    AuditChain.Verification plain = AuditChain.verify(List.of(file()), AuditChain.GENESIS, keys);
    assertThat(plain.intact()).isFalse();
    assertThat(plain.problem()).contains("plain hash");
  }

  /**
   * The lines from {@code from} on, with line {@code from}'s status edited and every link after it
   * recomputed as plain SHA-256, keeping the key field or dropping it.
   */
  private static List<String> rechained(List<String> lines, int from, boolean keepKey) {
    List<String> out = new ArrayList<>(lines.subList(0, from));
    String previous =
        from == 0
            ? AuditChain.GENESIS
            : lines.get(from - 1).replaceAll(".*\"hash\":\"([0-9a-f]+)\"}$", "$1");
    for (int i = from; i < lines.size(); i++) {
      String line = lines.get(i);
      String body = line.substring(0, line.indexOf(",\"prev\":\""));
      if (!keepKey) {
        body = body.replaceAll(",\"key\":\"[0-9a-f]+\"", "");
      }
      if (i == from) {
        body = body.replace("\"status\":200", "\"status\":403");
      }
      String chained = body + ",\"prev\":\"" + previous + "\"";
      previous = AuditChain.hash(chained);
      out.add(chained + ",\"hash\":\"" + previous + "\"}");
    }
    return out;
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

  @Test
  void a_field_of_a_megabyte_is_cut_in_the_record() throws IOException {
    String huge = "x".repeat(1024 * 1024);
    try (AuditTrail trail = AuditTrail.open(dir)) {
      assertThat(
              trail.append(
                  new AuditEvent(
                      "t", huge, huge, huge, huge, huge, huge, huge, huge, 400, huge, huge, 1)))
          .isTrue();
    }
    assertThat(Files.size(file())).isLessThan(4096);
    assertThat(Files.readString(file())).contains("(1048576 characters)");
    assertThat(AuditChain.verify(file()).intact()).isTrue();
  }

  @Test
  void rotated_files_beyond_the_kept_number_are_deleted_and_the_rest_verifies() throws IOException {
    try (AuditTrail trail =
        AuditTrail.open(dir, new AuditOptions(1, 2, Duration.ZERO, 0, Optional.empty()))) {
      for (int i = 0; i < 6; i++) {
        assertThat(trail.append(event(i))).isTrue();
      }
    }
    List<Path> files = AuditChain.files(dir);
    assertThat(files).hasSize(3); // two rotated, and the live one
    AuditChain.Verification fromGenesis = AuditChain.verify(files, AuditChain.GENESIS);
    assertThat(fromGenesis.intact()).isFalse();
    AuditChain.Verification fromPruned = AuditChain.verify(files, AuditChain.start(dir));
    assertThat(fromPruned.intact()).as(fromPruned.problem()).isTrue();
    assertThat(fromPruned.lines()).isEqualTo(2);
  }

  @Test
  void rotated_files_older_than_the_kept_days_are_deleted() throws IOException {
    append(3, 1);
    Path oldest = AuditChain.files(dir).get(0);
    Path old = dir.resolve("audit-000001-20200101T000000Z.jsonl");
    Files.move(oldest, old);
    try (AuditTrail trail =
        AuditTrail.open(dir, new AuditOptions(0, 0, Duration.ofDays(30), 0, Optional.empty()))) {
      assertThat(trail.healthy()).isTrue();
    }
    assertThat(old).doesNotExist();
    List<Path> files = AuditChain.files(dir);
    assertThat(files).hasSize(3);
    assertThat(AuditChain.verify(files, AuditChain.start(dir)).intact()).isTrue();
  }

  @Test
  void below_the_free_space_floor_nothing_is_written() throws IOException {
    try (AuditTrail trail =
        AuditTrail.open(
            dir, new AuditOptions(0, 0, Duration.ZERO, Long.MAX_VALUE, Optional.empty()))) {
      assertThat(trail.append(event(0))).isFalse();
      assertThat(trail.belowFloor()).isTrue();
      assertThat(trail.ready()).isFalse();
    }
    assertThat(Files.size(file())).isZero();
  }

  @Test
  void every_record_is_shipped_as_the_line_the_trail_holds() throws IOException {
    List<String> shipped = new ArrayList<>();
    try (AuditTrail trail =
        AuditTrail.open(dir, new AuditOptions(0, 0, Duration.ZERO, 0, Optional.of(shipped::add)))) {
      trail.append(event(0));
      trail.append(event(1));
    }
    assertThat(shipped).isEqualTo(lines());
  }

  private static AuditEvent event(int i) {
    return new AuditEvent(
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
        1);
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
