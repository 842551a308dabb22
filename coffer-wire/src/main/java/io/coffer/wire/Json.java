package io.coffer.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The one JSON mapper for the Key Vault shapes. */
public final class Json {
  /** Deep nesting is refused early; Key Vault bodies are at most three levels deep. */
  private static final int MAX_NESTING = 32;

  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  // Requests run on virtual threads, where a per-thread buffer pool would be a new
                  // pool per request.
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  // {"value":"a","value":"b"} means one thing to us and maybe another to a proxy
                  // or a log reader in front: refused, not resolved by taking the last.
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                  .build())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  /**
   * A shape that writes its own JSON, exactly as the mapper would write it: the few answers every
   * vault read makes skip the bean serializer. A test holds each to the mapper's output.
   */
  public interface Writable {
    void writeJson(StringBuilder out);
  }

  public static byte[] write(Object value) {
    if (value instanceof Writable writable) {
      StringBuilder out = new StringBuilder(512);
      writable.writeJson(out);
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads a tree.
   *
   * @throws WireException for anything that is not well-formed JSON; the message never quotes the
   *     input, which may hold a secret value
   */
  public static JsonNode readTree(byte[] bytes) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new WireException("The request body is empty.");
      }
      return node;
    } catch (IOException e) {
      throw new WireException(problem(e, "is not valid JSON"));
    }
  }

  public static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new WireException(problem(e, "is not a valid " + type.getSimpleName()));
    }
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
  private static StringBuilder quoted(StringBuilder out, String text) {
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
      if (name.length() <= 64 && name.matches("[A-Za-z0-9_.-]*")) {
        return "The request body names the property '" + name + "' more than once.";
      }
      return "The request body names a property more than once.";
    }
    return "The request body " + otherwise + ".";
  }
}
