package io.coffer.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuditClockTest {
  private final AuditClock clock = new AuditClock(Clock.systemUTC());

  @Test
  void writes_every_instant_as_instant_to_string_does() {
    Random random = new Random(7);
    long[] seconds = {
      0, 1, -1, 1_780_000_000L, 253_402_300_799L, 253_402_300_800L, -62_200_000_000L
    };
    int[] nanos = {0, 1, 999, 1_000, 120_000, 1_000_000, 5_000_000, 123_456_789, 999_999_999};
    for (long second : seconds) {
      for (int nano : nanos) {
        Instant instant = Instant.ofEpochSecond(second, nano);
        assertThat(clock.format(instant)).isEqualTo(instant.toString());
      }
    }
    long now = Instant.now().getEpochSecond();
    for (int i = 0; i < 10_000; i++) {
      // Mostly the same few seconds, as a busy server sees them, with every kind of fraction.
      Instant instant =
          Instant.ofEpochSecond(now + random.nextInt(3), random.nextInt(1_000_000_000));
      assertThat(clock.format(instant)).isEqualTo(instant.toString());
      Instant millis = Instant.ofEpochSecond(now, random.nextInt(1000) * 1_000_000L);
      assertThat(clock.format(millis)).isEqualTo(millis.toString());
    }
  }

  @Test
  void now_is_the_clocks_time() {
    Instant fixed = Instant.parse("2026-12-06T04:05:06.007Z");
    assertThat(new AuditClock(Clock.fixed(fixed, java.time.ZoneOffset.UTC)).now())
        .isEqualTo("2026-12-06T04:05:06.007Z");
  }
}
