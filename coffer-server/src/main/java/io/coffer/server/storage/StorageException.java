package io.coffer.server.storage;

/** Storage failed in a way no client caused (I/O, corruption, a bug): a server fault. */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
