package io.coffer.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A PUT or PATCH body, read field by field so that the server can tell absent from null and answer
 * wrong types with {@code BadParameter} instead of a generic parse failure.
 */
public final class SecretRequest {
  private final JsonNode body;

  private SecretRequest(JsonNode body) {
    this.body = body;
  }

  /**
   * Reads a body; an empty body is an empty object.
   *
   * @throws WireException when the bytes are not a JSON object
   */
  public static SecretRequest parse(byte[] bytes) {
    if (bytes.length == 0) {
      return new SecretRequest(Json.emptyObject());
    }
    JsonNode node = Json.readTree(bytes);
    if (!node.isObject()) {
      throw new WireException("The request body must be a JSON object.");
    }
    return new SecretRequest(node);
  }

  /** The secret value; PUT requires it. */
  public Optional<String> value() {
    return text("value");
  }

  public Optional<String> contentType() {
    return text("contentType");
  }

  public boolean hasContentType() {
    return body.has("contentType");
  }

  public boolean hasTags() {
    return body.has("tags") && !body.get("tags").isNull();
  }

  /** Tags as given; a null or absent {@code tags} is an empty map. */
  public Map<String, String> tags() {
    JsonNode tags = body.get("tags");
    Map<String, String> result = new LinkedHashMap<>();
    if (tags == null || tags.isNull()) {
      return result;
    }
    if (!tags.isObject()) {
      throw new WireException("Property 'tags' must be an object of strings.");
    }
    for (var entry : tags.properties()) {
      JsonNode value = entry.getValue();
      if (value.isNull()) {
        result.put(entry.getKey(), "");
      } else if (value.isTextual()) {
        result.put(entry.getKey(), value.asText());
      } else {
        throw new WireException("Tag '" + entry.getKey() + "' must have a string value.");
      }
    }
    return result;
  }

  /** {@code attributes.enabled}, when present. */
  public Optional<Boolean> enabled() {
    JsonNode node = attribute("enabled");
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      throw new WireException("Property 'attributes.enabled' must be a boolean.");
    }
    return Optional.of(node.booleanValue());
  }

  /** Whether {@code attributes.<name>} is present at all (null counts: it clears the field). */
  public boolean hasAttribute(String name) {
    JsonNode attributes = body.get("attributes");
    return attributes != null && attributes.isObject() && attributes.has(name);
  }

  /** {@code attributes.nbf} or {@code attributes.exp}: Unix seconds. */
  public Optional<Long> time(String name) {
    JsonNode node = attribute(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.canConvertToLong() || !node.isIntegralNumber()) {
      throw new WireException("Property 'attributes." + name + "' must be an integer.");
    }
    return Optional.of(node.longValue());
  }

  private JsonNode attribute(String name) {
    JsonNode attributes = body.get("attributes");
    if (attributes == null || attributes.isNull()) {
      return null;
    }
    if (!attributes.isObject()) {
      throw new WireException("Property 'attributes' must be an object.");
    }
    return attributes.get(name);
  }

  private Optional<String> text(String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new WireException("Property '" + field + "' must be a string.");
    }
    return Optional.of(node.asText()); // whole Unicode text: Json.readTree refuses half a pair
  }

  @Override
  public String toString() {
    return "SecretRequest[fields=" + body.size() + "]";
  }
}
