package io.coffer.cli.admin;

import static io.coffer.cli.admin.AdminClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.cli.CommandFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coffer admin}: tenants, vaults, principals, credentials, roles, access policies, event
 * subscriptions and rotation.
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = "Administer a Coffer server through its management API.",
    subcommands = {
      AdminCommand.Bootstrap.class,
      AdminCommand.Tenant.class,
      AdminCommand.VaultCmd.class,
      AdminCommand.PrincipalCmd.class,
      AdminCommand.Credential.class,
      AdminCommand.RoleCmd.class,
      AdminCommand.Policy.class,
      AdminCommand.MasterKeyCmd.class,
      EventCommand.class,
      RotationCommand.class
    })
public final class AdminCommand {
  private static final String[] TENANT = {"name", "id", "created"};
  private static final String[] VAULT = {
    "name", "vaultUri", "permissionModel", "retentionDays", "purgeProtection", "tenantId"
  };
  private static final String[] PRINCIPAL = {
    "displayName", "kind", "clientId", "objectId", "enabled", "userName", "administrator"
  };
  private static final String[] ASSIGNMENT = {"id", "role", "scope", "principalId"};
  private static final String[] POLICY = {"objectId", "permissions"};

  /** One admin call: run it, print the answer with these columns. */
  abstract static class Call implements Callable<Integer> {
    @Mixin AdminOptions options;
    @Spec CommandSpec spec;

    abstract JsonNode call(AdminClient client);

    abstract String[] columns();

    @Override
    public Integer call() {
      options.output().print(spec.commandLine().getOut(), call(options.client()), columns());
      return 0;
    }
  }

  /** A call about one vault's grants. */
  abstract static class VaultCall extends Call {
    @Option(names = "--vault", required = true)
    String vault;

    String vaultPath() {
      return "/vaults/" + segment(vault);
    }
  }

  @Command(
      name = "bootstrap",
      description =
          "Create the first administrator with the one-time token the server printed at its first"
              + " start, and save the credential as the admin profile.")
  static final class Bootstrap implements Callable<Integer> {
    @Option(
        names = "--authority",
        required = true,
        description = "e.g. https://coffer.example:8443")
    String authority;

    @Option(names = "--token", required = true, description = "the one-time bootstrap token")
    String token;

    @Option(names = "--ca-file", description = "CA certificate (PEM) to trust for the server")
    String caFile;

