package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.server.KeyRotation;
import io.coffer.server.authz.Authorizer;
import io.coffer.server.authz.Permission;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.config.Endpoints;
import io.coffer.server.http.AdminViews.AccessPolicyView;
import io.coffer.server.http.AdminViews.AdminCredential;
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
import io.coffer.server.identity.PrincipalKind;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.server.storage.PrincipalRecord;
import io.coffer.server.storage.TenantRecord;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import io.coffer.wire.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coffer's management API under {@code /admin/v1}: tenants, vaults, principals and their
 * credentials, role assignments, access policies and the master key. Every route but bootstrap
 * needs a token for the management resource held by an administrator; every change is logged (never
 * a secret).
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

  AdminRoutes(
      Directory directory,
      Vaults vaults,
      Authorizer authorizer,
      TokenVerifier verifier,
      Endpoints endpoints,
      KeyRotation rotation) {
    this.rotation = rotation;
    this.directory = directory;
    this.vaults = vaults;
    this.authorizer = authorizer;
    this.verifier = verifier;
    this.endpoints = endpoints;
  }

  void register(RoutesConfig routes) {
    routes.post(BASE + "/bootstrap", this::bootstrap);
    routes.get(BASE + "/master-key", admin(ctx -> rotation.status()));
    routes.post(BASE + "/master-key/rotate", admin(ctx -> rotation.rotate()));
    routes.get(BASE + "/tenants", admin(ctx -> list(directory.tenants(), TenantView::of)));
    routes.post(BASE + "/tenants", admin(this::createTenant));
    routes.get(BASE + "/tenants/{tenant}/principals", admin(this::listPrincipals));
    routes.post(BASE + "/tenants/{tenant}/principals", admin(this::createPrincipal));
    routes.get(BASE + "/hosts", admin(ctx -> hosts()));
    routes.get(BASE + "/vaults", admin(ctx -> list(vaults.all(), this::vaultView)));
    routes.post(BASE + "/vaults", admin(this::createVault));
    routes.get(BASE + "/vaults/{vault}", admin(ctx -> vaultView(vault(ctx))));
    routes.patch(BASE + "/vaults/{vault}", admin(this::updateVault));
    routes.get(BASE + "/vaults/{vault}/role-assignments", admin(this::listAssignments));
    routes.post(BASE + "/vaults/{vault}/role-assignments", admin(this::assign));
    routes.delete(BASE + "/vaults/{vault}/role-assignments/{id}", admin(this::unassign));
    routes.get(BASE + "/vaults/{vault}/access-policies", admin(this::listPolicies));
    routes.put(BASE + "/vaults/{vault}/access-policies/{principal}", admin(this::setPolicy));
    routes.delete(BASE + "/vaults/{vault}/access-policies/{principal}", admin(this::removePolicy));
    routes.get(BASE + "/principals/{principal}", admin(ctx -> principalView(principal(ctx))));
    routes.patch(BASE + "/principals/{principal}", admin(this::updatePrincipal));
    routes.delete(BASE + "/principals/{principal}", admin(this::deletePrincipal));
    routes.put(BASE + "/principals/{principal}/password", admin(this::setPassword));
    routes.get(
        BASE + "/principals/{principal}/secrets",
        admin(ctx -> list(directory.clientSecrets(principal(ctx)), SecretCredentialView::of)));
    routes.post(BASE + "/principals/{principal}/secrets", admin(this::addSecret));
    routes.delete(BASE + "/principals/{principal}/secrets/{id}", admin(this::revokeSecret));
    routes.get(
        BASE + "/principals/{principal}/certificates",
        admin(ctx -> list(directory.certificates(principal(ctx)), CertificateView::of)));
    routes.post(BASE + "/principals/{principal}/certificates", admin(this::addCertificate));
    routes.delete(
        BASE + "/principals/{principal}/certificates/{id}", admin(this::revokeCertificate));
    routes.get(
        BASE + "/principals/{principal}/federated-credentials",
        admin(ctx ->
            list(directory.federatedCredentials(principal(ctx)), FederatedCredentialView::of)));
    routes.post(BASE + "/principals/{principal}/federated-credentials", admin(this::addFederated));
    routes.delete(
        BASE + "/principals/{principal}/federated-credentials/{id}", admin(this::removeFederated));
  }

  /** A route body that answers with a JSON object, run for an authenticated administrator. */
  private interface AdminAction {
    Object run(Context ctx);
  }

  private Handler admin(AdminAction action) {
    return ctx -> {
      ctx.attribute(
          Failures.CHALLENGE,
          "Bearer authorization=\""
              + endpoints.authority()
              + "/"
              + Directory.ADMIN_TENANT
              + "\", resource=\""
              + endpoints.managementResource()
              + "\"");
      var principal = verifier.administrator(Optional.ofNullable(ctx.header("Authorization")));
      ctx.attribute(AuditRecorder.PRINCIPAL, principal);
      Object body = action.run(ctx);
      if (!ctx.method().name().equals("GET")) {
        LOG.info(
            "event=admin-change method={} path={} admin={} status={}",
            ctx.method(),
            ctx.path(),
            principal.objectId(),
            body == null ? 204 : 200);
      }
      if (body == null) {
        ctx.status(204);
      } else {
        Failures.write(ctx, 200, body);
      }
    };
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

  private void bootstrap(Context ctx) {
    String token = text(body(ctx), "token");
    ClientCredential credential = directory.bootstrap(token);
    LOG.info("event=admin-bootstrapped client={}", credential.clientId());
    Failures.write(
        ctx,
        200,
        new AdminCredential(
            endpoints.authority(),
            credential.tenantId(),
            credential.clientId(),
            credential.clientSecret(),
            endpoints.managementResource() + "/.default",
            NewClientSecret.of(credential).expires()));
  }

  private Object createTenant(Context ctx) {
    return TenantView.of(directory.createTenant(text(body(ctx), "name")));
  }

  private Object listPrincipals(Context ctx) {
    return list(directory.principals(tenant(ctx).id()), this::principalView);
  }

  private Object createPrincipal(Context ctx) {
    TenantRecord tenant = tenant(ctx);
    JsonNode body = body(ctx);
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
    PrincipalRecord created =
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

  private Object updatePrincipal(Context ctx) {
    JsonNode body = body(ctx);
    PrincipalRecord principal = principal(ctx);
    if (body.has("enabled")) {
      principal = directory.setEnabled(principal, bool(body, "enabled"));
    }
    if (body.has("administrator") && bool(body, "administrator")) {
      directory.makeAdministrator(principal);
    }
    return principalView(principal);
  }

  private Object deletePrincipal(Context ctx) {
    PrincipalRecord principal = principal(ctx);
    directory.delete(principal);
    authorizer.forget(principal.objectId());
    return null;
  }

  private Object setPassword(Context ctx) {
    directory.setPassword(principal(ctx), text(body(ctx), "password"));
    return null;
  }

  private Object addSecret(Context ctx) {
    JsonNode body = bodyOrEmpty(ctx);
    int days = body.path("days").asInt(365);
    if (days < 1 || days > 3650) {
      throw new CofferException.BadRequest("'days' is 1-3650.");
    }
    return NewClientSecret.of(
        directory.addClientSecret(
            principal(ctx), Duration.ofDays(days), optional(body, "displayName").orElse("")));
  }

  private Object revokeSecret(Context ctx) {
    directory.revokeClientSecret(principal(ctx), ctx.pathParam("id"));
    return null;
  }

  private Object addCertificate(Context ctx) {
    String pem = text(body(ctx), "certificate");
    return CertificateView.of(
        directory.addCertificate(principal(ctx), pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private Object revokeCertificate(Context ctx) {
    directory.revokeCertificate(principal(ctx), ctx.pathParam("id"));
    return null;
  }

  private Object addFederated(Context ctx) {
    JsonNode body = body(ctx);
    return FederatedCredentialView.of(
        directory.addFederatedCredential(
            principal(ctx),
            text(body, "name"),
            text(body, "issuer"),
            text(body, "subject"),
            optional(body, "audience"),
            optional(body, "jwks")));
  }

  private Object removeFederated(Context ctx) {
    directory.removeFederatedCredential(principal(ctx), ctx.pathParam("id"));
    return null;
  }

  private Object createVault(Context ctx) {
    JsonNode body = body(ctx);
    TenantRecord tenant = directory.requireTenant(text(body, "tenant"));
    Vault vault =
        vaults.create(
            text(body, "name"),
            tenant.id(),
            body.path("retentionDays").asInt(90),
            body.path("purgeProtection").asBoolean(false),
            !"accessPolicies".equalsIgnoreCase(optional(body, "permissionModel").orElse("rbac")));
    return vaultView(vault);
  }

  private Object updateVault(Context ctx) {
    JsonNode body = body(ctx);
    Vault vault = vault(ctx);
    if (body.has("permissionModel")) {
      String model = text(body, "permissionModel");
      if (!model.equalsIgnoreCase("rbac") && !model.equalsIgnoreCase("accessPolicies")) {
        throw new CofferException.BadRequest("'permissionModel' is rbac or accessPolicies.");
      }
      vault = vaults.setRbac(vault.name(), model.equalsIgnoreCase("rbac"));
    }
    return vaultView(vault);
  }

  private Object listAssignments(Context ctx) {
    Vault vault = vault(ctx);
    return list(authorizer.assignmentsOn(vault), a -> RoleAssignmentView.of(a, vault));
  }

  private Object assign(Context ctx) {
    Vault vault = vault(ctx);
    JsonNode body = body(ctx);
    PrincipalRecord principal = directory.requirePrincipal(text(body, "principal"));
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

  private Object unassign(Context ctx) {
    Vault vault = vault(ctx);
    String id = ctx.pathParam("id");
    if (authorizer.assignmentsOn(vault).stream().noneMatch(a -> a.id().equals(id))) {
      throw new CofferException.NotFound("The role assignment '" + id + "' does not exist.");
    }
    authorizer.unassign(id);
    return null;
  }

  private Object listPolicies(Context ctx) {
    return list(authorizer.policiesOn(vault(ctx)), AccessPolicyView::of);
  }

  private Object setPolicy(Context ctx) {
    Vault vault = vault(ctx);
    PrincipalRecord principal = directory.requirePrincipal(ctx.pathParam("principal"));
    sameTenant(principal, vault);
    JsonNode permissions = body(ctx).path("permissions");
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

  private Object removePolicy(Context ctx) {
    Vault vault = vault(ctx);
    authorizer.removePolicy(
        vault, directory.requirePrincipal(ctx.pathParam("principal")).objectId());
    return null;
  }

  private static void sameTenant(PrincipalRecord principal, Vault vault) {
    if (!principal.tenantId().equals(vault.tenantId())) {
      throw new CofferException.BadRequest(
          "The principal belongs to another tenant than the vault; its tokens would never be"
              + " accepted there.");
    }
  }

  private TenantRecord tenant(Context ctx) {
    return directory.requireTenant(ctx.pathParam("tenant"));
  }

  private Vault vault(Context ctx) {
    return vaults.named(ctx.pathParam("vault"));
  }

  private PrincipalRecord principal(Context ctx) {
    return directory.requirePrincipal(ctx.pathParam("principal"));
  }

  private VaultView vaultView(Vault vault) {
    return VaultView.of(vault, endpoints);
  }

  private PrincipalView principalView(PrincipalRecord principal) {
    return PrincipalView.of(principal, directory.isAdministrator(principal.objectId()));
  }

  private static <T, V> Listing<V> list(List<T> items, Function<T, V> view) {
    return new Listing<>(items.stream().map(view).toList());
  }

  private static JsonNode body(Context ctx) {
    JsonNode body = Json.readTree(ctx.bodyAsBytes());
    if (!body.isObject()) {
      throw new CofferException.BadRequest("The request body must be a JSON object.");
    }
    return body;
  }

  private static JsonNode bodyOrEmpty(Context ctx) {
    return ctx.bodyAsBytes().length == 0 ? Json.MAPPER.createObjectNode() : body(ctx);
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
