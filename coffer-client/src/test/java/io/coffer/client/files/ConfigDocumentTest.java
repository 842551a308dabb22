package io.coffer.client.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.client.files.ConfigDocument.Format;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each format's keys are found, replaced, and written back with its comments and layout. */
class ConfigDocumentTest {

  @Test
  void properties_keep_comments_and_order() {
    String text = "# warehouse\ndb.user=etl\ndb.password : https://v.vault.azure.net::db\n\nx=1";
    ConfigDocument doc = ConfigDocument.parse(Format.PROPERTIES, text);
    assertThat(doc.values())
        .containsExactly(
            Map.entry("db.user", "etl"),
            Map.entry("db.password", "https://v.vault.azure.net::db"),
            Map.entry("x", "1"));
    assertThat(doc.with(Map.of("db.password", "p\\w")).render())
        .isEqualTo("# warehouse\ndb.user=etl\ndb.password : p\\\\w\n\nx=1");
  }

  @Test
  void env_files_understand_export_and_quotes() {
    String text =
        "export DB_USER='etl'\n# comment\nDB_PASSWORD=\"https://v.vault.azure.net::db\"\n";
    ConfigDocument doc = ConfigDocument.parse(Format.ENV, text);
    assertThat(doc.values())
        .containsEntry("DB_USER", "etl")
        .containsEntry("DB_PASSWORD", "https://v.vault.azure.net::db");
    assertThat(doc.with(Map.of("DB_PASSWORD", "it's secret")).render())
        .isEqualTo("export DB_USER='etl'\n# comment\nDB_PASSWORD=\"it's secret\"\n");
  }

  @Test
  void json_and_yaml_address_nested_keys_and_arrays() {
    String json = "{\"db\":{\"user\":\"etl\",\"port\":5432},\"hosts\":[\"a\",\"b\"]}";
    ConfigDocument doc = ConfigDocument.parse(Format.JSON, json);
    assertThat(doc.values())
        .containsEntry("db.user", "etl")
        .containsEntry("db.port", "5432")
        .containsEntry("hosts.1", "b");
    assertThat(
            ConfigDocument.parse(
                    Format.JSON, doc.with(Map.of("db.user", "x", "hosts.0", "z")).render())
                .values())
        .containsEntry("db.user", "x")
        .containsEntry("hosts.0", "z");

    ConfigDocument yaml = ConfigDocument.parse(Format.YAML, "db:\n  password: secret-ref\n");
    assertThat(yaml.values()).containsEntry("db.password", "secret-ref");
    assertThat(yaml.with(Map.of("db.password", "resolved")).render())
        .contains("password: \"resolved\"");
  }

  @Test
  void json_with_content_after_its_value_or_a_key_twice_is_refused() {
    assertThatThrownBy(() ->
            ConfigDocument.parse(
                Format.JSON, "{\"password\":\"s3cret-1\"}\n{\"password\":\"s3cret-2\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid json: more follows its value")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() ->
            ConfigDocument.parse(
                Format.JSON, "{\"password\":\"s3cret-1\",\"password\":\"s3cret-2\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a key appears twice")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> ConfigDocument.parse(Format.JSON, "{\"password\": hunter2}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the file is not valid json (line 1)");
  }

  @Test
  void invalid_yaml_is_refused_with_where_but_not_what() {
    assertThatThrownBy(() -> ConfigDocument.parse(Format.YAML, "a: 1\npassword: [hunter2\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the file is not valid yaml (line")
        .hasMessageNotContaining("hunter2");
  }
}
