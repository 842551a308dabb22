package io.coffer.client.airflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Airflow's lookups against a real Coffer. The naming cases are shared with the compat/airflow
 * suite, which checks them with the real provider's {@code build_path}.
 */
class AirflowSecretsTest {
  private static RunningCoffer coffer;
  private static SecretClient client;
  private static Function<String, Optional<String>> lookup;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    client = coffer.secretClient();
    lookup =
        name -> {
          try {
            return Optional.of(client.getSecret(name).getValue());
          } catch (ResourceNotFoundException e) {
            return Optional.empty();
          }
        };
  }

  @Test
  void names_are_built_exactly_as_the_provider_builds_them() throws IOException {
    JsonNode cases;
    try (InputStream in = getClass().getResourceAsStream("/airflow-naming.json")) {
      cases = new ObjectMapper().readTree(in).path("cases");
    }
    assertThat(cases.size()).isGreaterThanOrEqualTo(8);
    for (JsonNode c : cases) {
      assertThat(
              AirflowSecrets.buildPath(
                  c.path("prefix").asText(), c.path("id").asText(), c.path("sep").asText()))
          .as(c.toString())
          .isEqualTo(c.path("name").asText());
    }
  }

  @Test
  void connections_variables_and_config_are_found_under_airflows_names() {
    client.setSecret(
        "airflow-connections-af-warehouse",
        "postgresql://etl:s3%2Fcret@db.internal:5432/dwh?sslmode=require");
    client.setSecret(
        "airflow-connections-af-api",
        "{\"conn_type\":\"http\",\"host\":\"api.internal\",\"login\":\"svc\",\"password\":\"pw\",\"port\":8443,\"extra\":{\"timeout\":30}}");
    client.setSecret("airflow-variables-af-batch-size", "500");
    client.setSecret("airflow-config-af-smtp-password", "mail-pw");
    AirflowSecrets airflow = AirflowSecrets.withDefaults(lookup);

    AirflowConnection warehouse = airflow.connection("af_warehouse").orElseThrow();
    assertThat(warehouse.connType()).isEqualTo("postgres");
    assertThat(warehouse.host()).contains("db.internal");
    assertThat(warehouse.login()).contains("etl");
    assertThat(warehouse.password()).contains("s3/cret");
    assertThat(warehouse.port()).isEqualTo(OptionalInt.of(5432));
    assertThat(warehouse.schema()).contains("dwh");
    assertThat(warehouse.extra()).containsEntry("sslmode", "require");
    assertThat(warehouse.toString()).doesNotContain("s3/cret");

    AirflowConnection api = airflow.connection("af_api").orElseThrow();
    assertThat(api.connType()).isEqualTo("http");
    assertThat(api.extra()).containsEntry("timeout", "30");
    assertThat(airflow.variable("af_batch_size")).contains("500");
    assertThat(airflow.config("af_smtp_password")).contains("mail-pw");
    assertThat(airflow.variable("af_absent")).isEmpty();
  }

  @Test
  void a_disabled_prefix_makes_no_lookup_and_an_empty_one_uses_the_bare_name() {
    client.setSecret("af-bare-var", "plain");
    Function<String, Optional<String>> failing =
        name -> {
          throw new AssertionError("looked up " + name);
        };
    AirflowSecrets disabled =
        new AirflowSecrets(failing, Optional.empty(), Optional.empty(), Optional.empty(), "-");
    assertThat(disabled.variable("anything")).isEmpty();
    assertThat(disabled.connectionValue("anything")).isEmpty();
    AirflowSecrets bare =
        new AirflowSecrets(lookup, Optional.of(""), Optional.of(""), Optional.of(""), "-");
    assertThat(bare.variable("af_bare_var")).contains("plain");
  }

  @Test
  void failures_other_than_not_found_propagate() {
    AirflowSecrets airflow = AirflowSecrets.withDefaults(lookup);
    // A dot is not allowed in a Key Vault name: the vault answers 400, which is not "absent".
    assertThatThrownBy(() -> airflow.variable("bad.name"))
        .isInstanceOf(HttpResponseException.class);
  }
}
