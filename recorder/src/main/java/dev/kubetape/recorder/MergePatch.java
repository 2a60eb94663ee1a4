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
    if (containsNull(to)) {
      return null;
    }
    return objectDiff(from, to);
  }

  private static JsonNode objectDiff(JsonNode from, JsonNode to) {
    if (!from.isObject() || !to.isObject()) {
      return to;
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = to.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
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

  private static boolean containsNull(JsonNode node) {
    if (node.isNull()) {
      return true;
    }
    for (JsonNode child : node) {
      if (containsNull(child)) {
        return true;
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
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), apply(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }
}
