package io.coffer.server.rotation;

import io.coffer.server.CofferException.BadRequest;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What an administrator sets for a secret: the PostgreSQL database and the role whose privileges
 * the logins carry, the secret holding an administrator's login there ({@code {"user": ...,
 * "password": ...}}, in the same vault), how often to rotate, how long the previous login keeps
 * working after a rotation, and how many days before the secret's expiry to rotate early.
 */
public record RotationPolicy(
    String jdbcUrl,
    String role,
    String adminSecret,
    Duration every,
    Duration grace,
    int nearExpiryDays) {

  /** A role name Coffer writes into SQL unquoted: lower-case letters, digits and underscores. */
  static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,55}");

  public RotationPolicy {
    if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new BadRequest("'postgres' is a jdbc:postgresql://host:port/database URL.");
    }
    if (!ROLE.matcher(role).matches()) {
      throw new BadRequest(
          "'role' is 1-56 lower-case letters, digits and underscores, starting with a letter.");
    }
    if (!adminSecret.matches("[0-9a-zA-Z-]{1,127}")) {
      throw new BadRequest("'adminSecret' is the name of a secret in the same vault.");
    }
    if (every.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new BadRequest("'every' is at least 10 seconds.");
    }
    if (grace.isNegative() || grace.isZero() || grace.compareTo(every) >= 0) {
      throw new BadRequest(
          "'grace' is positive and shorter than 'every': the login two rotations old is changed"
              + " at the next rotation, so its grace must have ended by then.");
    }
    if (nearExpiryDays < 0 || nearExpiryDays > 365) {
      throw new BadRequest("'nearExpiryDays' is 0-365.");
    }
  }

  /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, or ISO-8601 ({@code P30D}). */
  public static Duration duration(String field, String text) {
    String t = text.trim();
    try {
      if (t.startsWith("P") || t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      }
      long amount = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
        case 'd' -> Duration.ofDays(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 's' -> Duration.ofSeconds(amount);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new BadRequest("'" + field + "' is a span such as 30d, 12h, 90m or 45s.");
    }
  }
}
