package io.coffer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** TTL, refresh ahead, single flight, stale-on-error and metrics, on a controlled clock. */
class SecretCacheTest {
  private static final SecretReference DB =
      new SecretReference("https://v.vault.azure.net", "db", Optional.empty(), Optional.empty());

  private final AtomicLong now = new AtomicLong(1);
  private final Ticker ticker = now::get;
  private final AtomicReference<String> vault = new AtomicReference<>("v1");
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  private SecretCache cache(Duration ttl, Duration staleFor) {
    return new SecretCache(
        ref -> {
          calls.incrementAndGet();
          if (failure.get() != null) {
            throw failure.get();
          }
          return vault.get();
        },
        ttl,
        staleFor,
        100,
        ticker,
        Runnable::run);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void a_value_is_served_from_memory_within_its_ttl_and_a_rotation_is_seen_after_it() {
    SecretCache cache = cache(Duration.ofMinutes(5), Duration.ofHours(1));
    assertThat(cache.get(DB)).isEqualTo("v1");
    vault.set("v2");
    advance(Duration.ofMinutes(3));
    assertThat(cache.get(DB)).isEqualTo("v1");
    advance(Duration.ofMinutes(2).plusSeconds(1));
    assertThat(cache.get(DB)).isEqualTo("v2");
  }

  @Test
  void a_read_after_most_of_the_ttl_refreshes_ahead_of_expiry() {
    SecretCache cache = cache(Duration.ofMinutes(5), Duration.ofHours(1));
    cache.get(DB);
    vault.set("v2");
    advance(Duration.ofMinutes(4).plusSeconds(30));
    cache.get(DB); // triggers the refresh (here on the caller's thread)
    assertThat(cache.metrics().refreshes()).isEqualTo(1);
    assertThat(cache.get(DB)).isEqualTo("v2");
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void when_the_vault_fails_the_last_value_is_served_for_a_bounded_time() {
    SecretCache cache = cache(Duration.ofMinutes(5), Duration.ofMinutes(10));
    cache.get(DB);
    failure.set(new IllegalStateException("vault down"));
    advance(Duration.ofMinutes(6));
    assertThat(cache.get(DB)).isEqualTo("v1");
    assertThat(cache.metrics().staleServed()).isEqualTo(1);
    advance(Duration.ofMinutes(10));
    assertThatThrownBy(() -> cache.get(DB)).hasMessage("vault down");
    assertThat(cache.metrics().errors()).isGreaterThanOrEqualTo(2);
    failure.set(null);
    assertThat(cache.get(DB)).isEqualTo("v1");
  }

  @Test
  void many_threads_asking_for_one_secret_cause_one_vault_call() throws Exception {
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SecretCache cache =
        new SecretCache(
            ref -> {
              calls.incrementAndGet();
              inCall.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "v1";
            },
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            100,
            ticker,
            Runnable::run);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      answers.add(pool.submit(() -> cache.get(DB)));
    }
    inCall.await();
    Thread.sleep(100);
    release.countDown();
    for (Future<String> answer : answers) {
      assertThat(answer.get()).isEqualTo("v1");
    }
    pool.shutdown();
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void the_json_key_and_version_less_forms_share_one_entry() {
    SecretCache cache = cache(Duration.ofMinutes(5), Duration.ofHours(1));
    cache.get(DB);
    cache.get(
        new SecretReference(
            "https://v.vault.azure.net", "db", Optional.empty(), Optional.of("user")));
    assertThat(calls.get()).isEqualTo(1);
    assertThat(cache.metrics()).isEqualTo(new CacheMetrics(1, 1, 0, 0, 0, 1, 0));
  }
}
