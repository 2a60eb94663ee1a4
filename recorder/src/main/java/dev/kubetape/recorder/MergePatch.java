package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON merge patches (RFC 7386) between two versions of an object, which is how the archive
 * stores most versions: a full version now and then, and in between only what changed.
 * Successive versions of a Kubernetes object differ in a few fields (resourceVersion, status),
 * so a patch is a small fraction of the object.
 *
 * <p>A merge patch reads a JSON null as "remove", yet objects hold nulls that matter (a
 * condition's {@code lastProbeTime: null}). So both versions have their nulls written as a
 * marker object before the diff, and {@link #apply} turns markers back into nulls.
 */
final class MergePatch {
  private MergePatch() {}

  /**
   * The patch that turns {@code from} into {@code to}, or null when {@code to} cannot be
   * reached by a merge patch (it holds a JSON null, which a merge patch reads as "remove").
   */
  /** The marker that stands for a JSON null inside versions and patches. */
  private static final String NULL_MARKER = "\u0000null";

  static JsonNode diff(JsonNode from, JsonNode to) {
    return objectDiff(markNulls(from), markNulls(to));
  }

  private static JsonNode objectDiff(JsonNode from, JsonNode to) {
    if (!from.isObject() || !to.isObject() || isMarker(from) || isMarker(to)) {
      return to;
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : to.properties()) {
      JsonNode before = from.get(field.getKey());
      if (before == null) {
        patch.set(field.getKey(), field.getValue());
      } else if (!before.equals(field.getValue())) {
        patch.set(field.getKey(), objectDiff(before, field.getValue()));
      }
    }
    Iterator<String> names = from.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!to.has(name)) {
        patch.putNull(name);
      }
    }
    return patch;
  }

  private static boolean isMarker(JsonNode node) {
    return node.isObject() && node.size() == 1 && node.has(NULL_MARKER);
  }

  /** A copy with every null replaced by the marker (nodes without nulls are shared). */
  private static JsonNode markNulls(JsonNode node) {
    if (node.isNull()) {
      return JsonNodeFactory.instance.objectNode().put(NULL_MARKER, true);
    }
    if (node.isObject()) {
      ObjectNode copy = null;
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        JsonNode marked = markNulls(field.getValue());
        if (marked != field.getValue()) {
          if (copy == null) {
            copy = ((ObjectNode) node).deepCopy();
          }
          copy.set(field.getKey(), marked);
        }
      }
      return copy == null ? node : copy;
    }
    if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode copy = null;
      for (int i = 0; i < node.size(); i++) {
        JsonNode marked = markNulls(node.get(i));
        if (marked != node.get(i)) {
          if (copy == null) {
            copy = ((com.fasterxml.jackson.databind.node.ArrayNode) node).deepCopy();
          }
          copy.set(i, marked);
        }
      }
      return copy == null ? node : copy;
    }
    return node;
  }

  /** The inverse of {@link #markNulls}. */
  private static JsonNode unmarkNulls(JsonNode node) {
    if (isMarker(node)) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        field.setValue(unmarkNulls(field.getValue()));
      }
    } else if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, unmarkNulls(array.get(i)));
      }
    }
    return node;
  }

  /** Applies a patch made by {@link #diff} to a copy of {@code target}. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    return unmarkNulls(merge(target == null ? null : markNulls(target).deepCopy(), patch));
  }

  private static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject() || isMarker(patch)) {
      return patch.deepCopy();
    }
    // The target is apply()'s own copy: changing it in place is safe.
    ObjectNode result = target != null && target.isObject() && !isMarker(target)
        ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }
}
