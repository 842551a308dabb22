package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.server.KeyRotation;
import io.coffer.server.audit.AuditChain;
import io.coffer.server.audit.AuditSearch;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.authz.Authorizer;
import io.coffer.server.authz.Permission;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.config.Endpoints;
import io.coffer.server.http.AdminViews.AccessPolicyView;
import io.coffer.server.http.AdminViews.AdminCredential;
import io.coffer.server.http.AdminViews.AuditVerificationView;
import io.coffer.server.http.AdminViews.CertificateView;
import io.coffer.server.http.AdminViews.FederatedCredentialView;
import io.coffer.server.http.AdminViews.Listing;
import io.coffer.server.http.AdminViews.NewClientSecret;
import io.coffer.server.http.AdminViews.PrincipalView;
import io.coffer.server.http.AdminViews.RoleAssignmentView;
import io.coffer.server.http.AdminViews.SecretCredentialView;
import io.coffer.server.http.AdminViews.TenantView;
import io.coffer.server.http.AdminViews.VaultView;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.identity.Directory;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.identity.PrincipalKind;
import io.coffer.server.identity.Tenant;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import io.coffer.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coffer's management API under {@code /admin/v1}: tenants, vaults, principals and their
 * credentials, role assignments, access policies, the master key and the audit trail. Every route
 * but bootstrap needs a token for the management resource held by an administrator; every change is
 * logged (never a secret).
 */
