package io.coffer.server.http;

import static io.coffer.server.http.ConsoleHtml.BASE;
import static io.coffer.server.http.ConsoleHtml.badge;
import static io.coffer.server.http.ConsoleHtml.escape;
import static io.coffer.server.http.ConsolePages.require;
import static io.coffer.server.http.ConsolePages.secretPath;
import static io.coffer.server.http.ConsolePages.vaultPath;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.server.authz.Action;
import io.coffer.server.authz.Authorizer;
import io.coffer.server.http.ConsoleApi.Answer;
import io.coffer.server.http.ConsoleHtml.Chrome;
import io.coffer.server.http.ConsoleSessions.Session;
import io.coffer.server.identity.Directory;
import io.coffer.server.identity.Principal;
import io.coffer.server.identity.PublicClients;
import io.coffer.server.secrets.SecretCount;
import io.coffer.server.secrets.SecretService;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The console's vault pages: the vaults of the user's tenant, a vault's secrets (filter by name
 * prefix, paging by the API's own skip tokens) with the new-secret form, and its deleted secrets
 * with recover and purge. Every listing is the API's listing, with the user's token.
 */
final class ConsoleVaultPages implements ConsoleRoutes.PageGroup {
  private static final int PAGE = 25;
  private static final int MAX_TRAIL = 50;

  private final Vaults vaults;
  private final SecretService secrets;
  private final Authorizer authorizer;
  private final Directory directory;
  private final Clock clock;
  private ConsoleRoutes console;

  ConsoleVaultPages(
      Vaults vaults,
      SecretService secrets,
      Authorizer authorizer,
      Directory directory,
      Clock clock) {
    this.vaults = vaults;
    this.secrets = secrets;
    this.authorizer = authorizer;
    this.directory = directory;
    this.clock = clock;
  }

  @Override
  public void routes(ConsoleRoutes routes, List<Route> into) {
    this.console = routes;
    into.add(routes.get("", "ConsoleVaults", this::vaultList));
    into.add(routes.get("/vaults/{vault}", "ConsoleSecrets", this::secretList));
    into.add(routes.post("/vaults/{vault}/secrets", "ConsoleSecretCreate", this::create));
    into.add(routes.get("/vaults/{vault}/deleted", "ConsoleDeletedSecrets", this::deletedList));
    into.add(
        routes.post(
            "/vaults/{vault}/deleted/{name}/recover", "ConsoleSecretRecover", this::recover));
    into.add(
        routes.get("/vaults/{vault}/deleted/{name}/purge", "ConsoleSecretPurge", this::purgeAsk));
    into.add(
        routes.post("/vaults/{vault}/deleted/{name}/purge", "ConsoleSecretPurge", this::purge));
  }

  /** Whether the person may do {@code action}: which buttons to offer; the API still decides. */
  boolean may(Session session, Action action, Vault vault, Optional<String> secret) {
    Principal principal = new Principal(session.objectId, session.tenantId, PublicClients.CONSOLE);
    return authorizer.decide(principal, action, vault, secret).allowed();
  }

