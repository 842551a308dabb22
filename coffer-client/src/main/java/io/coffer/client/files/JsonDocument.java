package io.coffer.client.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON documents: nested keys are addressed as {@code a.b.c}, array items as {@code a.0}. A file is
 * refused rather than partly read: one with content after its value, or with a key twice in an
 * object, would lose that content when written back.
 */
final class JsonDocument implements ConfigDocument {
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  private final JsonNode root;

  private JsonDocument(JsonNode root) {
    this.root = root;
  }

  static JsonDocument parse(String text) {
    // Jackson's messages quote the text they stop at, which may be a secret: say where, not what
    try (JsonParser parser = JSON.createParser(text)) {
      JsonNode root = JSON.readTree(parser);
      if (parser.nextToken() != null) {
        throw notJson("more follows its value; keep one value per file", parser.currentLocation());
      }
      return new JsonDocument(root == null ? JSON.createObjectNode() : root);
    } catch (JsonProcessingException e) {
      boolean duplicate = e.getOriginalMessage().startsWith("Duplicate field");
      throw notJson(duplicate ? "a key appears twice in one object" : "", e.getLocation());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IllegalArgumentException notJson(String problem, JsonLocation where) {
    return new IllegalArgumentException(
        "the file is not valid json"
            + (problem.isEmpty() ? "" : ": " + problem)
            + (where == null ? "" : " (line " + where.getLineNr() + ")"));
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
    return new JsonDocument(copy);
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
    return new JsonDocument(copy);
  }

  @Override
  public String render() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
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
}
