package io.coffer.server.audit;

import java.time.Clock;
import java.time.Instant;

/**
 * The time of an audit record, written as {@link Instant#toString()} writes it, at a fraction of
 * its cost: the date and time of day are formatted once a second and only the fraction per record
 * (formatting the whole instant was 1 % of a GET).
 */
public final class AuditClock {
  private record Second(long epochSecond, String text) {}

  private final Clock clock;
  private volatile Second second = new Second(Long.MIN_VALUE, "");

  public AuditClock(Clock clock) {
    this.clock = clock;
  }

  /** Now, as {@code Instant.now(clock).toString()}. */
  public String now() {
    return format(clock.instant());
  }

  String format(Instant instant) {
    long epochSecond = instant.getEpochSecond();
    Second current = second;
    if (current.epochSecond() != epochSecond) {
      String whole = Instant.ofEpochSecond(epochSecond).toString(); // "…T10:00:00Z"
      current = new Second(epochSecond, whole.substring(0, whole.length() - 1));
      second = current;
    }
    int nano = instant.getNano();
    if (nano == 0 || current.text().length() != 19) {
      // No fraction, or a year outside 0000-9999, which Instant writes differently: leave it to it.
      return nano == 0 ? current.text() + "Z" : instant.toString();
    }
    // In groups of three digits, as many as the value needs.
    int digits = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    int fraction = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano;
    StringBuilder text = new StringBuilder(31).append(current.text()).append('.');
    String number = Integer.toString(fraction);
    for (int pad = number.length(); pad < digits; pad++) {
      text.append('0');
    }
    return text.append(number).append('Z').toString();
  }
}