  private void vaultList(Exchange exchange, Session session, Map<String, String> form) {
    List<Vault> mine =
        vaults.all().stream()
            .filter(v -> v.tenantId().equals(session.tenantId))
            .sorted(Comparator.comparing(Vault::name))
            .toList();
    String tenant = directory.tenant(session.tenantId).map(t -> t.name()).orElse(session.tenantId);
    StringBuilder main = new StringBuilder("<h1>Vaults</h1>");
    main.append("<p class=\"muted\">Vaults of tenant <strong>")
        .append(escape(tenant))
        .append("</strong>. What you can see and do in each is what your roles or access policies")
        .append(" allow.</p>");
    if (mine.isEmpty()) {
      main.append(
          ConsoleHtml.empty(
              "<p><strong>Your tenant has no vaults yet.</strong></p><p>An administrator creates"
                  + " one with <code>coffer admin vault create &lt;name&gt; --tenant "
                  + escape(tenant)
                  + "</code> and gives you a role on it, e.g. <code>coffer admin role assign"
                  + " --vault &lt;name&gt; --principal "
                  + escape(session.userName)
                  + " --role \"Key Vault Secrets User\"</code>.</p>"));
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (Vault vault : mine) {
        Answer probe =
            console
                .api()
                .vault(
                    session,
                    vault.name(),
                    "GET",
                    "/secrets",
                    Map.of("maxresults", "1"),
                    Optional.empty(),
                    exchange.clientAddress());
        String count;
        if (probe.ok()) {
          SecretCount counts = secrets.count(vault);
          count =
              String.format(Locale.ROOT, "%,d", counts.live())
                  + (counts.deleted() > 0
                      ? " <span class=\"muted\">(" + counts.deleted() + " deleted)</span>"
                      : "");
        } else {
          count = "<span class=\"muted\">no list access</span>";
        }
        rows.add(
            List.of(
                "<a href=\"" + vaultPath(vault.name()) + "\">" + escape(vault.name()) + "</a>",
                vault.rbac() ? "Azure RBAC" : "Access policies",
                count,
                "Kept "
                    + vault.retentionDays()
                    + " days after deletion"
                    + (vault.purgeProtection()
                        ? " " + badge("good", "Purge protection")
                        : " <span class=\"muted\">(purge allowed)</span>"),
                "<a href=\""
                    + vaultPath(vault.name())
                    + "/deleted\">Deleted</a> · <a href=\""
                    + vaultPath(vault.name())
                    + "/access\">Access</a>"));
      }
      main.append(
          ConsoleHtml.table(
              "Vaults",
              List.of("Name", "Permission model", "Secrets", "~Soft delete", "More"),
              rows));
    }
    ConsoleHtml.page(
        exchange,
        200,
        session,
        console.administrator(session),
        new Chrome("Vaults", "vaults", List.of()),
        main.toString());
  }

  private void secretList(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String prefix = exchange.query("prefix").orElse("").strip();
    Optional<String> after = exchange.query("after").filter(t -> !t.isBlank());
    List<String> trail =
        new ArrayList<>(
            Arrays.stream(exchange.query("trail").orElse("").split(","))
                .filter(t -> !t.isBlank())
                .toList());
    Map<String, String> query = new LinkedHashMap<>();
    query.put("maxresults", Integer.toString(PAGE));
    after
        .or(() -> SecretService.listingFrom(prefix))
        .ifPresent(token -> query.put("$skiptoken", token));
    Answer answer =
        console
            .api()
            .vault(
                session,
                vault.name(),
                "GET",
                "/secrets",
                query,
                Optional.empty(),
                exchange.clientAddress());
    StringBuilder main = new StringBuilder("<h1>").append(escape(vault.name())).append("</h1>");
    main.append(vaultTabs(vault, "secrets"));
    main.append("<form class=\"filter\" method=\"get\" action=\"")
        .append(vaultPath(vault.name()))
        .append("\" role=\"search\">")
        .append(ConsoleHtml.input("prefix", "Name starts with", "text", prefix, "", false))
        .append("<button type=\"submit\">Filter</button>");
    if (!prefix.isEmpty()) {
      main.append("<a href=\"").append(vaultPath(vault.name())).append("\">Clear filter</a>");
    }
    main.append("</form>");
    if (!answer.ok()) {
      main.append(
          ConsoleHtml.notice(
              "error",
              "The vault did not list its secrets for you: "
                  + ConsolePages.firstLine(answer.message()),
              "alert"));
      main.append(openByName(vault));
    } else {
      Instant now = clock.instant();
      List<List<String>> rows = new ArrayList<>();
      boolean pastPrefix = false;
      for (JsonNode item : answer.body().path("value")) {
        String name = ConsolePages.segment(item.path("id").asText(), 0);
        String key = name.toLowerCase(Locale.ROOT);
        if (!key.startsWith(prefix.toLowerCase(Locale.ROOT))) {
          pastPrefix |= key.compareTo(prefix.toLowerCase(Locale.ROOT)) > 0;
          continue;
        }
        JsonNode attributes = item.path("attributes");
        rows.add(
            List.of(
                "<a href=\"" + secretPath(vault.name(), name) + "\">" + escape(name) + "</a>",
                ConsolePages.badges(attributes, now),
                escape(item.path("contentType").asText("")),
                ConsolePages.tags(item.path("tags")),
                ConsoleHtml.time(ConsolePages.seconds(attributes, "created")),
                ConsoleHtml.time(ConsolePages.seconds(attributes, "updated")),
                ConsolePages.expiry(attributes, now)));
      }
      Optional<String> next =
          pastPrefix
              ? Optional.empty()
              : Optional.ofNullable(answer.body().path("nextLink").textValue())
                  .flatMap(ConsoleVaultPages::skipToken);
      if (rows.isEmpty() && after.isEmpty()) {
        main.append(
            ConsoleHtml.empty(
                prefix.isEmpty()
                    ? "<p><strong>This vault holds no secrets yet.</strong></p><p>Create one"
                        + " below, or from a shell: <code>coffer secret set --name db-password"
                        + " --value-file -</code>.</p>"
                    : "<p>No secret's name starts with <strong>"
                        + escape(prefix)
                        + "</strong>. Try a shorter prefix or clear the filter.</p>"));
      } else {
        long total = secrets.count(vault).live();
        int pageNumber = trail.size() + (after.isPresent() ? 2 : 1);
        main.append("<p class=\"muted\" id=\"secrets-range\">Page ").append(pageNumber);
        if (prefix.isEmpty()) {
          long first = (long) (pageNumber - 1) * PAGE + 1;
          main.append(": secrets ")
              .append(
                  String.format(
                      Locale.ROOT, "%,d–%,d of %,d", first, first + rows.size() - 1, total));
        }
        main.append("</p>");
        main.append(
            ConsoleHtml.table(
                "Secrets of " + vault.name(),
                List.of(
                    "Name", "Status", "~Content type", "~Tags", "~Created", "Updated", "Expires"),
                rows));
        main.append(pager(vault, prefix, after, trail, next));
      }
    }
    if (may(session, Action.SET_SECRET, vault, Optional.empty())) {
      main.append(newSecretForm(session, vault));
    }
    ConsoleHtml.page(
        exchange,
        200,
        session,
        console.administrator(session),
        new Chrome(
            vault.name() + " secrets",
            "vaults",
            List.<String[]>of(new String[] {"Vaults", BASE + "/"})),
        main.toString());
  }

