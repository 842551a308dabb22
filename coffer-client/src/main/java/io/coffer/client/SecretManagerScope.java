package io.coffer.client;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code secret.manager.*} settings of one connector configuration, as Confluent's connectors
 * read them: {@value #ENABLED}{@code =false} turns reference resolution off, and {@value
 * #MANAGED_CONFIGS} lists the only keys that hold references. The settings govern the keys beside
 * them, so in a file their scope is the flat-key prefix they sit under: none in a {@code
 * .properties} file, {@code config.} in a connector's {@code {"name": ..., "config": {...}}} JSON,
 * {@code spec.config.} in a Strimzi {@code KafkaConnector}.
 *
 * @param prefix the flat-key prefix of the governed keys: empty, or ending in {@code .}
 * @param enabled false only when {@value #ENABLED} says {@code false}
 * @param managedConfigs the governed keys (without the prefix) that {@value #MANAGED_CONFIGS}
 *     lists, when it is set
 */
public record SecretManagerScope(
    String prefix, boolean enabled, Optional<List<String>> managedConfigs) {
  /** {@code false} turns resolution off for the connector. */
  public static final String ENABLED = "secret.manager.enabled";

  /** Comma-separated: the configuration keys that hold references, and no others. */
  public static final String MANAGED_CONFIGS = "secret.manager.managed.configs";

  public SecretManagerScope {
    if (!prefix.isEmpty() && !prefix.endsWith(".")) {
      throw new IllegalArgumentException("a scope prefix is empty or ends with '.'");
    }
    managedConfigs = managedConfigs.map(List::copyOf);
  }

  /** Every scope in a flat configuration, found by where its settings are. */
  public static List<SecretManagerScope> in(Map<String, String> config) {
    Map<String, SecretManagerScope> scopes = new LinkedHashMap<>();
    for (String key : config.keySet()) {
      setting(key)
          .ifPresent(setting -> {
            String prefix = key.substring(0, key.length() - setting.length());
            scopes.computeIfAbsent(prefix, p -> read(config, p));
          });
    }
    return List.copyOf(scopes.values());
  }

  /** Whether a flat key is one of these settings (in any scope), not a value they govern. */
  public static boolean isSetting(String key) {
    return setting(key).isPresent();
  }

  private static Optional<String> setting(String key) {
    return List.of(ENABLED, MANAGED_CONFIGS).stream()
        .filter(s -> key.equals(s) || key.endsWith("." + s))
        .findFirst();
  }

  /** The scope a key belongs to: the one with the longest prefix of it, if any. */
  public static Optional<SecretManagerScope> governing(
      List<SecretManagerScope> scopes, String key) {
    SecretManagerScope best = null;
    for (SecretManagerScope scope : scopes) {
      if (key.startsWith(scope.prefix())
          && (best == null || scope.prefix().length() > best.prefix().length())) {
        best = scope;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Whether this scope lets a key (a full flat key within it) hold a reference. */
  public boolean manages(String key) {
    return enabled && managedConfigs.map(keys -> keys.contains(relative(key))).orElse(true);
  }

  /** The key as the connector sees it: without the scope's prefix. */
  public String relative(String key) {
    return key.substring(prefix.length());
  }

  private static SecretManagerScope read(Map<String, String> config, String prefix) {
    String enabled = config.get(prefix + ENABLED);
    Optional<List<String>> managed =
        Optional.ofNullable(config.get(prefix + MANAGED_CONFIGS))
            .map(list ->
                Arrays.stream(list.split(","))
                    .map(String::trim)
                    .filter(k -> !k.isEmpty())
                    .distinct()
                    .toList());
    return new SecretManagerScope(
        prefix, enabled == null || !enabled.trim().equalsIgnoreCase("false"), managed);
  }
}
