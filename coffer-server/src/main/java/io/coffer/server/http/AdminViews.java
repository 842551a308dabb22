package io.coffer.server.http;

import io.coffer.server.authz.AccessPolicy;
import io.coffer.server.authz.Permission;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.RoleAssignment;
import io.coffer.server.config.Endpoints;
import io.coffer.server.identity.CertificateSummary;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.identity.ClientSecretSummary;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.identity.FederatedCredentialSummary;
import io.coffer.server.identity.Tenant;
import io.coffer.server.vault.Vault;
import java.time.Instant;
import java.util.List;

/** The management API's JSON bodies: what an administrator sees of each object. */
final class AdminViews {
  private AdminViews() {}

  record Listing<T>(List<T> value) {}

  record TenantView(String id, String name, String created) {
    static TenantView of(Tenant t) {
      return new TenantView(t.id(), t.name(), time(t.created()));
    }
  }

  record VaultView(
      String name,
      String id,
      String tenantId,
      String vaultUri,
      int retentionDays,
      boolean purgeProtection,
      String permissionModel) {
    static VaultView of(Vault v, Endpoints endpoints) {
      return new VaultView(
          v.name(),
          v.id(),
          v.tenantId(),
          endpoints.vaultUrl(v.name()),
          v.retentionDays(),
          v.purgeProtection(),
          v.rbac() ? "rbac" : "accessPolicies");
    }
  }

  record PrincipalView(
      String objectId,
      String clientId,
      String tenantId,
      String displayName,
      String kind,
      boolean enabled,
      String userName,
      boolean administrator,
      String created) {
    static PrincipalView of(DirectoryPrincipal p, boolean administrator) {
      return new PrincipalView(
          p.objectId(),
          p.clientId(),
          p.tenantId(),
          p.displayName(),
          p.kind().stored(),
          p.enabled(),
          p.userName().orElse(""),
          administrator,
          time(p.created()));
    }
  }

  record SecretCredentialView(String id, String displayName, String hint, String expires) {
    static SecretCredentialView of(ClientSecretSummary s) {
      return new SecretCredentialView(s.id(), s.displayName(), s.hint() + "…", time(s.expires()));
    }
  }

  /** The one answer that carries a client secret: the creation of one. */
  record NewClientSecret(
      String id, String tenantId, String clientId, String clientSecret, String expires) {
    static NewClientSecret of(ClientCredential c) {
      return new NewClientSecret(
          c.secretId(), c.tenantId(), c.clientId(), c.clientSecret(), time(c.expires()));
    }

    @Override
    public String toString() {
      return "NewClientSecret[id=" + id + ", client=" + clientId + ", secret=(redacted)]";
    }
  }

  record CertificateView(String id, String thumbprint, String subject, String expires) {
    static CertificateView of(CertificateSummary c) {
      return new CertificateView(c.id(), c.thumbprint(), c.subject(), time(c.expires()));
    }
  }

  record FederatedCredentialView(
      String id, String name, String issuer, String subject, String audience, boolean inlineKeys) {
    static FederatedCredentialView of(FederatedCredentialSummary f) {
      return new FederatedCredentialView(
          f.id(), f.name(), f.issuer(), f.subject(), f.audience(), f.inlineKeys());
    }
  }

  record RoleAssignmentView(
      String id, String principalId, String role, String roleDefinitionId, String scope) {
    static RoleAssignmentView of(RoleAssignment a, Vault vault) {
      Role role = a.role();
      return new RoleAssignmentView(
          a.id(),
          a.principalId(),
          role.displayName(),
          role.id(),
          "/vaults/"
              + vault.name()
              + a.scope().secretName().map(name -> "/secrets/" + name).orElse(""));
    }
  }

  record AccessPolicyView(String objectId, List<String> permissions) {
    static AccessPolicyView of(AccessPolicy p) {
      return new AccessPolicyView(
          p.objectId(), p.permissions().stream().map(Permission::wireName).toList());
    }
  }

  /** The audit trail's verification, as {@code coffer audit verify} reports it. */
  record AuditVerificationView(
      boolean intact,
      long lines,
      long torn,
      String brokenFile,
      long brokenAt,
      String problem,
      String lastHash) {}

  /** What {@code coffer admin bootstrap} stores to call the management API afterwards. */
  record AdminCredential(
      String authority,
      String tenantId,
      String clientId,
      String clientSecret,
      String scope,
      String expires) {
    @Override
    public String toString() {
      return "AdminCredential[client=" + clientId + ", secret=(redacted)]";
    }
  }

  private static String time(long epochSeconds) {
    return epochSeconds >= Instant.MAX.getEpochSecond()
        ? "never"
        : Instant.ofEpochSecond(epochSeconds).toString();
  }
}
