package io.coffer.client.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON and YAML documents: nested keys are addressed as {@code a.b.c}, array items as {@code a.0}.
 */
final class TreeDocument implements ConfigDocument {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  private final Format format;
  private final JsonNode root;

  private TreeDocument(Format format, JsonNode root) {
    this.format = format;
    this.root = root;
  }

  static TreeDocument parse(Format format, String text) {
    try {
      JsonNode root = mapper(format).readTree(text);
      return new TreeDocument(format, root == null ? JSON.createObjectNode() : root);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the file is not valid " + format.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Override
  public Map<String, String> values() {
    Map<String, String> values = new LinkedHashMap<>();
    collect("", root, values);
    return values;
  }

  @Override
  public ConfigDocument with(Map<String, String> replacements) {
    JsonNode copy = root.deepCopy();
    replacements.forEach((path, value) -> set(copy, path.split("\\."), 0, value));
    return new TreeDocument(format, copy);
  }

  @Override
  public String render() {
    try {
      return mapper(format).writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed document could not be written", e);
    }
  }

  private static void collect(String path, JsonNode node, Map<String, String> values) {
    if (node.isObject()) {
      node.properties().forEach(e -> collect(join(path, e.getKey()), e.getValue(), values));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(join(path, Integer.toString(i)), node.get(i), values);
      }
    } else if (node.isValueNode() && !node.isNull()) {
      values.put(path, node.asText());
    }
  }

  private static void set(JsonNode node, String[] path, int at, String value) {
    String step = path[at];
    boolean last = at == path.length - 1;
    if (node instanceof ObjectNode object && object.has(step)) {
      if (last) {
        object.set(step, TextNode.valueOf(value));
      } else {
        set(object.get(step), path, at + 1, value);
      }
    } else if (node instanceof ArrayNode array && step.matches("\\d+")) {
      int index = Integer.parseInt(step);
      if (index < array.size()) {
        if (last) {
          array.set(index, TextNode.valueOf(value));
        } else {
          set(array.get(index), path, at + 1, value);
        }
      }
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static ObjectMapper mapper(Format format) {
    return format == Format.YAML ? YAML : JSON;
  }
}
