package io.coffer.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.github.benmanes.caffeine.cache.Ticker;
import io.coffer.server.testing.RunningCoffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * The integration library following Coffer's change channel: a running cache with a long TTL picks
 * a new version up within seconds; a vault without the channel leaves the cache on its TTL.
 */
class ChangeFeedTest {

  private static SecretCache cache(VaultAccess access, Duration ttl) {
    return new SecretCache(
            access::fetch,
            ttl,
            Duration.ofHours(1),
            100,
            Ticker.systemTicker(),
            ForkJoinPool.commonPool())
        .followChanges(access.changes());
  }

  private static VaultAccess access(RunningCoffer coffer) {
    return VaultAccess.from(
        VaultSettings.from(
            java.util.Map.of(
                "tenant.id", coffer.credentials().tenantId(),
                "client.id", coffer.credentials().clientId(),
                "client.secret", coffer.credentials().clientSecret(),
                "authority.host", coffer.credentials().authorityHost()),
            ""));
  }

  @Test
  void a_new_version_reaches_a_running_cache_within_five_seconds() throws Exception {
    RunningCoffer coffer = RunningCoffer.shared();
    SecretClient client = coffer.secretClient();
    client.setSecret("followed-secret", "first");
    SecretReference reference = SecretReference.parse("x", coffer.vaultUrl() + "::followed-secret");
    try (SecretCache cache = cache(access(coffer), Duration.ofMinutes(10))) {
      assertThat(cache.get(reference)).isEqualTo("first");
      // The follower starts with the first read; give its first poll a moment.
      Thread.sleep(1500);

      long written = System.nanoTime();
      client.setSecret("followed-secret", "second");
      long seen = 0;
      while (System.nanoTime() - written < Duration.ofSeconds(10).toNanos()) {
        if (cache.get(reference).equals("second")) {
          seen = System.nanoTime();
          break;
        }
        Thread.sleep(20);
      }
      long millis = Duration.ofNanos(seen - written).toMillis();
      System.out.println(
          "change-to-cache ms=" + (seen == 0 ? "never" : millis) + " " + cache.metrics());
      assertThat(seen).as("the new version reached the cache").isPositive();
      assertThat(millis).isLessThan(5000);
      assertThat(cache.metrics().changesHeard()).isPositive();
    }
  }

  @Test
  void a_vault_without_the_channel_leaves_the_cache_on_its_ttl() throws Exception {
    List<String> followed = new CopyOnWriteArrayList<>();
    List<String> values = new CopyOnWriteArrayList<>(List.of("old"));
    // A feed whose channel is down: it follows nothing and reports nothing.
    ChangeFeed down =
        (vaultUri, listener) -> {
          followed.add(vaultUri);
          return () -> {};
        };
    try (SecretCache cache =
        new SecretCache(
                ref -> values.get(values.size() - 1),
                Duration.ofMillis(500),
                Duration.ofHours(1),
                100,
                Ticker.systemTicker(),
                Runnable::run)
            .followChanges(down)) {
      SecretReference reference = SecretReference.parse("x", "https://v.vault.azure.net::s");
      assertThat(cache.get(reference)).isEqualTo("old");
      values.add("new");
      assertThat(cache.get(reference)).isEqualTo("old");
      Thread.sleep(700);
      assertThat(cache.get(reference)).isEqualTo("new");
      assertThat(followed).containsExactly("https://v.vault.azure.net");
    }
  }
}
