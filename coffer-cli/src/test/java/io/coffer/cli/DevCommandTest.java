package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer dev} and {@code coffer serve} as a user runs them: a separate process. */
class DevCommandTest {

  /** A running {@code coffer} process and what it printed on stdout. */
  private record Run(Process process, List<String> stdout) {}

  /** {@code java -cp <test classpath> io.coffer.cli.Main <args>}. */
  private static List<String> coffer(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.coffer.cli.Main");
    command.addAll(List.of(args));
    return command;
  }

  /** Runs to completion; returns the exit code and what it printed on stdout and stderr. */
  private static Map.Entry<Integer, String> runToEnd(String... args) throws Exception {
    Process process = new ProcessBuilder(coffer(args)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return Map.entry(process.exitValue(), output);
  }

  private static Run start(String... args) throws IOException {
    List<String> command = coffer(args);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> stdout = new ArrayList<>();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      stdout.add(line);
      if (line.startsWith("Ctrl-C stops the server")) {
        break;
      }
    }
    return new Run(process, stdout);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Map<String, String> env(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .filter(l -> l.startsWith("export "))
        .map(l -> l.substring(7).split("=", 2))
        .collect(Collectors.toMap(p -> p[0], p -> p[1].replace("'", "")));
  }

  @Test
  void dev_prints_and_writes_what_a_client_needs_and_reuses_it_after_a_restart(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    int port = freePort();
    Run first = start("dev", "--data-dir", data.toString(), "--port", Integer.toString(port));
    String printed = String.join("\n", first.stdout());

    assertThat(printed)
        .contains("VAULT_URL=https://main.vault.localhost:" + port)
        .contains("AZURE_AUTHORITY_HOST=https://localhost:" + port)
        .contains("AZURE_TENANT_ID=", "AZURE_CLIENT_ID=", "AZURE_CLIENT_SECRET=")
        .contains("REQUESTS_CA_BUNDLE=", "NODE_EXTRA_CA_CERTS=", "JAVA_TOOL_OPTIONS=");
    Path envFile = data.resolve("dev.env");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)))
        .isEqualTo("rw-------");
    Map<String, String> before = env(envFile);
    assertThat(Path.of(before.get("COFFER_CA_FILE"))).exists();

    first.process().destroy();
    assertThat(first.process().waitFor(15, TimeUnit.SECONDS)).isTrue();

    Run second = start("dev", "--data-dir", data.toString(), "--port", Integer.toString(port));
    try {
      Map<String, String> after = env(envFile);
      assertThat(after.get("AZURE_CLIENT_ID")).isEqualTo(before.get("AZURE_CLIENT_ID"));
      assertThat(after.get("AZURE_TENANT_ID")).isEqualTo(before.get("AZURE_TENANT_ID"));
      assertThat(String.join("\n", second.stdout())).contains("ready in");
    } finally {
      second.process().destroy();
      second.process().waitFor(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_second_process_on_a_data_dir_in_use_is_refused_naming_the_first(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    Run first = start("dev", "--data-dir", data.toString(), "--port", Integer.toString(freePort()));
    try {
      String holder = "is in use by another Coffer process (pid " + first.process().pid() + ")";
      Map.Entry<Integer, String> serve =
          runToEnd("serve", "--data-dir", data.toString(), "--port", Integer.toString(freePort()));
      Map.Entry<Integer, String> seed =
          runToEnd("bench-seed", "--data-dir", data.toString(), "--count", "1");

      assertThat(serve.getKey()).as(serve.getValue()).isEqualTo(78);
      assertThat(serve.getValue()).contains(holder).contains("--data-dir");
      assertThat(seed.getKey()).as(seed.getValue()).isNotZero();
      assertThat(seed.getValue()).contains(holder);
    } finally {
      first.process().destroy();
      first.process().waitFor(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_busy_port_fails_fast_with_the_fix(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Map.Entry<Integer, String> result =
          runToEnd(
              "serve",
              "--data-dir",
              dir.toString(),
              "--port",
              Integer.toString(taken.getLocalPort()));
      String output = result.getValue();

      assertThat(result.getKey()).isEqualTo(78);
      assertThat(output).contains("already in use").contains("--port");
    }
  }

  @Test
  void an_unusable_data_dir_fails_with_a_message_naming_it(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    int status = Main.run("serve", "--data-dir", file.resolve("sub").toString(), "--port", "1");

    assertThat(status).isEqualTo(78);
  }

  @Test
  void dev_refuses_a_tenant_other_than_the_one_its_data_dir_was_made_with(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    int port = freePort();
    Run first = start("dev", "--data-dir", data.toString(), "--port", Integer.toString(port));
    first.process().destroy();
    assertThat(first.process().waitFor(15, TimeUnit.SECONDS)).isTrue();

    Map.Entry<Integer, String> result =
        runToEnd(
            "dev",
            "--data-dir",
            data.toString(),
            "--port",
            Integer.toString(port),
            "--tenant",
            "adfs");

    assertThat(result.getKey()).isEqualTo(78);
    assertThat(result.getValue()).contains("belongs to another tenant").contains("--data-dir");
  }
}
