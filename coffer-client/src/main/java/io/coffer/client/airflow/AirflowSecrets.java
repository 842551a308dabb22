package io.coffer.client.airflow;

import java.util.Optional;
import java.util.function.Function;

/**
 * Airflow's Azure Key Vault secrets backend, in Java: where Airflow looks for a connection, a
 * variable or a config option, and what it finds there. The names follow the provider exactly:
 * {@code <prefix><sep><id>} (just {@code <id>} when the prefix is empty), then every {@code _}
 * replaced by {@code sep}; a missing (null) prefix turns that lookup off. Only "not found" becomes
 * empty; every other failure propagates, as in the provider.
 *
 * @param lookup reads a secret by name; empty when the vault says it does not exist
 */
public record AirflowSecrets(
    Function<String, Optional<String>> lookup,
    Optional<String> connectionsPrefix,
    Optional<String> variablesPrefix,
    Optional<String> configPrefix,
    String sep) {

  /** The provider's defaults: {@code airflow-connections}, {@code airflow-variables}, {@code -}. */
  public static AirflowSecrets withDefaults(Function<String, Optional<String>> lookup) {
    return new AirflowSecrets(
        lookup,
        Optional.of("airflow-connections"),
        Optional.of("airflow-variables"),
        Optional.of("airflow-config"),
        "-");
  }

  /** The secret name for an id under a prefix. */
  public static String buildPath(String prefix, String id, String sep) {
    String path = prefix.isEmpty() ? id : prefix + sep + id;
    return path.replace("_", sep);
  }

  /** The connection's stored form (URI or JSON), if any. */
  public Optional<String> connectionValue(String connId) {
    return connectionsPrefix.flatMap(p -> lookup.apply(buildPath(p, connId, sep)));
  }

  public Optional<AirflowConnection> connection(String connId) {
    return connectionValue(connId).map(AirflowConnection::parse);
  }

  public Optional<String> variable(String key) {
    return variablesPrefix.flatMap(p -> lookup.apply(buildPath(p, key, sep)));
  }

  /** A config option, by Airflow's {@code <section>_<key>} id (the backend's config lookups). */
  public Optional<String> config(String key) {
    return configPrefix.flatMap(p -> lookup.apply(buildPath(p, key, sep)));
  }
}
