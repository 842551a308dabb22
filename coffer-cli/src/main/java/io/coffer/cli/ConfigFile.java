package io.coffer.cli;

import io.coffer.server.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A {@code coffer.yaml}: one flat mapping of settings, keyed as the command's flags without their
 * dashes ({@code read-cache-mib: 128}). A key that is no setting is refused with the closest one
 * named, a value that is a list or a mapping too; a file that holds the database password must be
 * readable by its owner alone.
 */
final class ConfigFile {
  /** The database password itself: a key of the file and the environment, never a flag. */
  static final String DB_PASSWORD = "db-password";

  private final Path path;
  private final Map<String, String> values;

  private ConfigFile(Path path, Map<String, String> values) {
    this.path = path;
    this.values = values;
  }

  /**
   * Reads and checks a file.
   *
   * @param keys every key the command takes
   * @throws ConfigException for an unreadable file, malformed YAML, an unknown key or a value that
   *     is not a single value
   */
  static ConfigFile read(Path path, Collection<String> keys) {
    Object document;
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      document = new Yaml(new SafeConstructor(options)).load(reader);
    } catch (IOException e) {
      throw new ConfigException(
          "config",
          "cannot read " + path + " (" + e.getMessage() + ")",
          "pass a readable file to --config");
    } catch (YAMLException e) {
      throw new ConfigException(
          "config",
          path + " is not valid YAML: " + firstLine(e.getMessage()),
          "write one 'key: value' per line, e.g. read-cache-mib: 128");
    }
    if (document == null) {
      return new ConfigFile(path, Map.of());
    }
    if (!(document instanceof Map<?, ?> mapping)) {
      throw new ConfigException(
          "config",
          path + " is not a mapping of keys to values",
          "write one 'key: value' per line, e.g. read-cache-mib: 128");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : mapping.entrySet()) {
      String key = String.valueOf(entry.getKey());
      if (!keys.contains(key)) {
        throw new ConfigException(unknownKey(key, path, keys));
      }
      Object value = entry.getValue();
      if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
        throw new ConfigException(
            key, "in " + path + " must be one value", "write '" + key + ": <value>' on one line");
      }
      values.put(key, String.valueOf(value));
    }
    if (values.containsKey(DB_PASSWORD)) {
      requireOwnerOnly(path);
    }
    return new ConfigFile(path, Map.copyOf(values));
  }

  Path path() {
    return path;
  }

  /** The value the file gives a key, or null. */
  String get(String key) {
    return values.get(key);
  }

  /** "unknown key 'read-cach-mib' in coffer.yaml; did you mean 'read-cache-mib'?" */
  static String unknownKey(String key, Path path, Collection<String> keys) {
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String candidate : keys) {
      int distance = distance(key, candidate);
      if (distance < best) {
        best = distance;
        closest = candidate;
      }
    }
    String where = "unknown key '" + key + "' in " + path;
    if (closest != null && best <= Math.max(2, key.length() / 3)) {
      return where + "; did you mean '" + closest + "'?";
    }
    return where + "; the keys are the flags of 'coffer serve --help' without their dashes";
  }

  private static void requireOwnerOnly(Path path) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (permissions.stream()
          .anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
        throw new ConfigException(
            DB_PASSWORD,
            path + " holds the database password but others may read it",
            "chmod 600 " + path + ", or name a password file with db-password-file");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // No POSIX permissions to check (not a POSIX file system): nothing more to say.
    }
  }

  /** Levenshtein distance: typos of a key are a letter or two away from it. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message).strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
