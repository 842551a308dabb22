package io.coffer.client.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.server.testing.RunningCoffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.ConfigTransformerResult;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider through Kafka's own {@link ConfigTransformer}, the code a Connect worker runs to
 * resolve {@code ${provider:path:key}} placeholders, against a real Coffer. (A whole worker runs in
 * coffer-cli's {@code KafkaConnectMigrationTest}.)
 */
class CofferConfigProviderTest {
  private static RunningCoffer coffer;
  private static SecretClient admin;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    admin = coffer.secretClient();
    admin.setSecret("kafka-db", "{\"user\":\"connect\",\"password\":\"kpw-1\"}");
    admin.setSecret("kafka-token", "ktok");
  }

  @Test
  void placeholders_resolve_with_the_ttl_that_makes_connect_restart_the_connector()
      throws Exception {
    ConfigTransformer transformer = transformer(60_000);
    String vault = coffer.vaultUrl();
    Map<String, String> connector = new HashMap<>();
    connector.put("connection.user", "${coffer:" + vault + "::kafka-db::user}");
    connector.put("connection.password", "${coffer:" + vault + "::kafka-db::password}");
    connector.put("api.token", "${coffer:" + vault + "::kafka-token}");
    String version = admin.getSecret("kafka-token").getProperties().getVersion();
    connector.put(
        "api.token.pinned", "${coffer:" + vault + "/secrets/kafka-token/" + version + "}");
    connector.put(
        "connection.url", "jdbc:postgresql://db/app?user=${coffer:" + vault + "::kafka-db::user}");
    connector.put("topics", "orders");

    ConfigTransformerResult result = transformer.transform(connector);

    assertThat(result.data())
        .containsEntry("connection.user", "connect")
        .containsEntry("connection.password", "kpw-1")
        .containsEntry("api.token", "ktok")
        .containsEntry("api.token.pinned", "ktok")
        .containsEntry("connection.url", "jdbc:postgresql://db/app?user=connect")
        .containsEntry("topics", "orders");
    // Kafka cuts the reference at its first colon: the "path" of every placeholder is "https"
    assertThat(result.ttls()).containsEntry("https", 60_000L);
  }

  @Test
  void after_the_ttl_a_rotated_secret_is_what_the_restarted_connector_reads() throws Exception {
    admin.setSecret("kafka-rotating", "first");
    ConfigTransformer transformer = transformer(500);
    Map<String, String> connector =
        Map.of("password", "${coffer:" + coffer.vaultUrl() + "::kafka-rotating}");
    assertThat(transformer.transform(connector).data()).containsEntry("password", "first");
    admin.setSecret("kafka-rotating", "second");
    Thread.sleep(700);
    assertThat(transformer.transform(connector).data()).containsEntry("password", "second");
  }

  @Test
  void a_missing_secret_or_a_malformed_reference_fails_with_a_config_exception_naming_it() {
    ConfigTransformer transformer = transformer(60_000);
    assertThatThrownBy(() ->
            transformer.transform(
                Map.of("pw", "${coffer:" + coffer.vaultUrl() + "::kafka-absent}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka-absent")
        .hasMessageContaining("was not found");
    assertThatThrownBy(() -> transformer.transform(Map.of("pw", "${coffer:main:kafka-db/user}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("${coffer:main:kafka-db/user}")
        .hasMessageContaining("expected <vault-uri>::<secret-name>");
  }

  private static ConfigTransformer transformer(long ttlMillis) {
    CofferConfigProvider provider = new CofferConfigProvider();
    provider.configure(
        Map.of(
            "tenant.id", coffer.credentials().tenantId(),
            "client.id", coffer.credentials().clientId(),
            "client.secret", coffer.credentials().clientSecret(),
            "authority.host", coffer.credentials().authorityHost(),
            "cache.ttl.ms", Long.toString(ttlMillis)));
    Map<String, ConfigProvider> providers = Map.of("coffer", provider);
    return new ConfigTransformer(providers);
  }
}
