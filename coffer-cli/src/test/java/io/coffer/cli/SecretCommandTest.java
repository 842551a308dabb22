package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code coffer secret set|show} against a real Coffer through the official SDK. */
class SecretCommandTest {
  @TempDir Path dir;

  @Test
  void a_value_set_from_a_file_is_shown_again() throws IOException {
    RunningCoffer coffer = RunningCoffer.shared();
    Path value = Files.writeString(dir.resolve("value"), "cli-secret-value");
    Path clientSecret =
        Files.writeString(dir.resolve("client"), coffer.credentials().clientSecret());
    String[] login = {
      "--vault-url", coffer.vaultUrl(),
      "--tenant-id", coffer.credentials().tenantId(),
      "--client-id", coffer.credentials().clientId(),
      "--client-secret-file", clientSecret.toString(),
      "--authority-host", coffer.credentials().authorityHost()
    };
    assertThat(
            run(
                concat(
                    new String[] {
                      "set",
                      "--name",
                      "cli-set",
                      "--value-file",
                      value.toString(),
                      "--tag",
                      "owner=data"
                    },
                    login)))
        .contains(coffer.vaultUrl() + "/secrets/cli-set/");
    assertThat(run(concat(new String[] {"show", "--name", "cli-set"}, login)).strip())
        .isEqualTo("cli-secret-value");
    assertThat(coffer.secretClient().getSecret("cli-set").getProperties().getTags())
        .containsEntry("owner", "data");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new SecretCommand());
    command.setOut(new PrintWriter(out));
    assertThat(command.execute(args)).as(out.toString()).isZero();
    return out.toString();
  }
}
