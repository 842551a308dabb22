package io.coffer.cli;

import io.coffer.server.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where {@code serve} and {@code dev} take each setting from, first match wins: the flag, then the
 * environment ({@code COFFER_<KEY>}, e.g. {@code COFFER_READ_CACHE_MIB}), then the config file
 * ({@code --config coffer.yaml} or {@code COFFER_CONFIG}), then the built-in default. A key is a
 * flag's name without its dashes. Picocli asks this for every option the command line left out.
 */
final class ConfigSources implements CommandLine.IDefaultValueProvider {
  /** Where a value came from, strongest first. */
  enum Source {
    FLAG,
    ENVIRONMENT,
    FILE,
    DEFAULT
  }

  /** A value and where it came from. */
  record Sourced(String value, Source source) {}

  static final String CONFIG = "config";
  private static final String PREFIX = "COFFER_";

  /** Options that steer the command itself rather than the server. */
  private static final Set<String> NOT_KEYS = Set.of("help", "version", CONFIG, "print-config");

  private final Map<String, String> environment;
  private final CommandSpec spec;
  private final Map<String, Source> supplied = new HashMap<>();
  private ConfigFile file;
  private boolean fileRead;

  private ConfigSources(CommandSpec spec, Map<String, String> environment) {
    this.spec = spec;
    this.environment = Map.copyOf(environment);
  }

  /** Makes {@code command} take what its command line leaves out from here. */
  static void attach(CommandLine command, Map<String, String> environment) {
    command.setDefaultValueProvider(new ConfigSources(command.getCommandSpec(), environment));
  }

  /** For a command that sets every option itself (as flags): only the environment adds to them. */
  static ConfigSources environmentOnly(Map<String, String> environment) {
    return new ConfigSources(null, environment);
  }

  /** The sources a command was given, or the environment alone when none was attached. */
  static ConfigSources of(CommandSpec spec, Map<String, String> environment) {
    return spec.defaultValueProvider() instanceof ConfigSources sources
        ? sources
        : environmentOnly(environment);
  }

  /** The environment variable of a key: {@code read-cache-mib} is {@code COFFER_READ_CACHE_MIB}. */
  static String variable(String key) {
    return PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The key of an option, or empty for options that are no setting (help, config). */
  static Optional<String> key(OptionSpec option) {
    String key = option.longestName().replaceFirst("^-+", "");
    return NOT_KEYS.contains(key) ? Optional.empty() : Optional.of(key);
  }

  /** Every key of a command, in the order of its options, and the database password. */
  static List<String> keys(CommandSpec spec) {
    List<String> keys = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      key(option).ifPresent(keys::add);
    }
    if (keys.contains("db-password-file")) {
      keys.add(keys.indexOf("db-password-file"), ConfigFile.DB_PASSWORD);
    }
    return keys;
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option)) {
      return null;
    }
    Optional<String> key = key(option);
    if (key.isEmpty()) {
      return null;
    }
    Optional<Sourced> found = lookUp(key.get());
    found.ifPresent(value -> {
      check(option, key.get(), value);
      supplied.put(key.get(), value.source());
    });
    return found.map(Sourced::value).orElse(null);
  }

  /** The key's value from the environment or the file, whichever is stronger. */
  Optional<Sourced> lookUp(String key) {
    String fromEnvironment = environment.get(variable(key));
    if (fromEnvironment != null) {
      return Optional.of(new Sourced(fromEnvironment, Source.ENVIRONMENT));
    }
    return file().map(f -> f.get(key)).map(value -> new Sourced(value, Source.FILE));
  }

  /** Where the value a key has now came from. */
  Source sourceOf(String key) {
    if (spec == null) {
      return Source.FLAG;
    }
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (parsed != null && parsed.hasMatchedOption("--" + key)) {
      return Source.FLAG;
    }
    return supplied.getOrDefault(key, Source.DEFAULT);
  }

  /** The config file in use, if any. */
  Optional<ConfigFile> file() {
    if (!fileRead) {
      fileRead = true;
      configPath().ifPresent(path -> file = ConfigFile.read(path, keys(spec)));
    }
    return Optional.ofNullable(file);
  }

  private Optional<Path> configPath() {
    if (spec == null) {
      return Optional.empty();
    }
    OptionSpec option = spec.findOption("--" + CONFIG);
    if (option != null && option.getValue() != null) {
      return Optional.of((Path) option.getValue());
    }
    return Optional.ofNullable(environment.get(variable(CONFIG))).map(Path::of);
  }

  /** A value of the wrong kind fails naming where it came from, before picocli would. */
  private void check(OptionSpec option, String key, Sourced value) {
    Class<?> type = option.type();
    String text = value.value().trim();
    boolean whole = type == int.class || type == Integer.class || type == long.class;
    whole |= type == Long.class;
    if (whole && !text.matches("-?\\d{1,18}")) {
      throw new ConfigException(
          key, "'" + text + "' from " + origin(key, value) + " is not a whole number", "e.g. 128");
    }
    boolean flag = type == boolean.class || type == Boolean.class;
    if (flag && !text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
      throw new ConfigException(
          key, "'" + text + "' from " + origin(key, value) + " is not true or false", "e.g. true");
    }
  }

  /**
   * Every key, its value and where it came from, one per line; the database password is masked, and
   * so is a password inside the JDBC URL.
   */
  String report() {
    file();
    List<String> keys = keys(spec);
    int width = keys.stream().mapToInt(String::length).max().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String key : keys) {
      String value;
      Source source;
      if (key.equals(ConfigFile.DB_PASSWORD)) {
        Optional<Sourced> password = lookUp(key);
        value = password.isPresent() ? "****" : "(not set)";
        source = password.map(Sourced::source).orElse(Source.DEFAULT);
      } else {
        Object current = spec.findOption("--" + key).getValue();
        value = current == null ? "(not set)" : masked(key, current.toString());
        source = sourceOf(key);
      }
      String from =
          source == Source.DEFAULT
              ? "default"
              : source.name().toLowerCase(Locale.ROOT)
                  + (source == Source.FLAG ? "" : " " + origin(key, new Sourced("", source)));
      out.append(String.format("%-" + width + "s  %-30s  %s%n", key, value, from));
    }
    return out.toString();
  }

  private static String masked(String key, String value) {
    return key.equals("jdbc-url") ? value.replaceAll("(?i)(password=)[^&;]*", "$1****") : value;
  }

  /** "COFFER_PORT" or "/etc/coffer/coffer.yaml". */
  String origin(String key, Sourced value) {
    return switch (value.source()) {
      case ENVIRONMENT -> variable(key);
      case FILE -> file().map(f -> f.path().toString()).orElse("the config file");
      case FLAG -> "--" + key;
      case DEFAULT -> "the default";
    };
  }
}
