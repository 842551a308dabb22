package io.coffer.server.secrets;

/** How many secrets a vault holds: live ones, and soft-deleted ones awaiting purge. */
public record SecretCount(long live, long deleted) {

  public SecretCount {
    if (live < 0 || deleted < 0) {
      throw new IllegalArgumentException("a count is never negative");
    }
  }
}
