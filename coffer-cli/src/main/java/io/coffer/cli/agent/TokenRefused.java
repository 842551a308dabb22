package io.coffer.cli.agent;

/**
 * Coffer (or the way to it) refused a token: the status and OAuth error to pass on to the workload,
 * so it sees why, e.g. a revoked host key.
 */
final class TokenRefused extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  TokenRefused(int status, String error, String description) {
    super(description);
    this.status = status;
    this.error = error;
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }
}
