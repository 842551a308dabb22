package io.coffer.server.http;

import static io.coffer.server.http.ConsoleHtml.BASE;
import static io.coffer.server.http.ConsoleHtml.escape;
import static io.coffer.server.http.ConsolePages.require;
import static io.coffer.server.http.ConsolePages.vaultPath;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.authz.Action;
import io.coffer.server.authz.Permission;
import io.coffer.server.authz.Role;
import io.coffer.server.http.ConsoleHtml.Chrome;
import io.coffer.server.http.ConsoleSessions.Session;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may do what in a vault: its role assignments (at vault or secret scope) or its access
 * policies, with add and remove for administrators through the management API; everyone else sees
 * what their own access allows.
 */
final class ConsoleAccessPages implements ConsoleRoutes.PageGroup {
  private final Vaults vaults;
  private final ConsoleVaultPages vaultPages;
  private ConsoleRoutes console;

  ConsoleAccessPages(Vaults vaults, ConsoleVaultPages vaultPages) {
    this.vaults = vaults;
    this.vaultPages = vaultPages;
  }

  @Override
  public void routes(ConsoleRoutes routes, List<Route> into) {
    this.console = routes;
    String access = "/vaults/{vault}/access";
    into.add(routes.get(access, "ConsoleAccess", this::page));
    into.add(routes.post(access + "/roles", "ConsoleRoleAssign", this::assign));
    into.add(routes.post(access + "/roles/{id}/remove", "ConsoleRoleRemove", this::unassign));
    into.add(routes.post(access + "/policies", "ConsolePolicySet", this::setPolicy));
    into.add(
        routes.post(access + "/policies/{principal}/remove", "ConsolePolicyRemove", this::remove));
  }

  private void page(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    StringBuilder main = new StringBuilder("<h1>").append(escape(vault.name())).append("</h1>");
    main.append(ConsoleVaultPages.vaultTabs(vault, "access"));
    main.append("<p>Permission model: <strong>")
        .append(vault.rbac() ? "Azure RBAC" : "Access policies")
        .append("</strong>.</p>");
    main.append(yourAccess(session, vault));
    if (!console.administrator(session)) {
      main.append(
          ConsoleHtml.notice(
              "info",
              "Access to vaults is managed by Coffer administrators. Ask one for a role, e.g."
                  + " Key Vault Secrets User to read values.",
              "status"));
    } else {
      Map<String, String> names = principalNames(exchange, session, vault);
      main.append(
          vault.rbac()
              ? roles(exchange, session, vault, names)
              : policies(exchange, session, vault, names));
    }
    ConsoleHtml.page(
        exchange,
        200,
        session,
        console.administrator(session),
        new Chrome(
            vault.name() + " access",
            "vaults",
            List.<String[]>of(
                new String[] {"Vaults", BASE + "/"},
                new String[] {vault.name(), vaultPath(vault.name())})),
        main.toString());
  }

  private String yourAccess(Session session, Vault vault) {
    String[][] actions = {
      {"List secrets and read their attributes", Action.READ_METADATA.name()},
      {"Read values", Action.GET_SECRET.name()},
      {"Create secrets and versions", Action.SET_SECRET.name()},
      {"Change attributes and tags", Action.UPDATE.name()},
      {"Delete", Action.DELETE.name()},
      {"Recover deleted secrets", Action.RECOVER.name()},
      {"Purge deleted secrets", Action.PURGE.name()}
    };
    List<List<String>> rows = new ArrayList<>();
    for (String[] action : actions) {
      boolean allowed = vaultPages.may(session, Action.valueOf(action[1]), vault, Optional.empty());
      rows.add(
          List.of(
              escape(action[0]),
              allowed
                  ? ConsoleHtml.badge("good", "Allowed")
                  : ConsoleHtml.badge("off", "Not allowed")));
    }
    return "<h2>Your access</h2>"
        + ConsoleHtml.table("Your access to " + vault.name(), List.of("Action", "You"), rows);
  }

  private Map<String, String> principalNames(Exchange exchange, Session session, Vault vault) {
    JsonNode principals =
        require(
            console
                .api()
                .admin(
                    session,
                    "GET",
                    "/tenants/" + vault.tenantId() + "/principals",
                    Map.of(),
                    Optional.empty(),
                    exchange.clientAddress()));
    Map<String, String> names = new LinkedHashMap<>();
    for (JsonNode p : principals.path("value")) {
      String label =
          p.path("displayName").asText()
              + (p.path("userName").asText().isEmpty()
                  ? ""
                  : " <" + p.path("userName").asText() + ">")
              + " — "
              + p.path("kind").asText();
      names.put(p.path("objectId").asText(), label);
    }
    return names;
  }

