package io.coffer.server.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.vault.Vault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every role and access-policy permission × every secrets operation × scope, through the official
 * Java SDK, against an expectation written from Azure's documentation (role definitions' data
 * actions with their wildcards, and each operation's required permission) — not from Coffer's own
 * tables, so a wrong mapping in the server fails here.
 */
class AuthorizationMatrixTest {
  private static final String TARGET = "target";
  private static final String OTHER = "other";

  /** Each operation: its documented RBAC data action, access-policy permission, and scope. */
  enum Op {
    GET("secrets/getSecret/action", "get", true),
    LIST("secrets/readMetadata/action", "list", false),
    LIST_VERSIONS("secrets/readMetadata/action", "list", true),
    SET("secrets/setSecret/action", "set", true),
    UPDATE("secrets/update/action", "set", true),
    DELETE("secrets/delete", "delete", true),
    GET_DELETED("secrets/readMetadata/action", "list", true),
    LIST_DELETED("secrets/readMetadata/action", "list", false),
    RECOVER("secrets/recover/action", "recover", true),
    PURGE("secrets/purge/action", "purge", true),
    BACKUP("secrets/backup/action", "backup", true),
    RESTORE("secrets/restore/action", "restore", false);

    final String dataAction;
    final String permission;
    final boolean namesSecret;

    Op(String dataAction, String permission, boolean namesSecret) {
      this.dataAction = "Microsoft.KeyVault/vaults/" + dataAction;
      this.permission = permission;
      this.namesSecret = namesSecret;
    }
  }

  /** The built-in roles' data actions as Azure publishes them. */
  private static final Map<String, List<String>> ROLE_DATA_ACTIONS =
      Map.of(
          "Key Vault Administrator", List.of("Microsoft.KeyVault/vaults/*"),
          "Key Vault Secrets Officer", List.of("Microsoft.KeyVault/vaults/secrets/*"),
          "Key Vault Secrets User",
              List.of(
                  "Microsoft.KeyVault/vaults/secrets/getSecret/action",
                  "Microsoft.KeyVault/vaults/secrets/readMetadata/action"),
          "Key Vault Reader",
              List.of(
                  "Microsoft.KeyVault/vaults/*/read",
                  "Microsoft.KeyVault/vaults/secrets/readMetadata/action"));