  private static String pager(
      Vault vault,
      String prefix,
      Optional<String> after,
      List<String> trail,
      Optional<String> next) {
    StringBuilder pager = new StringBuilder("<nav class=\"pager\" aria-label=\"Pages\">");
    String base = vaultPath(vault.name()) + "?prefix=" + url(prefix);
    if (after.isPresent()) {
      List<String> back = new ArrayList<>(trail);
      String previous = back.isEmpty() ? "" : back.remove(back.size() - 1);
      pager.append("<a href=\"").append(escape(base));
      if (!previous.isEmpty()) {
        pager.append("&amp;after=").append(url(previous));
        pager.append("&amp;trail=").append(url(String.join(",", back)));
      }
      pager.append("\" rel=\"prev\">Previous page</a>");
      pager.append("<a href=\"").append(escape(base)).append("\">First page</a>");
    }
    if (next.isPresent()) {
      List<String> forward = new ArrayList<>(trail);
      after.ifPresent(forward::add);
      while (forward.size() > MAX_TRAIL) {
        forward.remove(0);
      }
      pager
          .append("<a href=\"")
          .append(escape(base))
          .append("&amp;after=")
          .append(url(next.get()))
          .append("&amp;trail=")
          .append(url(String.join(",", forward)))
          .append("\" rel=\"next\">Next page</a>");
    }
    return pager.append("</nav>").toString();
  }

  private static String openByName(Vault vault) {
    return "<form class=\"filter\" method=\"get\" action=\""
        + vaultPath(vault.name())
        + "/open\">"
        + ConsoleHtml.input(
            "open--name",
            "Open a secret by name",
            "text",
            "",
            "If your role is on one secret only.",
            true)
        + "<button type=\"submit\">Open</button></form>";
  }

