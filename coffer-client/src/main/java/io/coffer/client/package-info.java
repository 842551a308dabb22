/**
 * Resolves data-tool configuration from any Key-Vault-compatible vault (Azure Key Vault or Coffer)
 * with the official Azure SDK.
 *
 * <ul>
 *   <li>{@link io.coffer.client.SecretReference}: {@code <vault>::<secret>[::<json-key>]} and
 *       versioned secret identifiers, bare or as Kafka Connect's {@code ${coffer:...}};
 *   <li>{@link io.coffer.client.VaultSettings} and {@link io.coffer.client.VaultAccess}: the
 *       credential the seed tools build (client secret, managed identity, default chain);
 *   <li>{@link io.coffer.client.SecretCache}: TTL, refresh ahead, single flight, stale-on-error,
 *       metrics;
 *   <li>{@link io.coffer.client.ConfigResolver}: a whole configuration, as the connectors' {@code
 *       secret.manager.*} settings ({@link io.coffer.client.SecretManagerScope}) allow.
 * </ul>
 *
 * Tool-specific parts live in {@code airflow}, {@code openmetadata}, {@code kafka}, {@code jdbc},
 * {@code dbinfo}, {@code files} and {@code migrate}. Secret values are held in memory only and
 * appear in no message or {@code toString()}.
 */
package io.coffer.client;
