package io.coffer.server.http;

import static io.coffer.server.http.ConsoleHtml.BASE;
import static io.coffer.server.http.ConsoleHtml.escape;
import static io.coffer.server.http.ConsolePages.require;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.server.http.ConsoleHtml.Chrome;
import io.coffer.server.http.ConsoleSessions.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The administrators' pages, each a client of the management API with the signed-in person's own
 * token (which the API refuses unless they are an administrator): principals and their client
 * secrets (a new one shown once), and the audit trail with its hash chain's verification.
 */
final class ConsoleAdminPages implements ConsoleRoutes.PageGroup {
  private ConsoleRoutes console;

  @Override
  public void routes(ConsoleRoutes routes, List<Route> into) {
    this.console = routes;
    into.add(routes.get("/principals", "ConsolePrincipals", this::principals));
    into.add(routes.post("/principals", "ConsolePrincipalCreate", this::createApp));
    into.add(routes.get("/principals/{principal}", "ConsolePrincipal", this::principalPage));
    into.add(
        routes.post("/principals/{principal}/secrets", "ConsoleClientSecretAdd", this::addSecret));
    into.add(
        routes.post(
            "/principals/{principal}/secrets/{id}/remove",
            "ConsoleClientSecretRemove",
            this::removeSecret));
    into.add(routes.get("/audit", "ConsoleAudit", this::audit));
  }

  private JsonNode call(
      Exchange exchange,
      Session session,
      String method,
      String path,
      Map<String, String> query,
      Optional<Object> body) {
    return require(
        console.api().admin(session, method, path, query, body, exchange.clientAddress()));
  }

  private void render(
      Exchange exchange,
      Session session,
      String title,
      String section,
      List<String[]> crumbs,
      String main) {
    ConsoleHtml.page(
        exchange,
        200,
        session,
        console.administrator(session),
        new Chrome(title, section, crumbs),
        main);
  }

