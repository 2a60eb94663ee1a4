package dev.kubetape.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A set of field paths in an object, as server-side apply records who owns what: the trie of
 * structured-merge-diff's {@code fieldpath.Set}. A node's <em>members</em> are the paths that end
 * there; its <em>children</em> lead deeper. A path that is both (a list item or map that is owned
 * as a whole and also has owned fields) is written {@code ".": {}} inside its child object in the
 * FieldsV1 encoding stored in {@code metadata.managedFields[].fieldsV1}.
 *
 * <p>Elements sort the way the real server sorts them, which is also the order of keys in
 * FieldsV1: field names before list-map keys before set values before indexes.
 */
final class FieldSet {

  /** One step into an object: a field, a list-map item, a set member or a list index. */
  sealed interface Element extends Comparable<Element> {
    /** How the step is written in FieldsV1: {@code f:name}, {@code k:{...}}, {@code v:...}, {@code i:N}. */
    String serialize();

    /** How the step is written in conflict messages: {@code .name}, {@code [name="web"]}, {@code [=v]}, {@code [0]}. */
    String describe();

    private int rank() {
      return switch (this) {
        case Field f -> 0;
        case Key k -> 1;
        case Value v -> 2;
        case Index i -> 3;
      };
    }

    @Override
    default int compareTo(Element other) {
      int byRank = Integer.compare(rank(), other.rank());
      if (byRank != 0) {
        return byRank;
      }
      return switch (this) {
        case Field f -> compareStrings(f.name(), ((Field) other).name());
        case Key k -> compareKeys(k.fields(), ((Key) other).fields());
        case Value v -> compareValues(v.value(), ((Value) other).value());
        case Index i -> Integer.compare(i.index(), ((Index) other).index());
      };
    }
  }

  record Field(String name) implements Element {
    @Override
    public String serialize() {
      return "f:" + name;
    }

    @Override
    public String describe() {
      return "." + name;
    }
  }

  /** The key fields of a list-map item, sorted by name. */
  record Key(List<KeyField> fields) implements Element {
    Key {
      List<KeyField> sorted = new ArrayList<>(fields);
      sorted.sort((a, b) -> compareStrings(a.name(), b.name()));
      fields = List.copyOf(sorted);
    }

    @Override
    public String serialize() {
      StringBuilder out = new StringBuilder("k:{");
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        goString(out, fields.get(i).name());
        out.append(':').append(goJson(fields.get(i).value()));
      }
      return out.append('}').toString();
    }

    @Override
    public String describe() {
      List<String> parts = new ArrayList<>();
      for (KeyField field : fields) {
        parts.add(field.name() + "=" + goToString(field.value()));
      }
      return "[" + String.join(",", parts) + "]";
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && compareTo(key) == 0;
    }

