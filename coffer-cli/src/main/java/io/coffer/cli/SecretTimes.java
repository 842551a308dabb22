package io.coffer.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Times as {@code coffer secret} takes and shows them: a moment is an ISO date ({@code 2027-03-01},
 * midnight UTC), an ISO date-time with its zone ({@code 2027-03-01T12:00:00Z}) or a span from now
 * ({@code 90d}); a span is {@code <n>s|m|h|d|w} or ISO-8601 ({@code P90D}).
 */
final class SecretTimes {
  private static final Pattern SPAN = Pattern.compile("(\\d{1,9})([smhdw])");
  private static final long DAY_SECONDS = Duration.ofDays(1).toSeconds();

  private SecretTimes() {}

  static Duration span(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    Matcher match = SPAN.matcher(value);
    if (match.matches()) {
      long n = Long.parseLong(match.group(1));
      return switch (match.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
    }
    try {
      return Duration.parse(value.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + text + "' is not a span of time: write 90d, 12h, 30m or P90D");
    }
  }

  static OffsetDateTime moment(String text, Instant now) {
    String value = text.trim();
    if (SPAN.matcher(value.toLowerCase(Locale.ROOT)).matches()
        || value.toUpperCase(Locale.ROOT).startsWith("P")) {
      return now.plus(span(value)).atOffset(ZoneOffset.UTC);
    }
    try {
      return value.contains("T")
          ? OffsetDateTime.parse(value)
          : LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'"
              + text
              + "' is not a time: write 2027-03-01, 2027-03-01T12:00:00Z (with its zone) or a"
              + " span from now such as 90d");
    }
  }

  /** {@code expires in 12 days}, {@code expired}, or nothing for a secret that never expires. */
  static String expiry(OffsetDateTime expires, Instant now) {
    if (expires == null) {
      return "";
    }
    long days = daysLeft(expires, now);
    return days <= 0 ? "expired" : "expires in " + days + (days == 1 ? " day" : " days");
  }

  /** Whole days left, counting a started day: a secret set to expire in 90d has 90 left. */
  static long daysLeft(OffsetDateTime expires, Instant now) {
    long seconds = Duration.between(now, expires.toInstant()).toSeconds();
    return seconds <= 0 ? 0 : (seconds + DAY_SECONDS - 1) / DAY_SECONDS;
  }

  /** For {@code --expires} and {@code --not-before}: a moment, as of the time the command runs. */
  static final class MomentConverter implements ITypeConverter<OffsetDateTime> {
    @Override
    public OffsetDateTime convert(String value) {
      return moment(value, Instant.now());
    }
  }

  /** For {@code --expiring-within}. */
  static final class SpanConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return span(value);
    }
  }
}
