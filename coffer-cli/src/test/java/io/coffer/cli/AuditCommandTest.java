package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.audit.AuditEvent;
import io.coffer.server.audit.AuditTrail;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
        trail.append(
            new AuditEvent(
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
                1));
      }
    }
    StringWriter out = new StringWriter();
    assertThat(verify(out)).isZero();
    assertThat(out.toString()).contains("4 records, chain intact");

    Path file = dataDir.resolve("audit").resolve("audit.jsonl");
    Files.writeString(file, Files.readString(file).replaceFirst("\"r2\"", "\"rX\""));
    StringWriter broken = new StringWriter();
    assertThat(verify(broken)).isEqualTo(1);
    assertThat(broken.toString()).contains("BROKEN at line 3");
  }

  private int verify(StringWriter out) {
    CommandLine command = new CommandLine(new AuditCommand());
    command.setOut(new PrintWriter(out));
    return command.execute("verify", "--data-dir", dataDir.toString());
  }
}
