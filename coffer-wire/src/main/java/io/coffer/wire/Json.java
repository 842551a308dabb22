package io.coffer.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON for the Key Vault shapes: bodies read into trees and answers written by hand, on Jackson's
 * streaming parser alone; Jackson's data binding (the mapper) only for what that does not cover.
 */
public final class Json {
  /** Deep nesting is refused early; Key Vault bodies are at most three levels deep. */
  private static final int MAX_NESTING = 32;

  private static final JsonFactory FACTORY = factory();

  /**
   * Built on first use: building a mapper loads some 280 classes, 5 MiB of a started server's
   * resident memory, and a vault's reads, writes, lists, tokens and errors never need it.
   */
  private static final class Mapper {
    static final ObjectMapper INSTANCE =
        JsonMapper.builder(factory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }

  private Json() {}

  private static JsonFactory factory() {
    return JsonFactory.builder()
        // Requests run on virtual threads, where a per-thread buffer pool would be a new pool per
        // request.
        .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
        // {"value":"a","value":"b"} means one thing to us and maybe another to a proxy or a log
        // reader in front: refused, not resolved by taking the last.
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
        .build();
  }

  /**
   * The data-binding mapper, configured as the bodies are read: for shapes this class does not
   * write.
   */
  public static ObjectMapper mapper() {
    return Mapper.INSTANCE;
  }

  /**
   * A shape that writes its own JSON, exactly as the mapper would write it: the few answers every
   * vault read makes skip the generic writer. A test holds each to the mapper's output.
   */
  public interface Writable {
    void writeJson(StringBuilder out);
  }

  /**
   * A value as the mapper writes it; records, maps, lists, text, integers and booleans without it.
   */
  public static byte[] write(Object value) {
    StringBuilder out = new StringBuilder(512);
    JsonWriter.value(out, value);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a tree, the same tree the mapper reads.
   *
   * @throws WireException for anything that is not well-formed JSON; the message never quotes the
   *     input, which may hold a secret value
   */
  public static JsonNode readTree(byte[] bytes) {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (parser.nextToken() == null) {
        throw new WireException("The request body is empty.");
      }
      JsonNode node = node(parser);
      if (parser.nextToken() != null) {
        throw new WireException("The request body is not valid JSON.");
      }
      return node;
    } catch (IOException e) {
      throw new WireException(problem(e, "is not valid JSON"));
    }
  }

  /**
   * The value at the parser's current token, and its children; nesting is bounded by the parser.
   */
  private static JsonNode node(JsonParser parser) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    return switch (parser.currentToken()) {
      case START_OBJECT -> {
        ObjectNode object = nodes.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          object.set(name, node(parser));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = nodes.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(node(parser));
        }
        yield array;
      }
      case VALUE_STRING -> nodes.textNode(whole(parser));
      case VALUE_NUMBER_INT ->
          switch (parser.getNumberType()) {
            case INT -> nodes.numberNode(parser.getIntValue());
            case LONG -> nodes.numberNode(parser.getLongValue());
            default -> nodes.numberNode(parser.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      case VALUE_NULL -> nodes.nullNode();
      default -> throw new WireException("The request body is not valid JSON.");
    };
  }

  /**
   * A string as it will be kept, in UTF-8: a JSON escape can write half of a surrogate pair, for
   * which UTF-8 has no bytes, so keeping it would change the text (to {@code ?}) after the write
   * was acknowledged. Refused instead, saying where, never quoting it. (Jackson itself refuses one
   * in a member's name.)
   */
  private static String whole(JsonParser parser) throws IOException {
    String text = parser.getText();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new WireException(
            where(parser)
                + " holds half of a surrogate pair (a \\uD800-\\uDFFF escape without its other"
                + " half), which is not Unicode text.");
      }
    }
    return text;
  }

  /** {@code Property 'tags.env'}, or the whole body; a name of other characters is not repeated. */
  private static String where(JsonParser parser) {
    String pointer = parser.getParsingContext().pathAsPointer().toString();
    if (pointer.isEmpty()) {
      return "The request body";
    }
    String path = pointer.substring(1).replace('/', '.');
    return repeatable(path) ? "Property '" + path + "'" : "A property";
  }

  /** A property's name (or path) that a message may repeat: short, and of plain characters. */
  private static boolean repeatable(String name) {
    return name.length() <= 64 && name.matches("[A-Za-z0-9_.-]*");
  }

  public static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return mapper().readValue(bytes, type);
    } catch (IOException e) {
      throw new WireException(problem(e, "is not a valid " + type.getSimpleName()));
    }
  }

  /** An empty object, to read as a body that named nothing. */
  public static ObjectNode emptyObject() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** {@code "name":"value"} with the value escaped as the mapper escapes it, or nothing if null. */
  static void member(StringBuilder out, String name, String value) {
    if (value != null) {
      quoted(name(out, name), value);
    }
  }

  /** {@code "name":value} for a number or boolean, or nothing if null. */
  static void member(StringBuilder out, String name, Object value) {
    if (value != null) {
      name(out, name).append(value);
    }
  }

  /** A member's name, after a comma unless it is the object's first. */
  static StringBuilder name(StringBuilder out, String name) {
    if (out.charAt(out.length() - 1) != '{') {
      out.append(',');
    }
    return quoted(out, name).append(':');
  }

  /** A JSON string, escaped as the mapper escapes it. */
  static StringBuilder quoted(StringBuilder out, String text) {
    out.append('"');
    int i = 0;
    while (i < text.length()
        && text.charAt(i) >= 0x20
        && text.charAt(i) != '"'
        && text.charAt(i) != '\\') {
      i++;
    }
    if (i == text.length()) {
      out.append(text); // most names and values: nothing to escape, and no copy to make
    } else {
      // In one piece: the appending form adds a character at a time (7 % of a GET).
      out.append(JsonStringEncoder.getInstance().quoteAsString(text));
    }
    return out.append('"');
  }

  /** What is wrong with a body, without quoting it (a duplicated name is named: it is no value). */
  private static String problem(IOException e, String otherwise) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof StreamReadException && message.startsWith("Duplicate field '")) {
      int end = message.indexOf('\'', "Duplicate field '".length());
      String name = end > 0 ? message.substring("Duplicate field '".length(), end) : "";
      if (repeatable(name)) {
        return "The request body names the property '" + name + "' more than once.";
      }
      return "The request body names a property more than once.";
    }
    return "The request body " + otherwise + ".";
  }
}
