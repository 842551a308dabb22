package io.coffer.server.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.server.CofferException;
import io.coffer.server.config.Guardrails;
import io.coffer.server.config.Rate;
import io.coffer.server.testing.RunningCoffer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request budgets answer 429 with Retry-After, and the official SDK rides them out. */
class ThrottleTest {
  @TempDir Path dir;

  @Test
  void a_budget_allows_a_burst_then_its_rate_and_says_how_long_to_wait() {
    AtomicLong now = new AtomicLong();
    Throttle throttle =
        new Throttle(Optional.of(new Rate(3, Duration.ofSeconds(3))), Optional.empty(), now::get);
    for (int i = 0; i < 3; i++) {
      throttle.admit("p", "v");
    }
    assertThatThrownBy(() -> throttle.admit("p", "v"))
        .isInstanceOfSatisfying(
            CofferException.Throttled.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
    throttle.admit("another principal", "v");
    now.addAndGet(Duration.ofMillis(1_000).toNanos());
    throttle.admit("p", "v");
    assertThatThrownBy(() -> throttle.admit("p", "v"))
        .isInstanceOf(CofferException.Throttled.class);
  }

  @Test
  void a_vault_budget_is_shared_by_every_caller() {
    AtomicLong now = new AtomicLong();
    Throttle throttle =
        new Throttle(Optional.empty(), Optional.of(new Rate(2, Duration.ofSeconds(10))), now::get);
    throttle.admit("a", "v");
    throttle.admit("b", "v");
    assertThatThrownBy(() -> throttle.admit("c", "v"))
        .isInstanceOfSatisfying(
            CofferException.Throttled.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
  }

  @Test
  void the_server_answers_429_with_retry_after_and_the_sdk_retries_through_it() {
    Guardrails budget =
        new Guardrails(
            false, Optional.of(new Rate(4, Duration.ofSeconds(1))), Optional.empty(), 0, 0);
    try (RunningCoffer coffer = RunningCoffer.start(dir.resolve("data"), budget)) {
      SecretClient client = coffer.secretClient();
      client.setSecret("budgeted", "value");
      String token = coffer.token();
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(
            coffer.send(
                HttpRequest.newBuilder(
                        URI.create(coffer.vaultUrl() + "/secrets/budgeted?api-version=7.4"))
                    .header("Authorization", "Bearer " + token)
                    .build()));
      }
      HttpResponse<String> throttled =
          answers.stream().filter(a -> a.statusCode() == 429).findFirst().orElseThrow();
      assertThat(throttled.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(throttled.body()).contains("\"code\":\"Throttled\"");

      // The SDK's retry policy honours Retry-After: every call succeeds, none is lost.
      for (int i = 0; i < 10; i++) {
        assertThat(client.getSecret("budgeted").getValue()).isEqualTo("value");
      }
    }
  }
}
