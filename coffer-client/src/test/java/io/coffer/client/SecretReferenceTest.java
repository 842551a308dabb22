package io.coffer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretReferenceTest {

  @Test
  void the_kafka_form_names_vault_secret_and_optional_json_key() {
    assertThat(SecretReference.parse("k", "https://ETL.vault.azure.net::warehouse"))
        .isEqualTo(
            new SecretReference(
                "https://etl.vault.azure.net", "warehouse", Optional.empty(), Optional.empty()));
    assertThat(SecretReference.parse("k", " https://main.vault.localhost:8443/::db::password "))
        .isEqualTo(
            new SecretReference(
                "https://main.vault.localhost:8443",
                "db",
                Optional.empty(),
                Optional.of("password")));
  }

  @Test
  void a_secret_identifier_may_name_a_version_and_a_json_key() {
    String version = "0123456789abcdef0123456789abcdef";
    assertThat(
            SecretReference.parse(
                "k", "https://etl.vault.azure.net/secrets/warehouse/" + version + "::user"))
        .isEqualTo(
            new SecretReference(
                "https://etl.vault.azure.net",
                "warehouse",
                Optional.of(version),
                Optional.of("user")));
    assertThat(
            SecretReference.parse("k", "https://etl.vault.azure.net/secrets/warehouse").version())
        .isEmpty();
  }

  @Test
  void a_kafka_connect_placeholder_wraps_the_same_reference() {
    SecretReference reference = SecretReference.parse("k", "https://etl.vault.azure.net::db::pw");
    assertThat(reference.written()).isEqualTo("https://etl.vault.azure.net::db::pw");
    assertThat(reference.placeholder()).isEqualTo("${coffer:https://etl.vault.azure.net::db::pw}");
    assertThat(SecretReference.parse("k", reference.placeholder())).isEqualTo(reference);
    String version = "0123456789abcdef0123456789abcdef";
    SecretReference pinned =
        SecretReference.parse(
            "k", "${coffer:https://etl.vault.azure.net/secrets/db/" + version + "}");
    assertThat(pinned.version()).contains(version);
    assertThat(pinned.written()).isEqualTo("https://etl.vault.azure.net/secrets/db/" + version);
    assertThat(SecretReference.isPlaceholder(reference.placeholder())).isTrue();
    assertThat(SecretReference.isPlaceholder(reference.written())).isFalse();
    assertThat(SecretReference.isPlaceholder("${file:/etc/kafka/secrets.properties:pw}")).isFalse();
    assertThatThrownBy(() -> SecretReference.parse("k", "${coffer:main:db/pw}"))
        .isInstanceOf(ResolutionException.InvalidReference.class);
  }

  @Test
  void malformed_references_name_the_config_key_and_never_echo_the_value() {
    for (String bad :
        new String[] {
          "https://etl.vault.azure.net",
          "http://etl.vault.azure.net::x",
          "https://etl.vault.azure.net::bad_name",
          "https://etl.vault.azure.net::x::",
          "https://etl.vault.azure.net::x::y::z",
          "https://etl.vault.azure.net/path::x",
          "https://etl.vault.azure.net/secrets/x/not-a-version",
          "https://user@etl.vault.azure.net::x"
        }) {
      assertThatThrownBy(() -> SecretReference.parse("db.password", bad))
          .isInstanceOf(ResolutionException.InvalidReference.class)
          .hasMessageStartingWith("config key 'db.password': ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad));
    }
  }

  @Test
  void only_https_values_with_a_separator_or_identifier_look_like_references() {
    assertThat(SecretReference.looksLikeReference("https://v.vault.azure.net::s")).isTrue();
    assertThat(SecretReference.looksLikeReference("https://v.vault.azure.net/secrets/s")).isTrue();
    assertThat(SecretReference.looksLikeReference("https://example.com/login")).isFalse();
    assertThat(SecretReference.looksLikeReference("hunter2")).isFalse();
    assertThat(SecretReference.looksLikeReference("${coffer:https://v.vault.azure.net::s}"))
        .isTrue();
  }
}
