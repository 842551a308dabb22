package io.coffer.cli;

import io.coffer.cli.admin.AdminCommand;
import io.coffer.cli.admin.HostsCommand;
import io.coffer.cli.sync.SyncCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code coffer} command. */
@Command(
    name = "coffer",
    mixinStandardHelpOptions = true,
    version = "coffer 0.1.0",
    description = "A self-hosted vault that speaks the Azure Key Vault secrets API.",
    subcommands = {
      DevCommand.class,
      ServeCommand.class,
      SecretCommand.class,
      AdminCommand.class,
      AuditCommand.class,
      ResolveCommand.class,
      MigrateCommand.class,
      ConnectorCommand.class,
      BenchSeedCommand.class,
      BenchClientCommand.class,
      IdentityAgentCommand.class,
      StorageCommand.class,
      HostsCommand.class,
      SyncCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return command().execute(args);
  }

  /** The command tree, every command of it answering --help and --version. */
  static CommandLine command() {
    CommandLine command = new CommandLine(new Main()).setExecutionExceptionHandler(new Errors());
    withHelp(command);
    return command;
  }

  private static void withHelp(CommandLine command) {
    boolean hasHelp = command.getCommandSpec().options().stream().anyMatch(o -> o.usageHelp());
    if (!hasHelp) {
      command.getCommandSpec().mixinStandardHelpOptions(true);
    }
    command.getSubcommands().values().forEach(Main::withHelp);
  }
}