  private String roles(Exchange exchange, Session session, Vault vault, Map<String, String> names) {
    JsonNode assignments =
        require(
            console
                .api()
                .admin(
                    session,
                    "GET",
                    "/vaults/" + vault.name() + "/role-assignments",
                    Map.of(),
                    Optional.empty(),
                    exchange.clientAddress()));
    StringBuilder html = new StringBuilder("<h2>Role assignments</h2>");
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode a : assignments.path("value")) {
      String id = a.path("id").asText();
      rows.add(
          List.of(
              escape(
                  names.getOrDefault(
                      a.path("principalId").asText(), a.path("principalId").asText())),
              escape(a.path("role").asText()),
              "<code>" + escape(a.path("scope").asText()) + "</code>",
              ConsoleHtml.button(
                  session,
                  vaultPath(vault.name()) + "/access/roles/" + id + "/remove",
                  "Remove",
                  "secondary",
                  "")));
    }
    html.append(
        rows.isEmpty()
            ? ConsoleHtml.empty("<p>No one has a role on this vault yet. Add one below.</p>")
            : ConsoleHtml.table(
                "Role assignments of " + vault.name(),
                List.of("Principal", "Role", "Scope", "Remove"),
                rows));
    List<String[]> roles = new ArrayList<>();
    for (Role role : Role.values()) {
      roles.add(new String[] {role.displayName(), role.displayName()});
    }
    html.append("<h2>Add a role assignment</h2><form class=\"panel\" method=\"post\" action=\"")
        .append(vaultPath(vault.name()))
        .append("/access/roles\">")
        .append(ConsoleHtml.csrf(session))
        .append("<div class=\"grid\">")
        .append(ConsoleHtml.select("principal", "Principal", options(names), ""))
        .append(
            ConsoleHtml.select("role", "Role", roles, Role.KEY_VAULT_SECRETS_USER.displayName()))
        .append(
            ConsoleHtml.input(
                "secret", "Secret (optional)", "text", "", "Empty: the whole vault.", false))
        .append("</div><div class=\"actions\"><button type=\"submit\">Assign role</button></div>")
        .append("</form>");
    return html.toString();
  }

  private String policies(
      Exchange exchange, Session session, Vault vault, Map<String, String> names) {
    JsonNode policies =
        require(
            console
                .api()
                .admin(
                    session,
                    "GET",
                    "/vaults/" + vault.name() + "/access-policies",
                    Map.of(),
                    Optional.empty(),
                    exchange.clientAddress()));
    StringBuilder html = new StringBuilder("<h2>Access policies</h2>");
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode p : policies.path("value")) {
      List<String> permissions = new ArrayList<>();
      p.path("permissions").forEach(x -> permissions.add(x.asText()));
      String objectId = p.path("objectId").asText();
      rows.add(
          List.of(
              escape(names.getOrDefault(objectId, objectId)),
              escape(String.join(", ", permissions)),
              ConsoleHtml.button(
                  session,
                  vaultPath(vault.name()) + "/access/policies/" + objectId + "/remove",
                  "Remove",
                  "secondary",
                  "")));
    }
    html.append(
        rows.isEmpty()
            ? ConsoleHtml.empty("<p>No access policies yet. Add one below.</p>")
            : ConsoleHtml.table(
                "Access policies of " + vault.name(),
                List.of("Principal", "Secret permissions", "Remove"),
                rows));
    html.append("<h2>Set an access policy</h2><form class=\"panel\" method=\"post\" action=\"")
        .append(vaultPath(vault.name()))
        .append("/access/policies\">")
        .append(ConsoleHtml.csrf(session))
        .append(ConsoleHtml.select("principal", "Principal", options(names), ""))
        .append("<fieldset><legend>Secret permissions</legend><div class=\"grid\">");
    for (Permission permission : Permission.values()) {
      html.append(
          ConsoleHtml.checkbox(
              "perm-" + permission.wireName(),
              permission.wireName(),
              permission.wireName().equals("get") || permission.wireName().equals("list")));
    }
    html.append("</div></fieldset><div class=\"actions\"><button type=\"submit\">Save policy")
        .append("</button></div></form>");
    return html.toString();
  }

  private static List<String[]> options(Map<String, String> names) {
    List<String[]> options = new ArrayList<>();
    names.forEach((id, label) -> options.add(new String[] {id, label}));
    return options;
  }

  private void assign(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("principal", form.getOrDefault("principal", ""));
    body.put("role", form.getOrDefault("role", ""));
    String secret = form.getOrDefault("secret", "").strip();
    if (!secret.isEmpty()) {
      body.put("secret", secret);
    }
    admin(
        exchange, session, vault, "POST", "/role-assignments", Optional.of(body), "Role assigned.");
  }

  private void unassign(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    admin(
        exchange,
        session,
        vault,
        "DELETE",
        "/role-assignments/" + exchange.pathParameter("id"),
        Optional.empty(),
        "Role assignment removed.");
  }

  private void setPolicy(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    List<String> permissions = new ArrayList<>();
    for (Permission permission : Permission.values()) {
      if ("true".equals(form.get("perm-" + permission.wireName()))) {
        permissions.add(permission.wireName());
      }
    }
    admin(
        exchange,
        session,
        vault,
        "PUT",
        "/access-policies/" + form.getOrDefault("principal", ""),
        Optional.of(Map.of("permissions", permissions)),
        "Access policy saved.");
  }

  private void remove(Exchange exchange, Session session, Map<String, String> form) {
    Vault vault = ConsolePages.vault(vaults, session, exchange.pathParameter("vault"));
    admin(
        exchange,
        session,
        vault,
        "DELETE",
        "/access-policies/" + exchange.pathParameter("principal"),
        Optional.empty(),
        "Access policy removed.");
  }

  private void admin(
      Exchange exchange,
      Session session,
      Vault vault,
      String method,
      String path,
      Optional<Object> body,
      String done) {
    require(
        console
            .api()
            .admin(
                session,
                method,
                "/vaults/" + vault.name() + path,
                Map.of(),
                body,
                exchange.clientAddress()));
    session.flash(done);
    exchange.header("Location", vaultPath(vault.name()) + "/access").empty(303);
  }
}
