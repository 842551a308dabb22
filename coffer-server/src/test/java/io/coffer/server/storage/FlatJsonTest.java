package io.coffer.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tags columns and dev mode's profile read and write exactly as the mapper did before them. */
class FlatJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static Map<String, String> members() {
    Map<String, String> members = new LinkedHashMap<>();
    members.put("env", "prod");
    members.put("quote\"d", "back\\slash\u0001\n\t");
    members.put("ü😀\u2028", "</script>");
    members.put("empty", "");
    members.put("nothing", null);
    return members;
  }

  @Test
  void written_as_the_mapper_writes_it_compact_and_pretty() throws Exception {
    for (Map<String, String> members : List.of(members(), Map.<String, String>of())) {
      assertThat(FlatJson.write(members, false)).isEqualTo(MAPPER.writeValueAsString(members));
      assertThat(FlatJson.write(members, true))
          .isEqualTo(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(members));
    }
  }

  @Test
  void what_was_written_before_reads_back_in_order() throws Exception {
    String stored = MAPPER.writeValueAsString(members());
    assertThat(FlatJson.read(stored)).containsExactlyEntriesOf(members());
    assertThat(FlatJson.read(stored))
        .isEqualTo(MAPPER.readValue(stored, new TypeReference<Map<String, String>>() {}));
    assertThat(FlatJson.read(" {} ")).isEmpty();
  }

  @Test
  void anything_but_one_object_of_text_is_refused() {
    for (String text :
        List.of(
            "", "[]", "\"a\"", "{\"a\":1}", "{\"a\":{}}", "{\"a\":\"b\"", "{} {}", "{\"a\":[]}")) {
      assertThatThrownBy(() -> FlatJson.read(text)).as(text).isInstanceOf(IOException.class);
    }
  }
}
