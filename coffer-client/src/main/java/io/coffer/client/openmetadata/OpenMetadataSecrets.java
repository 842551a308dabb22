package io.coffer.client.openmetadata;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * OpenMetadata's Azure Key Vault secrets manager, in Java: the secret names it builds, the tags it
 * puts on what it stores, and the {@code secret:<name>} references it keeps in its own database.
 * Names follow the OpenMetadata server's {@code SecretsManager.buildSecretId} with the Azure
 * settings: parts joined with {@code -}, no leading separator, every character outside {@code
 * [A-Za-z0-9-]} removed, lower case. An entity's id is {@code <prefix><cluster>-<type>-<name>} —
 * the prefix glued to the cluster name without a separator, as OpenMetadata writes it — and each
 * level of a field path adds {@code -<level>}, the id so far cleaned again: cluster {@code
 * openmetadata}, a Database service {@code mysql_prod}, field {@code authType.password} → {@code
 * openmetadata-database-mysqlprod-authtype-password}.
 *
 * <p>A writer needs Key Vault Secrets Officer; a reader needs only Key Vault Secrets User.
 */
public final class OpenMetadataSecrets {
  /** How OpenMetadata marks a stored value as a reference to a secret. */
  public static final String REFERENCE_PREFIX = "secret:";

  private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9\\-]");
  private static final String SEPARATOR = "-";

  private final SecretClient client;
  private final Optional<String> prefix;
  private final String clusterName;
  private final Map<String, String> tags;

  public OpenMetadataSecrets(
      SecretClient client, Optional<String> prefix, String clusterName, List<String> tags) {
    this.client = client;
    this.prefix = prefix.filter(p -> !p.isEmpty());
    this.clusterName = clusterName;
    this.tags = parseTags(tags);
  }

  /**
   * The name OpenMetadata stores one field of an entity's connection under.
   *
   * @param entityType as OpenMetadata names it: {@code Database}, {@code Dashboard}, {@code bot}...
   * @param entityName the service's (or bot's, pipeline's) name
   * @param fieldPath the field in the connection, nested levels joined with dots: {@code
   *     authType.password}
   */
  public String secretName(String entityType, String entityName, String fieldPath) {
    return fieldId(secretId(entityType, entityName), fieldPath);
  }

  /** The id of an entity's secrets: cluster (with prefix) then the cleaned parts. */
  public String secretId(String... parts) {
    StringBuilder id = new StringBuilder();
    prefix.ifPresent(id::append);
    id.append(clusterName);
    for (String part : parts) {
      id.append(SEPARATOR).append(clean(part));
    }
    return id.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * The name of one field's secret under an entity's id: OpenMetadata descends into a nested object
   * one level at a time, cleaning the id so far together with the level's name.
   */
  public static String fieldId(String secretId, String fieldPath) {
    String id = secretId;
    for (String level : fieldPath.split("\\.")) {
      id = (clean(id) + SEPARATOR + clean(level.toLowerCase(Locale.ROOT))).toLowerCase(Locale.ROOT);
    }
    return id;
  }

  /** Stores a value under a name with the configured tags; returns the reference to keep. */
  public String store(String name, String value) {
    client.setSecret(
        new KeyVaultSecret(name, value).setProperties(new SecretProperties().setTags(tags)));
    return REFERENCE_PREFIX + name;
  }

  /** Reads a value by name or by {@code secret:<name>} reference. */
  public String read(String nameOrReference) {
    String name =
        nameOrReference.startsWith(REFERENCE_PREFIX)
            ? nameOrReference.substring(REFERENCE_PREFIX.length())
            : nameOrReference;
    return client.getSecret(name.startsWith("/") ? name.substring(1) : name).getValue();
  }

  /** {@code [key1:value1,key2:value2]} entries as OpenMetadata reads them; bad entries skipped. */
  public static Map<String, String> parseTags(List<String> entries) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String entry : entries) {
      String[] parts = entry.split(":");
      if (parts.length >= 2) {
        tags.put(parts[0], parts[1]);
      }
    }
    return tags;
  }

  /** {@code "[a:b,c:d]"}, as the setting is written in OpenMetadata's configuration. */
  public static List<String> tagList(String setting) {
    String inner = setting.trim();
    if (inner.startsWith("[") && inner.endsWith("]")) {
      inner = inner.substring(1, inner.length() - 1);
    }
    return Arrays.stream(inner.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String clean(String part) {
    return NOT_ALLOWED.matcher(part).replaceAll("");
  }
}
