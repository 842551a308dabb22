package io.coffer.server.http;

import io.coffer.server.http.ConsoleSessions.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The console's HTML: one layout, escaping, and the small pieces every page uses (forms that carry
 * the CSRF token, tables, badges, dates). Pages are rendered on the server; the only script is
 * {@code console.js} (a copy button), served from {@code /console/assets}, so the content security
 * policy allows scripts and styles from this origin only and no inline code at all.
 */
final class ConsoleHtml {
  static final String BASE = "/console";

  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  static final String CSS = resource("console.css");
  static final String JS = resource("console.js");
  static final String ICON = resource("favicon.svg");

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** What the layout needs to know of the page. */
  record Chrome(String title, String section, List<String[]> crumbs) {}

  private ConsoleHtml() {}

  /** A whole page for a signed-in person, with the navigation, their name and sign-out. */
  static void page(
      Exchange exchange, int status, Session session, boolean admin, Chrome chrome, String main) {
    StringBuilder top = new StringBuilder();
    top.append("<header class=\"top\"><a class=\"brand\" href=\"")
        .append(BASE)
        .append("/\">Coffer</a><nav aria-label=\"Main\"><ul>");
    navItem(top, chrome, "vaults", BASE + "/", "Vaults");
    if (admin) {
      navItem(top, chrome, "principals", BASE + "/principals", "Principals");
      navItem(top, chrome, "audit", BASE + "/audit", "Audit");
    }
    top.append("</ul></nav><div class=\"who\"><span>")
        .append(escape(session.displayName))
        .append(" <span class=\"muted\">(")
        .append(escape(session.userName))
        .append(")</span></span><form method=\"post\" action=\"")
        .append(BASE)
        .append("/signout\">")
        .append(csrf(session))
        .append("<button type=\"submit\">Sign out</button></form></div></header>");
    StringBuilder body = new StringBuilder();
    if (!chrome.crumbs().isEmpty()) {
      body.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol>");
      for (String[] crumb : chrome.crumbs()) {
        body.append("<li><a href=\"")
            .append(escape(crumb[1]))
            .append("\">")
            .append(escape(crumb[0]))
            .append("</a></li>");
      }
      body.append("</ol></nav>");
    }
    session.takeFlash().ifPresent(message -> body.append(notice("ok", message, "status")));
    body.append(main);
    send(exchange, status, chrome.title(), top.toString(), body.toString());
  }

  /** A page for someone not signed in: sign-in, sign-out, an error before a session exists. */
  static void bare(Exchange exchange, int status, String title, String main) {
    String top =
        "<header class=\"top\"><a class=\"brand\" href=\"" + BASE + "/\">Coffer</a></header>";
    send(exchange, status, title, top, main);
  }

  private static void navItem(
      StringBuilder top, Chrome chrome, String section, String href, String label) {
    top.append("<li><a href=\"").append(href).append('"');
    if (chrome.section().equals(section)) {
      top.append(" aria-current=\"page\"");
    }
    top.append('>').append(label).append("</a></li>");
  }

  private static void send(Exchange exchange, int status, String title, String top, String main) {
    headers(exchange);
    exchange.html(
        status,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            + "<title>"
            + escape(title)
            + " · Coffer</title><link rel=\"icon\" href=\""
            + BASE
            + "/assets/favicon.svg\"><link rel=\"stylesheet\" href=\""
            + BASE
            + "/assets/console.css\"><script src=\""
            + BASE
            + "/assets/console.js\" defer></script></head><body>"
            + "<a class=\"skip\" href=\"#main\">Skip to content</a>"
            + top
            + "<main id=\"main\">"
            + main
            + "</main></body></html>");
  }

  /** The headers of every console answer: no caching, no framing, no referrer to other sites. */
  static void headers(Exchange exchange) {
    exchange
        .header("Content-Security-Policy", POLICY)
        .header("X-Frame-Options", "DENY")
        // same-origin, not no-referrer: under no-referrer a browser's posts say "Origin: null",
        // and the forgery check wants the console's own origin there.
        .header("Referrer-Policy", "same-origin")
        .header("Cross-Origin-Opener-Policy", "same-origin")
        .header("Cache-Control", "no-store")
        .header("Pragma", "no-cache");
  }

