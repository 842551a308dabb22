package io.coffer.cli;

import io.coffer.server.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns a failed start into one clear line and an exit code, not a stack trace. */
final class Errors implements IExecutionExceptionHandler {
  static final int CONFIG = 78;

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
