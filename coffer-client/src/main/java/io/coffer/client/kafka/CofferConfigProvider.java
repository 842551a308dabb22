package io.coffer.client.kafka;

import com.github.benmanes.caffeine.cache.Ticker;
import io.coffer.client.ConfigResolver;
import io.coffer.client.ResolutionException;
import io.coffer.client.SecretCache;
import io.coffer.client.SecretReference;
import io.coffer.client.VaultAccess;
import io.coffer.client.VaultSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * A Kafka {@link ConfigProvider}: {@code ${coffer:<vault-uri>::<secret>[::<json-key>]}} (or {@code
 * ${coffer:<secret identifier>}}) in a connector or worker configuration becomes the secret's value
 * — the same {@link SecretReference} the other readers take bare, wrapped in the worker's
 * placeholder syntax, which is what {@code coffer migrate --target kafka-connect} writes.
 *
 * <p>Kafka splits a placeholder at its first colons into provider, path and key, so the reference
 * arrives cut in two ({@code https} and {@code //etl.vault.azure.net::warehouse}); it is joined
 * again before it is read.
 *
 * <p>Worker configuration: {@code config.providers=coffer}, {@code
 * config.providers.coffer.class=io.coffer.client.kafka.CofferConfigProvider}, then {@code
 * config.providers.coffer.param.<setting>} for the {@link VaultSettings} credential settings and
 * {@code cache.ttl.ms} (default 5 min). Every answer carries that TTL, after which Connect restarts
 * the connector, and the restarted connector reads the secret as it is then.
 */
public final class CofferConfigProvider implements ConfigProvider {
  private long ttlMillis;
  private ConfigResolver resolver;

  @Override
  public void configure(Map<String, ?> configs) {
    Map<String, String> settings = new HashMap<>();
    configs.forEach((k, v) -> settings.put(k, v == null ? null : v.toString()));
    VaultSettings vault;
    try {
      vault = VaultSettings.from(settings, "");
      ttlMillis = Long.parseLong(settings.getOrDefault("cache.ttl.ms", "300000"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("coffer config provider: " + e.getMessage());
    }
    SecretCache cache =
        new SecretCache(
            VaultAccess.from(vault)::fetch,
            Duration.ofMillis(ttlMillis),
            Duration.ofHours(1),
            10_000,
            Ticker.systemTicker(),
            ForkJoinPool.commonPool());
    resolver = new ConfigResolver(cache);
  }

  /** Listing a whole vault into a configuration is not offered; name the secrets. */
  @Override
  public ConfigData get(String path) {
    return new ConfigData(Map.of(), ttlMillis);
  }

  @Override
  public ConfigData get(String path, Set<String> keys) {
    // Kafka's key → the placeholder as it was written, which the resolver's errors name
    Map<String, String> placeholders = new LinkedHashMap<>();
    for (String key : keys) {
      String reference = path == null || path.isEmpty() ? key : path + ":" + key;
      placeholders.put(key, "${" + SecretReference.KAFKA_PROVIDER + ":" + reference + "}");
    }
    Map<String, String> config = new LinkedHashMap<>();
    placeholders.values().forEach(placeholder -> config.put(placeholder, placeholder));
    Map<String, String> resolved;
    try {
      resolved = resolver.resolve(config);
    } catch (ResolutionException e) {
      throw new ConfigException("coffer config provider: " + e.getMessage());
    }
    Map<String, String> data = new HashMap<>();
    placeholders.forEach((key, placeholder) -> data.put(key, resolved.get(placeholder)));
    return new ConfigData(data, ttlMillis);
  }

  @Override
  public void close() {
    // Nothing held but memory.
  }
}
