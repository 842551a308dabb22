package io.coffer.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.audit.AuditCheckpoints.Checkpoint;
import io.coffer.server.audit.AuditCheckpoints.PublicKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed checkpoints let anyone holding only the public key find a rewritten trail, and a trail cut
 * after a checkpoint that was shipped elsewhere.
 */
class AuditCheckpointTest {
  private static final String KEY_ID = "ab12";
  private static final byte[] KEY = key();
  private static final PublicKeys PUBLIC = PublicKeys.of(Map.of(KEY_ID, KEY));

  @TempDir Path dir;

  @Test
  void checkpoints_follow_every_n_records_and_the_close_and_verify_with_the_public_key_only()
      throws IOException {
    write(8, 3, Optional.empty());
    List<String> lines = lines();
    assertThat(lines).hasSize(11); // 8 records, checkpoints after 3 and 6, and at close
    assertThat(lines.get(3)).contains("\"operation\":\"AuditCheckpoint\"");
    assertThat(lines.get(10)).contains("\"reason\":\"close\"");

    AuditChain.Verification result = verifyWithPublicKey(List.of());
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.records()).isEqualTo(8);
    assertThat(result.checkpointsChecked()).isEqualTo(3);
    assertThat(result.uncovered()).isZero();
    assertThat(result.closed()).isTrue();
    assertThat(result.macChecked()).isZero(); // no MAC key was used
  }

  @Test
  void records_appended_together_are_the_lines_one_at_a_time_writes_with_checkpoints_between()
      throws IOException {
    write(8, 3, Optional.empty());
    List<String> oneByOne = lines();
    Files.delete(file());

    AuditOptions options =
        new AuditOptions(0, 0, Duration.ZERO, 0, Optional.empty())
            .checkpoints(3, Duration.ofHours(1));
    try (AuditTrail trail = open(options)) {
      // A batch of five crosses the checkpoint after the third record; the next after the sixth.
      assertThat(trail.append(List.of(event(0), event(1), event(2), event(3), event(4))))
          .isEqualTo(5);
      assertThat(trail.append(List.of(event(5), event(6), event(7)))).isEqualTo(3);
    }
    List<String> together = lines();

    assertThat(together).hasSameSizeAs(oneByOne);
    for (int i = 0; i < together.size(); i++) {
      assertThat(unlinked(together.get(i)))
          .as("line %d", i + 1)
          .isEqualTo(unlinked(oneByOne.get(i)));
    }
    AuditChain.Verification result = verifyWithPublicKey(List.of());
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.records()).isEqualTo(8);
    assertThat(result.checkpointsChecked()).isEqualTo(3);
  }

  @Test
  void a_rewritten_line_is_found_by_the_next_checkpoint_without_the_mac_key() throws IOException {
    write(8, 3, Optional.empty());
    List<String> original = lines();

    // An edit that keeps the line's MAC keeps every link: only the MAC key or a checkpoint sees it.
    List<String> edited = new ArrayList<>(original);
    edited.set(1, edited.get(1).replace("\"status\":200", "\"status\":403"));
    Files.write(file(), edited, StandardCharsets.UTF_8);
    assertThat(AuditChain.verify(List.of(file()), AuditChain.GENESIS).intact()).isTrue();
    AuditChain.Verification found = verifyWithPublicKey(List.of());
    assertThat(found.intact()).isFalse();
    assertThat(found.brokenAt()).isEqualTo(4);
    assertThat(found.problem()).contains("rewritten");

    // Whoever holds the MAC key can recompute every MAC after the edit, but not re-sign the
    // checkpoint: the MACs all check, the checkpoint does not.
    Files.write(file(), remac(original, 1), StandardCharsets.UTF_8);
    AuditKeys macKeys = id -> id.equals(KEY_ID) ? Optional.of(KEY) : Optional.empty();
    assertThat(AuditChain.verify(List.of(file()), AuditChain.GENESIS, macKeys).intact()).isTrue();
    AuditChain.Verification remaced = verifyWithPublicKey(List.of());
    assertThat(remaced.intact()).isFalse();
    assertThat(remaced.brokenAt()).isEqualTo(4);
  }

  @Test
  void removed_checkpoints_are_found_by_the_gap_they_leave() throws IOException {
    write(8, 3, Optional.empty());
    // The first checkpoint stays (it still verifies); the later ones go, and the links are mended.
    List<String> lines = lines();
    List<String> stripped = new ArrayList<>(lines.subList(0, 4));
    for (String line : lines.subList(4, lines.size())) {
      if (!AuditCheckpoints.claimsCheckpoint(line)) {
        stripped.add(line);
      }
    }
    Files.write(file(), remac(stripped, 4), StandardCharsets.UTF_8);
    AuditChain.Verification result = verifyWithPublicKey(List.of());
    assertThat(result.intact()).isFalse();
    assertThat(result.brokenAt()).isEqualTo(8); // the fourth record after the checkpoint
    assertThat(result.problem()).contains("checkpoints removed");
  }

  @Test
  void a_trail_cut_after_a_checkpoint_is_found_against_the_checkpoints_shipped_elsewhere()
      throws IOException {
    List<String> shipped = new ArrayList<>();
    write(8, 3, Optional.of(shipped::add));
    List<Checkpoint> anchors =
        shipped.stream().map(Checkpoint::parse).flatMap(Optional::stream).toList();
    assertThat(anchors).hasSize(3);
    assertThat(verifyWithPublicKey(anchors).intact()).isTrue();

    // Cut right after the first checkpoint: what is left is a whole chain.
    Files.write(file(), lines().subList(0, 4), StandardCharsets.UTF_8);
    AuditChain.Verification alone = verifyWithPublicKey(List.of());
    assertThat(alone.intact()).isTrue();
    assertThat(alone.closed()).isFalse(); // all the files themselves can say
    AuditChain.Verification cut = verifyWithPublicKey(anchors);
    assertThat(cut.intact()).isFalse();
    assertThat(cut.problem()).contains("does not hold the checkpoint").contains("truncated");
  }

  @Test
  void rotated_files_end_with_a_checkpoint_and_one_cut_at_its_end_is_found() throws IOException {
    try (AuditTrail trail = open(new AuditOptions(2000, 0, Duration.ZERO, 0, Optional.empty()))) {
      for (int i = 0; i < 15; i++) {
        assertThat(trail.append(event(i))).isTrue();
      }
    }
    List<Path> files = AuditChain.files(dir);
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    AuditChain.Verification intact =
        AuditChain.verify(files, AuditChain.GENESIS, AuditKeys.NONE, false, PUBLIC, List.of());
    assertThat(intact.intact()).as(intact.problem()).isTrue();
    assertThat(intact.records()).isEqualTo(15);

    // Drop the rotation checkpoint and the record before it; mend the next file's first link.
    Path first = files.get(0);
    List<String> lines = new ArrayList<>(Files.readAllLines(first));
    List<String> cut = lines.subList(0, lines.size() - 2);
    Files.write(first, cut);
    Path second = files.get(1);
    List<String> next = new ArrayList<>(Files.readAllLines(second));
    String lastHash = cut.getLast().replaceAll(".*\"hash\":\"([0-9a-f]+)\"}$", "$1");
    next.set(
        0, next.get(0).replaceFirst("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + lastHash + "\""));
    Files.write(second, next);
    AuditChain.Verification found =
        AuditChain.verify(files, AuditChain.GENESIS, AuditKeys.NONE, false, PUBLIC, List.of());
    assertThat(found.intact()).isFalse();
    assertThat(found.brokenFile()).isEqualTo(first.toString());
    assertThat(found.problem()).contains("does not end with the checkpoint");
  }

  @Test
  void the_note_of_pruned_files_is_signed_and_an_edited_one_is_found() throws IOException {
    try (AuditTrail trail = open(new AuditOptions(1, 2, Duration.ZERO, 0, Optional.empty()))) {
      for (int i = 0; i < 6; i++) {
        assertThat(trail.append(event(i))).isTrue();
      }
    }
    assertThat(AuditChain.prunedProblem(dir, PUBLIC)).isEmpty();
    List<Path> files = AuditChain.files(dir);
    AuditChain.Verification kept =
        AuditChain.verify(files, AuditChain.start(dir), AuditKeys.NONE, false, PUBLIC, List.of());
    assertThat(kept.intact()).as(kept.problem()).isTrue();

    // Pointing verification past a file that was deleted out of turn: the note no longer verifies.
    Path note = dir.resolve(AuditChain.PRUNED);
    String skipTo = AuditChain.verify(List.of(files.get(0)), AuditChain.start(dir)).last();
    String text = Files.readString(note);
    Files.writeString(
        note, text.replaceFirst("\"last\":\"[0-9a-f]{64}\"", "\"last\":\"" + skipTo + "\""));
    assertThat(AuditChain.prunedProblem(dir, PUBLIC)).contains("valid signature");
    Files.writeString(note, "{\"deletedThrough\":\"x\",\"last\":\"" + skipTo + "\"}\n");
    assertThat(AuditChain.prunedProblem(dir, PUBLIC)).contains("not signed");
  }

  @Test
  void a_restart_signs_the_records_a_crash_left_uncovered_and_the_interval_signs_idle_ones()
      throws IOException, InterruptedException {
    AuditTrail crashed = open(AuditOptions.rotating(0).checkpoints(100, Duration.ofHours(1)));
    crashed.append(event(0));
    crashed.append(event(1)); // never closed: no close checkpoint, as after a crash
    try (AuditTrail trail =
        open(AuditOptions.rotating(0).checkpoints(100, Duration.ofMillis(200)))) {
      assertThat(lines().get(2)).contains("\"reason\":\"open\"");
      trail.append(event(2));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!lines().getLast().contains("\"reason\":\"interval\"")
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(lines().getLast()).contains("\"reason\":\"interval\"");
    }
    AuditChain.Verification result = verifyWithPublicKey(List.of());
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.records()).isEqualTo(3);
  }

  @Test
  void checkpoints_are_signed_with_the_bytes_the_jdks_ed25519_gives_and_verifies()
      throws Exception {
    KeyPair pair = AuditCheckpoints.keyPair(KEY);
    AuditCheckpoints.Signer signer = AuditCheckpoints.Signer.of(new AuditKeys.Signing(KEY_ID, KEY));
    for (int size : new int[] {0, 1, 300, 5000}) {
      byte[] data = new byte[size];
      new Random(size).nextBytes(data);
      Signature jdk = Signature.getInstance("Ed25519");
      jdk.initSign(pair.getPrivate());
      jdk.update(data);
      byte[] signed = Base64.getDecoder().decode(signer.sign(data));
      assertThat(signed).isEqualTo(jdk.sign());
      jdk.initVerify(signer.publicKey());
      jdk.update(data);
      assertThat(jdk.verify(signed)).isTrue();
    }
  }

  @Test
  void the_public_keys_round_trip_and_another_key_does_not_verify() throws IOException {
    PublicKeys parsed = PublicKeys.parse("# exported\n" + PUBLIC.export());
    assertThat(parsed.export()).isEqualTo(PUBLIC.export());
    assertThat(PublicKeys.of(Map.of(KEY_ID, KEY)).export()).isEqualTo(PUBLIC.export());
    assertThatThrownBy(() -> PublicKeys.parse("ssh-ed25519 AAAA")).hasMessageContaining("line 1");

    write(4, 3, Optional.empty());
    byte[] other = key();
    other[1] = 9;
    AuditChain.Verification wrong =
        AuditChain.verify(
            List.of(file()),
            AuditChain.GENESIS,
            AuditKeys.NONE,
            false,
            PublicKeys.of(Map.of(KEY_ID, other)),
            List.of());
    assertThat(wrong.intact()).isFalse();
    assertThat(wrong.problem()).contains("signature does not verify");
  }

  private AuditChain.Verification verifyWithPublicKey(List<Checkpoint> anchors) throws IOException {
    return AuditChain.verify(
        List.of(file()), AuditChain.GENESIS, AuditKeys.NONE, false, PUBLIC, anchors);
  }

  private void write(int records, int every, Optional<Consumer<String>> ship) {
    AuditOptions options =
        new AuditOptions(0, 0, Duration.ZERO, 0, ship).checkpoints(every, Duration.ofHours(1));
    try (AuditTrail trail = open(options)) {
      for (int i = 0; i < records; i++) {
        assertThat(trail.append(event(i))).isTrue();
      }
    }
  }

  private AuditTrail open(AuditOptions options) {
    return AuditTrail.open(dir, options, Optional.of(new AuditKeys.Signing(KEY_ID, KEY)));
  }

  /**
   * The lines with line {@code from}'s status edited and every MAC from there on recomputed with
   * the key, as a forger holding the MAC key (but not the checkpoint key's signature) could.
   */
  private static List<String> remac(List<String> lines, int from) {
    List<String> out = new ArrayList<>(lines.subList(0, from));
    String previous =
        from == 0
            ? AuditChain.GENESIS
            : lines.get(from - 1).replaceAll(".*\"hash\":\"([0-9a-f]+)\"}$", "$1");
    for (int i = from; i < lines.size(); i++) {
      String line = lines.get(i);
      String body = line.substring(0, line.indexOf(",\"prev\":\""));
      if (i == from) {
        body = body.replace("\"status\":200", "\"status\":403");
      }
      String chained = body + ",\"prev\":\"" + previous + "\"";
      previous = AuditKeys.mac(KEY, chained);
      out.add(chained + ",\"hash\":\"" + previous + "\"}");
    }
    return out;
  }

  private static byte[] key() {
    byte[] key = new byte[32];
    key[0] = 7;
    return key;
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

  /** A record up to its links; a checkpoint (which carries when it was signed) as one word. */
  private static String unlinked(String line) {
    return line.contains("\"operation\":\"AuditCheckpoint\"")
        ? "checkpoint"
        : line.substring(0, line.indexOf(",\"prev\":"));
  }

  private Path file() {
    return dir.resolve("audit.jsonl");
  }

  private List<String> lines() throws IOException {
    return new ArrayList<>(Files.readAllLines(file(), StandardCharsets.UTF_8));
  }

  @Test
  void a_live_files_standing_is_read_from_its_bytes() throws IOException {
    String checkpoint =
        "{\"at\":\"é\",\"operation\":\"" + AuditCheckpoints.OPERATION + "\",\"checkpoint\":{}}\n";
    String record = "{\"operation\":\"SecretGet\",\"name\":\"ü-\\\"operation\\\"\"}\n";
    // A record almost as long as a read: lines and the mark are cut across the reads.
    String long1 = "{\"operation\":\"SecretSet\",\"pad\":\"" + "x".repeat((1 << 20) - 40) + "\"}\n";
    String content = record + checkpoint + long1 + record + checkpoint + record + long1 + record;
    Path file = dir.resolve("standing.jsonl");
    Files.writeString(file, content);
    long afterLast =
        (content.substring(0, content.lastIndexOf(checkpoint)) + checkpoint)
            .getBytes(StandardCharsets.UTF_8)
            .length;
    assertThat(AuditCheckpoints.standing(file))
        .isEqualTo(new AuditCheckpoints.Standing(8, afterLast, 3));
    Files.writeString(file, "");
    assertThat(AuditCheckpoints.standing(file)).isEqualTo(new AuditCheckpoints.Standing(0, 0, 0));
  }
}