  private static RunningCoffer coffer;
  private static DirectoryPrincipal subject;
  private static TokenCredential subjectCredential;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    subject =
        coffer
            .server()
            .directory()
            .createServicePrincipal(coffer.credentials().tenantId(), "matrix-subject");
    ClientCredential credential =
        coffer.server().directory().addClientSecret(subject, Duration.ofDays(1));
    subjectCredential = coffer.credential(credential.clientId(), credential.clientSecret());
  }

  @Test
  void every_role_at_every_scope_allows_exactly_its_documented_data_actions() {
    Vault vault = vault("rbac-matrix", true);
    SecretClient admin = adminClient(vault);
    SecretClient client = subjectClient(vault);
    List<String> mismatches = new ArrayList<>();
    int cells = 0;
    cells += row(vault, admin, client, "no role", a -> {}, op -> false, mismatches);
    for (String role : ROLE_DATA_ACTIONS.keySet()) {
      Role granted = Role.of(role).orElseThrow();
      for (String scope : List.of("vault", "secret " + TARGET, "secret " + OTHER)) {
        Optional<String> secret =
            scope.equals("vault") ? Optional.empty() : Optional.of(scope.substring(7));
        cells +=
            row(
                vault,
                admin,
                client,
                role + " at " + scope,
                v ->
                    coffer
                        .server()
                        .authorizer()
                        .assign(
                            subject.objectId(),
                            granted,
                            secret.map(n -> Scope.secret(v.id(), n)).orElse(Scope.vault(v.id()))),
                op ->
                    ROLE_DATA_ACTIONS.get(role).stream()
                            .anyMatch(pattern -> matches(pattern, op.dataAction))
                        && (secret.isEmpty() || (op.namesSecret && secret.get().equals(TARGET))),
                mismatches);
      }
    }
    // Access policies mean nothing on an RBAC vault.
    cells +=
        row(
            vault,
            admin,
            client,
            "access policy 'all' on an RBAC vault",
            v ->
                coffer
                    .server()
                    .authorizer()
                    .setPolicy(v, subject.objectId(), EnumSet.allOf(Permission.class)),
            op -> false,
            mismatches);
    System.out.printf("RBAC matrix: %d cells, %d mismatches%n", cells, mismatches.size());
    assertThat(mismatches).isEmpty();
    assertThat(cells).isEqualTo((1 + 4 * 3 + 1) * Op.values().length);
  }

  @Test
  void every_access_policy_permission_allows_exactly_its_documented_operations() {
    Vault vault = vault("policy-matrix", false);
    SecretClient admin = adminClient(vault);
    SecretClient client = subjectClient(vault);
    List<String> mismatches = new ArrayList<>();
    int cells = 0;
    cells += row(vault, admin, client, "no policy", v -> {}, op -> false, mismatches);
    for (String permission :
        List.of("get", "list", "set", "delete", "recover", "backup", "restore", "purge")) {
      cells +=
          row(
              vault,
              admin,
              client,
              "policy '" + permission + "'",
              v ->
                  coffer
                      .server()
                      .authorizer()
                      .setPolicy(v, subject.objectId(), Permission.parseList(permission)),
              op -> op.permission.equals(permission),
              mismatches);
    }
    cells +=
        row(
            vault,
            admin,
            client,
            "policy 'all'",
            v ->
                coffer
                    .server()
                    .authorizer()
                    .setPolicy(v, subject.objectId(), Permission.parseList("all")),
            op -> true,
            mismatches);
    // Role assignments mean nothing on an access-policy vault.
    cells +=
        row(
            vault,
            admin,
            client,
            "Key Vault Administrator role on an access-policy vault",
            v ->
                coffer
                    .server()
                    .authorizer()
                    .assign(subject.objectId(), Role.KEY_VAULT_ADMINISTRATOR, Scope.vault(v.id())),
            op -> false,
            mismatches);
    System.out.printf("Access-policy matrix: %d cells, %d mismatches%n", cells, mismatches.size());
    assertThat(mismatches).isEmpty();
    assertThat(cells).isEqualTo((1 + 8 + 1 + 1) * Op.values().length);
  }

  @Test
  void switching_a_vault_to_access_policies_takes_effect_on_the_next_request() {
    Vault vault = vault("rbac-matrix", true);
    SecretClient admin = adminClient(vault);
    SecretClient client = subjectClient(vault);
    reset(vault);
    coffer
        .server()
        .authorizer()
        .assign(subject.objectId(), Role.KEY_VAULT_SECRETS_USER, Scope.vault(vault.id()));
    admin.setSecret(TARGET, "value");
    assertThat(client.getSecret(TARGET).getValue()).isEqualTo("value");
    try {
      coffer.server().vaults().setRbac(vault.name(), false);
      assertThat(status(() -> client.getSecret(TARGET))).isEqualTo(403);
      coffer
          .server()
          .authorizer()
          .setPolicy(vault(vault.name(), false), subject.objectId(), Set.of(Permission.GET));
      assertThat(client.getSecret(TARGET).getValue()).isEqualTo("value");
    } finally {
      coffer.server().vaults().setRbac(vault.name(), true);
      reset(vault);
    }
  }

  /** One row: reset the subject's grants, apply this row's, run every operation. */
  private static int row(
      Vault vault,
      SecretClient admin,
      SecretClient client,
      String label,
      Consumer<Vault> grant,
      java.util.function.Predicate<Op> expected,
      List<String> mismatches) {
    reset(vault);
    grant.accept(vault);
    for (Op op : Op.values()) {
      boolean allowed = attempt(op, admin, client);
      if (allowed != expected.test(op)) {
        mismatches.add(label + " × " + op + ": expected " + (expected.test(op) ? "allow" : "deny"));
      }
    }
    return Op.values().length;
  }

  /** Prepares the state the operation needs, as the administrator, then tries it as the subject. */
  private static boolean attempt(Op op, SecretClient admin, SecretClient client) {
    ensureAbsent(admin);
    admin.setSecret(TARGET, "matrix-value");
    Runnable call =
        switch (op) {
          case GET -> () -> client.getSecret(TARGET);
          case LIST -> () -> client.listPropertiesOfSecrets().stream().count();
          case LIST_VERSIONS ->
              () -> client.listPropertiesOfSecretVersions(TARGET).stream().count();
          case SET -> () -> client.setSecret(TARGET, "matrix-value-2");
          case UPDATE -> {
            SecretProperties properties = admin.getSecret(TARGET).getProperties();
            yield () -> client.updateSecretProperties(properties.setContentType("text/plain"));
          }
          case DELETE -> () -> client.beginDeleteSecret(TARGET);
          case GET_DELETED -> {
            admin.beginDeleteSecret(TARGET);
            yield () -> client.getDeletedSecret(TARGET);
          }
          case LIST_DELETED -> () -> client.listDeletedSecrets().stream().count();
          case RECOVER -> {
            admin.beginDeleteSecret(TARGET);
            yield () -> client.beginRecoverDeletedSecret(TARGET);
          }
          case PURGE -> {
            admin.beginDeleteSecret(TARGET);
            yield () -> client.purgeDeletedSecret(TARGET);
          }
          case BACKUP -> () -> client.backupSecret(TARGET);
          case RESTORE -> {
            byte[] backup = admin.backupSecret(TARGET);
            admin.beginDeleteSecret(TARGET);
            admin.purgeDeletedSecret(TARGET);
            yield () -> client.restoreSecretBackup(backup);
          }
        };
    int status = status(call);
    assertThat(status).as(op + " answered neither success nor 403").isIn(200, 403);
    return status == 200;
  }

  private static int status(Runnable call) {
    try {
      call.run();
      return 200;
    } catch (HttpResponseException e) {
      return e.getResponse().getStatusCode();
    }
  }

  private static void ensureAbsent(SecretClient admin) {
    status(() -> admin.beginDeleteSecret(TARGET));
    status(() -> admin.purgeDeletedSecret(TARGET));
  }

  /** Removes every grant the subject holds on the vault. */
  private static void reset(Vault vault) {
    Authorizer authorizer = coffer.server().authorizer();
    for (RoleAssignment a : authorizer.assignmentsOn(vault)) {
      if (a.principalId().equals(subject.objectId())) {
        authorizer.unassign(a.id());
      }
    }
    if (authorizer.policiesOn(vault).stream()
        .anyMatch(p -> p.objectId().equals(subject.objectId()))) {
      authorizer.removePolicy(vault, subject.objectId());
    }
  }

  /** Azure's action wildcard: {@code *} matches any run of characters, including slashes. */
  private static boolean matches(String pattern, String action) {
    String regex = java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q");
    return action.matches(regex);
  }

  private static Vault vault(String name, boolean rbac) {
    return coffer
        .server()
        .vaults()
        .find(name)
        .orElseGet(() -> {
          Vault created =
              coffer
                  .server()
                  .vaults()
                  .create(name, coffer.credentials().tenantId(), 7, false, rbac);
          DirectoryPrincipal dev =
              coffer
                  .server()
                  .directory()
                  .principalByClientId(coffer.credentials().clientId())
                  .orElseThrow();
          if (rbac) {
            coffer
                .server()
                .authorizer()
                .assign(dev.objectId(), Role.KEY_VAULT_ADMINISTRATOR, Scope.vault(created.id()));
          } else {
            coffer
                .server()
                .authorizer()
                .setPolicy(created, dev.objectId(), EnumSet.allOf(Permission.class));
          }
          return created;
        });
  }

  private static SecretClient adminClient(Vault vault) {
    return new SecretClientBuilder()
        .vaultUrl(coffer.vaultUrl(vault.name()))
        .credential(coffer.credential())
        .buildClient();
  }

  private static SecretClient subjectClient(Vault vault) {
    return new SecretClientBuilder()
        .vaultUrl(coffer.vaultUrl(vault.name()))
        .credential(subjectCredential)
        .buildClient();
  }
}
