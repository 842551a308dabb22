package io.coffer.server.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed delivery is tried again: Event Grid's schedule (10 s, 30 s, 1 min, 5 min, 10 min,
 * 30 min, 1 h, then hourly), each step with up to a tenth added at random so that endpoints coming
 * back are not hit by every retry at once. {@code COFFER_EVENT_RETRY_MS} (comma-separated
 * milliseconds) replaces the steps, for tests and for receivers that need other pacing.
 */
public record RetrySchedule(List<Duration> steps) {
  public static final RetrySchedule EVENT_GRID =
      new RetrySchedule(
          List.of(
              Duration.ofSeconds(10),
              Duration.ofSeconds(30),
              Duration.ofMinutes(1),
              Duration.ofMinutes(5),
              Duration.ofMinutes(10),
              Duration.ofMinutes(30),
              Duration.ofHours(1)));

  public RetrySchedule {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a retry schedule has at least one step");
    }
    steps = List.copyOf(steps);
  }

  /** From {@code COFFER_EVENT_RETRY_MS} when set, else Event Grid's. */
  public static RetrySchedule from(java.util.Map<String, String> environment) {
    String custom = environment.get("COFFER_EVENT_RETRY_MS");
    if (custom == null || custom.isBlank()) {
      return EVENT_GRID;
    }
    List<Duration> steps = new ArrayList<>();
    for (String step : custom.split(",")) {
      steps.add(Duration.ofMillis(Long.parseLong(step.trim())));
    }
    return new RetrySchedule(steps);
  }

  /** The wait after the {@code attempts}-th failed attempt; the last step repeats. */
  Duration after(int attempts) {
    Duration step = steps.get(Math.min(attempts, steps.size()) - 1);
    long jitter = ThreadLocalRandom.current().nextLong(step.toMillis() / 10 + 1);
    return step.plusMillis(jitter);
  }
}