  static String csrf(Session session) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(session.csrf) + "\">";
  }

  /** A form with one button that posts to {@code action}, carrying the CSRF token. */
  static String button(Session session, String action, String label, String style, String hidden) {
    return "<form method=\"post\" action=\""
        + escape(action)
        + "\">"
        + csrf(session)
        + hidden
        + "<button type=\"submit\""
        + (style.isEmpty() ? "" : " class=\"" + style + "\"")
        + ">"
        + label
        + "</button></form>";
  }

  static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
  }

  /**
   * The field name of a control id: ids are unique on a page, so a second form's control is {@code
   * <form>--<name>} (e.g. {@code nv--value}) and posts as {@code <name>}.
   */
  static String nameOf(String id) {
    int at = id.indexOf("--");
    return at < 0 ? id : id.substring(at + 2);
  }

  /** A labelled text input; {@code hint} is tied to it for screen readers. */
  static String input(
      String id, String label, String type, String value, String hint, boolean required) {
    StringBuilder field = new StringBuilder("<div><label for=\"");
    field.append(id).append("\">").append(escape(label)).append("</label><input type=\"");
    field.append(type).append("\" id=\"").append(id).append("\" name=\"").append(nameOf(id));
    field.append("\" value=\"").append(escape(value)).append('"');
    if (!hint.isEmpty()) {
      field.append(" aria-describedby=\"").append(id).append("-hint\"");
    }
    if (required) {
      field.append(" required");
    }
    field.append('>');
    if (!hint.isEmpty()) {
      field
          .append("<p class=\"hint\" id=\"")
          .append(id)
          .append("-hint\">")
          .append(escape(hint))
          .append("</p>");
    }
    return field.append("</div>").toString();
  }

  static String textarea(String id, String label, String value, String hint, boolean required) {
    return "<div><label for=\""
        + id
        + "\">"
        + escape(label)
        + "</label><textarea id=\""
        + id
        + "\" name=\""
        + nameOf(id)
        + "\""
        + (hint.isEmpty() ? "" : " aria-describedby=\"" + id + "-hint\"")
        + (required ? " required" : "")
        + ">"
        + escape(value)
        + "</textarea>"
        + (hint.isEmpty()
            ? ""
            : "<p class=\"hint\" id=\"" + id + "-hint\">" + escape(hint) + "</p>")
        + "</div>";
  }

  static String checkbox(String id, String label, boolean checked) {
    return "<div class=\"check\"><input type=\"checkbox\" id=\""
        + id
        + "\" name=\""
        + nameOf(id)
        + "\" value=\"true\""
        + (checked ? " checked" : "")
        + "> <label for=\""
        + id
        + "\">"
        + escape(label)
        + "</label></div>";
  }

  /** A select whose options are {value, label} pairs. */
  static String select(String id, String label, List<String[]> options, String selected) {
    StringBuilder field = new StringBuilder("<div><label for=\"");
    field.append(id).append("\">").append(escape(label)).append("</label><select id=\"");
    field.append(id).append("\" name=\"").append(id).append("\">");
    for (String[] option : options) {
      field.append("<option value=\"").append(escape(option[0])).append('"');
      if (option[0].equals(selected)) {
        field.append(" selected");
      }
      field.append('>').append(escape(option[1])).append("</option>");
    }
    return field.append("</select></div>").toString();
  }

  static String notice(String kind, String text, String role) {
    return "<div class=\"notice " + kind + "\" role=\"" + role + "\">" + escape(text) + "</div>";
  }

  static String empty(String html) {
    return "<div class=\"empty\">" + html + "</div>";
  }

  static String badge(String kind, String text) {
    return "<span class=\"badge " + kind + "\">" + escape(text) + "</span>";
  }

  /** A table with a caption for screen readers; cells are already HTML. */
  static String table(String caption, List<String> headings, List<List<String>> rows) {
    StringBuilder table =
        new StringBuilder("<div class=\"table-wrap\"><table><caption class=\"sr\">");
    table.append(escape(caption)).append("</caption><thead><tr>");
    for (String heading : headings) {
      boolean wide = heading.startsWith("~");
      table
          .append("<th scope=\"col\"")
          .append(wide ? " class=\"wide\"" : "")
          .append('>')
          .append(escape(wide ? heading.substring(1) : heading))
          .append("</th>");
    }
    table.append("</tr></thead><tbody>");
    for (List<String> row : rows) {
      table.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        String heading = i < headings.size() ? headings.get(i) : "";
        boolean wide = heading.startsWith("~");
        // On a narrow window a row becomes a card, each cell led by its heading (data-label).
        table
            .append("<td")
            .append(wide ? " class=\"wide\"" : i == 0 ? " class=\"name\"" : "")
            .append(" data-label=\"")
            .append(escape(wide ? heading.substring(1) : heading))
            .append("\">")
            .append(row.get(i))
            .append("</td>");
      }
      table.append("</tr>");
    }
    return table.append("</tbody></table></div>").toString();
  }

  /** A Unix time as a readable UTC time, or an em dash. */
  static String time(Optional<Instant> instant) {
    return instant.map(TIME::format).orElse("—");
  }

  /** "in 3 days", "2 days ago", "today". */
  static String relative(Instant when, Instant now) {
    long days = Duration.between(now, when).toDays();
    long hours = Duration.between(now, when).toHours();
    if (when.isAfter(now)) {
      return days >= 1
          ? "in " + days + (days == 1 ? " day" : " days")
          : "in " + Math.max(hours, 0) + " h";
    }
    long ago = -days;
    return ago >= 1 ? ago + (ago == 1 ? " day ago" : " days ago") : "today";
  }

  /** HTML escaping for text and double-quoted attribute values. */
  static String escape(String text) {
    return LoginPage.escape(text == null ? "" : text);
  }

  private static String resource(String name) {
    try (InputStream in = ConsoleHtml.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the console asset " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
