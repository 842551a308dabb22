package io.coffer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.security.keyvault.secrets.SecretClient;
import com.github.benmanes.caffeine.cache.Ticker;
import io.coffer.server.testing.RunningCoffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole configurations resolved against a real Coffer through the official SDK. */
class ConfigResolverTest {
  private static RunningCoffer coffer;
  private static SecretClient admin;
  private static VaultAccess access;
  private static String vault;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    admin = coffer.secretClient();
    vault = coffer.vaultUrl();
    access =
        VaultAccess.from(
            VaultSettings.from(
                Map.of(
                    "coffer.tenant.id", coffer.credentials().tenantId(),
                    "coffer.client.id", coffer.credentials().clientId(),
                    "coffer.client.secret", coffer.credentials().clientSecret(),
                    "coffer.authority.host", coffer.credentials().authorityHost()),
                "coffer."));
    admin.setSecret("resolver-db", "{\"user\":\"etl\",\"password\":\"pw-1\",\"port\":5432}");
    admin.setSecret("resolver-token", "tok-1");
  }

  @Test
  void every_reference_resolves_and_each_secret_is_read_once() {
    AtomicLong now = new AtomicLong(1);
    SecretCache cache = cache(now);
    Map<String, String> config = new LinkedHashMap<>();
    config.put("connection.user", vault + "::resolver-db::user");
    config.put("connection.password", vault + "::resolver-db::password");
    config.put("connection.port", vault + "::resolver-db::port");
    config.put("api.token", vault + "::resolver-token");
    config.put("topic", "orders");
    String version = admin.getSecret("resolver-token").getProperties().getVersion();
    config.put("api.token.pinned", vault + "/secrets/resolver-token/" + version);

    Map<String, String> resolved = new ConfigResolver(cache).resolve(config);

    assertThat(resolved)
        .containsEntry("connection.user", "etl")
        .containsEntry("connection.password", "pw-1")
        .containsEntry("connection.port", "5432")
        .containsEntry("api.token", "tok-1")
        .containsEntry("api.token.pinned", "tok-1")
        .containsEntry("topic", "orders");
    assertThat(cache.metrics().vaultCalls()).isEqualTo(3); // db, token, token@version
    new ConfigResolver(cache).resolve(config);
    assertThat(cache.metrics().vaultCalls()).isEqualTo(3);
  }

  @Test
  void with_managed_configs_only_the_listed_keys_resolve() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put(SecretManagerScope.MANAGED_CONFIGS, "password");
    config.put("password", vault + "::resolver-db::password");
    config.put("docs", vault + "::resolver-token");
    Map<String, String> resolved = new ConfigResolver(cache(new AtomicLong(1))).resolve(config);
    assertThat(resolved)
        .containsEntry("password", "pw-1")
        .containsEntry("docs", vault + "::resolver-token");
  }

  @Test
  void a_connectors_nested_config_is_governed_by_its_own_secret_manager_settings() {
    // {"name": ..., "config": {...}} as a file is read: flat keys under "config."
    Map<String, String> connector = new LinkedHashMap<>();
    connector.put("name", "pg-sink");
    connector.put("config.secret.manager.enabled", "true");
    connector.put("config." + SecretManagerScope.MANAGED_CONFIGS, "connection.password");
    connector.put("config.connection.password", vault + "::resolver-db::password");
    connector.put("config.connection.docs", vault + "::resolver-token");
    Map<String, String> disabled = new LinkedHashMap<>();
    disabled.put("name", "pg-sink-off");
    disabled.put("config." + SecretManagerScope.ENABLED, "false");
    disabled.put("config.connection.password", vault + "::resolver-db::password");
    disabled.put("config.connection.token", "${coffer:" + vault + "::resolver-token}");
    ConfigResolver resolver = new ConfigResolver(cache(new AtomicLong(1)));

    assertThat(resolver.resolve(connector))
        .containsEntry("config.connection.password", "pw-1")
        .containsEntry("config.connection.docs", vault + "::resolver-token");
    // off: bare references stay as written; a worker's placeholder is still the worker's
    assertThat(resolver.resolve(disabled))
        .containsEntry("config.connection.password", vault + "::resolver-db::password")
        .containsEntry("config.connection.token", "tok-1");
    connector.remove("config.connection.password");
    assertThatThrownBy(() -> resolver.resolve(connector))
        .isInstanceOf(ResolutionException.InvalidReference.class)
        .hasMessageContaining("config key 'config.connection.password'")
        .hasMessageContaining("config.secret.manager.managed.configs");
  }

  @Test
  void the_kafka_connect_placeholder_and_the_bare_reference_are_the_same_secret() {
    SecretCache cache = cache(new AtomicLong(1));
    Map<String, String> config = new LinkedHashMap<>();
    config.put("bare", vault + "::resolver-db::user");
    config.put("wrapped", "${coffer:" + vault + "::resolver-db::user}");
    assertThat(new ConfigResolver(cache).resolve(config))
        .containsEntry("bare", "etl")
        .containsEntry("wrapped", "etl");
    assertThat(cache.metrics().vaultCalls()).isEqualTo(1);
  }

  @Test
  void a_rotated_secret_is_picked_up_after_the_ttl_without_a_restart() {
    AtomicLong now = new AtomicLong(1);
    SecretCache cache = cache(now);
    ConfigResolver resolver = new ConfigResolver(cache);
    admin.setSecret("resolver-rotating", "before");
    Map<String, String> config = Map.of("secret", vault + "::resolver-rotating");
    assertThat(resolver.resolve(config)).containsEntry("secret", "before");
    admin.setSecret("resolver-rotating", "after");
    assertThat(resolver.resolve(config)).containsEntry("secret", "before");
    now.addAndGet(Duration.ofMinutes(5).plusSeconds(1).toNanos());
    assertThat(resolver.resolve(config)).containsEntry("secret", "after");
  }

  @Test
  void failures_name_the_config_key_and_never_a_value() {
    ConfigResolver resolver = new ConfigResolver(cache(new AtomicLong(1)));
    assertThatThrownBy(() -> resolver.resolve(Map.of("db.password", vault + "::no-such-secret")))
        .isInstanceOf(ResolutionException.SecretMissing.class)
        .hasMessageContaining("config key 'db.password'")
        .hasMessageContaining("no-such-secret")
        .hasMessageContaining("was not found");
    assertThatThrownBy(() -> resolver.resolve(Map.of("db.user", vault + "::resolver-db::login")))
        .isInstanceOf(ResolutionException.JsonKeyMissing.class)
        .hasMessageContaining("config key 'db.user'")
        .hasMessageNotContaining("pw-1");
    assertThatThrownBy(() -> resolver.resolve(Map.of("api.key", vault + "::resolver-token::field")))
        .isInstanceOf(ResolutionException.JsonKeyMissing.class)
        .hasMessageContaining("is not a JSON object")
        .hasMessageNotContaining("tok-1");
    assertThatThrownBy(() ->
            resolver.resolve(
                Map.of(SecretManagerScope.MANAGED_CONFIGS, "password", "password", "hunter2")))
        .isInstanceOf(ResolutionException.InvalidReference.class)
        .hasMessageNotContaining("hunter2");
  }

  private static SecretCache cache(AtomicLong now) {
    Ticker ticker = now::get;
    return new SecretCache(
        access::fetch, Duration.ofMinutes(5), Duration.ofHours(1), 1_000, ticker, Runnable::run);
  }
}
