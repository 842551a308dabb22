package io.coffer.client;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a configuration value lives: a secret in a vault, optionally one version of it, optionally
 * one field of its JSON value. Two written forms:
 *
 * <ul>
 *   <li>{@code <vault-uri>::<secret-name>[::<json-key>]} — the Kafka connectors' convention, e.g.
 *       {@code https://etl.vault.azure.net::warehouse::password};
 *   <li>a Key Vault secret identifier, which may name a version: {@code
 *       https://etl.vault.azure.net/secrets/warehouse/<version>[::<json-key>]}.
 * </ul>
 *
 * <p>Either may be wrapped as a Kafka Connect placeholder for the {@value #KAFKA_PROVIDER} config
 * provider, {@code ${coffer:https://etl.vault.azure.net::warehouse::password}}: a stock Connect
 * worker resolves only {@code ${provider:...}} values, and the wrapped reference means the same
 * secret to every reader here, so one file works in the worker, {@code coffer resolve} and the JDBC
 * driver alike.
 *
 * @param vaultUri {@code https://host[:port]}, no path
 * @param name the secret name, as Key Vault allows ({@code [0-9a-zA-Z-]{1,127}})
 * @param version a 32-hex version, or empty for the newest
 * @param jsonKey the field of a JSON object value to use, or empty for the whole value
 */
public record SecretReference(
    String vaultUri, String name, Optional<String> version, Optional<String> jsonKey) {
  /** The name the Kafka Connect provider is configured under: {@code config.providers=coffer}. */
  public static final String KAFKA_PROVIDER = "coffer";

  private static final String SEPARATOR = "::";
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\{" + KAFKA_PROVIDER + ":([^}]*)}");
  private static final Pattern NAME = Pattern.compile("[0-9a-zA-Z-]{1,127}");
  private static final Pattern VERSION = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(https://[^/\\s]+)/secrets/([^/\\s]+)(?:/([^/\\s]*))?/?");

  public SecretReference {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a secret name is 1-127 letters, digits and dashes");
    }
    version.ifPresent(v -> {
      if (!VERSION.matcher(v).matches()) {
        throw new IllegalArgumentException("a secret version is 32 hexadecimal characters");
      }
    });
    jsonKey.ifPresent(k -> {
      if (k.isEmpty()) {
        throw new IllegalArgumentException("the JSON key after '::' is empty");
      }
    });
  }

  /** Whether a configuration value is written as a reference (and should resolve). */
  public static boolean looksLikeReference(String value) {
    String trimmed = unwrapped(value.trim());
    return trimmed.startsWith("https://")
        && (trimmed.contains(SEPARATOR) || IDENTIFIER.matcher(trimmed).matches());
  }

  /**
   * Whether a value is a whole {@code ${coffer:...}} placeholder: a Connect worker resolves it
   * wherever it stands, whatever a connector's {@code secret.manager.*} settings say.
   */
  public static boolean isPlaceholder(String value) {
    return PLACEHOLDER.matcher(value.trim()).matches();
  }

  /**
   * Parses a reference.
   *
   * @param configKey named in the error, never the value
   * @throws ResolutionException.InvalidReference saying what is wrong
   */
  public static SecretReference parse(String configKey, String text) {
    String value = unwrapped(text.trim()).trim();
    try {
      String[] parts = value.split(SEPARATOR, -1);
      if (parts.length > 3) {
        throw new IllegalArgumentException("more than two '::' separators");
      }
      Optional<String> jsonKey = parts.length == 3 ? Optional.of(parts[2]) : Optional.empty();
      Matcher identifier = IDENTIFIER.matcher(parts[0]);
      if (identifier.matches()) {
        if (parts.length == 3) {
          throw new IllegalArgumentException(
              "a secret identifier takes at most one '::<json-key>' after it");
        }
        Optional<String> version =
            Optional.ofNullable(identifier.group(3)).filter(v -> !v.isEmpty());
        return new SecretReference(
            vault(identifier.group(1)),
            identifier.group(2),
            version,
            parts.length == 2 ? Optional.of(parts[1]) : Optional.empty());
      }
      if (parts.length < 2) {
        throw new IllegalArgumentException(
            "expected <vault-uri>::<secret-name>[::<json-key>] or a secret identifier");
      }
      return new SecretReference(vault(parts[0]), parts[1], Optional.empty(), jsonKey);
    } catch (IllegalArgumentException e) {
      throw new ResolutionException.InvalidReference(configKey, e.getMessage());
    }
  }

  /**
   * As written in a configuration: {@code <vault-uri>::<secret>[::<json-key>]}, or an identifier.
   */
  public String written() {
    String secret =
        version
            .map(v -> vaultUri + "/secrets/" + name + "/" + v)
            .orElse(vaultUri + SEPARATOR + name);
    return secret + jsonKey.map(k -> SEPARATOR + k).orElse("");
  }

  /** As a Kafka Connect placeholder: {@code ${coffer:<written form>}}. */
  public String placeholder() {
    return "${" + KAFKA_PROVIDER + ":" + written() + "}";
  }

  /** For messages: vault and secret (and version, and key), never a value. */
  public String describe() {
    return "secret '"
        + name
        + "'"
        + version.map(v -> " version " + v).orElse("")
        + jsonKey.map(k -> " (JSON key '" + k + "')").orElse("")
        + " in "
        + vaultUri;
  }

  /** The same secret (and version), without the JSON key: what is fetched. */
  public SecretReference secret() {
    return new SecretReference(vaultUri, name, version, Optional.empty());
  }

  private static String unwrapped(String value) {
    Matcher placeholder = PLACEHOLDER.matcher(value);
    return placeholder.matches() ? placeholder.group(1) : value;
  }

  private static String vault(String text) {
    URI uri;
    try {
      uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the vault URI is not a URI");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("the vault URI must be https://<host>[:port]");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
      throw new IllegalArgumentException("the vault URI has no path; put the name after '::'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException("the vault URI has no query, fragment or user");
    }
    return "https://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
  }
}
