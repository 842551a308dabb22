package io.coffer.client.kafka;

import com.github.benmanes.caffeine.cache.Ticker;
import io.coffer.client.ConfigResolver;
import io.coffer.client.ResolutionException;
import io.coffer.client.SecretCache;
import io.coffer.client.VaultAccess;
import io.coffer.client.VaultSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * A Kafka {@link ConfigProvider}: {@code ${coffer:<vault>:<secret>[/<json-key>]}} in a connector or
 * worker configuration becomes the secret's value; with no {@code <vault>}, the configured {@code
 * vault.url} is used. Kafka's placeholder syntax reserves {@code :}, so a vault is named, not
 * written as a URL: {@code <vault>.<vault.domain>}.
 *
 * <p>Worker configuration ({@code config.providers=coffer}, {@code
 * config.providers.coffer.class=io.coffer.client.kafka.CofferConfigProvider}, then {@code
 * config.providers.coffer.param.<setting>}): {@code vault.url}, {@code vault.domain} (may carry a
 * port), the {@link VaultSettings} credential settings, and {@code cache.ttl.ms} (default 5 min).
 * Every answer carries that TTL, so Connect restarts a connector after it and the restarted
 * connector reads the rotated secret. The provider's cache follows Coffer's change channel ({@code
 * changes.follow}, default true), so the value a restart reads is the rotated one even when the
 * cache's own TTL has not run out; Connect itself asks providers for nothing between restarts.
 */
public final class CofferConfigProvider implements ConfigProvider {
  private static final String KEY_SEPARATOR = "/";

  private String domain;
  private String defaultVault;
  private long ttlMillis;
  private ConfigResolver resolver;
  private SecretCache cache;

  @Override
  public void configure(Map<String, ?> configs) {
    Map<String, String> settings = new HashMap<>();
    configs.forEach((k, v) -> settings.put(k, v == null ? null : v.toString()));
    VaultSettings vault;
    try {
      vault = VaultSettings.from(settings, "");
    } catch (IllegalArgumentException e) {
      throw new ConfigException("coffer config provider: " + e.getMessage());
    }
    domain = settings.getOrDefault("vault.domain", VaultSettings.DEFAULT_DOMAIN);
    defaultVault = vault.vaultUrl().orElse("");
    ttlMillis = Long.parseLong(settings.getOrDefault("cache.ttl.ms", "300000"));
    VaultAccess access = VaultAccess.from(vault);
    cache =
        new SecretCache(
            access::fetch,
            Duration.ofMillis(ttlMillis),
            Duration.ofHours(1),
            10_000,
            Ticker.systemTicker(),
            ForkJoinPool.commonPool());
    if (!"false".equalsIgnoreCase(settings.get("changes.follow"))) {
      cache.followChanges(access.changes());
    }
    resolver = new ConfigResolver(cache);
  }

  /** Listing a whole vault into a configuration is not offered; name the secrets. */
  @Override
  public ConfigData get(String path) {
    return new ConfigData(Map.of(), ttlMillis);
  }

  @Override
  public ConfigData get(String path, Set<String> keys) {
    String vault = path == null || path.isEmpty() ? defaultVault : "https://" + path + "." + domain;
    if (vault.isEmpty()) {
      throw new ConfigException(
          "coffer config provider: no vault in the placeholder and no vault.url configured");
    }
    Map<String, String> references = new HashMap<>();
    for (String key : keys) {
      int slash = key.indexOf(KEY_SEPARATOR);
      references.put(
          key,
          slash < 0
              ? vault + "::" + key
              : vault + "::" + key.substring(0, slash) + "::" + key.substring(slash + 1));
    }
    try {
      return new ConfigData(resolver.resolve(references), ttlMillis);
    } catch (ResolutionException e) {
      throw new ConfigException("coffer config provider: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (cache != null) {
      cache.close();
    }
  }
}
