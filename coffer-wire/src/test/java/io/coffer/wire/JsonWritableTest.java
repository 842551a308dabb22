package io.coffer.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shapes that write their own JSON must write exactly what the mapper writes for them. */
class JsonWritableTest {
  private static String handWritten(Object value) {
    return new String(Json.write(value), StandardCharsets.UTF_8);
  }

  private static String mapped(Object value) throws Exception {
    return Json.mapper().writeValueAsString(value);
  }

  @Test
  void a_full_bundle() throws Exception {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("env", "prod");
    tags.put("quote\"d", "back\\slash\u0001\n");
    tags.put("nothing", null);
    SecretBundle bundle =
        new SecretBundle(
            "päss\"word\u2028😀",
            "text/plain",
            "https://main.vault.localhost:8443/secrets/a/0123",
            true,
            new SecretAttributes(
                true, 1L, 2_000_000_000L, 1_700_000_000L, 1_700_000_001L, "Recoverable", 7),
            tags,
            "https://main.vault.localhost:8443/keys/a/0123",
            "0122");
    assertThat(handWritten(bundle)).isEqualTo(mapped(bundle));
  }

  @Test
  void a_bundle_with_what_plain_secrets_leave_out() throws Exception {
    SecretBundle bundle =
        new SecretBundle(
            null,
            null,
            "https://main.vault.localhost:8443/secrets/a/0123",
            null,
            new SecretAttributes(false, null, null, 1L, 2L, "Recoverable+Purgeable", null),
            null,
            null,
            null);
    assertThat(handWritten(bundle)).isEqualTo(mapped(bundle));
    SecretBundle empty = new SecretBundle(null, null, null, null, null, Map.of(), null, null);
    assertThat(handWritten(empty)).isEqualTo(mapped(empty)).isEqualTo("{\"tags\":{}}");
  }

  @Test
  void attributes_alone() throws Exception {
    SecretAttributes none = new SecretAttributes(null, null, null, null, null, null, null);
    assertThat(handWritten(none)).isEqualTo(mapped(none)).isEqualTo("{}");
  }

  @Test
  void every_character_in_a_value_and_a_tag_name() throws Exception {
    for (char c = 0; c < Character.MAX_VALUE; c++) {
      if (Character.isSurrogate(c)) {
        continue; // half a pair is no character: UTF-8 has no bytes for it on either side
      }
      String text = "a" + c + "b";
      SecretBundle bundle =
          new SecretBundle(text, null, null, null, null, Map.of(text, text), null, null);
      assertThat(handWritten(bundle)).as("U+%04X", (int) c).isEqualTo(mapped(bundle));
    }
  }
}
