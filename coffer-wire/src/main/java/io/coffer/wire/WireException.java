package io.coffer.wire;

/** A request body the contract cannot read; the server answers it with {@code BadParameter}. */
public final class WireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WireException(String message) {
    super(message, null, false, false);
  }
}
