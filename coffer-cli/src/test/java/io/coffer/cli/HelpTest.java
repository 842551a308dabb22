package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers --help with its usage and exit code 0. */
class HelpTest {
  @Test
  void every_command_answers_help() {
    List<String> failures = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    collect(Main.command(), "", paths);
    for (String path : paths) {
      CommandLine command = Main.command();
      StringWriter out = new StringWriter();
      command.setOut(new PrintWriter(out));
      command.setErr(new PrintWriter(new StringWriter()));
      List<String> args = new ArrayList<>(List.of(path.strip().split(" ")));
      args.removeIf(String::isEmpty);
      args.add("--help");
      int exit = command.execute(args.toArray(String[]::new));
      if (exit != 0 || !out.toString().contains("Usage:")) {
        failures.add("coffer" + path + " --help: exit " + exit);
      }
    }
    assertThat(paths).hasSizeGreaterThan(40);
    assertThat(failures).isEmpty();
  }

  /**
   * A command line naming a subcommand builds only that one (a faster start); it must be the same
   * command, with the same options, defaults and help, as in the whole tree.
   */
  @Test
  void a_tree_of_one_subcommand_is_that_subcommand_of_the_whole_tree() {
    Map<String, String> environment = Map.of("COFFER_PORT", "9443");
    CommandLine whole = Main.command(environment);
    assertThat(whole.getSubcommands()).hasSizeGreaterThan(10);
    for (var entry : whole.getSubcommands().entrySet()) {
      CommandLine one = Main.command(environment, entry.getKey());
      assertThat(one.getSubcommands().keySet()).containsExactly(entry.getKey());
      assertThat(one.getSubcommands().get(entry.getKey()).getUsageMessage())
          .isEqualTo(entry.getValue().getUsageMessage());
    }
    assertThat(Main.command(environment, "no-such-command").getSubcommands().keySet())
        .isEqualTo(whole.getSubcommands().keySet());
  }

  private static void collect(CommandLine command, String path, List<String> paths) {
    paths.add(path);
    command
        .getSubcommands()
        .forEach((name, sub) -> {
          if (!sub.getCommandSpec().name().equals(name)) {
            return; // an alias
          }
          collect(sub, path + " " + name, paths);
        });
  }
}
