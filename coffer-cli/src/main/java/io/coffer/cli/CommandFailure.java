package io.coffer.cli;

/** A failure whose message is the whole story for the operator: printed as is, exit status 1. */
public final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CommandFailure(String message) {
    super(message, null, false, false);
  }
}