  private String newSecretForm(Session session, Vault vault) {
    return "<details id=\"new-secret\"><summary>New secret</summary><form class=\"panel\""
        + " method=\"post\" action=\""
        + vaultPath(vault.name())
        + "/secrets\">"
        + ConsoleHtml.csrf(session)
        + "<div class=\"grid\">"
        + ConsoleHtml.input("name", "Name", "text", "", "1-127 letters, digits and dashes.", true)
        + ConsoleHtml.input(
            "contentType", "Content type", "text", "", "Optional, e.g. text/plain.", false)
        + ConsoleHtml.input("nbf", "Activation date (UTC)", "datetime-local", "", "", false)
        + ConsoleHtml.input("exp", "Expiration date (UTC)", "datetime-local", "", "", false)
        + "</div>"
        + ConsoleHtml.textarea("value", "Secret value", "", "", true)
        + ConsoleHtml.textarea("tags", "Tags", "", "One name=value a line.", false)
        + ConsoleHtml.checkbox("enabled", "Enabled", true)
        + "<div class=\"actions\"><button type=\"submit\">Create secret</button></div></form>"
        + "</details>";
  }

  private void create(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = form.getOrDefault("name", "").strip();
    require(
        console
            .api()
            .vault(
                exchange,
                session,
                vault.name(),
                "PUT",
                "/secrets/" + name,
                Optional.of(ConsoleSecretPages.newVersionBody(form))));
    session.flash("Secret '" + name + "' created.");
    exchange.header("Location", secretPath(vault.name(), name)).empty(303);
  }

