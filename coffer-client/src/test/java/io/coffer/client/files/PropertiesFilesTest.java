package io.coffer.client.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.client.files.ConfigDocument.Format;
import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code .properties} files read and written exactly as {@link Properties#load} reads them. */
class PropertiesFilesTest {

  @Test
  void a_value_continued_over_lines_is_one_value_and_is_replaced_whole() throws IOException {
    String text =
        "db.user=etl\r\ndb.password=first\\\r\n    second\\\n\tthird\r\n# after\r\nx=1\r\n";
    ConfigDocument doc = ConfigDocument.parse(Format.PROPERTIES, text);

    assertThat(doc.values())
        .containsExactly(
            Map.entry("db.user", "etl"),
            Map.entry("db.password", "firstsecondthird"),
            Map.entry("x", "1"));
    assertThat(doc.values()).isEqualTo(load(text));
    assertThat(doc.with(Map.of("db.password", "ref")).render())
        .isEqualTo("db.user=etl\r\ndb.password=ref\r\n# after\r\nx=1\r\n");
    assertThat(doc.without(java.util.List.of("db.password")).render())
        .isEqualTo("db.user=etl\r\n# after\r\nx=1\r\n");
  }

  @Test
  void keys_and_values_are_decoded_as_java_reads_them() throws IOException {
    String text =
        """
        my\\ key = a\\tb\\u00e9\\n
        spaced value with spaces\s\s
        colon:v\\:w
          indented\\=key:=leading equals
        # comment \\
        not.continued=yes
        even=ends in two\\\\
        only.key
        tab\tsep
        ! bang comment
        trailing.backslash=x\\\
        """;
    ConfigDocument doc = ConfigDocument.parse(Format.PROPERTIES, text);

    assertThat(doc.values()).isEqualTo(load(text));
    assertThat(doc.values())
        .containsEntry("my key", "a\tbé\n")
        .containsEntry("spaced", "value with spaces  ")
        .containsEntry("indented=key", "=leading equals")
        .containsEntry("even", "ends in two\\")
        .containsEntry("only.key", "")
        .containsEntry("trailing.backslash", "x");
  }

  @Test
  void replacing_keeps_the_separator_as_written() {
    ConfigDocument doc =
        ConfigDocument.parse(Format.PROPERTIES, "a = 1\nb:2\n  c 3\nd\ne\\\n  = 5\n");

    assertThat(doc.with(Map.of("a", "x", "b", "y", "c", "z", "d", "w", "e", "v")).render())
        .isEqualTo("a = x\nb:y\n  c z\nd=w\ne=v\n");
  }

  @Test
  void written_values_read_back_exactly_for_random_text() throws IOException {
    String alphabet = "aZ9 \t\n\r\f\\=:#!\"'éß€😀\u0000\u0085\u2028";
    RandomText keys = new RandomText(alphabet.replace("\n", ""));
    RandomText texts = new RandomText(alphabet);
    for (int round = 0; round < 500; round++) {
      Map<String, String> values = new LinkedHashMap<>();
      StringBuilder text = new StringBuilder("# generated\n");
      for (int i = 0; i < 5; i++) {
        String key = "key" + i + "." + keys.next(6);
        values.put(key, texts.next(12));
        // the original values, keys and separators vary too
        text.append(i % 2 == 0 ? " " : "")
            .append(escapeKey(key))
            .append(new String[] {"=", " : ", " ", "\t="}[i % 4])
            .append("old\\\n   value\n");
      }
      ConfigDocument doc = ConfigDocument.parse(Format.PROPERTIES, text.toString());
      assertThat(doc.values().keySet()).containsExactlyElementsOf(values.keySet());

      String written = doc.with(values).render();

      assertThat(load(written)).as("round %d", round).isEqualTo(values);
      assertThat(ConfigDocument.parse(Format.PROPERTIES, written).values()).isEqualTo(values);
    }
  }

  @Test
  void a_malformed_unicode_escape_is_refused_without_showing_the_value() {
    assertThatThrownBy(() -> ConfigDocument.parse(Format.PROPERTIES, "a=1\npassword=s3cr\\u12"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageNotContaining("s3cr");
  }

  /**
   * As {@link Properties#store} writes a key, its own escaping, so the test does not trust ours.
   */
  private static String escapeKey(String key) throws IOException {
    Properties properties = new Properties();
    properties.setProperty(key, "");
    java.io.StringWriter out = new java.io.StringWriter();
    properties.store(out, null);
    String line = out.toString().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
    return line.substring(0, line.length() - 1);
  }

  private static Map<String, String> load(String text) throws IOException {
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    Map<String, String> values = new HashMap<>();
    properties.forEach((k, v) -> values.put((String) k, (String) v));
    return values;
  }
}