final class AdminRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
  private static final String BASE = "/admin/v1";

  private final Directory directory;
  private final Vaults vaults;
  private final Authorizer authorizer;
  private final TokenVerifier verifier;
  private final Endpoints endpoints;
  private final KeyRotation rotation;
  private final AdminAccess access;
  private final AuditTrail audit;

  AdminRoutes(
      Directory directory,
      Vaults vaults,
      Authorizer authorizer,
      TokenVerifier verifier,
      Endpoints endpoints,
      KeyRotation rotation,
      AuditTrail audit) {
    this.rotation = rotation;
    this.audit = audit;
    this.directory = directory;
    this.vaults = vaults;
    this.authorizer = authorizer;
    this.verifier = verifier;
    this.endpoints = endpoints;
    this.access = new AdminAccess(verifier, endpoints);
  }

  List<Route> routes() {
    return List.of(
        Route.post(BASE + "/bootstrap", "Admin POST " + BASE + "/bootstrap", this::bootstrap),
        admin("GET", "/master-key", ex -> rotation.status()),
        admin("POST", "/master-key/rotate", ex -> rotation.rotate()),
        admin("GET", "/tenants", ex -> list(directory.tenants(), TenantView::of)),
        admin("POST", "/tenants", this::createTenant),
        admin("GET", "/tenants/{tenant}/principals", this::listPrincipals),
        admin("POST", "/tenants/{tenant}/principals", this::createPrincipal),
        admin("GET", "/hosts", ex -> hosts()),
        admin("GET", "/audit", this::searchAudit),
        admin("GET", "/audit/verification", ex -> verifyAudit()),
        admin("GET", "/vaults", ex -> list(vaults.all(), this::vaultView)),
        admin("POST", "/vaults", this::createVault),
        admin("GET", "/vaults/{vault}", ex -> vaultView(vault(ex))),
        admin("PATCH", "/vaults/{vault}", this::updateVault),
        admin("GET", "/vaults/{vault}/role-assignments", this::listAssignments),
        admin("POST", "/vaults/{vault}/role-assignments", this::assign),
        admin("DELETE", "/vaults/{vault}/role-assignments/{id}", this::unassign),
        admin("GET", "/vaults/{vault}/access-policies", this::listPolicies),
        admin("PUT", "/vaults/{vault}/access-policies/{principal}", this::setPolicy),
        admin("DELETE", "/vaults/{vault}/access-policies/{principal}", this::removePolicy),
        admin("GET", "/principals/{principal}", ex -> principalView(principal(ex))),
        admin("PATCH", "/principals/{principal}", this::updatePrincipal),
        admin("DELETE", "/principals/{principal}", this::deletePrincipal),
        admin("PUT", "/principals/{principal}/password", this::setPassword),
        admin(
            "DELETE",
            "/principals/{principal}/sign-in-lockout",
            ex -> {
              DirectoryPrincipal user = principal(ex);
              directory.unlock(user);
              return principalView(user);
            }),
        admin(
            "GET",
            "/principals/{principal}/secrets",
            ex -> list(directory.clientSecrets(principal(ex)), SecretCredentialView::of)),
        admin("POST", "/principals/{principal}/secrets", this::addSecret),
        admin("DELETE", "/principals/{principal}/secrets/{id}", this::revokeSecret),
        admin(
            "GET",
            "/principals/{principal}/certificates",
            ex -> list(directory.certificates(principal(ex)), CertificateView::of)),
        admin("POST", "/principals/{principal}/certificates", this::addCertificate),
        admin("DELETE", "/principals/{principal}/certificates/{id}", this::revokeCertificate),
        admin(
            "GET",
            "/principals/{principal}/federated-credentials",
            ex -> list(directory.federatedCredentials(principal(ex)), FederatedCredentialView::of)),
        admin("POST", "/principals/{principal}/federated-credentials", this::addFederated),
        admin(
            "DELETE", "/principals/{principal}/federated-credentials/{id}", this::removeFederated));
  }

  /** A management route: an administrator's token first, then the action; changes are logged. */
  private Route admin(String method, String path, AdminAccess.AdminAction action) {
    return access.route(method, path, action);
  }

  /**
   * Every host name clients reach this server by: the token service (with its cloud's aliases and
   * Resource Manager under a cloud's names) and each vault, for hosts files and DNS.
   */
  private Object hosts() {
    List<String> names = new ArrayList<>(endpoints.serviceHosts());
    vaults.all().forEach(v -> names.add(endpoints.vaultHost(v.name())));
    return java.util.Map.of("hosts", names);
  }

  /**
   * The newest audit records that match the query parameters {@code from}, {@code to} (ISO-8601
   * instants), {@code principal}, {@code operation}, {@code secret}, {@code status} (403 or 4xx)
   * and {@code limit} (100 by default), newest first.
   */
  private Object searchAudit(Exchange exchange) {
    AuditSearch.Query query;
    try {
      query =
          new AuditSearch.Query(
              instant(exchange, "from"),
              instant(exchange, "to"),
              exchange.query("principal").orElse("").strip(),
              exchange.query("operation").orElse("").strip(),
              exchange.query("secret").orElse("").strip(),
              exchange.query("status").orElse("").strip().toLowerCase(java.util.Locale.ROOT),
              Integer.parseInt(exchange.query("limit").filter(l -> !l.isBlank()).orElse("100")));
    } catch (IllegalArgumentException e) {
      throw new CofferException.BadRequest(
          e instanceof NumberFormatException ? "'limit' is a number." : e.getMessage() + ".");
    }
    try {
      return new Listing<>(AuditSearch.search(audit.directory(), query));
    } catch (IOException e) {
      throw new CofferException.Unavailable(
          "The audit trail cannot be read: " + e.getMessage(), Duration.ofSeconds(5));
    }
  }

  /**
   * Whether the whole trail on this node verifies from its first line, as `coffer audit verify`.
   */
  private Object verifyAudit() {
    try {
      AuditChain.Verification v =
          AuditChain.verify(AuditChain.files(audit.directory()), AuditChain.GENESIS);
      return new AuditVerificationView(
          v.intact(), v.lines(), v.torn(), v.brokenFile(), v.brokenAt(), v.problem(), v.last());
    } catch (IOException e) {
      throw new CofferException.Unavailable(
          "The audit trail cannot be read: " + e.getMessage(), Duration.ofSeconds(5));
    }
  }

  private static Optional<Instant> instant(Exchange exchange, String name) {
    Optional<String> raw = exchange.query(name).map(String::strip).filter(t -> !t.isEmpty());
    try {
      return raw.map(Instant::parse);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + name + "' is an ISO-8601 instant such as 2026-12-01T10:00:00Z");
    }
  }

  private void bootstrap(Exchange exchange) {
    String token = text(body(exchange), "token");
    ClientCredential credential = directory.bootstrap(token);
    LOG.info("event=admin-bootstrapped client={}", credential.clientId());
    exchange.json(
        200,
        new AdminCredential(
            endpoints.authority(),
            credential.tenantId(),
            credential.clientId(),
            credential.clientSecret(),
            endpoints.managementResource() + "/.default",
            NewClientSecret.of(credential).expires()));
  }

  private Object createTenant(Exchange exchange) {
    return TenantView.of(directory.createTenant(text(body(exchange), "name")));
  }

  private Object listPrincipals(Exchange exchange) {
    return list(directory.principals(tenant(exchange).id()), this::principalView);
  }

  private Object createPrincipal(Exchange exchange) {
    Tenant tenant = tenant(exchange);
    JsonNode body = body(exchange);
    String kindName = optional(body, "kind").orElse("ServicePrincipal");
    PrincipalKind kind =
        PrincipalKind.of(kindName)
            .orElseThrow(() ->
                new CofferException.BadRequest(
                    "Unknown kind '"
                        + kindName
                        + "'; use ServicePrincipal, SystemAssignedIdentity,"
                        + " UserAssignedIdentity or User."));
    String name = text(body, "displayName");
    DirectoryPrincipal created =
        switch (kind) {
          case SERVICE_PRINCIPAL -> directory.createServicePrincipal(tenant.id(), name);
          case SYSTEM_ASSIGNED_IDENTITY -> directory.createManagedIdentity(tenant.id(), name, true);
          case USER_ASSIGNED_IDENTITY -> directory.createManagedIdentity(tenant.id(), name, false);
          case USER ->
              directory.createUser(
                  tenant.id(), text(body, "userName"), name, text(body, "password"));
        };
    return principalView(created);
  }

  private Object updatePrincipal(Exchange exchange) {
    JsonNode body = body(exchange);
    DirectoryPrincipal principal = principal(exchange);
    if (body.has("enabled")) {
      principal = directory.setEnabled(principal, bool(body, "enabled"));
    }
    if (body.has("administrator") && bool(body, "administrator")) {
      directory.makeAdministrator(principal);
    }
    return principalView(principal);
  }

  private Object deletePrincipal(Exchange exchange) {
    DirectoryPrincipal principal = principal(exchange);
    directory.delete(principal);
    authorizer.forget(principal.objectId());
    return null;
  }

  private Object setPassword(Exchange exchange) {
    directory.setPassword(principal(exchange), text(body(exchange), "password"));
    return null;
  }

  private Object addSecret(Exchange exchange) {
    JsonNode body = bodyOrEmpty(exchange);
    int days = body.path("days").asInt(365);
    if (days < 1 || days > 3650) {
      throw new CofferException.BadRequest("'days' is 1-3650.");
    }
    return NewClientSecret.of(
        directory.addClientSecret(
            principal(exchange), Duration.ofDays(days), optional(body, "displayName").orElse("")));
  }

  private Object revokeSecret(Exchange exchange) {
    directory.revokeClientSecret(principal(exchange), exchange.pathParameter("id"));
    return null;
  }

  private Object addCertificate(Exchange exchange) {
    String pem = text(body(exchange), "certificate");
    return CertificateView.of(
        directory.addCertificate(principal(exchange), pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private Object revokeCertificate(Exchange exchange) {
    directory.revokeCertificate(principal(exchange), exchange.pathParameter("id"));
    return null;
  }

  private Object addFederated(Exchange exchange) {
    JsonNode body = body(exchange);
    return FederatedCredentialView.of(
        directory.addFederatedCredential(
            principal(exchange),
            text(body, "name"),
            text(body, "issuer"),
            text(body, "subject"),
            optional(body, "audience"),
            optional(body, "jwks")));
  }

  private Object removeFederated(Exchange exchange) {
    directory.removeFederatedCredential(principal(exchange), exchange.pathParameter("id"));
    return null;
  }

  private Object createVault(Exchange exchange) {
    JsonNode body = body(exchange);
    Tenant tenant = directory.requireTenant(text(body, "tenant"));
    Vault vault =
        vaults.create(
            text(body, "name"),
            tenant.id(),
            body.path("retentionDays").asInt(90),
            body.path("purgeProtection").asBoolean(false),
            !"accessPolicies".equalsIgnoreCase(optional(body, "permissionModel").orElse("rbac")));
    return vaultView(vault);
  }

  private Object updateVault(Exchange exchange) {
    JsonNode body = body(exchange);
    Vault vault = vault(exchange);
    if (body.has("permissionModel")) {
      String model = text(body, "permissionModel");
      if (!model.equalsIgnoreCase("rbac") && !model.equalsIgnoreCase("accessPolicies")) {
        throw new CofferException.BadRequest("'permissionModel' is rbac or accessPolicies.");
      }
      vault = vaults.setRbac(vault.name(), model.equalsIgnoreCase("rbac"));
    }
    return vaultView(vault);
  }

  private Object listAssignments(Exchange exchange) {
    Vault vault = vault(exchange);
    return list(authorizer.assignmentsOn(vault), a -> RoleAssignmentView.of(a, vault));
  }

  private Object assign(Exchange exchange) {
    Vault vault = vault(exchange);
    JsonNode body = body(exchange);
    DirectoryPrincipal principal = directory.requirePrincipal(text(body, "principal"));
    Role role =
        Role.of(text(body, "role"))
            .orElseThrow(() ->
                new CofferException.BadRequest(
                    "Unknown role; use Key Vault Administrator, Key Vault Secrets Officer, Key"
                        + " Vault Secrets User or Key Vault Reader."));
    Optional<String> secret = optional(body, "secret");
    sameTenant(principal, vault);
    return RoleAssignmentView.of(
        authorizer.assign(
            principal.objectId(),
            role,
            secret.map(s -> Scope.secret(vault.id(), s)).orElse(Scope.vault(vault.id()))),
        vault);
  }

  private Object unassign(Exchange exchange) {
    Vault vault = vault(exchange);
    String id = exchange.pathParameter("id");
    if (authorizer.assignmentsOn(vault).stream().noneMatch(a -> a.id().equals(id))) {
      throw new CofferException.NotFound("The role assignment '" + id + "' does not exist.");
    }
    authorizer.unassign(id);
    return null;
  }

  private Object listPolicies(Exchange exchange) {
    return list(authorizer.policiesOn(vault(exchange)), AccessPolicyView::of);
  }

  private Object setPolicy(Exchange exchange) {
    Vault vault = vault(exchange);
    DirectoryPrincipal principal = directory.requirePrincipal(exchange.pathParameter("principal"));
    sameTenant(principal, vault);
    JsonNode permissions = body(exchange).path("permissions");
    if (!permissions.isArray()) {
      throw new CofferException.BadRequest("'permissions' is a list such as [\"get\",\"list\"].");
    }
    List<String> names = new ArrayList<>();
    permissions.forEach(p -> names.add(p.asText()));
    try {
      return AccessPolicyView.of(
          authorizer.setPolicy(
              vault, principal.objectId(), Permission.parseList(String.join(",", names))));
    } catch (IllegalArgumentException e) {
      throw new CofferException.BadRequest(e.getMessage());
    }
  }

  private Object removePolicy(Exchange exchange) {
    Vault vault = vault(exchange);
    authorizer.removePolicy(
        vault, directory.requirePrincipal(exchange.pathParameter("principal")).objectId());
    return null;
  }

  private static void sameTenant(DirectoryPrincipal principal, Vault vault) {
    if (!principal.tenantId().equals(vault.tenantId())) {
      throw new CofferException.BadRequest(
          "The principal belongs to another tenant than the vault; its tokens would never be"
              + " accepted there.");
    }
  }

  private Tenant tenant(Exchange exchange) {
    return directory.requireTenant(exchange.pathParameter("tenant"));
  }

  private Vault vault(Exchange exchange) {
    return vaults.named(exchange.pathParameter("vault"));
  }

  private DirectoryPrincipal principal(Exchange exchange) {
    return directory.requirePrincipal(exchange.pathParameter("principal"));
  }

  private VaultView vaultView(Vault vault) {
    return VaultView.of(vault, endpoints);
  }

  private PrincipalView principalView(DirectoryPrincipal principal) {
    return PrincipalView.of(principal, directory.isAdministrator(principal.objectId()));
  }

  private static <T, V> Listing<V> list(List<T> items, Function<T, V> view) {
    return new Listing<>(items.stream().map(view).toList());
  }

  private static JsonNode body(Exchange exchange) {
    JsonNode body = Json.readTree(exchange.body());
    if (!body.isObject()) {
      throw new CofferException.BadRequest("The request body must be a JSON object.");
    }
    return body;
  }

  private static JsonNode bodyOrEmpty(Exchange exchange) {
    return exchange.body().length == 0 ? Json.emptyObject() : body(exchange);
  }

  private static String text(JsonNode body, String field) {
    return optional(body, field)
        .orElseThrow(() -> new CofferException.BadRequest("Property '" + field + "' is required."));
  }

  private static Optional<String> optional(JsonNode body, String field) {
    JsonNode value = body.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new CofferException.BadRequest("Property '" + field + "' must be a string.");
    }
    return Optional.of(value.asText()).filter(v -> !v.isBlank());
  }

  private static boolean bool(JsonNode body, String field) {
    if (!body.path(field).isBoolean()) {
      throw new CofferException.BadRequest("Property '" + field + "' must be true or false.");
    }
    return body.path(field).asBoolean();
  }
}
