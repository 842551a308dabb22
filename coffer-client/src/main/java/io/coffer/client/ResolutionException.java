package io.coffer.client;

/**
 * Why a configuration could not be resolved. The message names the configuration key (and the vault
 * and secret name where known), never a value.
 */
public abstract sealed class ResolutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String configKey;

  private ResolutionException(String configKey, String message, Throwable cause) {
    super("config key '" + configKey + "': " + message, cause);
    this.configKey = configKey;
  }

  /** The configuration key whose value could not be resolved. */
  public String configKey() {
    return configKey;
  }

  /** The value looks like a reference but is not a valid one. */
  public static final class InvalidReference extends ResolutionException {
    private static final long serialVersionUID = 1L;

    public InvalidReference(String configKey, String problem) {
      super(configKey, problem, null);
    }
  }

  /** The vault has no such secret (or version), or it is disabled. */
  public static final class SecretMissing extends ResolutionException {
    private static final long serialVersionUID = 1L;

    public SecretMissing(String configKey, SecretReference reference, String problem) {
      super(configKey, reference.describe() + " " + problem, null);
    }
  }

  /** The secret exists but is not a JSON object holding the referenced key. */
  public static final class JsonKeyMissing extends ResolutionException {
    private static final long serialVersionUID = 1L;

    public JsonKeyMissing(String configKey, SecretReference reference, String problem) {
      super(configKey, reference.describe() + " " + problem, null);
    }
  }

  /** The vault could not be asked: network, authentication or authorization failure. */
  public static final class VaultUnavailable extends ResolutionException {
    private static final long serialVersionUID = 1L;

    public VaultUnavailable(String configKey, SecretReference reference, Throwable cause) {
      super(
          configKey,
          reference.describe() + " could not be read: " + cause.getClass().getSimpleName(),
          cause);
    }
  }
}
