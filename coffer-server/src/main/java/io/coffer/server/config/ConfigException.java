package io.coffer.server.config;

/** A setting that cannot work; the message names the setting and the fix. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String setting, String problem, String fix) {
    super("setting '" + setting + "': " + problem + " (fix: " + fix + ")");
  }

  /** A message that already names the setting and the fix. */
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
