package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.audit.AuditChain;
import io.coffer.server.audit.AuditEvent;
import io.coffer.server.audit.AuditKeys;
import io.coffer.server.audit.AuditOptions;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.crypto.Digests;
import io.coffer.server.crypto.Keyring;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code coffer audit verify} says intact for an untouched trail and names the edited line. */
class AuditCommandTest {
  @TempDir Path dataDir;

  @Test
  void verify_reports_an_intact_chain_and_then_the_tampered_line() throws IOException {
    try (AuditTrail trail = AuditTrail.open(dataDir.resolve("audit"))) {
      for (int i = 0; i < 4; i++) {
        trail.append(event(i));
      }
    }
    StringWriter out = new StringWriter();
    assertThat(verify(out)).isZero();
    assertThat(out.toString()).contains("4 records in 1 file(s), chain intact");

    Path file = dataDir.resolve("audit").resolve("audit.jsonl");
    Files.writeString(file, Files.readString(file).replaceFirst("\"r2\"", "\"rX\""));
    StringWriter broken = new StringWriter();
    assertThat(verify(broken)).isEqualTo(1);
    assertThat(broken.toString()).contains("BROKEN at line 3");
  }

  @Test
  void verify_follows_the_chain_through_rotated_files_and_from_a_named_hash() throws IOException {
    try (AuditTrail trail = AuditTrail.open(dataDir.resolve("audit"), 1500)) {
      for (int i = 0; i < 20; i++) {
        trail.append(event(i));
      }
    }
    List<Path> files = AuditChain.files(dataDir.resolve("audit"));
    assertThat(files).hasSizeGreaterThan(2);
    StringWriter out = new StringWriter();
    assertThat(verify(out)).isZero();
    assertThat(out.toString()).contains("20 records in " + files.size() + " file(s), chain intact");

    // The oldest file was shipped elsewhere: the rest verify from its last hash, not without it.
    String shippedLast = AuditChain.verify(files.get(0)).last();
    List<String> rest = new ArrayList<>(List.of("verify"));
    files.subList(1, files.size()).forEach(f -> rest.addAll(List.of("--file", f.toString())));
    assertThat(run(new StringWriter(), rest)).isEqualTo(1);
    rest.addAll(List.of("--after", shippedLast));
    assertThat(run(new StringWriter(), rest)).isZero();
  }

  @Test
  void verify_checks_the_keyed_chain_with_the_data_directorys_keyring() throws IOException {
    Keyring keyring = Keyring.load(dataDir, Map.of());
    String id = keyring.active().id();
    try (AuditTrail trail =
        AuditTrail.open(
            dataDir.resolve("audit"),
            AuditOptions.rotating(0),
            Optional.of(new AuditKeys.Signing(id, keyring.auditKey(id).orElseThrow())))) {
      for (int i = 0; i < 3; i++) {
        trail.append(event(i));
      }
    }
    StringWriter out = new StringWriter();
    assertThat(verify(out)).isZero();
    assertThat(out.toString()).contains("3 records in 1 file(s), chain intact");

    // A plain hash recomputed over an edited last line is what a forger without the key can do.
    Path file = dataDir.resolve("audit").resolve("audit.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    String last = lines.get(2).replace("\"r2\"", "\"rX\"");
    String chained = last.substring(0, last.lastIndexOf(",\"hash\":\""));
    lines.set(2, chained + ",\"hash\":\"" + Digests.sha256Hex(chained) + "\"}");
    Files.write(file, lines);
    StringWriter broken = new StringWriter();
    assertThat(verify(broken)).isEqualTo(1);
    assertThat(broken.toString()).contains("BROKEN at line 3").contains("MAC");
  }

  @Test
  void a_rewrite_and_a_cut_are_found_with_the_exported_public_key_where_the_keyring_is_not(
      @TempDir Path elsewhere) throws IOException {
    Keyring keyring = Keyring.load(dataDir, Map.of());
    String id = keyring.active().id();
    List<String> shipped = new ArrayList<>();
    try (AuditTrail trail =
        AuditTrail.open(
            dataDir.resolve("audit"),
            new AuditOptions(0, 0, java.time.Duration.ZERO, 0, Optional.of(shipped::add))
                .checkpoints(3, java.time.Duration.ofHours(1)),
            Optional.of(new AuditKeys.Signing(id, keyring.auditKey(id).orElseThrow())))) {
      for (int i = 0; i < 7; i++) {
        trail.append(event(i));
      }
    }
    StringWriter exported = new StringWriter();
    assertThat(run(exported, List.of("public-key", "--data-dir", dataDir.toString()))).isZero();
    assertThat(exported.toString()).startsWith("coffer-audit-checkpoint-key " + id + " ");
    Path publicKey = elsewhere.resolve("audit-keys.txt");
    Files.writeString(publicKey, exported.toString());
    Path anchors = elsewhere.resolve("shipped.jsonl");
    Files.write(anchors, shipped);

    // An auditor's copy of the trail, without the keyring.
    Path copy = elsewhere.resolve("data");
    Files.createDirectories(copy.resolve("audit"));
    Path file = copy.resolve("audit").resolve("audit.jsonl");
    Files.copy(dataDir.resolve("audit").resolve("audit.jsonl"), file);
    List<String> auditor =
        List.of("verify", "--data-dir", copy.toString(), "--public-key", publicKey.toString());
    StringWriter intact = new StringWriter();
    assertThat(run(intact, auditor)).isZero();
    assertThat(intact.toString())
        .contains("7 records in 1 file(s), chain intact")
        .contains("3 signed checkpoint(s) verified")
        .contains("ends with the checkpoint the server signed when it stopped");

    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    Files.write(
        file,
        lines.stream()
            .map(l -> l.replace("\"requestId\":\"r1\"", "\"requestId\":\"rX\""))
            .toList());
    StringWriter rewritten = new StringWriter();
    assertThat(run(rewritten, auditor)).isEqualTo(1);
    assertThat(rewritten.toString()).contains("BROKEN at line 4").contains("rewritten");

    Files.write(file, lines.subList(0, 4)); // cut after the first checkpoint
    assertThat(run(new StringWriter(), auditor)).isZero();
    List<String> withShipped = new ArrayList<>(auditor);
    withShipped.addAll(List.of("--checkpoint", anchors.toString()));
    StringWriter cut = new StringWriter();
    assertThat(run(cut, withShipped)).isEqualTo(1);
    assertThat(cut.toString()).contains("truncated");
  }

  private static AuditEvent event(int i) {
    return new AuditEvent(
        "2026-11-23T10:00:00Z",
        "r" + i,
        "SecretGet",
        "oid",
        "app",
        "t",
        "main",
        "s",
        "",
        200,
        "",
        "127.0.0.1",
        1);
  }

  private int verify(StringWriter out) {
    return run(out, List.of("verify", "--data-dir", dataDir.toString()));
  }

  private int run(StringWriter out, List<String> args) {
    CommandLine command = new CommandLine(new AuditCommand());
    command.setOut(new PrintWriter(out));
    return command.execute(args.toArray(String[]::new));
  }
}
