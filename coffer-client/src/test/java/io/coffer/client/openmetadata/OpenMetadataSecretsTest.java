package io.coffer.client.openmetadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.testing.RunningCoffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenMetadata's names and tags; its writer needs Secrets Officer, its reader Secrets User. */
class OpenMetadataSecretsTest {
  private static RunningCoffer coffer;
  private static SecretClient asWriter;
  private static SecretClient asReader;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    asWriter = client("om-server", Role.KEY_VAULT_SECRETS_OFFICER);
    asReader = client("om-ingestion", Role.KEY_VAULT_SECRETS_USER);
  }

  @Test
  void names_follow_openmetadatas_azure_rules() {
    OpenMetadataSecrets plain =
        new OpenMetadataSecrets(asWriter, Optional.empty(), "openmetadata", List.of());
    assertThat(plain.secretId("database", "My_Postgres.prod"))
        .isEqualTo("openmetadata-database-mypostgresprod");
    assertThat(OpenMetadataSecrets.fieldId(plain.secretId("database", "pg"), "Password"))
        .isEqualTo("openmetadata-database-pg-password");
    OpenMetadataSecrets prefixed =
        new OpenMetadataSecrets(asWriter, Optional.of("OM"), "Cluster", List.of());
    assertThat(prefixed.secretId("pipeline", "etl")).isEqualTo("omcluster-pipeline-etl");
  }

  @Test
  void names_are_those_of_the_openmetadata_server_for_a_nested_field() {
    // The examples of shared/spec/TOOL-FACTS.md, as OpenMetadata's server builds them.
    OpenMetadataSecrets plain =
        new OpenMetadataSecrets(asWriter, Optional.empty(), "openmetadata", List.of());
    assertThat(plain.secretName("Database", "mysql_prod", "authType.password"))
        .isEqualTo("openmetadata-database-mysqlprod-authtype-password");
    OpenMetadataSecrets prefixed =
        new OpenMetadataSecrets(asWriter, Optional.of("om"), "openmetadata", List.of());
    assertThat(prefixed.secretName("Database", "mysql_prod", "authType.password"))
        .isEqualTo("omopenmetadata-database-mysqlprod-authtype-password");
    // Each level cleans the id so far: a cluster name's underscore is gone from a field's name.
    OpenMetadataSecrets underscored =
        new OpenMetadataSecrets(asWriter, Optional.empty(), "open_metadata", List.of());
    assertThat(underscored.secretId("Database", "mysql_prod"))
        .isEqualTo("open_metadata-database-mysqlprod");
    assertThat(underscored.secretName("Database", "mysql_prod", "password"))
        .isEqualTo("openmetadata-database-mysqlprod-password");
  }

  @Test
  void a_stored_field_is_kept_as_the_reference_the_ingestion_side_reads() {
    OpenMetadataSecrets writer =
        new OpenMetadataSecrets(asWriter, Optional.empty(), "openmetadata", List.of());
    String name = writer.secretName("Database", "mysql_prod", "authType.password");
    assertThat(writer.store(name, "mysql-pw"))
        .isEqualTo("secret:openmetadata-database-mysqlprod-authtype-password");
    assertThat(writer.read("secret:openmetadata-database-mysqlprod-authtype-password"))
        .isEqualTo("mysql-pw");
  }

  @Test
  void tags_are_read_as_openmetadata_reads_them() {
    assertThat(OpenMetadataSecrets.tagList("[team:data, env:prod,broken]"))
        .containsExactly("team:data", "env:prod", "broken");
    assertThat(OpenMetadataSecrets.parseTags(List.of("team:data", "env:prod", "broken", "a:b:c")))
        .containsEntry("team", "data")
        .containsEntry("env", "prod")
        .containsEntry("a", "b")
        .hasSize(3);
  }

  @Test
  void the_writer_stores_with_tags_and_the_reader_reads_by_reference_but_cannot_write() {
    OpenMetadataSecrets writer =
        new OpenMetadataSecrets(
            asWriter, Optional.empty(), "openmetadata", OpenMetadataSecrets.tagList("[team:data]"));
    String name = OpenMetadataSecrets.fieldId(writer.secretId("database", "warehouse"), "password");
    String reference = writer.store(name, "pg-pass");
    assertThat(reference).isEqualTo("secret:" + name);
    assertThat(asWriter.getSecret(name).getProperties().getTags()).containsEntry("team", "data");

    OpenMetadataSecrets reader =
        new OpenMetadataSecrets(asReader, Optional.empty(), "openmetadata", List.of());
    assertThat(reader.read(reference)).isEqualTo("pg-pass");
    assertThatThrownBy(() -> reader.store(name, "overwritten"))
        .isInstanceOfSatisfying(
            HttpResponseException.class,
            e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(403));
  }

  private static SecretClient client(String name, Role role) {
    DirectoryPrincipal principal =
        coffer.server().directory().createServicePrincipal(coffer.credentials().tenantId(), name);
    ClientCredential credential =
        coffer.server().directory().addClientSecret(principal, Duration.ofDays(1));
    coffer
        .server()
        .authorizer()
        .assign(
            principal.objectId(), role, Scope.vault(coffer.server().vaults().named("main").id()));
    return new SecretClientBuilder()
        .vaultUrl(coffer.vaultUrl())
        .credential(coffer.credential(credential.clientId(), credential.clientSecret()))
        .buildClient();
  }
}
