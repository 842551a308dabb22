package io.coffer.client.migrate;

import io.coffer.client.SecretReference;
import io.coffer.client.airflow.AirflowSecrets;
import io.coffer.client.files.ConfigDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Plans moving the plaintext credentials out of a configuration file into a vault: which keys hold
 * credentials, the secret name each gets, and the file as it reads afterwards — references in place
 * of values, and Airflow's {@code AIRFLOW_CONN_*}/{@code AIRFLOW_VAR_*} variables removed, since
 * Airflow's Key Vault backend finds them in the vault under its own names.
 */
public final class Migration {
  private static final Pattern CREDENTIAL_KEY =
      Pattern.compile(
          "(?i).*(password|passwd|pwd|secret|token|api[._-]?key|apikey|credential|private[._-]?key"
              + "|connection[._-]?string|sas[._-]?key|access[._-]?key|jaas[._-]?config).*");
  private static final Pattern NOT_IN_NAMES = Pattern.compile("[^0-9A-Za-z-]+");
  private static final String AIRFLOW_CONN = "AIRFLOW_CONN_";
  private static final String AIRFLOW_VAR = "AIRFLOW_VAR_";

  /** One secret to write: its name, value and tags, and the file key it comes from. */
  public record Move(String key, String secretName, String value, Map<String, String> tags) {
    public Move {
      tags = Map.copyOf(tags);
    }

    @Override
    public String toString() {
      return "Move[" + key + " → " + secretName + ", value=(redacted)]";
    }
  }

  /** The secrets to write and the rewritten document. */
  public record Plan(List<Move> moves, ConfigDocument rewritten) {
    public Plan {
      moves = List.copyOf(moves);
    }
  }

  private final String vaultUri;
  private final String prefix;
  private final Map<String, String> tags;

  /**
   * @param vaultUri where the secrets go, e.g. {@code https://etl.vault.azure.net}
   * @param prefix the naming scheme: secrets are named {@code <prefix>-<key>} (cleaned to Key
   *     Vault's alphabet); Airflow variables keep Airflow's names
   * @param tags put on every secret written
   */
  public Migration(String vaultUri, String prefix, Map<String, String> tags) {
    this.vaultUri =
        vaultUri.endsWith("/") ? vaultUri.substring(0, vaultUri.length() - 1) : vaultUri;
    this.prefix = prefix;
    this.tags = Map.copyOf(tags);
  }

  public Plan plan(String fileName, ConfigDocument document) {
    List<Move> moves = new ArrayList<>();
    Map<String, String> replacements = new LinkedHashMap<>();
    List<String> removed = new ArrayList<>();
    document
        .values()
        .forEach((key, value) -> {
          if (value.isEmpty() || SecretReference.looksLikeReference(value)) {
            return;
          }
          Map<String, String> secretTags = new LinkedHashMap<>(tags);
          secretTags.put("coffer-migrated-from", fileName);
          secretTags.put("coffer-config-key", key.length() > 256 ? key.substring(0, 256) : key);
          Optional<String> airflow = airflowName(key);
          if (airflow.isPresent()) {
            moves.add(new Move(key, airflow.get(), value, secretTags));
            removed.add(key);
          } else if (CREDENTIAL_KEY.matcher(key).matches()) {
            String name = secretName(key);
            moves.add(new Move(key, name, value, secretTags));
            replacements.put(key, vaultUri + "::" + name);
          }
        });
    ConfigDocument rewritten = document.with(replacements);
    if (!removed.isEmpty()) {
      rewritten = rewritten.without(removed);
    }
    return new Plan(moves, rewritten);
  }

  /** {@code AIRFLOW_CONN_MY_DB} → {@code airflow-connections-my-db}, as the backend looks it up. */
  static Optional<String> airflowName(String key) {
    if (key.startsWith(AIRFLOW_CONN) && key.length() > AIRFLOW_CONN.length()) {
      return Optional.of(
          AirflowSecrets.buildPath(
              "airflow-connections",
              key.substring(AIRFLOW_CONN.length()).toLowerCase(Locale.ROOT),
              "-"));
    }
    if (key.startsWith(AIRFLOW_VAR) && key.length() > AIRFLOW_VAR.length()) {
      return Optional.of(
          AirflowSecrets.buildPath(
              "airflow-variables",
              key.substring(AIRFLOW_VAR.length()).toLowerCase(Locale.ROOT),
              "-"));
    }
    return Optional.empty();
  }

  private String secretName(String key) {
    String cleaned = NOT_IN_NAMES.matcher(prefix + "-" + key).replaceAll("-");
    cleaned = cleaned.replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
    return cleaned.length() > 127 ? cleaned.substring(0, 127) : cleaned;
  }
}
