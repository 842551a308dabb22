package io.coffer.client.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    collect("", List.of(), root, values, new LinkedHashMap<>());
    return values;
  }

  /** Flat keys to the steps that reach them: keys may contain dots (Kafka's always do). */
  private Map<String, List<String>> paths() {
    Map<String, List<String>> paths = new LinkedHashMap<>();
    collect("", List.of(), root, new LinkedHashMap<>(), paths);
    return paths;
  }

  @Override
  public ConfigDocument with(Map<String, String> replacements) {
    JsonNode copy = root.deepCopy();
    Map<String, List<String>> paths = paths();
    replacements.forEach((key, value) -> {
      List<String> path = paths.get(key);
      if (path != null) {
        set(copy, path.toArray(String[]::new), 0, value);
      }
    });
    return new TreeDocument(format, copy);
  }

  @Override
  public ConfigDocument without(java.util.Collection<String> keys) {
    JsonNode copy = root.deepCopy();
    Map<String, List<String>> paths = paths();
    for (String key : keys) {
      if (!paths.containsKey(key)) {
        continue;
      }
      String[] path = paths.get(key).toArray(String[]::new);
      JsonNode parent = copy;
      for (int i = 0; i < path.length - 1 && parent != null; i++) {
        parent = parent.get(path[i]);
      }
      if (parent instanceof ObjectNode object) {
        object.remove(path[path.length - 1]);
      }
    }
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

  private static void collect(
      String key,
      List<String> steps,
      JsonNode node,
      Map<String, String> values,
      Map<String, List<String>> paths) {
    if (node.isObject()) {
      node.properties()
          .forEach(e ->
              collect(join(key, e.getKey()), with(steps, e.getKey()), e.getValue(), values, paths));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String index = Integer.toString(i);
        collect(join(key, index), with(steps, index), node.get(i), values, paths);
      }
    } else if (node.isValueNode() && !node.isNull()) {
      values.put(key, node.asText());
      paths.put(key, steps);
    }
  }

  private static List<String> with(List<String> steps, String step) {
    List<String> longer = new ArrayList<>(steps);
    longer.add(step);
    return longer;
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