  private void deletedList(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    Map<String, String> query = new LinkedHashMap<>();
    query.put("maxresults", Integer.toString(PAGE));
    exchange.query("after").filter(t -> !t.isBlank()).ifPresent(t -> query.put("$skiptoken", t));
    JsonNode page =
        require(
            console
                .api()
                .vault(
                    session,
                    vault.name(),
                    "GET",
                    "/deletedsecrets",
                    query,
                    Optional.empty(),
                    exchange.clientAddress()));
    StringBuilder main = new StringBuilder("<h1>").append(escape(vault.name())).append("</h1>");
    main.append(vaultTabs(vault, "deleted"));
    main.append("<p class=\"muted\">Deleted secrets are kept ")
        .append(vault.retentionDays())
        .append(" days and can be recovered until then.")
        .append(
            vault.purgeProtection()
                ? " Purge protection is on: they cannot be purged before that."
                : " They can also be purged (removed for good) before that.")
        .append("</p>");
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode item : page.path("value")) {
      String name = ConsolePages.segment(item.path("id").asText(), 0);
      StringBuilder actions = new StringBuilder("<div class=\"actions\">");
      if (may(session, Action.RECOVER, vault, Optional.of(name))) {
        actions.append(
            ConsoleHtml.button(
                session,
                vaultPath(vault.name()) + "/deleted/" + name + "/recover",
                "Recover <span class=\"sr\">" + escape(name) + "</span>",
                "secondary",
                ""));
      }
      if (!vault.purgeProtection() && may(session, Action.PURGE, vault, Optional.of(name))) {
        actions
            .append("<a class=\"button secondary\" href=\"")
            .append(vaultPath(vault.name()))
            .append("/deleted/")
            .append(name)
            .append("/purge\">Purge… <span class=\"sr\">")
            .append(escape(name))
            .append("</span></a>");
      }
      actions.append("</div>");
      rows.add(
          List.of(
              escape(name),
              ConsoleHtml.time(seconds(item, "deletedDate")),
              ConsoleHtml.time(seconds(item, "scheduledPurgeDate")),
              actions.toString()));
    }
    if (rows.isEmpty()) {
      main.append(
          ConsoleHtml.empty(
              "<p><strong>No deleted secrets.</strong></p><p>A secret you delete stays here for "
                  + vault.retentionDays()
                  + " days, so it can be recovered.</p>"));
    } else {
      main.append(
          ConsoleHtml.table(
              "Deleted secrets of " + vault.name(),
              List.of("Name", "Deleted", "Purged automatically", "Actions"),
              rows));
      Optional.ofNullable(page.path("nextLink").textValue())
          .flatMap(ConsoleVaultPages::skipToken)
          .ifPresent(token ->
              main.append("<nav class=\"pager\" aria-label=\"Pages\"><a rel=\"next\" href=\"")
                  .append(vaultPath(vault.name()))
                  .append("/deleted?after=")
                  .append(url(token))
                  .append("\">Next page</a></nav>"));
    }
    ConsoleHtml.page(
        exchange,
        200,
        session,
        console.administrator(session),
        new Chrome(
            vault.name() + " deleted secrets",
            "vaults",
            List.<String[]>of(
                new String[] {"Vaults", BASE + "/"},
                new String[] {vault.name(), vaultPath(vault.name())})),
        main.toString());
  }

  private void recover(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    require(
        console
            .api()
            .vault(
                exchange,
                session,
                vault.name(),
                "POST",
                "/deletedsecrets/" + name + "/recover",
                Optional.empty()));
    session.flash("Secret '" + name + "' recovered.");
    exchange.header("Location", secretPath(vault.name(), name)).empty(303);
  }

  private void purgeAsk(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    String main =
        "<h1>Purge "
            + escape(name)
            + "?</h1>"
            + (vault.purgeProtection()
                ? ConsoleHtml.notice(
                    "info",
                    "This vault has purge protection: deleted secrets cannot be purged before"
                        + " their retention ends. The vault will refuse.",
                    "status")
                : "")
            + "<p>Purging removes the secret and all its versions for good. It cannot be"
            + " recovered afterwards.</p><form class=\"panel\" method=\"post\" action=\""
            + vaultPath(vault.name())
            + "/deleted/"
            + name
            + "/purge\">"
            + ConsoleHtml.csrf(session)
            + ConsoleHtml.input(
                "confirm",
                "Type the secret's name to confirm",
                "text",
                "",
                "The name is " + name + ".",
                true)
            + "<div class=\"actions\"><button type=\"submit\" class=\"danger\">Purge for"
            + " good</button><a href=\""
            + vaultPath(vault.name())
            + "/deleted\">Cancel</a></div></form>";
    ConsoleHtml.page(
        exchange,
        200,
        session,
        console.administrator(session),
        new Chrome(
            "Purge " + name,
            "vaults",
            List.<String[]>of(
                new String[] {"Vaults", BASE + "/"},
                new String[] {vault.name(), vaultPath(vault.name())},
                new String[] {"Deleted secrets", vaultPath(vault.name()) + "/deleted"})),
        main);
  }

  private void purge(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    String name = exchange.pathParameter("name");
    if (!form.getOrDefault("confirm", "").strip().equalsIgnoreCase(name)) {
      throw new CofferException.BadRequest(
          "The name typed does not match '" + name + "', so nothing was purged.");
    }
    require(
        console
            .api()
            .vault(
                exchange,
                session,
                vault.name(),
                "DELETE",
                "/deletedsecrets/" + name,
                Optional.empty()));
    session.flash("Secret '" + name + "' purged.");
    exchange.header("Location", vaultPath(vault.name()) + "/deleted").empty(303);
  }

  /** The tabs of a vault's pages. */
  static String vaultTabs(Vault vault, String current) {
    StringBuilder tabs = new StringBuilder("<nav class=\"actions\" aria-label=\"Vault\">");
    String[][] items = {
      {"secrets", "Secrets", vaultPath(vault.name())},
      {"deleted", "Deleted secrets", vaultPath(vault.name()) + "/deleted"},
      {"access", "Access", vaultPath(vault.name()) + "/access"}
    };
    for (String[] item : items) {
      tabs.append("<a class=\"button")
          .append(item[0].equals(current) ? "\" aria-current=\"page\"" : " secondary\"")
          .append(" href=\"")
          .append(item[2])
          .append("\">")
          .append(item[1])
          .append("</a>");
    }
    return tabs.append("</nav>").toString();
  }

  private static Optional<Instant> seconds(JsonNode item, String field) {
    return item.path(field).isNumber()
        ? Optional.of(Instant.ofEpochSecond(item.path(field).asLong()))
        : Optional.empty();
  }

  /** The {@code $skiptoken} of a {@code nextLink}. */
  static Optional<String> skipToken(String nextLink) {
    int at = nextLink.indexOf("$skiptoken=");
    if (at < 0) {
      return Optional.empty();
    }
    String token = nextLink.substring(at + "$skiptoken=".length());
    int end = token.indexOf('&');
    return Optional.of(end < 0 ? token : token.substring(0, end));
  }

  static String url(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
