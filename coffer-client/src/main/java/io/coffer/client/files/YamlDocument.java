package io.coffer.client.files;

import io.coffer.client.files.YamlGraph.Location;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * YAML files, all their documents (see {@link YamlGraph} for how keys are named). A rewrite changes
 * only the text of the values it replaces, and the lines of the entries it removes, so comments,
 * anchors and layout stay byte for byte. Where that cannot be done — an entry in flow style to
 * remove — or the edited text does not read back exactly as intended (a value shared through an
 * alias that changes for one of its keys only), the file is written anew from its nodes instead,
 * which keeps its content but not its comments.
 */
final class YamlDocument implements ConfigDocument {
  private static final Pattern LINE_REST = Pattern.compile("[ \t]*(#.*)?");

  /** Text from {@code start} to {@code end} (chars) becomes {@code text}. */
  private record Edit(int start, int end, String text) {
    @Override
    public String toString() {
      return "Edit[" + start + ", " + end + "]";
    }
  }

  private final String text;
  private final YamlGraph graph;

  private YamlDocument(String text) {
    this.text = text;
    this.graph = YamlGraph.of(text);
  }

  static YamlDocument parse(String text) {
    return new YamlDocument(text);
  }

  @Override
  public Map<String, String> values() {
    Map<String, String> values = new LinkedHashMap<>();
    graph.locations().forEach((key, location) -> values.put(key, location.value().getValue()));
    return values;
  }

  @Override
  public ConfigDocument with(Map<String, String> replacements) {
    return rewrite(replacements, List.of());
  }

  @Override
  public ConfigDocument without(Collection<String> keys) {
    return rewrite(Map.of(), keys);
  }

  @Override
  public String render() {
    return text;
  }

  /**
   * Edits the text where each value is written and checks that it reads back as the edited nodes; a
   * value shared through an alias is edited where its anchor is, which reads back right only if
   * every key sharing it gets the same value.
   */
  private YamlDocument rewrite(Map<String, String> replacements, Collection<String> removals) {
    YamlGraph edited = YamlGraph.of(text); // nodes of its own, to change
    Map<String, Location> where = edited.locations();
    Set<Edit> edits = new LinkedHashSet<>();
    boolean inPlace = true;
    for (Map.Entry<String, String> replacement : replacements.entrySet()) {
      Location at = where.get(replacement.getKey());
      if (at != null) {
        edits.add(replacing(at, replacement.getValue()));
      }
    }
    List<Location> removed =
        removals.stream()
            .map(where::get)
            .filter(at -> at != null && at.key() != null)
            .sorted(Comparator.comparing(Location::steps, YamlDocument::compareSteps).reversed())
            .toList();
    for (Location at : removed) {
      Optional<Edit> edit = removing(at, edited.parent(at));
      inPlace &= edit.isPresent() && edits.add(edit.get());
    }
    if (edits.isEmpty() && inPlace) {
      return this;
    }
    replacements.forEach((key, value) -> {
      if (where.containsKey(key)) {
        edited.replace(where.get(key), value);
      }
    });
    removed.forEach(edited::remove);
    if (inPlace) {
      Optional<String> spliced = splice(edits);
      if (spliced.isPresent() && readsAs(spliced.get(), edited)) {
        return new YamlDocument(spliced.get());
      }
    }
    return new YamlDocument(edited.render());
  }

  /**
   * The value's text — its tag, a block scalar's lines — becomes a quoted scalar; its anchor, and
   * the line breaks a block scalar ends with, stay.
   */
  private Edit replacing(Location at, String value) {
    int start = charIndex(at.value().getStartMark());
    int end = charIndex(at.value().getEndMark());
    String span = text.substring(start, end);
    String anchor = at.value().getAnchor() == null ? "" : "&" + at.value().getAnchor() + " ";
    return new Edit(
        start, end, anchor + quoted(value) + span.substring(span.stripTrailing().length()));
  }

  /** The whole lines of a block mapping's entry, when nothing else shares them. */
  private Optional<Edit> removing(Location at, Optional<Node> parent) {
    if (!(parent.orElse(null) instanceof MappingNode mapping)
        || mapping.getFlowStyle() != FlowStyle.BLOCK) {
      return Optional.empty();
    }
    int keyStart = charIndex(at.key().getStartMark());
    int start = keyStart;
    while (start > 0 && text.charAt(start - 1) != '\n' && text.charAt(start - 1) != '\r') {
      start--;
    }
    int end = charIndex(at.value().getEndMark());
    while (end > keyStart && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    int lineEnd = end;
    while (lineEnd < text.length()
        && text.charAt(lineEnd) != '\n'
        && text.charAt(lineEnd) != '\r') {
      lineEnd++;
    }
    if (!text.substring(start, keyStart).isBlank()
        || !LINE_REST.matcher(text.substring(end, lineEnd)).matches()) {
      return Optional.empty();
    }
    if (text.startsWith("\r\n", lineEnd)) {
      lineEnd += 2;
    } else if (lineEnd < text.length()) {
      lineEnd++;
    }
    return Optional.of(new Edit(start, lineEnd, ""));
  }

  private Optional<String> splice(Collection<Edit> edits) {
    List<Edit> ordered = edits.stream().sorted(Comparator.comparingInt(Edit::start)).toList();
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Edit edit : ordered) {
      if (edit.start() < at) {
        return Optional.empty();
      }
      out.append(text, at, edit.start()).append(edit.text());
      at = edit.end();
    }
    return Optional.of(out.append(text, at, text.length()).toString());
  }

  private static boolean readsAs(String text, YamlGraph intended) {
    try {
      return YamlGraph.of(text).sameAs(intended);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** SnakeYAML counts code points; Java strings count chars (two for an emoji). */
  private int charIndex(Mark mark) {
    return text.offsetByCodePoints(0, mark.getIndex());
  }

  private static int compareSteps(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int order = Integer.compare(a.get(i), b.get(i));
      if (order != 0) {
        return order;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** A double-quoted scalar, valid in block and flow context alike, that reads back as value. */
  static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    value
        .codePoints()
        .forEach(c -> {
          switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
              if (isPrintable(c)) {
                out.appendCodePoint(c);
              } else {
                out.append(String.format(c <= 0xffff ? "\\u%04x" : "\\U%08x", c));
              }
            }
          }
        });
    return out.append('"').toString();
  }

  /** YAML's printable set, less the characters a reader would take as line breaks or a BOM. */
  private static boolean isPrintable(int c) {
    return (c >= 0x20 && c <= 0x7e)
        || (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029)
        || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff)
        || c >= 0x10000;
  }
}