  private void principals(Exchange exchange, Session session, Map<String, String> form) {
    JsonNode tenants = call(exchange, session, "GET", "/tenants", Map.of(), Optional.empty());
    StringBuilder main = new StringBuilder("<h1>Principals</h1>");
    List<String[]> tenantOptions = new ArrayList<>();
    for (JsonNode tenant : tenants.path("value")) {
      String name = tenant.path("name").asText();
      tenantOptions.add(new String[] {name, name});
      JsonNode principals =
          call(
              exchange,
              session,
              "GET",
              "/tenants/" + name + "/principals",
              Map.of(),
              Optional.empty());
      main.append("<h2>Tenant ").append(escape(name)).append("</h2>");
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode p : principals.path("value")) {
        rows.add(
            List.of(
                "<a href=\""
                    + BASE
                    + "/principals/"
                    + escape(p.path("objectId").asText())
                    + "\">"
                    + escape(p.path("displayName").asText())
                    + "</a>"
                    + (p.path("userName").asText().isEmpty()
                        ? ""
                        : " <span class=\"muted\">"
                            + escape(p.path("userName").asText())
                            + "</span>"),
                escape(p.path("kind").asText()),
                "<code>" + escape(p.path("clientId").asText()) + "</code>",
                (p.path("enabled").asBoolean()
                        ? ConsoleHtml.badge("good", "Enabled")
                        : ConsoleHtml.badge("off", "Disabled"))
                    + (p.path("administrator").asBoolean()
                        ? " " + ConsoleHtml.badge("warn", "Administrator")
                        : "")));
      }
      main.append(
          rows.isEmpty()
              ? ConsoleHtml.empty(
                  "<p>No principals in this tenant yet. Create an application below.</p>")
              : ConsoleHtml.table(
                  "Principals of " + name, List.of("Name", "Kind", "~Client id", "State"), rows));
    }
    main.append("<h2>Create an application</h2><form class=\"panel\" method=\"post\" action=\"")
        .append(BASE)
        .append("/principals\">")
        .append(ConsoleHtml.csrf(session))
        .append("<div class=\"grid\">")
        .append(ConsoleHtml.select("tenant", "Tenant", tenantOptions, ""))
        .append(ConsoleHtml.input("displayName", "Display name", "text", "", "", true))
        .append("</div><div class=\"actions\"><button type=\"submit\">Create application")
        .append("</button></div></form>");
    render(exchange, session, "Principals", "principals", List.of(), main.toString());
  }

  private void createApp(Exchange exchange, Session session, Map<String, String> form) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("displayName", form.getOrDefault("displayName", "").strip());
    body.put("kind", "ServicePrincipal");
    JsonNode created =
        call(
            exchange,
            session,
            "POST",
            "/tenants/" + form.getOrDefault("tenant", "") + "/principals",
            Map.of(),
            Optional.of(body));
    session.flash(
        "Application '"
            + created.path("displayName").asText()
            + "' created. Add a client secret"
            + " for it to sign in with.");
    exchange
        .header("Location", BASE + "/principals/" + created.path("objectId").asText())
        .empty(303);
  }

  /** The principal's page, with the client secret just added to it shown this once. */
  private void principalPage(Exchange exchange, Session session, Map<String, String> form) {
    String id = exchange.pathParameter("principal");
    Optional<String> created = session.takeReveal(BASE + "/principals/" + id);
    JsonNode p = call(exchange, session, "GET", "/principals/" + id, Map.of(), Optional.empty());
    String objectId = p.path("objectId").asText();
    StringBuilder main = new StringBuilder("<h1>").append(escape(p.path("displayName").asText()));
    main.append("</h1>");
    created.ifPresent(secret ->
        main.append("<section class=\"notice ok\" role=\"status\"><p><strong>New client secret.")
            .append(" Copy it now: it is shown only this once.</strong></p><pre class=\"value\"")
            .append(" id=\"new-client-secret\">")
            .append(escape(secret))
            .append("</pre><div class=\"actions\"><button type=\"button\"")
            .append(" data-copy=\"new-client-secret\">Copy</button><span role=\"status\"")
            .append(" id=\"new-client-secret-copied\"></span></div></section>"));
    main.append("<dl class=\"panel\"><dt>Kind</dt><dd>")
        .append(escape(p.path("kind").asText()))
        .append("</dd><dt>Object id</dt><dd><code>")
        .append(escape(objectId))
        .append("</code></dd><dt>Client id</dt><dd><code>")
        .append(escape(p.path("clientId").asText()))
        .append("</code></dd><dt>Tenant</dt><dd><code>")
        .append(escape(p.path("tenantId").asText()))
        .append("</code></dd><dt>Enabled</dt><dd>")
        .append(p.path("enabled").asBoolean() ? "Yes" : "No")
        .append("</dd><dt>Administrator</dt><dd>")
        .append(p.path("administrator").asBoolean() ? "Yes" : "No")
        .append("</dd><dt>Created</dt><dd>")
        .append(escape(p.path("created").asText()))
        .append("</dd></dl>");
    if (p.path("kind").asText().equals("User")) {
      main.append(
          "<p class=\"muted\">Users sign in with a password and have no client secrets.</p>");
    } else {
      JsonNode secrets =
          call(
              exchange,
              session,
              "GET",
              "/principals/" + objectId + "/secrets",
              Map.of(),
              Optional.empty());
      main.append("<h2>Client secrets</h2>");
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode s : secrets.path("value")) {
        rows.add(
            List.of(
                escape(
                    s.path("displayName").asText().isEmpty()
                        ? "(unnamed)"
                        : s.path("displayName").asText()),
                "<code>" + escape(s.path("hint").asText()) + "</code>",
                escape(s.path("expires").asText()),
                ConsoleHtml.button(
                    session,
                    BASE
                        + "/principals/"
                        + objectId
                        + "/secrets/"
                        + s.path("id").asText()
                        + "/remove",
                    "Remove",
                    "secondary",
                    "")));
      }
      main.append(
          rows.isEmpty()
              ? ConsoleHtml.empty(
                  "<p>No client secrets: this application cannot sign in yet. Add one below.</p>")
              : ConsoleHtml.table(
                  "Client secrets", List.of("Name", "Starts with", "Expires", "Remove"), rows));
      main.append("<h2>Add a client secret</h2><form class=\"panel\" method=\"post\" action=\"")
          .append(BASE)
          .append("/principals/")
          .append(escape(objectId))
          .append("/secrets\">")
          .append(ConsoleHtml.csrf(session))
          .append("<div class=\"grid\">")
          .append(
              ConsoleHtml.input("displayName", "Name", "text", "", "E.g. rotation-2026-12.", false))
          .append(
              ConsoleHtml.input("days", "Valid for (days)", "number", "365", "1 to 3650.", true))
          .append("</div><div class=\"actions\"><button type=\"submit\">Add client secret")
          .append("</button></div></form>");
    }
    render(
        exchange,
        session,
        p.path("displayName").asText(),
        "principals",
        List.<String[]>of(new String[] {"Principals", BASE + "/principals"}),
        main.toString());
  }

  private void addSecret(Exchange exchange, Session session, Map<String, String> form) {
    int days;
    try {
      days = Integer.parseInt(form.getOrDefault("days", "365").strip());
    } catch (NumberFormatException e) {
      throw new CofferException.BadRequest("'Valid for' is a number of days, 1 to 3650.");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("days", days);
    String name = form.getOrDefault("displayName", "").strip();
    if (!name.isEmpty()) {
      body.put("displayName", name);
    }
    JsonNode created =
        call(
            exchange,
            session,
            "POST",
            "/principals/" + exchange.pathParameter("principal") + "/secrets",
            Map.of(),
            Optional.of(body));
    String page = BASE + "/principals/" + exchange.pathParameter("principal");
    session.reveal(page, created.path("clientSecret").asText());
    exchange.header("Location", page).empty(303);
  }

  private void removeSecret(Exchange exchange, Session session, Map<String, String> form) {
    String principal = exchange.pathParameter("principal");
    call(
        exchange,
        session,
        "DELETE",
        "/principals/" + principal + "/secrets/" + exchange.pathParameter("id"),
        Map.of(),
        Optional.empty());
    session.flash("Client secret removed: it no longer signs anyone in.");
    exchange.header("Location", BASE + "/principals/" + principal).empty(303);
  }

  private void audit(Exchange exchange, Session session, Map<String, String> form) {
    Map<String, String> query = new LinkedHashMap<>();
    String from = exchange.query("from").orElse("").strip();
    String to = exchange.query("to").orElse("").strip();
    ConsolePages.parseTime(from, "'From'")
        .ifPresent(t -> query.put("from", Instant.ofEpochSecond(t).toString()));
    ConsolePages.parseTime(to, "'To'")
        .ifPresent(t -> query.put("to", Instant.ofEpochSecond(t).toString()));
    for (String field : List.of("principal", "operation", "secret", "status")) {
      exchange
          .query(field)
          .map(String::strip)
          .filter(v -> !v.isEmpty())
          .ifPresent(v -> query.put(field, v));
    }
    query.put("limit", exchange.query("limit").filter(l -> l.matches("[0-9]{1,3}")).orElse("100"));
    JsonNode verification =
        call(exchange, session, "GET", "/audit/verification", Map.of(), Optional.empty());
    JsonNode found = call(exchange, session, "GET", "/audit", query, Optional.empty());
    StringBuilder main = new StringBuilder("<h1>Audit trail</h1>");
    if (verification.path("intact").asBoolean()) {
      main.append(
          ConsoleHtml.notice(
              "ok",
              "The hash chain verifies: "
                  + verification.path("lines").asLong()
                  + " records, each linked to the one before. Last hash "
                  + verification.path("lastHash").asText()
                  + ".",
              "status"));
    } else {
      main.append(
          ConsoleHtml.notice(
              "error",
              "The hash chain does NOT verify: "
                  + verification.path("brokenFile").asText()
                  + " line "
                  + verification.path("brokenAt").asLong()
                  + ": "
                  + verification.path("problem").asText()
                  + ".",
              "alert"));
    }
    main.append("<form class=\"panel\" method=\"get\" action=\"")
        .append(BASE)
        .append("/audit\" role=\"search\"><div class=\"grid\">")
        .append(ConsoleHtml.input("from", "From (UTC)", "datetime-local", from, "", false))
        .append(ConsoleHtml.input("to", "To (UTC)", "datetime-local", to, "", false))
        .append(field(exchange, "principal", "Principal", "Object id or app id."))
        .append(field(exchange, "operation", "Operation", "Part of a name, e.g. SecretGet."))
        .append(field(exchange, "secret", "Secret name", ""))
        .append(field(exchange, "status", "Status", "E.g. 403 or 4xx."))
        .append("</div><div class=\"actions\"><button type=\"submit\">Search</button><a href=\"")
        .append(BASE)
        .append("/audit\">Clear</a></div></form>");
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode e : found.path("value")) {
      rows.add(
          List.of(
              escape(e.path("time").asText()),
              escape(e.path("operation").asText()),
              "<code>" + escape(e.path("principal").asText()) + "</code>",
              "<code>" + escape(e.path("appId").asText()) + "</code>",
              escape(e.path("vault").asText()),
              escape(e.path("secret").asText()),
              escape(e.path("status").asText())
                  + (e.path("errorCode").asText().isEmpty()
                      ? ""
                      : " <span class=\"muted\">"
                          + escape(e.path("errorCode").asText())
                          + "</span>"),
              escape(e.path("clientAddress").asText())));
    }
    main.append("<h2>Newest first</h2>");
    main.append(
        rows.isEmpty()
            ? ConsoleHtml.empty("<p>No record matches. Widen the time range or clear a field.</p>")
            : ConsoleHtml.table(
                "Audit records",
                List.of(
                    "Time",
                    "Operation",
                    "Principal",
                    "~App",
                    "Vault",
                    "Secret",
                    "Status",
                    "~Client"),
                rows));
    render(exchange, session, "Audit", "audit", List.of(), main.toString());
  }

  private static String field(Exchange exchange, String name, String label, String hint) {
    return ConsoleHtml.input(name, label, "text", exchange.query(name).orElse(""), hint, false);
  }
}
