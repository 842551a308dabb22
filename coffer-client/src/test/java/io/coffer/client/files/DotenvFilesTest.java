package io.coffer.client.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.client.files.ConfigDocument.Format;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code .env} files read and written as python-dotenv and Docker Compose read them. */
class DotenvFilesTest {

  @Test
  void quoted_values_decode_their_escapes_and_may_span_lines() {
    String text =
        """
        DQ="a\\"b\\\\c\\nd"
        SQ='it\\'s $HOME'
        PLAIN=value # a comment
        HASH=a#b
        KEY="-----BEGIN KEY-----
        abc
        -----END KEY-----"
        AFTER=1
        """;
    ConfigDocument doc = ConfigDocument.parse(Format.ENV, text);

    assertThat(doc.values())
        .containsExactly(
            Map.entry("DQ", "a\"b\\c\nd"),
            Map.entry("SQ", "it's $HOME"),
            Map.entry("PLAIN", "value"),
            Map.entry("HASH", "a#b"),
            Map.entry("KEY", "-----BEGIN KEY-----\nabc\n-----END KEY-----"),
            Map.entry("AFTER", "1"));
    assertThat(doc.with(Map.of("KEY", "https://v.vault.azure.net::key")).render())
        .isEqualTo(
            text.replace(
                "\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"",
                "https://v.vault.azure.net::key"));
  }

  @Test
  void written_values_are_quoted_only_as_much_as_needed() {
    ConfigDocument doc = ConfigDocument.parse(Format.ENV, "A=1\nB=2\nC=3\n");

    assertThat(doc.with(Map.of("A", "https://v::a", "B", "it's \"x\"", "C", "$x y")).render())
        .isEqualTo("A=https://v::a\nB=\"it's \\\"x\\\"\"\nC='$x y'\n");
  }

  @Test
  void written_values_read_back_exactly_for_random_text() {
    RandomText texts = new RandomText("aZ9 \t\n\r\\\"'#=$`é😀");
    for (int round = 0; round < 500; round++) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < 5; i++) {
        // one that ends in a backslash cannot be quoted: see below
        values.put("KEY_" + i, texts.next(11).replaceAll("\\\\$", "\\\\x"));
      }
      ConfigDocument doc =
          ConfigDocument.parse(
              Format.ENV, "KEY_0=a\nexport KEY_1='b'\nKEY_2=\"c\"\nKEY_3=\nKEY_4=e");

      String written = doc.with(values).render();

      assertThat(ConfigDocument.parse(Format.ENV, written).values())
          .as("round %d", round)
          .isEqualTo(values);
    }
  }

  @Test
  void an_unterminated_quote_is_not_read_as_a_value_and_is_kept() {
    String text = "A=\"open\nB=2\n";
    ConfigDocument doc = ConfigDocument.parse(Format.ENV, text);

    assertThat(doc.values()).containsExactly(Map.entry("B", "2"));
    assertThat(doc.without(List.of("B")).render()).isEqualTo("A=\"open\n");
  }

  @Test
  void a_value_ending_in_a_backslash_is_written_plain_or_refused() {
    ConfigDocument doc = ConfigDocument.parse(Format.ENV, "A=1\nB=2\n");

    assertThat(doc.with(Map.of("A", "C:\\dir\\")).render()).isEqualTo("A=C:\\dir\\\nB=2\n");
    assertThatThrownBy(() -> doc.with(Map.of("B", "two\nlines\\")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("B: ")
        .hasMessageNotContaining("lines");
  }
}
