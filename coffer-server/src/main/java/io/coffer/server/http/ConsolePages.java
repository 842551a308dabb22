package io.coffer.server.http;

import static io.coffer.server.http.ConsoleHtml.BASE;
import static io.coffer.server.http.ConsoleHtml.badge;
import static io.coffer.server.http.ConsoleHtml.escape;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.server.http.ConsoleApi.Answer;
import io.coffer.server.http.ConsoleSessions.Session;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the console's pages share: refusals as pages, a vault of the user's, secrets' dates. */
final class ConsolePages {
  /** A secret that expires within this is flagged. */
  static final Duration NEAR_EXPIRY = Duration.ofDays(30);

  private static final DateTimeFormatter LOCAL_INPUT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

  private ConsolePages() {}

  /** The page for any failure on a console path: what happened, in words, and a way on. */
  static void failure(Exchange exchange, int status, String message) {
    String title =
        switch (status) {
          case 400 -> "That could not be done";
          case 401 -> "Sign in again";
          case 403 -> "Not allowed";
          case 404 -> "Not found";
          case 405 -> "Not available";
          case 409 -> "Conflict";
          case 429 -> "Too many requests";
          default -> status >= 500 ? "Something went wrong" : "That could not be done";
        };
    String next =
        status == 401
            ? "<a href=\"" + BASE + "/signin\">Sign in again</a>"
            : "<a href=\"" + BASE + "/\">Back to your vaults</a>";
    ConsoleHtml.bare(
        exchange,
        status,
        title,
        "<h1>"
            + escape(title)
            + "</h1>"
            + ConsoleHtml.notice("error", message, "alert")
            + "<p>"
            + next
            + "</p>");
  }

  /**
   * The body of a successful answer.
   *
   * @throws CofferException the API's refusal, in its own words, for the failure page
   */
  static JsonNode require(Answer answer) {
    if (answer.ok()) {
      return answer.body();
    }
    throw refusal(answer);
  }

  static CofferException refusal(Answer answer) {
    String message = answer.message();
    return switch (answer.status()) {
      case 400, 413 -> new CofferException.BadRequest(message);
      case 401 -> new CofferException.Unauthenticated(message);
      case 403 ->
          new CofferException.Forbidden(
              "You are not allowed to do this. " + firstLine(message), CofferException.Reason.NONE);
      case 404 -> new CofferException.NotFound(message);
      case 409 -> new CofferException.Conflict(message, CofferException.Reason.NONE);
      case 429 -> new CofferException.Throttled(message, Duration.ofSeconds(5));
      default -> new CofferException.Unavailable(message, Duration.ofSeconds(5));
    };
  }

  /** Key Vault's 403 text runs over several lines; the first says it, the rest names ids. */
  static String firstLine(String message) {
    int end = message.indexOf("\r\n");
    return end > 0 ? message.substring(0, end) : message;
  }

  /** A vault of the signed-in person's tenant, or 404 (other tenants' vaults are not theirs). */
  static Vault vault(Vaults vaults, Session session, String name) {
    return vaults
        .find(name)
        .filter(v -> v.tenantId().equals(session.tenantId))
        .orElseThrow(() ->
            new CofferException.NotFound("There is no vault named '" + name + "' in your tenant."));
  }

  static String vaultPath(String vault) {
    return BASE + "/vaults/" + vault;
  }

  static String secretPath(String vault, String name) {
    return vaultPath(vault) + "/secrets/" + name;
  }

  /** The last segment of a secret or version identifier, e.g. the name from {@code .../name}. */
  static String segment(String id, int fromEnd) {
    String[] parts = id.split("/");
    return parts.length > fromEnd ? parts[parts.length - 1 - fromEnd] : "";
  }

  static Optional<Instant> seconds(JsonNode attributes, String field) {
    JsonNode value = attributes.path(field);
    return value.isNumber() ? Optional.of(Instant.ofEpochSecond(value.asLong())) : Optional.empty();
  }

  /** The badges of a secret's state: disabled, expired, expiring soon, not yet active. */
  static String badges(JsonNode attributes, Instant now) {
    List<String> badges = new ArrayList<>();
    if (!attributes.path("enabled").asBoolean(true)) {
      badges.add(badge("off", "Disabled"));
    }
    Optional<Instant> exp = seconds(attributes, "exp");
    if (exp.isPresent() && !exp.get().isAfter(now)) {
      badges.add(badge("bad", "Expired"));
    } else if (exp.isPresent() && exp.get().isBefore(now.plus(NEAR_EXPIRY))) {
      badges.add(badge("warn", "Expires soon"));
    }
    Optional<Instant> nbf = seconds(attributes, "nbf");
    if (nbf.isPresent() && nbf.get().isAfter(now)) {
      badges.add(badge("warn", "Not yet active"));
    }
    if (badges.isEmpty()) {
      badges.add(badge("good", "Enabled"));
    }
    return String.join(" ", badges);
  }

  /** An expiry with how far off it is: "2027-01-01 00:00 UTC (in 28 days)". */
  static String expiry(JsonNode attributes, Instant now) {
    return seconds(attributes, "exp")
        .map(exp ->
            ConsoleHtml.time(Optional.of(exp))
                + " <span class=\"muted\">("
                + (exp.isAfter(now)
                    ? "expires " + ConsoleHtml.relative(exp, now)
                    : "expired " + ConsoleHtml.relative(exp, now))
                + ")</span>")
        .orElse("<span class=\"muted\">never</span>");
  }

  static String tags(JsonNode tags) {
    if (!tags.isObject() || tags.isEmpty()) {
      return "<span class=\"muted\">none</span>";
    }
    List<String> shown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> tag : tags.properties()) {
      shown.add(
          "<code>" + escape(tag.getKey()) + "=" + escape(tag.getValue().asText()) + "</code>");
    }
    return String.join(" ", shown);
  }

  /** Tags as the edit box shows them: one {@code name=value} a line. */
  static String tagLines(JsonNode tags) {
    StringBuilder lines = new StringBuilder();
    for (Map.Entry<String, JsonNode> tag : tags.properties()) {
      lines.append(tag.getKey()).append('=').append(tag.getValue().asText()).append('\n');
    }
    return lines.toString();
  }

  /** Tags from the edit box; a line without '=' is refused with its number. */
  static Map<String, String> parseTags(String text) {
    Map<String, String> tags = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new CofferException.BadRequest(
            "Tag line " + (i + 1) + " is not of the form name=value.");
      }
      tags.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    return tags;
  }

  /** A date and time typed into a datetime-local field, read as UTC; empty when blank. */
  static Optional<Long> parseTime(String field, String label) {
    String text = field.strip();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(text, LOCAL_INPUT).toEpochSecond(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      try {
        return Optional.of(LocalDateTime.parse(text).toEpochSecond(ZoneOffset.UTC));
      } catch (DateTimeParseException again) {
        throw new CofferException.BadRequest(
            label + " must be a date and time such as 2027-01-31T12:00 (UTC).");
      }
    }
  }

  /** A time for a datetime-local field's value. */
  static String inputTime(JsonNode attributes, String field) {
    return seconds(attributes, field)
        .map(t -> LOCAL_INPUT.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC)))
        .orElse("");
  }
}
