package io.coffer.server.storage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object whose members are all text (or null): a secret's tags column, and small files such
 * as dev mode's admin profile. On Jackson's streaming parser: its data-binding mapper costs a
 * started server 5 MiB, and these are read on every start and every tagged read.
 */
public final class FlatJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private FlatJson() {}

  /**
   * The members in the map's order; pretty is indented as Jackson's default pretty printer does.
   */
  public static String write(Map<String, String> members, boolean pretty) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      if (pretty) {
        json.useDefaultPrettyPrinter();
      }
      json.writeStartObject();
      for (Map.Entry<String, String> member : members.entrySet()) {
        json.writeStringField(member.getKey(), member.getValue());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /**
   * The members, in order.
   *
   * @throws IOException when the text is not one JSON object of text members
   */
  public static Map<String, String> read(String text) throws IOException {
    Map<String, String> members = new LinkedHashMap<>();
    try (JsonParser json = FACTORY.createParser(text)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.currentName();
        JsonToken value = json.nextToken();
        if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
          throw new IOException("member '" + name + "' is not text");
        }
        members.put(name, json.getValueAsString());
      }
      if (json.nextToken() != null) {
        throw new IOException("more than one JSON value");
      }
    }
    return members;
  }
}