    @Mixin AdminOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode answer =
          AdminClient.anonymous(authority, Optional.ofNullable(caFile))
              .post("/bootstrap", Map.of("token", token));
      AdminProfile profile =
          new AdminProfile(
              // The address that just worked: under a cloud's names the server's own authority
              // resolves to it only where the operator has mapped those names.
              authority,
              answer.path("tenantId").asText(),
              answer.path("clientId").asText(),
              answer.path("clientSecret").asText(),
              answer.path("scope").asText(),
              caFile == null ? "" : Path.of(caFile).toAbsolutePath().toString());
      Path file = options.profilePath();
      profile.save(file);
      spec.commandLine()
          .getOut()
          .printf(
              "Administrator %s created; its credential is in %s (mode 600).%n",
              profile.clientId(), file);
      return 0;
    }
  }

  @Command(
      name = "tenant",
      description = "Tenants (directories).",
      subcommands = {Tenant.List.class, Tenant.Create.class})
  static final class Tenant {
    @Command(name = "list", description = "List tenants.")
    static final class List extends Call {
      JsonNode call(AdminClient c) {
        return c.get("/tenants");
      }

      String[] columns() {
        return TENANT;
      }
    }

    @Command(name = "create", description = "Create a tenant.")
    static final class Create extends Call {
      @Parameters(paramLabel = "NAME")
      String name;

      JsonNode call(AdminClient c) {
        return c.post("/tenants", Map.of("name", name));
      }

      String[] columns() {
        return TENANT;
      }
    }
  }

  @Command(
      name = "vault",
      description = "Vaults.",
      subcommands = {
        VaultCmd.List.class,
        VaultCmd.Show.class,
        VaultCmd.Create.class,
        VaultCmd.Update.class
      })
  static final class VaultCmd {
    @Command(name = "list", description = "List vaults.")
    static final class List extends Call {
      JsonNode call(AdminClient c) {
        return c.get("/vaults");
      }

      String[] columns() {
        return VAULT;
      }
    }

    @Command(name = "show", description = "Show a vault.")
    static final class Show extends Call {
      @Parameters(paramLabel = "NAME")
      String name;

      JsonNode call(AdminClient c) {
        return c.get("/vaults/" + segment(name));
      }

      String[] columns() {
        return VAULT;
      }
    }

    @Command(name = "create", description = "Create a vault.")
    static final class Create extends Call {
      @Parameters(paramLabel = "NAME")
      String name;

      @Option(names = "--tenant", required = true)
      String tenant;

      @Option(names = "--retention-days", defaultValue = "90", description = "7-90 (default 90)")
      int retentionDays;

      @Option(names = "--purge-protection")
      boolean purgeProtection;

      @Option(
          names = "--permission-model",
          defaultValue = "rbac",
          description = "rbac (default) or accessPolicies")
      String model;

      JsonNode call(AdminClient c) {
        return c.post(
            "/vaults",
            Map.of(
                "name", name,
                "tenant", tenant,
                "retentionDays", retentionDays,
                "purgeProtection", purgeProtection,
                "permissionModel", model));
      }

      String[] columns() {
        return VAULT;
      }
    }

    @Command(name = "update", description = "Switch a vault between RBAC and access policies.")
    static final class Update extends Call {
      @Parameters(paramLabel = "NAME")
      String name;

      @Option(names = "--permission-model", required = true, description = "rbac or accessPolicies")
      String model;

      JsonNode call(AdminClient c) {
        return c.patch("/vaults/" + segment(name), Map.of("permissionModel", model));
      }

      String[] columns() {
        return VAULT;
      }
    }
  }

  @Command(
      name = "principal",
      description = "Applications, managed identities and users.",
      subcommands = {
        PrincipalCmd.List.class,
        PrincipalCmd.Show.class,
        PrincipalCmd.Create.class,
        PrincipalCmd.Update.class,
        PrincipalCmd.Delete.class,
        PrincipalCmd.Unlock.class
      })
  static final class PrincipalCmd {
    @Command(name = "list", description = "List a tenant's principals.")
    static final class List extends Call {
      @Option(names = "--tenant", required = true)
      String tenant;

      JsonNode call(AdminClient c) {
        return c.get("/tenants/" + segment(tenant) + "/principals");
      }

      String[] columns() {
        return PRINCIPAL;
      }
    }

    @Command(
        name = "show",
        description = "Show a principal (by object id, client id or user name).")
    static final class Show extends Call {
      @Parameters(paramLabel = "PRINCIPAL")
      String principal;

      JsonNode call(AdminClient c) {
        return c.get("/principals/" + segment(principal));
      }

      String[] columns() {
        return PRINCIPAL;
      }
    }

    @Command(name = "create", description = "Create an application, managed identity or user.")
    static final class Create extends Call {
      @Option(names = "--tenant", required = true)
      String tenant;

      @Option(names = "--name", required = true, description = "display name")
      String name;

      @Option(
          names = "--kind",
          defaultValue = "ServicePrincipal",
          description =
              "ServicePrincipal (default), SystemAssignedIdentity, UserAssignedIdentity or User")
      String kind;

      @Option(names = "--user-name", description = "for users: name@domain")
      String userName;

      @Option(
          names = "--password-file",
          description = "for users: read the password from a file, or - for stdin")
      String passwordFile;

      JsonNode call(AdminClient c) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        body.put("displayName", name);
        if (userName != null) {
          body.put("userName", userName);
        }
        if (passwordFile != null) {
          body.put("password", readSecret(passwordFile));
        }
        return c.post("/tenants/" + segment(tenant) + "/principals", body);
      }

      String[] columns() {
        return PRINCIPAL;
      }
    }

    @Command(
        name = "update",
        description = "Enable, disable, or make a principal an administrator.")
    static final class Update extends Call {
      @Parameters(paramLabel = "PRINCIPAL")
      String principal;

      @Option(names = "--enabled", arity = "1", description = "true or false")
      Boolean enabled;

      @Option(names = "--administrator", description = "let it use the management API")
      boolean administrator;

      JsonNode call(AdminClient c) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (enabled != null) {
          body.put("enabled", enabled);
        }
        if (administrator) {
          body.put("administrator", true);
        }
        return c.patch("/principals/" + segment(principal), body);
      }

      String[] columns() {
        return PRINCIPAL;
      }
    }

    @Command(
        name = "unlock",
        description =
            "Clear a user's sign-in lockout (failed passwords from every address) at once.")
    static final class Unlock extends Call {
      @Parameters(paramLabel = "USER")
      String principal;

      JsonNode call(AdminClient c) {
        return c.delete("/principals/" + segment(principal) + "/sign-in-lockout");
      }

      String[] columns() {
        return PRINCIPAL;
      }
    }

    @Command(name = "delete", description = "Delete a principal with its credentials and grants.")
    static final class Delete extends Call {
      @Parameters(paramLabel = "PRINCIPAL")
      String principal;

      JsonNode call(AdminClient c) {
        return c.delete("/principals/" + segment(principal));
      }

      String[] columns() {
        return PRINCIPAL;
      }
    }
  }

  @Command(
      name = "credential",
      description = "Client secrets, certificates and federated credentials of a principal.",
      subcommands = {
        Credential.List.class,
        Credential.AddSecret.class,
        Credential.AddCertificate.class,
        Credential.AddFederated.class,
        Credential.Remove.class
      })
  static final class Credential {
    @Command(name = "list", description = "List a principal's credentials of one type.")
    static final class List extends Call {
      @Parameters(paramLabel = "PRINCIPAL")
      String principal;

      @Option(
          names = "--type",
          defaultValue = "secrets",
          description = "secrets (default), certificates or federated-credentials")
      String type;

      JsonNode call(AdminClient c) {
        return c.get("/principals/" + segment(principal) + "/" + path(type));
      }

      String[] columns() {
        return switch (path(type)) {
          case "certificates" -> new String[] {"id", "thumbprint", "subject", "expires"};
          case "federated-credentials" ->
              new String[] {"name", "issuer", "subject", "audience", "id"};
          default -> new String[] {"id", "displayName", "hint", "expires"};
        };
      }
    }

    @Command(name = "add-secret", description = "Add a client secret; it is shown once.")
    static final class AddSecret extends Call {
      @Parameters(paramLabel = "PRINCIPAL")
      String principal;

      @Option(names = "--days", defaultValue = "365", description = "validity (default 365)")
      int days;

      @Option(names = "--name", defaultValue = "", description = "a description")
      String name;

      JsonNode call(AdminClient c) {
        return c.post(
            "/principals/" + segment(principal) + "/secrets",
            Map.of("days", days, "displayName", name));
      }

      String[] columns() {
        return new String[] {"clientId", "clientSecret", "id", "expires", "tenantId"};
      }
    }

    @Command(name = "add-certificate", description = "Register a certificate (PEM, public part).")
    static final class AddCertificate extends Call {
      @Parameters(paramLabel = "PRINCIPAL")
      String principal;

      @Option(names = "--file", required = true, description = "PEM certificate file")
      Path file;

      JsonNode call(AdminClient c) {
        String pem;
        try {
          pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
          throw new CommandFailure("cannot read " + file + ": " + e.getMessage());
        }
        // Only the certificate goes to the server, even when the file also holds the key.
        int end = pem.indexOf("-----END CERTIFICATE-----");
        int start = pem.indexOf("-----BEGIN CERTIFICATE-----");
        if (start < 0 || end < 0) {
          throw new CommandFailure(file + " holds no PEM certificate");
        }
        return c.post(
            "/principals/" + segment(principal) + "/certificates",
            Map.of(
                "certificate", pem.substring(start, end + "-----END CERTIFICATE-----".length())));
      }

      String[] columns() {
        return new String[] {"id", "thumbprint", "subject", "expires"};
      }
    }

    @Command(
        name = "add-federated",
        description = "Trust an external OIDC issuer's tokens for one subject.")
    static final class AddFederated extends Call {
      @Parameters(paramLabel = "PRINCIPAL")
      String principal;

      @Option(names = "--name", required = true)
      String name;

      @Option(names = "--issuer", required = true, description = "https URL, exactly as in tokens")
      String issuer;

      @Option(names = "--subject", required = true)
      String subject;

      @Option(names = "--audience", description = "default api://AzureADTokenExchange")
      String audience;

      @Option(
          names = "--jwks-file",
          description = "the issuer's keys (JWKS), when they cannot be discovered over https")
      Path jwks;

      JsonNode call(AdminClient c) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("issuer", issuer);
        body.put("subject", subject);
        if (audience != null) {
          body.put("audience", audience);
        }
        if (jwks != null) {
          try {
            body.put("jwks", Files.readString(jwks));
          } catch (IOException e) {
            throw new CommandFailure("cannot read " + jwks + ": " + e.getMessage());
          }
        }
        return c.post("/principals/" + segment(principal) + "/federated-credentials", body);
      }

      String[] columns() {
        return new String[] {"name", "issuer", "subject", "audience", "id"};
      }
    }

    @Command(
        name = "remove",
        description = "Revoke a client secret, certificate or federated credential.")
    static final class Remove extends Call {
      @Parameters(paramLabel = "PRINCIPAL")
      String principal;

      @Option(
          names = "--type",
          defaultValue = "secrets",
          description = "secrets (default), certificates or federated-credentials")
      String type;

      @Parameters(paramLabel = "ID", description = "id (or thumbprint, or federated name)")
      String id;

      JsonNode call(AdminClient c) {
        return c.delete("/principals/" + segment(principal) + "/" + path(type) + "/" + segment(id));
      }

      String[] columns() {
        return new String[] {};
      }
    }

    private static String path(String type) {
      return switch (type.toLowerCase(java.util.Locale.ROOT)) {
        case "secret", "secrets" -> "secrets";
        case "certificate", "certificates", "cert" -> "certificates";
        case "federated", "federated-credential", "federated-credentials" ->
            "federated-credentials";
        default ->
            throw new CommandFailure("--type is secrets, certificates or federated-credentials");
      };
    }
  }

  @Command(
      name = "role",
      description = "Role assignments on an RBAC vault.",
      subcommands = {RoleCmd.List.class, RoleCmd.Assign.class, RoleCmd.Remove.class})
  static final class RoleCmd {
    @Command(name = "list", description = "List a vault's role assignments.")
    static final class List extends VaultCall {

      JsonNode call(AdminClient c) {
        return c.get(vaultPath() + "/role-assignments");
      }

      String[] columns() {
        return ASSIGNMENT;
      }
    }

    @Command(name = "assign", description = "Assign a built-in role at vault or secret scope.")
    static final class Assign extends VaultCall {

      @Option(
          names = "--principal",
          required = true,
          description = "object id, client id or user name")
      String principal;

      @Option(
          names = "--role",
          required = true,
          description =
              "Key Vault Administrator, Key Vault Secrets Officer, Key Vault Secrets User or Key"
                  + " Vault Reader")
      String role;

      @Option(names = "--secret", description = "scope the role to one secret")
      String secret;

      JsonNode call(AdminClient c) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("principal", principal);
        body.put("role", role);
        if (secret != null) {
          body.put("secret", secret);
        }
        return c.post(vaultPath() + "/role-assignments", body);
      }

      String[] columns() {
        return ASSIGNMENT;
      }
    }

    @Command(name = "remove", description = "Remove a role assignment.")
    static final class Remove extends VaultCall {

      @Parameters(paramLabel = "ID")
      String id;

      JsonNode call(AdminClient c) {
        return c.delete(vaultPath() + "/role-assignments/" + segment(id));
      }

      String[] columns() {
        return new String[] {};
      }
    }
  }

  @Command(
      name = "policy",
      description = "Access policies on a vault whose permission model is accessPolicies.",
      subcommands = {Policy.List.class, Policy.Set.class, Policy.Remove.class})
  static final class Policy {
    @Command(name = "list", description = "List a vault's access policies.")
    static final class List extends VaultCall {

      JsonNode call(AdminClient c) {
        return c.get(vaultPath() + "/access-policies");
      }

      String[] columns() {
        return POLICY;
      }
    }

    @Command(name = "set", description = "Set a principal's secret permissions (replaces them).")
    static final class Set extends VaultCall {

      @Option(names = "--principal", required = true)
      String principal;

      @Option(
          names = "--permissions",
          required = true,
          split = ",",
          description = "get,list,set,delete,recover,backup,restore,purge or all")
      java.util.List<String> permissions;

      JsonNode call(AdminClient c) {
        return c.put(
            vaultPath() + "/access-policies/" + segment(principal),
            Map.of("permissions", permissions));
      }

      String[] columns() {
        return POLICY;
      }
    }

    @Command(name = "remove", description = "Remove a principal's access policy.")
    static final class Remove extends VaultCall {

      @Option(names = "--principal", required = true)
      String principal;

      JsonNode call(AdminClient c) {
        return c.delete(vaultPath() + "/access-policies/" + segment(principal));
      }

      String[] columns() {
        return new String[] {};
      }
    }
  }

  @Command(
      name = "master-key",
      description = "The master key that wraps every data key.",
      subcommands = {MasterKeyCmd.Show.class, MasterKeyCmd.Rotate.class})
  static final class MasterKeyCmd {
    private static final String[] COLUMNS = {"active", "keys", "pending", "rewrapping"};

    @Command(name = "show", description = "The active key, the keys held, what is not re-wrapped.")
    static final class Show extends Call {
      JsonNode call(AdminClient c) {
        return c.get("/master-key");
      }

      String[] columns() {
        return COLUMNS;
      }
    }

    @Command(
        name = "rotate",
        description = "Make a new active master key; older data is re-wrapped in the background.")
    static final class Rotate extends Call {
      JsonNode call(AdminClient c) {
        return c.post("/master-key/rotate", Map.of());
      }

      String[] columns() {
        return COLUMNS;
      }
    }
  }

  private static String readSecret(String source) {
    try {
      byte[] bytes =
          source.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(source));
      String text = new String(bytes, StandardCharsets.UTF_8);
      return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    } catch (IOException e) {
      throw new CommandFailure("cannot read the password from " + source + ": " + e.getMessage());
    }
  }
}
