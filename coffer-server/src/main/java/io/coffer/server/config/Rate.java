package io.coffer.server.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A request budget: at most {@code requests} per {@code window}, written like {@code 4000/10s}. */
public record Rate(int requests, Duration window) {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})/(\\d{1,6})(ms|s|m)");

  public Rate {
    if (requests < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a rate needs at least one request per positive window");
    }
  }

  /**
   * @throws ConfigException naming {@code setting} when the text is not {@code <n>/<duration>}
   */
  public static Rate parse(String setting, String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Long.parseLong(m.group(2)) < 1) {
      throw new ConfigException(
          setting,
          "'" + text + "' is not a rate",
          "write requests/window, e.g. 4000/10s or 100/1s");
    }
    long amount = Long.parseLong(m.group(2));
    Duration window =
        switch (m.group(3)) {
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        };
    return new Rate(Integer.parseInt(m.group(1)), window);
  }

  @Override
  public String toString() {
    return requests + "/" + window.toMillis() + "ms";
  }
}
