package io.coffer.server.http;

import static io.coffer.server.http.ConsoleHtml.BASE;
import static io.coffer.server.http.ConsoleHtml.escape;
import static io.coffer.server.http.ConsolePages.require;
import static io.coffer.server.http.ConsolePages.secretPath;
import static io.coffer.server.http.ConsolePages.vaultPath;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.server.authz.Action;
import io.coffer.server.http.ConsoleHtml.Chrome;
import io.coffer.server.http.ConsoleSessions.Session;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One secret in the console: its versions (newest first), attributes and tags; the value stays
 * hidden until "Show" is pressed, which is a {@code SecretGet} of its own and audited as one. New
 * version, attribute and tag changes, disable and enable, delete.
 */
final class ConsoleSecretPages implements ConsoleRoutes.PageGroup {
  /** Versions read for one page, at most (the API's pages of 25). */
  private static final int MAX_VERSION_PAGES = 20;

  private final Vaults vaults;
  private final ConsoleVaultPages vaultPages;
  private final Clock clock;
  private ConsoleRoutes console;

  ConsoleSecretPages(Vaults vaults, ConsoleVaultPages vaultPages, Clock clock) {
    this.vaults = vaults;
    this.vaultPages = vaultPages;
    this.clock = clock;
  }

  @Override
  public void routes(ConsoleRoutes routes, List<Route> into) {
    this.console = routes;
    String secret = "/vaults/{vault}/secrets/{name}";
    into.add(routes.get("/vaults/{vault}/open", "ConsoleSecretOpen", this::open));
    into.add(
        routes.get(secret, "ConsoleSecret", (ex, s, f) -> secretPage(ex, s, Optional.empty())));
    into.add(routes.post(secret + "/show", "ConsoleSecretShow", this::show));
    into.add(routes.post(secret + "/versions", "ConsoleSecretNewVersion", this::newVersion));
    into.add(routes.post(secret + "/attributes", "ConsoleSecretUpdate", this::update));
    into.add(routes.post(secret + "/enabled", "ConsoleSecretEnable", this::enable));
    into.add(routes.get(secret + "/delete", "ConsoleSecretDelete", this::deleteAsk));
    into.add(routes.post(secret + "/delete", "ConsoleSecretDelete", this::delete));
  }

  private void open(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.query("name").orElse("").strip();
    if (!name.matches("[0-9A-Za-z-]{1,127}")) {
      throw new CofferException.BadRequest("A secret's name is 1-127 letters, digits and dashes.");
    }
    exchange.header("Location", secretPath(vault.name(), name)).empty(303);
  }

