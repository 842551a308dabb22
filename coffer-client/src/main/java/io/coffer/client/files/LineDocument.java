package io.coffer.client.files;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code .properties} and {@code .env} files, entry by entry, so that comments, order and line ends
 * survive a rewrite byte for byte; an entry is all the physical lines one key's value spans.
 */
final class LineDocument implements ConfigDocument {
  private final LineSyntax syntax;
  private final List<LineEntry> entries;

  private LineDocument(LineSyntax syntax, List<LineEntry> entries) {
    this.syntax = syntax;
    this.entries = List.copyOf(entries);
  }

  static LineDocument parse(Format format, String text) {
    LineSyntax syntax = format == Format.ENV ? new DotenvSyntax() : new PropertiesSyntax();
    List<String> lines = LineEntry.physicalLines(text);
    List<LineEntry> entries = new ArrayList<>();
    for (int at = 0; at < lines.size(); ) {
      int span = syntax.span(lines, at);
      entries.add(syntax.entry(lines.subList(at, at + span), at + 1));
      at += span;
    }
    return new LineDocument(syntax, entries);
  }

  @Override
  public Map<String, String> values() {
    Map<String, String> values = new LinkedHashMap<>();
    for (LineEntry entry : entries) {
      if (entry.hasKey()) {
        values.put(entry.key(), entry.value());
      }
    }
    return values;
  }

  @Override
  public ConfigDocument with(Map<String, String> replacements) {
    List<LineEntry> changed = new ArrayList<>();
    for (LineEntry entry : entries) {
      String value = entry.hasKey() ? replacements.get(entry.key()) : null;
      try {
        changed.add(value == null ? entry : entry.withValue(value, syntax.quote(value)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(entry.key() + ": " + e.getMessage(), e);
      }
    }
    return new LineDocument(syntax, changed);
  }

  @Override
  public ConfigDocument without(Collection<String> keys) {
    return new LineDocument(
        syntax, entries.stream().filter(e -> !e.hasKey() || !keys.contains(e.key())).toList());
  }

  @Override
  public String render() {
    StringBuilder text = new StringBuilder();
    entries.forEach(entry -> text.append(entry.text()));
    return text.toString();
  }
}
