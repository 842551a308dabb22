package io.coffer.client.files;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code .properties} ({@code key=value} or {@code key: value}) and {@code .env} ({@code [export
 * ]KEY=value}, optionally quoted) files, line by line, so comments and order survive a rewrite.
 */
final class LineDocument implements ConfigDocument {
  private record Line(String text, String key, String prefix) {}

  private final Format format;
  private final List<Line> lines;

  private LineDocument(Format format, List<Line> lines) {
    this.format = format;
    this.lines = List.copyOf(lines);
  }

  static LineDocument parse(Format format, String text) {
    List<Line> lines = new ArrayList<>();
    for (String raw : text.split("\n", -1)) {
      String trimmed = raw.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
        lines.add(new Line(raw, null, null));
        continue;
      }
      String body = raw.stripLeading();
      String indent = raw.substring(0, raw.length() - body.length());
      if (format == Format.ENV && body.startsWith("export ")) {
        indent += "export ";
        body = body.substring(7).stripLeading();
      }
      int at = separator(body, format);
      if (at <= 0) {
        lines.add(new Line(raw, null, null));
        continue;
      }
      String key = body.substring(0, at).strip();
      lines.add(new Line(raw, key, indent + key + "="));
    }
    return new LineDocument(format, lines);
  }

  @Override
  public Map<String, String> values() {
    Map<String, String> values = new LinkedHashMap<>();
    for (Line line : lines) {
      if (line.key() != null) {
        values.put(line.key(), value(line));
      }
    }
    return values;
  }

  @Override
  public ConfigDocument with(Map<String, String> replacements) {
    List<Line> changed = new ArrayList<>();
    for (Line line : lines) {
      if (line.key() != null && replacements.containsKey(line.key())) {
        changed.add(
            new Line(
                line.prefix() + quote(replacements.get(line.key())), line.key(), line.prefix()));
      } else {
        changed.add(line);
      }
    }
    return new LineDocument(format, changed);
  }

  @Override
  public ConfigDocument without(java.util.Collection<String> keys) {
    return new LineDocument(
        format, lines.stream().filter(l -> l.key() == null || !keys.contains(l.key())).toList());
  }

  @Override
  public String render() {
    return String.join("\n", lines.stream().map(Line::text).toList());
  }

  private String value(Line line) {
    String body = line.text().stripLeading();
    if (format == Format.ENV && body.startsWith("export ")) {
      body = body.substring(7).stripLeading();
    }
    String value = body.substring(separator(body, format) + 1).strip();
    if (format == Format.ENV) {
      if (value.length() >= 2
          && ((value.startsWith("'") && value.endsWith("'"))
              || (value.startsWith("\"") && value.endsWith("\"")))) {
        return value.substring(1, value.length() - 1);
      }
      return value;
    }
    return value.replace("\\:", ":").replace("\\=", "=").replace("\\\\", "\\");
  }

  private String quote(String value) {
    if (format == Format.ENV) {
      return value.matches("[A-Za-z0-9_./:@%+,=-]*")
          ? value
          : "'" + value.replace("'", "'\\''") + "'";
    }
    return value.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static int separator(String body, Format format) {
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && format == Format.PROPERTIES) {
        i++;
        continue;
      }
      if (c == '=' || (format == Format.PROPERTIES && c == ':')) {
        return i;
      }
    }
    return -1;
  }
}