  /** The secret page; with {@code shown}, the value of the version that was read. */
  private void secretPage(Exchange exchange, Session session, Optional<JsonNode> shown) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    List<JsonNode> versions = versions(exchange, session, vault, name);
    Instant now = clock.instant();
    StringBuilder main = new StringBuilder("<h1>").append(escape(name)).append("</h1>");
    if (versions.isEmpty()) {
      main.append(
          ConsoleHtml.empty(
              "<p><strong>This vault holds no secret named "
                  + escape(name)
                  + ".</strong></p><p>It may have been deleted: look in <a href=\""
                  + vaultPath(vault.name())
                  + "/deleted\">Deleted secrets</a>, or create it from the <a href=\""
                  + vaultPath(vault.name())
                  + "\">vault's page</a>.</p>"));
      render(exchange, session, vault, name, main);
      return;
    }
    JsonNode latest = versions.get(0);
    String selected =
        exchange
            .query("version")
            .or(() -> shown.map(v -> ConsolePages.segment(v.path("id").asText(), 0)))
            .orElse(ConsolePages.segment(latest.path("id").asText(), 0));
    JsonNode current =
        versions.stream()
            .filter(v -> ConsolePages.segment(v.path("id").asText(), 0).equals(selected))
            .findFirst()
            .orElse(latest);
    String version = ConsolePages.segment(current.path("id").asText(), 0);
    boolean isLatest = current == latest;
    JsonNode attributes = current.path("attributes");
    main.append("<p>").append(ConsolePages.badges(attributes, now)).append("</p>");
    main.append(valuePanel(session, vault, name, version, shown));
    main.append("<h2>").append(isLatest ? "Current version" : "Version").append("</h2>");
    main.append("<dl class=\"panel\"><dt>Version</dt><dd><code>")
        .append(escape(version))
        .append("</code>")
        .append(isLatest ? " (current)" : "")
        .append("</dd><dt>Enabled</dt><dd>")
        .append(attributes.path("enabled").asBoolean(true) ? "Yes" : "No")
        .append("</dd><dt>Content type</dt><dd>")
        .append(escape(current.path("contentType").asText("—")))
        .append("</dd><dt>Tags</dt><dd>")
        .append(ConsolePages.tags(current.path("tags")))
        .append("</dd><dt>Created</dt><dd>")
        .append(ConsoleHtml.time(ConsolePages.seconds(attributes, "created")))
        .append("</dd><dt>Updated</dt><dd>")
        .append(ConsoleHtml.time(ConsolePages.seconds(attributes, "updated")))
        .append("</dd><dt>Activates</dt><dd>")
        .append(ConsoleHtml.time(ConsolePages.seconds(attributes, "nbf")))
        .append("</dd><dt>Expires</dt><dd>")
        .append(ConsolePages.expiry(attributes, now))
        .append("</dd><dt>Recovery level</dt><dd>")
        .append(escape(attributes.path("recoveryLevel").asText("")))
        .append("</dd></dl>");
    main.append(actions(session, vault, name, version, current));
    main.append("<h2>Versions</h2>");
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode v : versions) {
      String id = ConsolePages.segment(v.path("id").asText(), 0);
      JsonNode a = v.path("attributes");
      rows.add(
          List.of(
              "<a href=\""
                  + secretPath(vault.name(), name)
                  + "?version="
                  + id
                  + "\"><code>"
                  + escape(id)
                  + "</code></a>"
                  + (v == latest ? " (current)" : ""),
              ConsolePages.badges(a, now),
              ConsoleHtml.time(ConsolePages.seconds(a, "created")),
              ConsolePages.expiry(a, now)));
    }
    main.append(
        ConsoleHtml.table(
            "Versions of " + name, List.of("Version", "Status", "Created", "Expires"), rows));
    render(exchange, session, vault, name, main);
  }

  private void render(
      Exchange exchange, Session session, Vault vault, String name, StringBuilder main) {
    ConsoleHtml.page(
        exchange,
        200,
        session,
        console.administrator(session),
        new Chrome(
            name + " in " + vault.name(),
            "vaults",
            List.<String[]>of(
                new String[] {"Vaults", BASE + "/"},
                new String[] {vault.name(), vaultPath(vault.name())})),
        main.toString());
  }

  /** The value, hidden until shown; showing is a read of the value, audited as SecretGet. */
  private String valuePanel(
      Session session, Vault vault, String name, String version, Optional<JsonNode> shown) {
    StringBuilder panel =
        new StringBuilder("<section class=\"panel\" aria-labelledby=\"value-h\">");
    panel.append("<h2 id=\"value-h\">Value</h2>");
    if (shown.isPresent()) {
      panel
          .append("<pre class=\"value\" id=\"secret-value\">")
          .append(escape(shown.get().path("value").asText()))
          .append(
              "</pre><div class=\"actions\"><button type=\"button\" data-copy=\"secret-value\">")
          .append("Copy</button><a href=\"")
          .append(secretPath(vault.name(), name))
          .append("?version=")
          .append(version)
          .append("\">Hide</a><span role=\"status\" id=\"secret-value-copied\"></span></div>");
    } else if (vaultPages.may(session, Action.GET_SECRET, vault, Optional.of(name))) {
      panel
          .append("<p class=\"muted\">Hidden. Showing it reads the value and is recorded in the")
          .append(" audit trail.</p>")
          .append(
              ConsoleHtml.button(
                  session,
                  secretPath(vault.name(), name) + "/show",
                  "Show value",
                  "",
                  ConsoleHtml.hidden("version", version)));
    } else {
      panel.append("<p class=\"muted\">Your access does not include reading values.</p>");
    }
    return panel.append("</section>").toString();
  }

  private String actions(
      Session session, Vault vault, String name, String version, JsonNode current) {
    boolean update = vaultPages.may(session, Action.UPDATE, vault, Optional.of(name));
    boolean set = vaultPages.may(session, Action.SET_SECRET, vault, Optional.of(name));
    boolean delete = vaultPages.may(session, Action.DELETE, vault, Optional.of(name));
    if (!update && !set && !delete) {
      return "<p class=\"muted\">Your access lets you read this secret, not change it.</p>";
    }
    StringBuilder actions = new StringBuilder("<div class=\"actions\">");
    String path = secretPath(vault.name(), name);
    boolean enabled = current.path("attributes").path("enabled").asBoolean(true);
    if (update) {
      actions.append(
          ConsoleHtml.button(
              session,
              path + "/enabled",
              enabled ? "Disable this version" : "Enable this version",
              "secondary",
              ConsoleHtml.hidden("version", version)
                  + ConsoleHtml.hidden("enabled", Boolean.toString(!enabled))));
    }
    if (delete) {
      actions.append("<a class=\"button secondary\" href=\"").append(path).append("/delete\">");
      actions.append("Delete secret…</a>");
    }
    actions.append("</div>");
    if (set) {
      actions
          .append("<details id=\"new-version\"><summary>New version</summary>")
          .append("<form class=\"panel\" method=\"post\" action=\"")
          .append(path)
          .append("/versions\">")
          .append(ConsoleHtml.csrf(session))
          .append(ConsoleHtml.textarea("nv--value", "New value", "", "", true))
          .append("<div class=\"grid\">")
          .append(
              ConsoleHtml.input(
                  "nv--contentType",
                  "Content type",
                  "text",
                  current.path("contentType").asText(""),
                  "",
                  false))
          .append(
              ConsoleHtml.input(
                  "nv--nbf", "Activation date (UTC)", "datetime-local", "", "", false))
          .append(
              ConsoleHtml.input(
                  "nv--exp", "Expiration date (UTC)", "datetime-local", "", "", false))
          .append("</div>")
          .append(
              ConsoleHtml.textarea(
                  "nv--tags",
                  "Tags",
                  ConsolePages.tagLines(current.path("tags")),
                  "One name=value a line.",
                  false))
          .append(ConsoleHtml.checkbox("nv--enabled", "Enabled", true))
          .append("<div class=\"actions\"><button type=\"submit\">Create version</button></div>")
          .append("</form></details>");
    }
    if (update) {
      JsonNode attributes = current.path("attributes");
      actions
          .append("<details id=\"edit-attributes\"><summary>Edit attributes and tags</summary>")
          .append("<form class=\"panel\" method=\"post\" action=\"")
          .append(path)
          .append("/attributes\">")
          .append(ConsoleHtml.csrf(session))
          .append(ConsoleHtml.hidden("version", version))
          .append("<div class=\"grid\">")
          .append(
              ConsoleHtml.input(
                  "ea--contentType",
                  "Content type",
                  "text",
                  current.path("contentType").asText(""),
                  "",
                  false))
          .append(
              ConsoleHtml.input(
                  "ea--nbf",
                  "Activation date (UTC)",
                  "datetime-local",
                  ConsolePages.inputTime(attributes, "nbf"),
                  "Empty: left as it is.",
                  false))
          .append(
              ConsoleHtml.input(
                  "ea--exp",
                  "Expiration date (UTC)",
                  "datetime-local",
                  ConsolePages.inputTime(attributes, "exp"),
                  "Empty: left as it is.",
                  false))
          .append("</div>")
          .append(
              ConsoleHtml.textarea(
                  "ea--tags",
                  "Tags",
                  ConsolePages.tagLines(current.path("tags")),
                  "One name=value a line.",
                  false))
          .append(ConsoleHtml.checkbox("ea--enabled", "Enabled", enabled))
          .append("<div class=\"actions\"><button type=\"submit\">Save</button></div>")
          .append("</form></details>");
    }
    return actions.toString();
  }

  /** Every version, newest first, through the API's version listing (as many pages as needed). */
  private List<JsonNode> versions(Exchange exchange, Session session, Vault vault, String name) {
    List<JsonNode> all = new ArrayList<>();
    Map<String, String> query = new LinkedHashMap<>();
    query.put("maxresults", "25");
    for (int page = 0; page < MAX_VERSION_PAGES; page++) {
      JsonNode body =
          require(
              console
                  .api()
                  .vault(
                      session,
                      vault.name(),
                      "GET",
                      "/secrets/" + name + "/versions",
                      query,
                      Optional.empty(),
                      exchange.clientAddress()));
      body.path("value").forEach(all::add);
      Optional<String> next =
          Optional.ofNullable(body.path("nextLink").textValue())
              .flatMap(ConsoleVaultPages::skipToken);
      if (next.isEmpty()) {
        break;
      }
      query.put("$skiptoken", next.get());
    }
    List<JsonNode> newestFirst = new ArrayList<>(all);
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  private void show(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    String version = form.getOrDefault("version", "").strip();
    JsonNode bundle =
        require(
            console
                .api()
                .vault(
                    exchange,
                    session,
                    vault.name(),
                    "GET",
                    "/secrets/" + name + (version.isEmpty() ? "" : "/" + version),
                    Optional.empty()));
    secretPage(exchange, session, Optional.of(bundle));
  }

  private void newVersion(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    require(
        console
            .api()
            .vault(
                exchange,
                session,
                vault.name(),
                "PUT",
                "/secrets/" + name,
                Optional.of(newVersionBody(form))));
    session.flash("A new version of '" + name + "' is now current.");
    exchange.header("Location", secretPath(vault.name(), name)).empty(303);
  }

  private void update(Exchange exchange, Session session, Map<String, String> form) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("enabled", "true".equals(form.get("enabled")));
    ConsolePages.parseTime(form.getOrDefault("nbf", ""), "The activation date")
        .ifPresent(t -> attributes.put("nbf", t));
    ConsolePages.parseTime(form.getOrDefault("exp", ""), "The expiration date")
        .ifPresent(t -> attributes.put("exp", t));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("contentType", form.getOrDefault("contentType", "").strip());
    body.put("attributes", attributes);
    body.put("tags", ConsolePages.parseTags(form.getOrDefault("tags", "")));
    patch(exchange, session, form, body, "Attributes and tags saved.");
  }

  private void enable(Exchange exchange, Session session, Map<String, String> form) {
    boolean enabled = "true".equals(form.get("enabled"));
    patch(
        exchange,
        session,
        form,
        Map.of("attributes", Map.of("enabled", enabled)),
        enabled ? "Version enabled." : "Version disabled: no one can read its value now.");
  }

  private void patch(
      Exchange exchange,
      Session session,
      Map<String, String> form,
      Map<String, Object> body,
      String done) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    String version = form.getOrDefault("version", "").strip();
    require(
        console
            .api()
            .vault(
                exchange,
                session,
                vault.name(),
                "PATCH",
                "/secrets/" + name + (version.isEmpty() ? "" : "/" + version),
                Optional.of(body)));
    session.flash(done);
    exchange
        .header(
            "Location",
            secretPath(vault.name(), name) + (version.isEmpty() ? "" : "?version=" + version))
        .empty(303);
  }

  private void deleteAsk(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    StringBuilder main = new StringBuilder("<h1>Delete ").append(escape(name)).append("?</h1>");
    main.append("<p>The secret and all its versions stop being readable at once. It stays in")
        .append(" <strong>Deleted secrets</strong> for ")
        .append(vault.retentionDays())
        .append(" days, where it can be recovered.</p>")
        .append(
            ConsoleHtml.button(
                session, secretPath(vault.name(), name) + "/delete", "Delete secret", "danger", ""))
        .append("<p><a href=\"")
        .append(secretPath(vault.name(), name))
        .append("\">Cancel</a></p>");
    render(exchange, session, vault, name, main);
  }

  private void delete(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    require(
        console
            .api()
            .vault(
                exchange, session, vault.name(), "DELETE", "/secrets/" + name, Optional.empty()));
    session.flash(
        "Secret '"
            + name
            + "' deleted. It can be recovered from Deleted secrets for "
            + vault.retentionDays()
            + " days.");
    exchange.header("Location", vaultPath(vault.name())).empty(303);
  }

  /** The body of a set: value, content type, enabled, dates and tags from a form. */
  static Map<String, Object> newVersionBody(Map<String, String> form) {
    String value = form.getOrDefault("value", "");
    if (value.isEmpty()) {
      throw new CofferException.BadRequest("A secret needs a value.");
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("enabled", "true".equals(form.get("enabled")));
    ConsolePages.parseTime(form.getOrDefault("nbf", ""), "The activation date")
        .ifPresent(t -> attributes.put("nbf", t));
    ConsolePages.parseTime(form.getOrDefault("exp", ""), "The expiration date")
        .ifPresent(t -> attributes.put("exp", t));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("value", value);
    String contentType = form.getOrDefault("contentType", "").strip();
    if (!contentType.isEmpty()) {
      body.put("contentType", contentType);
    }
    body.put("attributes", attributes);
    Map<String, String> tags = ConsolePages.parseTags(form.getOrDefault("tags", ""));
    if (!tags.isEmpty()) {
      body.put("tags", tags);
    }
    return body;
  }
}
