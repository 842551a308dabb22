package io.coffer.server.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.testing.RunningCoffer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several vaults on one server, told apart by host name; access is denied by default. */
class VaultRoutingTest {
  private static RunningCoffer coffer;
  private static Vault other;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    other =
        coffer
            .server()
            .vaults()
            .find("other")
            .orElseGet(() ->
                coffer.server().vaults().create("other", coffer.credentials().tenantId(), 7, true));
    String devPrincipal =
        coffer
            .server()
            .directory()
            .principalByClientId(coffer.credentials().clientId())
            .orElseThrow()
            .objectId();
    coffer
        .server()
        .authorizer()
        .assign(devPrincipal, Role.KEY_VAULT_SECRETS_OFFICER, Scope.vault(other.id()));
  }

  private static SecretClient client(String vault) {
    return new SecretClientBuilder()
        .vaultUrl(coffer.vaultUrl(vault))
        .credential(coffer.credential())
        .buildClient();
  }

  @Test
  void each_vault_host_has_its_own_secrets() {
    String name = "routed-" + UUID.randomUUID().toString().substring(0, 8);
    client("main").setSecret(name, "in-main");
    client("other").setSecret(name, "in-other");

    assertThat(client("main").getSecret(name).getValue()).isEqualTo("in-main");
    assertThat(client("other").getSecret(name).getValue()).isEqualTo("in-other");
    assertThat(client("other").getSecret(name).getId())
        .startsWith(coffer.vaultUrl("other") + "/secrets/");
  }

  @Test
  void a_vault_with_purge_protection_and_short_retention_reports_it_and_refuses_purge() {
    String name = "protected-" + UUID.randomUUID().toString().substring(0, 8);
    SecretClient client = client("other");
    client.setSecret(name, "v");
    var deleted = client.beginDeleteSecret(name).waitForCompletion().getValue();

    assertThat(deleted.getProperties().getRecoveryLevel()).isEqualTo("CustomizedRecoverable");
    assertThat(deleted.getProperties().getRecoverableDays()).isEqualTo(7);
    assertThat(deleted.getScheduledPurgeDate()).isEqualTo(deleted.getDeletedOn().plusDays(7));
    assertThatThrownBy(() -> client.purgeDeletedSecret(name))
        .isInstanceOf(HttpResponseException.class)
        .satisfies(e ->
            assertThat(((HttpResponseException) e).getResponse().getStatusCode()).isEqualTo(403));
  }

  @Test
  void a_principal_without_a_role_is_forbidden_and_a_secret_scoped_user_reads_only_that_secret() {
    DirectoryPrincipal reader =
        coffer
            .server()
            .directory()
            .createServicePrincipal(coffer.credentials().tenantId(), "reader");
    ClientCredential credential =
        coffer.server().directory().addClientSecret(reader, Duration.ofDays(1));
    SecretClient asReader =
        new SecretClientBuilder()
            .vaultUrl(coffer.vaultUrl("main"))
            .credential(coffer.credential(credential.clientId(), credential.clientSecret()))
            .buildClient();
    String shared = "scoped-" + UUID.randomUUID().toString().substring(0, 8);
    String hidden = shared + "-hidden";
    client("main").setSecret(shared, "for-reader");
    client("main").setSecret(hidden, "not-for-reader");

    assertThatThrownBy(() -> asReader.getSecret(shared))
        .isInstanceOf(HttpResponseException.class)
        .hasMessageContaining("ForbiddenByRbac");

    Vault main = coffer.server().vaults().named("main");
    coffer
        .server()
        .authorizer()
        .assign(reader.objectId(), Role.KEY_VAULT_SECRETS_USER, Scope.secret(main.id(), shared));

    assertThat(asReader.getSecret(shared).getValue()).isEqualTo("for-reader");
    assertThatThrownBy(() -> asReader.getSecret(hidden)).isInstanceOf(HttpResponseException.class);
    assertThatThrownBy(() -> asReader.setSecret(shared, "overwrite"))
        .isInstanceOf(HttpResponseException.class)
        .hasMessageContaining("Forbidden");
    assertThatThrownBy(() -> client("nowhere").getSecret(shared))
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
