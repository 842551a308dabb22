package io.coffer.client.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.client.files.ConfigDocument.Format;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * YAML files are rewritten in place: only the replaced values' text (and removed entries' lines)
 * change, every document is kept, and the result reads back as intended.
 */
class YamlFilesTest {

  @Test
  void every_document_is_read_and_kept() {
    String text = "db:\n  password: one\n---\n# second\ndb:\n  password: two\n---\nx: [1, 2]\n";
    ConfigDocument doc = ConfigDocument.parse(Format.YAML, text);

    assertThat(doc.values())
        .containsExactly(
            Map.entry("db.password", "one"),
            Map.entry("---1.db.password", "two"),
            Map.entry("---2.x.0", "1"),
            Map.entry("---2.x.1", "2"));
    assertThat(doc.with(Map.of("---1.db.password", "ref")).render())
        .isEqualTo(text.replace("password: two", "password: \"ref\""));
  }

  @Test
  void replacing_changes_only_the_values_text() {
    String text =
        """
        # service settings
        service: &svc
          name: "😀 reports"   # emoji before the value
          credentials:
            client_secret: s3cret   # rotate yearly
            key: |
              -----BEGIN-----
              abc
              -----END-----

            # kept
            folded: >-
              a
              b
          hosts: [a, "b", {password: 'in flow'}]
        copy: *svc
        tail: 1
        """;
    ConfigDocument doc = ConfigDocument.parse(Format.YAML, text);
    Map<String, String> replacements = new HashMap<>();
    for (String copy : List.of("service", "copy")) {
      // copy is an alias of service: the same text, so it gets the same values
      replacements.put(copy + ".credentials.client_secret", "https://v::a");
      replacements.put(copy + ".credentials.key", "https://v::b");
      replacements.put(copy + ".credentials.folded", "it's \"quoted\"\n");
      replacements.put(copy + ".hosts.2.password", "https://v::c");
    }

    String written = doc.with(replacements).render();

    assertThat(written)
        .isEqualTo(
            text.replace("s3cret", "\"https://v::a\"")
                .replace(
                    "|\n      -----BEGIN-----\n      abc\n      -----END-----\n",
                    "\"https://v::b\"\n")
                .replace(">-\n      a\n      b\n", "\"it's \\\"quoted\\\"\\n\"\n")
                .replace("'in flow'", "\"https://v::c\""));
    assertReadsAs(written, doc, replacements, List.of());
  }

  @Test
  void a_value_shared_through_an_alias_changes_for_its_own_key_only() {
    String text =
        """
        defaults: &defaults
          user: etl
          password: &pw hunter2
        prod:
          <<: *defaults
          host: db
        admin_password: *pw
        """;
    ConfigDocument doc = ConfigDocument.parse(Format.YAML, text);
    assertThat(doc.values())
        .containsEntry("prod.password", "hunter2")
        .containsEntry("prod.user", "etl")
        .containsEntry("admin_password", "hunter2");
    Map<String, String> replacements = Map.of("prod.password", "ref-a", "admin_password", "ref-b");

    String written = doc.with(replacements).render();

    assertReadsAs(written, doc, replacements, List.of());
    assertThat(ConfigDocument.parse(Format.YAML, written).values())
        .containsEntry("defaults.password", "hunter2");
  }

  @Test
  void removing_takes_out_whole_entry_lines_in_block_style_and_rewrites_flow_style() {
    String text =
        """
        env:
          AIRFLOW_CONN_DB: postgres://etl:pw@db/dwh   # old
          AIRFLOW_VAR_KEY: |
            multi
            line
          KEEP: 1
        flow: {AIRFLOW_VAR_X: 1, KEEP: 2}
        """;
    ConfigDocument doc = ConfigDocument.parse(Format.YAML, text);
    List<String> removed = List.of("env.AIRFLOW_CONN_DB", "env.AIRFLOW_VAR_KEY");

    assertThat(doc.without(removed).render())
        .isEqualTo("env:\n  KEEP: 1\nflow: {AIRFLOW_VAR_X: 1, KEEP: 2}\n");
    assertReadsAs(
        doc.without(List.of("flow.AIRFLOW_VAR_X")).render(),
        doc,
        Map.of(),
        List.of("flow.AIRFLOW_VAR_X"));
  }

  @Test
  void written_values_read_back_exactly_for_random_text() {
    RandomText texts = new RandomText("aZ9 :#-\t\n\r\\\"'&*!|>{}[],%@`é\u0085\u2028\ufeff\u0000😀");
    String text = "a: x\nb:\n  - 'y'\n  - {c: \"z\"}\nd: |\n  w\n";
    ConfigDocument doc = ConfigDocument.parse(Format.YAML, text);
    for (int round = 0; round < 300; round++) {
      Map<String, String> values = new HashMap<>();
      for (String key : List.of("a", "b.0", "b.1.c", "d")) {
        values.put(key, texts.next(9));
      }
      assertReadsAs(doc.with(values).render(), doc, values, List.of());
    }
  }

  @Test
  void a_change_that_cannot_be_made_in_place_still_reads_back_exactly() {
    String text = "a: &x [1, 2]\nb: *x\nc: 3\n";
    ConfigDocument doc = ConfigDocument.parse(Format.YAML, text);
    Map<String, String> replacements = Map.of("b.0", "one");

    String written = doc.with(replacements).render();

    assertReadsAs(written, doc, replacements, List.of());
    assertThat(ConfigDocument.parse(Format.YAML, written).values()).containsEntry("a.0", "1");
  }

  /** The written text holds exactly the original values, with these replaced and removed. */
  private static void assertReadsAs(
      String written, ConfigDocument original, Map<String, String> replaced, List<String> removed) {
    Map<String, String> intended = new HashMap<>(original.values());
    intended.putAll(replaced);
    removed.forEach(intended::remove);
    assertThat(ConfigDocument.parse(Format.YAML, written).values()).isEqualTo(intended);
  }
}
