package io.coffer.client.migrate;

import io.coffer.client.SecretManagerScope;
import io.coffer.client.SecretReference;
import io.coffer.client.airflow.AirflowSecrets;
import io.coffer.client.files.ConfigDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Plans moving the plaintext credentials out of a configuration file into a vault: which keys hold
 * credentials, the secret name each gets, and the file as it reads afterwards — references in place
 * of values, and Airflow's {@code AIRFLOW_CONN_*}/{@code AIRFLOW_VAR_*} variables removed, since
 * Airflow's Key Vault backend finds them in the vault under its own names.
 *
 * <p>The {@link Target} decides how a reference is written. Bare references in a connector whose
 * {@code secret.manager.*} settings would leave them unresolved are made to resolve: each rewritten
 * key is added to {@value SecretManagerScope#MANAGED_CONFIGS} where that lists keys, and {@value
 * SecretManagerScope#ENABLED} is set to {@code true} where it said {@code false}.
 */
public final class Migration {
  private static final Pattern CREDENTIAL_KEY =
      Pattern.compile(
          "(?i).*(password|passwd|pwd|secret|token|api[._-]?key|apikey|credential|private[._-]?key"
              + "|connection[._-]?string|sas[._-]?key|access[._-]?key|jaas[._-]?config).*");
  private static final Pattern NOT_IN_NAMES = Pattern.compile("[^0-9A-Za-z-]+");
  private static final String AIRFLOW_CONN = "AIRFLOW_CONN_";
  private static final String AIRFLOW_VAR = "AIRFLOW_VAR_";
  // Any Kafka config provider's placeholder (${file:...}, ${env:...}) is already indirect.
  private static final Pattern KAFKA_PLACEHOLDER = Pattern.compile("\\$\\{[^}:]+:[^}]*}");

  /** Who reads the rewritten file, and so how its references are written. */
  public enum Target {
    /**
     * {@code <vault-uri>::<secret>}: for {@code coffer resolve}, {@code jdbc:coffer:}, the {@code
     * ConfigResolver} and connectors that resolve their own {@code secret.manager.*} references.
     */
    REFERENCE("reference"),
    /**
     * {@code ${coffer:<vault-uri>::<secret>}}: for a stock Kafka Connect worker configured with
     * {@code CofferConfigProvider}; the other readers take it too.
     */
    KAFKA_CONNECT("kafka-connect");

    private final String label;

    Target(String label) {
      this.label = label;
    }

    /** The name on the command line. */
    public String label() {
      return label;
    }

    /** By its command-line name. */
    public static Target named(String label) {
      for (Target target : values()) {
        if (target.label.equalsIgnoreCase(label.trim())) {
          return target;
        }
      }
      throw new IllegalArgumentException(
          "the target is reference or kafka-connect, not '" + label + "'");
    }

    String write(SecretReference reference) {
      return this == KAFKA_CONNECT ? reference.placeholder() : reference.written();
    }
  }

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
  private final Target target;

  /**
   * @param vaultUri where the secrets go, e.g. {@code https://etl.vault.azure.net}
   * @param prefix the naming scheme: secrets are named {@code <prefix>-<key>} (cleaned to Key
   *     Vault's alphabet); Airflow variables keep Airflow's names
   * @param tags put on every secret written
   * @param target how the rewritten file refers to the secrets
   */
  public Migration(String vaultUri, String prefix, Map<String, String> tags, Target target) {
    this.vaultUri =
        vaultUri.endsWith("/") ? vaultUri.substring(0, vaultUri.length() - 1) : vaultUri;
    this.prefix = prefix;
    this.tags = Map.copyOf(tags);
    this.target = target;
  }

  public Plan plan(String fileName, ConfigDocument document) {
    List<Move> moves = new ArrayList<>();
    Map<String, String> replacements = new LinkedHashMap<>();
    List<String> removed = new ArrayList<>();
    document
        .values()
        .forEach((key, value) -> {
          if (value.isEmpty()
              || SecretManagerScope.isSetting(key)
              || SecretReference.looksLikeReference(value)
              || KAFKA_PLACEHOLDER.matcher(value).find()) {
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
            replacements.put(
                key,
                target.write(
                    new SecretReference(vaultUri, name, Optional.empty(), Optional.empty())));
          }
        });
    if (target == Target.REFERENCE) {
      replacements.putAll(scopeSettings(document.values(), replacements.keySet()));
    }
    ConfigDocument rewritten = document.with(replacements);
    if (!removed.isEmpty()) {
      rewritten = rewritten.without(removed);
    }
    return new Plan(moves, rewritten);
  }

  /** The {@code secret.manager.*} settings that must change for the rewritten keys to resolve. */
  private static Map<String, String> scopeSettings(
      Map<String, String> values, Collection<String> rewritten) {
    Map<String, String> settings = new LinkedHashMap<>();
    List<SecretManagerScope> scopes = SecretManagerScope.in(values);
    for (SecretManagerScope scope : scopes) {
      List<String> keys =
          rewritten.stream()
              .filter(key -> SecretManagerScope.governing(scopes, key).equals(Optional.of(scope)))
              .toList();
      if (keys.isEmpty()) {
        continue;
      }
      if (!scope.enabled()) {
        settings.put(scope.prefix() + SecretManagerScope.ENABLED, "true");
      }
      scope
          .managedConfigs()
          .ifPresent(listed -> {
            Set<String> managed = new LinkedHashSet<>(listed);
            keys.forEach(key -> managed.add(scope.relative(key)));
            if (managed.size() > listed.size()) {
              settings.put(
                  scope.prefix() + SecretManagerScope.MANAGED_CONFIGS, String.join(",", managed));
            }
          });
    }
    return settings;
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
