package io.coffer.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies are read and answers written without Jackson's mapper, and must come out exactly as the
 * mapper would have them: the same tree for every body, the same bytes for every answer.
 */
class JsonWithoutMapperTest {
  private static final ObjectMapper MAPPER = Json.mapper();

  private static String written(Object value) {
    return new String(Json.write(value), StandardCharsets.UTF_8);
  }

  /** Values that travel in a query, a header or an id, never as JSON. */
  private static final Set<Class<?>> NOT_BODIES =
      Set.of(ApiVersion.class, Challenge.class, ObjectId.class);

  /** Every record of the wire package, found in its compiled classes, so a new one is covered. */
  static Stream<Class<?>> wireRecords() throws Exception {
    Path classes = Path.of(Json.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path folder = classes.resolve("io/coffer/wire");
    List<Class<?>> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".class")) {
          Class<?> type = Class.forName("io.coffer.wire." + name.replace(".class", ""));
          if (type.isRecord()
              && Modifier.isPublic(type.getModifiers())
              && !NOT_BODIES.contains(type)) {
            records.add(type);
          }
        }
      }
    }
    assertThat(records).hasSizeGreaterThan(14);
    return records.stream();
  }

  @ParameterizedTest
  @MethodSource("wireRecords")
  void every_wire_record_is_written_as_the_mapper_writes_it_and_never_by_the_mapper(Class<?> type)
      throws Exception {
    for (boolean nulls : new boolean[] {false, true}) {
      Object value = sample(type, nulls, 0);
      assertThat(written(value)).isEqualTo(MAPPER.writeValueAsString(value));
    }
    assertThat(JsonWriter.writesWithoutMapper(type)).isTrue();
  }

  @Test
  void maps_lists_and_scalars_as_the_mapper_writes_them() throws Exception {
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", "ok");
    health.put("count", 3);
    health.put("big", new BigInteger("123456789012345678901234567890"));
    health.put("long", Long.MIN_VALUE);
    health.put("flag", false);
    health.put("none", null);
    health.put("list", List.of(1, "two", Map.of("three", List.of())));
    health.put("tab\t\"quote\"", "ü\u0000\u2028😀");
    for (Object value : List.of(health, List.of(), Map.of(), "text", 7, true)) {
      assertThat(written(value)).isEqualTo(MAPPER.writeValueAsString(value));
    }
  }

  record WithGetter(String name) {
    public String getLabel() {
      return "label";
    }
  }

  record WithIgnored(String name, @JsonIgnore String hidden) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record NonEmpty(String name, List<String> items) {}

  record Renamed(@JsonProperty("renamed_name") String name, Long count) {}

  enum Colour {
    RED
  }

  @Test
  void what_it_does_not_know_the_mapper_writes_as_part_of_the_whole() throws Exception {
    assertThat(JsonWriter.writesWithoutMapper(WithGetter.class)).isFalse();
    assertThat(JsonWriter.writesWithoutMapper(WithIgnored.class)).isFalse();
    assertThat(JsonWriter.writesWithoutMapper(NonEmpty.class)).isFalse();
    assertThat(JsonWriter.writesWithoutMapper(Renamed.class)).isTrue();
    Map<String, Object> mixed = new LinkedHashMap<>();
    mixed.put("getter", new WithGetter("a"));
    mixed.put("ignored", new WithIgnored("a", "b"));
    mixed.put("empty", new NonEmpty("", List.of()));
    mixed.put("renamed", new Renamed("a", null));
    mixed.put("fraction", 1.5);
    mixed.put("colour", Colour.RED);
    mixed.put("keys", Map.of(1, "one"));
    assertThat(written(mixed)).isEqualTo(MAPPER.writeValueAsString(mixed));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"value\":\"x\",\"tags\":{\"a\":\"b\",\"c\":null},\"attributes\":{\"exp\":1700000000}}",
        "{\"n\":[1,-1,2147483647,2147483648,-2147483649,9223372036854775807,9223372036854775808]}",
        "{\"f\":[1.5,-0.0,1e3,1E-7,0.1,123456789.123456789,1e308,1e400,-1e400]}",
        "{\"b\":[true,false,null],\"o\":{},\"a\":[],\"s\":\"\\u00fc\\ud83d\\ude00\\n\"}",
        "[1,{\"x\":[[[]]]}]",
        "\"text\"",
        "42",
        "null",
        "  {\"spaced\" : true }  ",
      })
  void every_body_reads_as_the_same_tree(String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    JsonNode mine = Json.readTree(bytes);
    JsonNode theirs = MAPPER.readTree(bytes);
    assertThat(mine).isEqualTo(theirs);
    assertThat(MAPPER.writeValueAsString(mine)).isEqualTo(MAPPER.writeValueAsString(theirs));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"value\":",
        "{\"value\":\"x\"} {}",
        "{\"value\":\"x\"} x",
        "{value:1}",
        "{\"a\":1,}",
        "[1,2",
        "NaN",
        "{\"a\":'b'}",
        "\u0000",
      })
  void what_the_mapper_refuses_is_refused_without_quoting_it(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MAPPER.readTree(bytes)).isNotNull();
    assertThatThrownBy(() -> Json.readTree(bytes))
        .isInstanceOf(WireException.class)
        .hasMessage("The request body is not valid JSON.");
  }

  @Test
  void duplicates_deep_nesting_and_empty_bodies_are_named() {
    assertThatThrownBy(() -> Json.readTree("{\"value\":\"a\",\"value\":\"b\"}".getBytes()))
        .hasMessage("The request body names the property 'value' more than once.");
    assertThatThrownBy(() -> Json.readTree("[".repeat(40).getBytes()))
        .hasMessage("The request body is not valid JSON.");
    assertThatCode(() -> Json.readTree("[".repeat(32).concat("]".repeat(32)).getBytes()))
        .doesNotThrowAnyException();
    for (String empty : List.of("", "   ", "\n")) {
      assertThatThrownBy(() -> Json.readTree(empty.getBytes()))
          .hasMessage("The request body is empty.");
    }
  }

  @Test
  void half_a_surrogate_pair_is_refused_saying_where_never_quoting_it() {
    String half =
        " holds half of a surrogate pair (a \\uD800-\\uDFFF escape without its other half),"
            + " which is not Unicode text.";
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("{\"value\":\"x\\ud800y\"}", "Property 'value'" + half);
    bodies.put("{\"value\":\"x\\udc00\"}", "Property 'value'" + half);
    bodies.put("{\"value\":\"\\ude00\\ud83d\"}", "Property 'value'" + half);
    bodies.put("{\"tags\":{\"env\":\"\\ud83d\"}}", "Property 'tags.env'" + half);
    bodies.put("{\"a\":[\"ok\",\"\\ud800\"]}", "Property 'a.1'" + half);
    bodies.put("{\"odd name\":\"\\ud800\"}", "A property" + half);
    bodies.put("\"\\ud800\"", "The request body" + half);
    bodies.forEach((body, message) ->
        assertThatThrownBy(() -> Json.readTree(body.getBytes(StandardCharsets.UTF_8)))
            .as(body)
            .isInstanceOf(WireException.class)
            .hasMessage(message));
    assertThat(Json.readTree("{\"v\":\"\\ud83d\\ude00\"}".getBytes()).get("v").asText())
        .isEqualTo("😀");
  }

  /** An instance with every component filled (or, where it can be, null), and nested records. */
  private static Object sample(Class<?> type, boolean nulls, int depth) throws Exception {
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = value(components[i].getGenericType(), nulls, depth);
    }
    Constructor<?> constructor = type.getDeclaredConstructor(types);
    constructor.setAccessible(true);
    return constructor.newInstance(values);
  }

  private static Object value(Type type, boolean nulls, int depth) throws Exception {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw.isPrimitive()) {
      if (raw == boolean.class) {
        return true;
      }
      return raw == int.class ? (Object) 7 : (Object) 42L;
    }
    if (nulls || depth > 2) {
      return null;
    }
    if (raw == String.class) {
      return "t\"ext\\ ü😀\u0001";
    } else if (raw == Long.class) {
      return 1_700_000_000L;
    } else if (raw == Integer.class) {
      return 90;
    } else if (raw == Boolean.class) {
      return false;
    } else if (raw == List.class) {
      Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
      List<Object> list = new ArrayList<>();
      list.add(value(item, false, depth + 1));
      list.add(value(item, false, depth + 1));
      return list;
    } else if (raw == Map.class) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("first", value(((ParameterizedType) type).getActualTypeArguments()[1], false, depth));
      map.put("nothing", null);
      return map;
    } else if (raw.isRecord()) {
      return sample(raw, false, depth + 1);
    }
    throw new AssertionError("no sample for " + type);
  }
}
