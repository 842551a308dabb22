package io.coffer.server.secrets;

/** A plaintext secret value; never printed. */
public record SecretValue(String text) {

  @Override
  public String toString() {
    return "SecretValue[(redacted)]";
  }
}
