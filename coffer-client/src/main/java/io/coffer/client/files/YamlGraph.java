package io.coffer.client.files;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;

/**
 * The nodes of a YAML text, every document of it, as SnakeYAML composes them: an alias is the very
 * node its anchor names, merge keys ({@code <<}) stay as written. Flattened, the keys are those
 * readers see, merges applied: {@code a.b}, {@code a.0}, and {@code ---1.a.b} for the second
 * document. Editing copies any node shared through an alias before changing it, so a change reaches
 * only the key it is meant for.
 */
final class YamlGraph {
  private static final int MAX_VALUES = 100_000;

  /**
   * Where a key's value sits: the steps from the file down to it (the document's index, then an
   * entry's index in each mapping or an item's in each sequence), and its key and value nodes (a
   * sequence item has no key).
   */
  record Location(List<Integer> steps, ScalarNode key, ScalarNode value) {
    @Override
    public String toString() {
      return "Location" + steps;
    }
  }

  private record Member(String name, ScalarNode key, Node value, List<Integer> steps) {}

  private final List<Node> roots;
  private final Map<Node, Integer> referrers = new IdentityHashMap<>();
  private final Map<String, Location> locations = new LinkedHashMap<>();

  private YamlGraph(List<Node> roots) {
    this.roots = roots;
    roots.forEach(this::count);
    Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < roots.size(); i++) {
      collect(i == 0 ? "" : "---" + i, roots.get(i), List.of(i), null, open);
    }
  }

  static YamlGraph of(String text) {
    List<Node> roots = new ArrayList<>();
    try {
      new Yaml(new LoaderOptions()).composeAll(new StringReader(text)).forEach(roots::add);
    } catch (MarkedYAMLException e) {
      // SnakeYAML's message quotes the text around the problem, which may be a secret
      throw notYaml(e.getProblemMark());
    } catch (YAMLException e) {
      throw notYaml(null);
    }
    return new YamlGraph(roots);
  }

  /** Every key with a value that is not null, in document order; a later duplicate wins. */
  Map<String, Location> locations() {
    return Collections.unmodifiableMap(locations);
  }

  /** The mapping or sequence that holds this value, or empty for a document that is one scalar. */
  Optional<Node> parent(Location location) {
    List<Integer> steps = location.steps();
    Node node = roots.get(steps.get(0));
    if (steps.size() == 1) {
      return Optional.empty();
    }
    for (int i = 1; i < steps.size() - 1; i++) {
      node = child(node, steps.get(i));
    }
    return Optional.of(node);
  }

  void replace(Location location, String value) {
    ScalarNode scalar =
        new ScalarNode(Tag.STR, value, null, null, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
    List<Integer> steps = location.steps();
    if (steps.size() == 1) {
      roots.set(steps.get(0), scalar);
    } else {
      setChild(ownedParent(steps), steps.get(steps.size() - 1), scalar);
    }
  }

  /** Removes a mapping entry; call for the highest steps first, as indices shift. */
  void remove(Location location) {
    List<Integer> steps = location.steps();
    if (steps.size() > 1 && ownedParent(steps) instanceof MappingNode mapping) {
      mapping.getValue().remove((int) steps.get(steps.size() - 1));
    }
  }

  /** The same documents, node by node: tags, scalar values, entries and items in order. */
  boolean sameAs(YamlGraph other) {
    return pairwise(roots, other.roots, YamlGraph::same);
  }

  /** The documents written anew: styles are kept, comments and the original layout are not. */
  String render() {
    DumperOptions options = new DumperOptions();
    options.setSplitLines(false);
    StringWriter out = new StringWriter();
    Serializer serializer =
        new Serializer(new Emitter(out, options), new Resolver(), options, null);
    try {
      serializer.open();
      for (Node root : roots) {
        serializer.serialize(root);
      }
      serializer.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private void count(Node node) {
    if (referrers.merge(node, 1, Integer::sum) == 1) {
      children(node).forEach(this::count);
    }
  }

  private void collect(
      String key, Node node, List<Integer> steps, ScalarNode keyNode, Set<Node> open) {
    if (locations.size() > MAX_VALUES) {
      throw new IllegalArgumentException(
          "the file has over " + MAX_VALUES + " values once its aliases are followed");
    }
    if (node instanceof ScalarNode scalar) {
      if (!Tag.NULL.equals(scalar.getTag())) {
        locations.put(key, new Location(steps, keyNode, scalar));
      }
      return;
    }
    if (!open.add(node)) {
      throw new IllegalArgumentException(
          "the file's yaml contains itself through an alias (line "
              + (node.getStartMark().getLine() + 1)
              + ")");
    }
    if (node instanceof SequenceNode sequence) {
      for (int i = 0; i < sequence.getValue().size(); i++) {
        collect(
            join(key, Integer.toString(i)), sequence.getValue().get(i), with(steps, i), null, open);
      }
    } else if (node instanceof MappingNode mapping) {
      for (Member member : members(mapping, open)) {
        List<Integer> longer = new ArrayList<>(steps);
        longer.addAll(member.steps());
        collect(join(key, member.name()), member.value(), longer, member.key(), open);
      }
    }
    open.remove(node);
  }

  /**
   * A mapping's entries as readers see them: its own, then those merged in ({@code <<: *base} or
   * {@code <<: [*a, *b]}) that it does not set itself, earlier merges first.
   */
  private static List<Member> members(MappingNode mapping, Set<Node> open) {
    Map<String, Member> members = new LinkedHashMap<>();
    List<Integer> merges = new ArrayList<>();
    List<NodeTuple> entries = mapping.getValue();
    for (int i = 0; i < entries.size(); i++) {
      NodeTuple entry = entries.get(i);
      if (Tag.MERGE.equals(entry.getKeyNode().getTag())) {
        merges.add(i);
      } else if (entry.getKeyNode() instanceof ScalarNode key) {
        members.put(
            key.getValue(), new Member(key.getValue(), key, entry.getValueNode(), List.of(i)));
      }
    }
    for (int i : merges) {
      Node merged = entries.get(i).getValueNode();
      List<Node> sources =
          merged instanceof SequenceNode sequence ? sequence.getValue() : List.of(merged);
      for (int j = 0; j < sources.size(); j++) {
        if (!(sources.get(j) instanceof MappingNode source) || !open.add(source)) {
          continue;
        }
        List<Integer> via = merged instanceof SequenceNode ? List.of(i, j) : List.of(i);
        for (Member member : members(source, open)) {
          List<Integer> steps = new ArrayList<>(via);
          steps.addAll(member.steps());
          members.putIfAbsent(
              member.name(), new Member(member.name(), member.key(), member.value(), steps));
        }
        open.remove(source);
      }
    }
    return List.copyOf(members.values());
  }

  /** The collection holding the node at these steps, copied first wherever an alias shares it. */
  private Node ownedParent(List<Integer> steps) {
    Node node = roots.get(steps.get(0));
    for (int i = 1; i < steps.size() - 1; i++) {
      Node next = child(node, steps.get(i));
      if (referrers.getOrDefault(next, 0) > 1) {
        referrers.merge(next, -1, Integer::sum);
        next = copy(next);
        setChild(node, steps.get(i), next);
      }
      node = next;
    }
    return node;
  }

  /** A collection of its own, sharing its nested collections (which stay aliases when written). */
  private Node copy(Node node) {
    Node copy;
    if (node instanceof MappingNode mapping) {
      List<NodeTuple> entries = new ArrayList<>();
      for (NodeTuple entry : mapping.getValue()) {
        entries.add(
            new NodeTuple(copyScalar(entry.getKeyNode()), copyScalar(entry.getValueNode())));
      }
      copy = new MappingNode(mapping.getTag(), entries, mapping.getFlowStyle());
    } else {
      SequenceNode sequence = (SequenceNode) node;
      List<Node> items =
          new ArrayList<>(sequence.getValue().stream().map(this::copyScalar).toList());
      copy = new SequenceNode(sequence.getTag(), items, sequence.getFlowStyle());
    }
    children(copy).forEach(child -> referrers.merge(child, 1, Integer::sum));
    return copy;
  }

  private Node copyScalar(Node node) {
    return node instanceof ScalarNode scalar
        ? new ScalarNode(
            scalar.getTag(),
            scalar.getValue(),
            scalar.getStartMark(),
            scalar.getEndMark(),
            scalar.getScalarStyle())
        : node;
  }

  private static List<Node> children(Node node) {
    List<Node> children = new ArrayList<>();
    if (node instanceof MappingNode mapping) {
      mapping
          .getValue()
          .forEach(e -> {
            children.add(e.getKeyNode());
            children.add(e.getValueNode());
          });
    } else if (node instanceof SequenceNode sequence) {
      children.addAll(sequence.getValue());
    }
    return children;
  }

  private static Node child(Node node, int step) {
    return node instanceof MappingNode mapping
        ? mapping.getValue().get(step).getValueNode()
        : ((SequenceNode) node).getValue().get(step);
  }

  private static void setChild(Node node, int step, Node child) {
    if (node instanceof MappingNode mapping) {
      List<NodeTuple> entries = mapping.getValue();
      entries.set(step, new NodeTuple(entries.get(step).getKeyNode(), child));
    } else {
      ((SequenceNode) node).getValue().set(step, child);
    }
  }

  private static boolean same(Node a, Node b) {
    if (a.getClass() != b.getClass() || !a.getTag().equals(b.getTag())) {
      return false;
    }
    if (a instanceof ScalarNode scalar) {
      return scalar.getValue().equals(((ScalarNode) b).getValue());
    }
    if (a instanceof SequenceNode sequence) {
      return pairwise(sequence.getValue(), ((SequenceNode) b).getValue(), YamlGraph::same);
    }
    return pairwise(
        ((MappingNode) a).getValue(),
        ((MappingNode) b).getValue(),
        (x, y) -> same(x.getKeyNode(), y.getKeyNode()) && same(x.getValueNode(), y.getValueNode()));
  }

  private static <T> boolean pairwise(List<T> a, List<T> b, BiPredicate<T, T> same) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!same.test(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static List<Integer> with(List<Integer> steps, int step) {
    List<Integer> longer = new ArrayList<>(steps);
    longer.add(step);
    return longer;
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static IllegalArgumentException notYaml(Mark mark) {
    return new IllegalArgumentException(
        "the file is not valid yaml"
            + (mark == null
                ? ""
                : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")"));
  }
}