    @Override
    public int hashCode() {
      return fields.stream().mapToInt(f -> f.name().hashCode()).sum();
    }
  }

  record KeyField(String name, JsonNode value) {
    KeyField {
      value = canonical(value);
    }
  }

  record Value(JsonNode value) implements Element {
    Value {
      value = canonical(value);
    }

    @Override
    public String serialize() {
      return "v:" + goJson(value);
    }

    @Override
    public String describe() {
      return "[=" + goToString(value) + "]";
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Value v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
      return value.isNumber() ? Double.hashCode(value.asDouble()) : value.hashCode();
    }
  }

  record Index(int index) implements Element {
    @Override
    public String serialize() {
      return "i:" + index;
    }

    @Override
    public String describe() {
      return "[" + index + "]";
    }
  }

  private final NavigableSet<Element> members = new TreeSet<>();
  private final NavigableMap<Element, FieldSet> children = new TreeMap<>();

  FieldSet() {}

  static FieldSet of(List<List<Element>> paths) {
    FieldSet set = new FieldSet();
    paths.forEach(set::insert);
    return set;
  }

  /** Adds a path; the empty path (the whole object) is owned by no one and ignored. */
  void insert(List<Element> path) {
    if (path.isEmpty()) {
      return;
    }
    FieldSet at = this;
    for (int i = 0; i < path.size() - 1; i++) {
      at = at.children.computeIfAbsent(path.get(i), e -> new FieldSet());
    }
    at.members.add(path.get(path.size() - 1));
  }

  boolean has(List<Element> path) {
    if (path.isEmpty()) {
      return false;
    }
    FieldSet at = this;
    for (int i = 0; i < path.size() - 1; i++) {
      at = at.children.get(path.get(i));
      if (at == null) {
        return false;
      }
    }
    return at.members.contains(path.get(path.size() - 1));
  }

  boolean isEmpty() {
    if (!members.isEmpty()) {
      return false;
    }
    for (FieldSet child : children.values()) {
      if (!child.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  NavigableSet<Element> members() {
    return Collections.unmodifiableNavigableSet(members);
  }

  NavigableMap<Element, FieldSet> children() {
    return Collections.unmodifiableNavigableMap(children);
  }

  void addMember(Element element) {
    members.add(element);
  }

  /** The child node at {@code element}, created when missing. */
  FieldSet child(Element element) {
    return children.computeIfAbsent(element, e -> new FieldSet());
  }

  /** The paths below {@code element}, relative to it; empty when there are none. */
  FieldSet withPrefix(Element element) {
    FieldSet child = children.get(element);
    return child == null ? new FieldSet() : child;
  }

  FieldSet copy() {
    FieldSet copy = new FieldSet();
    copy.members.addAll(members);
    children.forEach((e, child) -> copy.children.put(e, child.copy()));
    return copy;
  }

  FieldSet union(FieldSet other) {
    FieldSet out = new FieldSet();
    out.members.addAll(members);
    out.members.addAll(other.members);
    children.forEach((e, child) -> out.children.put(e, child.copy()));
    other.children.forEach((e, child) -> out.children.merge(e, child.copy(), FieldSet::union));
    return out;
  }

  FieldSet intersection(FieldSet other) {
    FieldSet out = new FieldSet();
    for (Element member : members) {
      if (other.members.contains(member)) {
        out.members.add(member);
      }
    }
    children.forEach((e, child) -> {
      FieldSet theirs = other.children.get(e);
      if (theirs != null) {
        FieldSet both = child.intersection(theirs);
        if (!both.isEmpty()) {
          out.children.put(e, both);
        }
      }
    });
    return out;
  }

  /** Paths in this set and not in {@code other}; a member of {@code other} does not remove paths below it. */
  FieldSet difference(FieldSet other) {
    FieldSet out = new FieldSet();
    for (Element member : members) {
      if (!other.members.contains(member)) {
        out.members.add(member);
      }
    }
    children.forEach((e, child) -> {
      FieldSet theirs = other.children.get(e);
      if (theirs == null) {
        out.children.put(e, child.copy());
      } else {
        FieldSet rest = child.difference(theirs);
        if (!rest.isEmpty()) {
          out.children.put(e, rest);
        }
      }
    });
    return out;
  }

  /** Like {@link #difference}, but a member of {@code other} also removes every path below it. */
  FieldSet recursiveDifference(FieldSet other) {
    FieldSet out = new FieldSet();
    for (Element member : members) {
      if (!other.members.contains(member)) {
        out.members.add(member);
      }
    }
    children.forEach((e, child) -> {
      if (other.members.contains(e)) {
        return;
      }
      FieldSet theirs = other.children.get(e);
      if (theirs == null) {
        out.children.put(e, child.copy());
      } else {
        FieldSet rest = child.recursiveDifference(theirs);
        if (!rest.isEmpty()) {
          out.children.put(e, rest);
        }
      }
    });
    return out;
  }

  /**
   * Keeps only the paths a pattern matches, as the include filters of the pod resize and
   * ephemeralcontainers subresources do: an element at a level is kept when any of the pattern's
   * elements there matches it.
   */
  FieldSet filterIncludeMatches(Pattern pattern) {
    if (pattern.any()) {
      return this;
    }
    FieldSet out = new FieldSet();
    for (Element member : members) {
      if (pattern.steps().stream().anyMatch(step -> step.matches(member))) {
        out.members.add(member);
      }
    }
    children.forEach((e, child) -> {
      for (Pattern.Step step : pattern.steps()) {
        if (step.matches(e)) {
          FieldSet kept = child.filterIncludeMatches(step.then());
          if (!kept.isEmpty()) {
            out.children.put(e, kept);
          }
          break;
        }
      }
    });
    return out;
  }

  /**
   * A prefix pattern over paths: {@code any} matches every suffix; otherwise one of the steps
   * must match the element at this level, then its continuation the rest.
   */
  record Pattern(boolean any, List<Step> steps) {
    /** {@code element} null matches any element. */
    record Step(Element element, Pattern then) {
      boolean matches(Element other) {
        return element == null || element.compareTo(other) == 0;
      }
    }

    static final Pattern ANY = new Pattern(true, List.of());

    /** The pattern matching every path that starts with {@code prefix} (null elements are wildcards). */
    static Pattern prefix(Element... prefix) {
      Pattern at = ANY;
      for (int i = prefix.length - 1; i >= 0; i--) {
        at = new Pattern(false, List.of(new Step(prefix[i], at)));
      }
      return at;
    }

    static Pattern anyOf(Pattern... patterns) {
      List<Step> steps = new ArrayList<>();
      for (Pattern pattern : patterns) {
        if (pattern.any()) {
          return ANY;
        }
        for (Step step : pattern.steps()) {
          int same = -1;
          for (int i = 0; i < steps.size(); i++) {
            Element e = steps.get(i).element();
            if (e == null ? step.element() == null
                : step.element() != null && e.compareTo(step.element()) == 0) {
              same = i;
            }
          }
          if (same < 0) {
            steps.add(step);
          } else {
            steps.set(same, new Step(step.element(), anyOf(steps.get(same).then(), step.then())));
          }
        }
      }
      return new Pattern(false, List.copyOf(steps));
    }
  }

  /** Visits every path: first the members of a node, then each child's paths, in element order. */
  void forEachPath(Consumer<List<Element>> visitor) {
    forEachPath(new ArrayList<>(), visitor);
  }

  private void forEachPath(List<Element> prefix, Consumer<List<Element>> visitor) {
    for (Element member : members) {
      List<Element> path = new ArrayList<>(prefix);
      path.add(member);
      visitor.accept(List.copyOf(path));
    }
    children.forEach((e, child) -> {
      prefix.add(e);
      child.forEachPath(prefix, visitor);
      prefix.remove(prefix.size() - 1);
    });
  }

  /** A path as kube-apiserver prints it in conflicts: {@code .spec.template.spec.containers[name="web"].image}. */
  static String describe(List<Element> path) {
    StringBuilder out = new StringBuilder();
    path.forEach(e -> out.append(e.describe()));
    return out.toString();
  }

  /** The FieldsV1 encoding, keys in the real server's order. */
  ObjectNode toFieldsV1() {
    ObjectNode out = Json.object();
    emit(out);
    return out;
  }

  private void emit(ObjectNode out) {
    Iterator<Element> m = members.iterator();
    Iterator<Map.Entry<Element, FieldSet>> c = children.entrySet().iterator();
    Element member = m.hasNext() ? m.next() : null;
    Map.Entry<Element, FieldSet> child = c.hasNext() ? c.next() : null;
    while (member != null || child != null) {
      int order = member == null ? 1 : child == null ? -1 : member.compareTo(child.getKey());
      if (order < 0) {
        out.putObject(member.serialize());
        member = m.hasNext() ? m.next() : null;
      } else {
        ObjectNode inner = out.putObject(child.getKey().serialize());
        if (order == 0) {
          inner.putObject(".");
          member = m.hasNext() ? m.next() : null;
        }
        child.getValue().emit(inner);
        child = c.hasNext() ? c.next() : null;
      }
    }
  }

  /**
   * Reads FieldsV1. Keys with an unknown prefix are skipped, as the real server skips them;
   * malformed keys fail with an {@link IllegalArgumentException}.
   */
  static FieldSet fromFieldsV1(JsonNode fields) {
    FieldSet set = new FieldSet();
    if (fields == null || fields.isNull()) {
      return set;
    }
    if (!fields.isObject()) {
      throw new IllegalArgumentException("ReadMapCB: expect { or n, but found " + fields.getNodeType());
    }
    read(fields, set);
    return set;
  }

  /** Fills {@code into} with the children of {@code node}; returns whether the node itself is a member. */
  private static boolean read(JsonNode node, FieldSet into) {
    boolean member = false;
    boolean hasChildren = false;
    Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().equals(".")) {
        member = true;
        continue;
      }
      Element element = parseElement(field.getKey());
      if (element == null) {
        continue;
      }
      if (!field.getValue().isObject()) {
        throw new IllegalArgumentException("ReadMapCB: expect { or n, but found "
            + field.getValue().getNodeType());
      }
      FieldSet grandchildren = new FieldSet();
      boolean childIsMember = read(field.getValue(), grandchildren);
      hasChildren = true;
      if (childIsMember) {
        into.members.add(element);
      }
      if (!grandchildren.members.isEmpty() || !grandchildren.children.isEmpty()) {
        into.children.merge(element, grandchildren, FieldSet::union);
      }
    }
    return member || !hasChildren;
  }

  private static Element parseElement(String key) {
    if (key.length() < 2) {
      throw new IllegalArgumentException("parsing key as path element: key must be 2 characters long: " + key);
    }
    if (key.charAt(1) != ':') {
      throw new IllegalArgumentException("parsing key as path element: missing colon: " + key);
    }
    String body = key.substring(2);
    try {
      return switch (key.charAt(0)) {
        case 'f' -> new Field(body);
        case 'v' -> new Value(Json.MAPPER.readTree(body));
        case 'i' -> new Index(Integer.parseInt(body));
        case 'k' -> {
          JsonNode object = Json.MAPPER.readTree(body);
          if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("parsing key as path element: " + key);
          }
          List<KeyField> keyFields = new ArrayList<>();
          object.properties().iterator().forEachRemaining(f -> keyFields.add(new KeyField(f.getKey(), f.getValue())));
          yield new Key(keyFields);
        }
        default -> null; // a later FieldsV1 revision may know it; the real server drops it too
      };
    } catch (JsonProcessingException | NumberFormatException e) {
      throw new IllegalArgumentException("parsing key as path element: " + e.getMessage(), e);
    }
  }

  // ---- values as structured-merge-diff compares and prints them ----

  /** Integers as longs and other numbers as doubles, as Go's unstructured values hold them. */
  static JsonNode canonical(JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return LongNode.valueOf(value.longValue());
    }
    if (value.isNumber()) {
      return DoubleNode.valueOf(value.doubleValue());
    }
    return value;
  }

  /** Go compares strings by their UTF-8 bytes, which is code point order. */
  static int compareStrings(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int compareKeys(List<KeyField> a, List<KeyField> b) {
    for (int i = 0; ; i++) {
      if (i >= a.size() && i >= b.size()) {
        return 0;
      }
      if (i >= a.size()) {
        return -1;
      }
      if (i >= b.size()) {
        return 1;
      }
      int byName = compareStrings(a.get(i).name(), b.get(i).name());
      if (byName != 0) {
        return byName;
      }
      int byValue = compareValues(a.get(i).value(), b.get(i).value());
      if (byValue != 0) {
        return byValue;
      }
    }
  }

  /** The total order of structured-merge-diff's values: numbers, strings, booleans, lists, maps, null. */
  static int compareValues(JsonNode a, JsonNode b) {
    int rankA = valueRank(a);
    int rankB = valueRank(b);
    if (rankA != rankB) {
      return Integer.compare(rankA, rankB);
    }
    return switch (rankA) {
      case 0 -> a.isIntegralNumber() && b.isIntegralNumber()
          ? Long.compare(a.longValue(), b.longValue())
          : Double.compare(a.doubleValue(), b.doubleValue());
      case 1 -> compareStrings(a.textValue(), b.textValue());
      case 2 -> Boolean.compare(a.booleanValue(), b.booleanValue());
      case 3 -> {
        for (int i = 0; ; i++) {
          if (i >= a.size() || i >= b.size()) {
            yield Integer.compare(a.size(), b.size());
          }
          int c = compareValues(a.get(i), b.get(i));
          if (c != 0) {
            yield c;
          }
        }
      }
      case 4 -> {
        List<String> keysA = sortedKeys(a);
        List<String> keysB = sortedKeys(b);
        for (int i = 0; ; i++) {
          if (i >= keysA.size() || i >= keysB.size()) {
            yield Integer.compare(keysA.size(), keysB.size());
          }
          int c = compareStrings(keysA.get(i), keysB.get(i));
          if (c == 0) {
            c = compareValues(a.get(keysA.get(i)), b.get(keysB.get(i)));
          }
          if (c != 0) {
            yield c;
          }
        }
      }
      default -> 0;
    };
  }

  private static int valueRank(JsonNode v) {
    if (v.isNumber()) {
      return 0;
    }
    if (v.isTextual()) {
      return 1;
    }
    if (v.isBoolean()) {
      return 2;
    }
    if (v.isArray()) {
      return 3;
    }
    if (v.isObject()) {
      return 4;
    }
    return 5;
  }

  static List<String> sortedKeys(JsonNode object) {
    List<String> keys = new ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    keys.sort(FieldSet::compareStrings);
    return keys;
  }

  /** A value as Go's encoding/json writes it: map keys sorted, HTML characters escaped. */
  static String goJson(JsonNode value) {
    StringBuilder out = new StringBuilder();
    goJson(out, value);
    return out.toString();
  }

  private static void goJson(StringBuilder out, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      out.append("null");
    } else if (value.isTextual()) {
      goString(out, value.textValue());
    } else if (value.isBoolean()) {
      out.append(value.booleanValue());
    } else if (value.isIntegralNumber()) {
      out.append(value.bigIntegerValue());
    } else if (value.isNumber()) {
      out.append(goFloat(value.doubleValue(), true));
    } else if (value.isArray()) {
      out.append('[');
      for (int i = 0; i < value.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        goJson(out, value.get(i));
      }
      out.append(']');
    } else if (value.isObject()) {
      out.append('{');
      boolean first = true;
      for (String key : sortedKeys(value)) {
        if (!first) {
          out.append(',');
        }
        first = false;
        goString(out, key);
        out.append(':');
        goJson(out, value.get(key));
      }
      out.append('}');
    } else {
      out.append(value.asText());
    }
  }

  static void goString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * A float64 as Go writes it: encoding/json switches to exponent form below 1e-6 and from 1e21
   * ({@code json} true); fmt's {@code %v} below 1e-4 and from 1e6, with a two-digit exponent.
   */
  static String goFloat(double d, boolean json) {
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.isNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
    }
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    double abs = Math.abs(d);
    int exponent = exact.precision() - exact.scale() - 1;
    boolean useExponent = json ? (abs < 1e-6 || abs >= 1e21) : (exponent < -4 || exponent >= 6);
    if (!useExponent) {
      return exact.toPlainString();
    }
    String digits = exact.unscaledValue().abs().toString();
    StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
    out.append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    out.append('e').append(exponent < 0 ? '-' : '+');
    int e = Math.abs(exponent);
    out.append(!json && e < 10 ? "0" + e : Integer.toString(e));
    return out.toString();
  }

  /** structured-merge-diff's value.ToString, used in path descriptions: strings quoted as Go's %q. */
  static String goToString(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return goQuote(value.textValue());
    }
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue().toString();
    }
    if (value.isNumber()) {
      return goFloat(value.doubleValue(), false);
    }
    if (value.isBoolean()) {
      return Boolean.toString(value.booleanValue());
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(v -> items.add(goToString(v)));
      return "[" + String.join(",", items) + "]";
    }
    StringBuilder out = new StringBuilder();
    forEachField(value, (k, v) -> out.append(k).append('=').append(goToString(v)));
    return out.toString();
  }

  /** Go's %q: a double-quoted string with Go escapes. */
  static String goQuote(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 7 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case 11 -> out.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.append('"').toString();
  }

  private static void forEachField(JsonNode object, BiConsumer<String, JsonNode> action) {
    object.properties().iterator().forEachRemaining(e -> action.accept(e.getKey(), e.getValue()));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FieldSet set && toFieldsV1().equals(set.toFieldsV1());
  }

  @Override
  public int hashCode() {
    return toFieldsV1().hashCode();
  }

  @Override
  public String toString() {
    return Json.string(toFieldsV1());
  }
}
