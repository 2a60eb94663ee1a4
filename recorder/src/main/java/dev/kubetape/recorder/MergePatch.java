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
 */
final class MergePatch {
  private MergePatch() {}

  /**
   * The patch that turns {@code from} into {@code to}, or null when {@code to} cannot be
   * reached by a merge patch (it holds a JSON null, which a merge patch reads as "remove").
   */
  static JsonNode diff(JsonNode from, JsonNode to) {
    try {
      return objectDiff(from, to);
    } catch (NullInTarget e) {
      return null;
    }
  }

  /** A changed value holds a JSON null, which no merge patch can write. */
  private static final class NullInTarget extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NullInTarget() {
      super(null, null, false, false);
    }
  }

  private static JsonNode objectDiff(JsonNode from, JsonNode to) {
    if (!from.isObject() || !to.isObject()) {
      return changed(to);
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : to.properties()) {
      JsonNode before = from.get(field.getKey());
      if (before == null) {
        patch.set(field.getKey(), changed(field.getValue()));
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

  /** A value the patch carries whole; only these can hold a null the patch cannot express. */
  private static JsonNode changed(JsonNode value) {
    if (containsNull(value)) {
      throw new NullInTarget();
    }
    return value;
  }

  private static boolean containsNull(JsonNode node) {
    if (node.isNull()) {
      return true;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (containsNull(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Applies a merge patch to a copy of {@code target}. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result = target != null && target.isObject()
        ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), apply(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }
}
