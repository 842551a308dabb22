package io.coffer.cli;

import io.coffer.server.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns a failed start into one clear line and an exit code, not a stack trace. */
final class Errors implements IExecutionExceptionHandler {
  static final int CONFIG = 78;

  /**
   * A setting from the environment or a config file that picocli could not take: the one line that
   * names it and the fix; other mistakes on the command line as picocli reports them.
   */
  static CommandLine.IParameterExceptionHandler parameters(
      CommandLine.IParameterExceptionHandler picocli) {
    return (e, args) -> {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof ConfigException config) {
          e.getCommandLine().getErr().println("coffer: " + config.getMessage());
          return CONFIG;
        }
      }
      return picocli.handleParseException(e, args);
    };
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    if (e instanceof ConfigException) {
      cmd.getErr().println("coffer: " + e.getMessage());
      return CONFIG;
    }
    if (e instanceof CommandFailure) {
      cmd.getErr().println("coffer: " + e.getMessage());
      return 1;
    }
    cmd.getErr().println("coffer: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    return 1;
  }
}
