package io.coffer.cli;

import io.coffer.cli.admin.AdminCommand;
import io.coffer.cli.admin.HostsCommand;
import io.coffer.cli.sync.SyncCommand;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code coffer} command. */
@Command(
    name = "coffer",
    mixinStandardHelpOptions = true,
    version = "coffer 0.1.0",
    description = "A self-hosted vault that speaks the Azure Key Vault secrets API.")
public final class Main {
  /** The subcommands, in the order help lists them. */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
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
          SyncCommand.class);

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return command(System.getenv(), args.length > 0 ? args[0] : "").execute(args);
  }

  /** The command tree, every command of it answering --help and --version. */
  static CommandLine command() {
    return command(System.getenv());
  }

  static CommandLine command(Map<String, String> environment) {
    return command(environment, "");
  }

  /**
   * The command tree, with {@code serve} and {@code dev} taking what their command line leaves out
   * from {@code environment} ({@code COFFER_<KEY>}) and their config file. When {@code first} names
   * a subcommand, the tree holds only that one: picocli reflects over every command it is given,
   * and the whole tree (the Azure SDK's behind {@code secret}, a dozen admin commands) took most of
   * a second of every server start.
   */
  static CommandLine command(Map<String, String> environment, String first) {
    CommandLine command = new CommandLine(new Main()).setExecutionExceptionHandler(new Errors());
    command.setParameterExceptionHandler(Errors.parameters(command.getParameterExceptionHandler()));
    boolean named = SUBCOMMANDS.stream().anyMatch(c -> name(c).equals(first));
    for (Class<?> subcommand : SUBCOMMANDS) {
      if (!named || name(subcommand).equals(first)) {
        command.addSubcommand(subcommand);
      }
    }
    withHelp(command);
    for (String configurable : new String[] {"serve", "dev"}) {
      CommandLine sub = command.getSubcommands().get(configurable);
      if (sub != null) {
        ConfigSources.attach(sub, environment);
      }
    }
    return command;
  }

  private static String name(Class<?> subcommand) {
    return subcommand.getAnnotation(Command.class).name();
  }

  private static void withHelp(CommandLine command) {
    boolean hasHelp = command.getCommandSpec().options().stream().anyMatch(o -> o.usageHelp());
    if (!hasHelp) {
      command.getCommandSpec().mixinStandardHelpOptions(true);
    }
    command.getSubcommands().values().forEach(Main::withHelp);
  }
}
