package io.coffer.client.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A configuration file as data tools keep them — {@code .properties}, {@code .env}, JSON, YAML —
 * seen as flat keys ({@code a.b.c} for nested ones) with text values, and written back in its own
 * format with some values replaced: comments and layout are kept (JSON is pretty-printed anew). A
 * file that cannot be read whole and exactly is refused with an {@link IllegalArgumentException}
 * that says where, never what: rewriting it would lose or change content.
 */
public sealed interface ConfigDocument permits LineDocument, JsonDocument, YamlDocument {

  /** Every key with a text (or number, or boolean) value, in document order. */
  Map<String, String> values();

  /** The same document with these keys' values replaced. */
  ConfigDocument with(Map<String, String> replacements);

  /** The same document without these keys (their lines, or their fields). */
  ConfigDocument without(java.util.Collection<String> keys);

  /** The document as text, in its format. */
  String render();

  enum Format {
    PROPERTIES,
    ENV,
    JSON,
    YAML;

    /** By file name: {@code .json}, {@code .yaml}/{@code .yml}, {@code .env}, else properties. */
    public static Format of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".json")) {
        return JSON;
      }
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        return YAML;
      }
      if (name.endsWith(".env") || name.equals(".env") || name.startsWith(".env.")) {
        return ENV;
      }
      return PROPERTIES;
    }
  }

  static ConfigDocument read(Path file) throws IOException {
    return parse(Format.of(file), Files.readString(file, StandardCharsets.UTF_8));
  }

  static ConfigDocument parse(Format format, String text) {
    return switch (format) {
      case PROPERTIES, ENV -> LineDocument.parse(format, text);
      case JSON -> JsonDocument.parse(text);
      case YAML -> YamlDocument.parse(text);
    };
  }
}
