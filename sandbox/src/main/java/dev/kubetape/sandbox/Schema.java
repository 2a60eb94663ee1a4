package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One position in a Kubernetes object, as its OpenAPI v3 schema describes it: the type, the
 * fields, and the {@code x-kubernetes-*} extensions that tell strategic merge patch and
 * server-side apply how lists and maps merge.
 *
 * <p>A property that refers to a named schema is written {@code {"allOf":[{"$ref":...}],
 * "x-kubernetes-patch-merge-key": ...}}: the extensions sit on the outer node, the structure on
 * the referenced one, so both are kept.
 */
final class Schema {
  private final JsonNode outer;
  private final JsonNode resolved;
  private final Map<String, JsonNode> components;

  private Schema(JsonNode outer, JsonNode resolved, Map<String, JsonNode> components) {
    this.outer = outer;
    this.resolved = resolved;
    this.components = components;
  }

  static Schema of(JsonNode node, Map<String, JsonNode> components) {
    return new Schema(node, resolve(node, components), components);
  }

  private static JsonNode resolve(JsonNode node, Map<String, JsonNode> components) {
    JsonNode at = node;
    for (int depth = 0; depth < 8 && at != null; depth++) {
      if (at.has("$ref")) {
        at = components.get(refName(at.get("$ref").asText()));
      } else if (at.has("allOf") && at.get("allOf").size() == 1 && !at.has("properties")) {
        at = at.get("allOf").get(0);
      } else {
        return at;
      }
    }
    return at;
  }

  private static String refName(String ref) {
    return ref.substring(ref.lastIndexOf('/') + 1);
  }

  /** The schema's name in components/schemas, when it is a named type. */
  String typeName() {
    JsonNode at = outer;
    for (int depth = 0; depth < 8 && at != null; depth++) {
      if (at.has("$ref")) {
        return refName(at.get("$ref").asText());
      }
      if (at.has("allOf") && at.get("allOf").size() == 1) {
        at = at.get("allOf").get(0);
      } else {
        return null;
      }
    }
    return null;
  }

  /** "object", "array", "string", "integer", "number", "boolean", or null for int-or-string, quantity and free-form values. */
  String type() {
    if (resolved == null) {
      return null;
    }
    String type = resolved.path("type").asText(null);
    if (type == null && resolved.has("properties")) {
      return "object";
    }
    return type;
  }

  boolean isObject() {
    return "object".equals(type());
  }

  boolean isArray() {
    return "array".equals(type());
  }

  /** Free-form content: RawExtension, preserve-unknown-fields, JSON. */
  boolean preservesUnknownFields() {
    return resolved != null && (resolved.path("x-kubernetes-preserve-unknown-fields").asBoolean()
        || (resolved.path("type").asText().equals("object") && !resolved.has("properties")
            && !resolved.has("additionalProperties")));
  }

  boolean isIntOrString() {
    return resolved != null && (resolved.path("x-kubernetes-int-or-string").asBoolean()
        || resolved.path("format").asText().equals("int-or-string"));
  }

  /** The OpenAPI format ("int32", "int64", "date-time", ...), or null. */
  String formatName() {
    return resolved == null ? null : resolved.path("format").asText(null);
  }

  /** Whether the value is a Quantity ("500m", "1Gi"), which may also be written as a number. */
  boolean isQuantity() {
    return "io.k8s.apimachinery.pkg.api.resource.Quantity".equals(typeName());
  }

  /** Whether this is a struct with known fields (as opposed to a map or free-form object). */
  boolean hasProperties() {
    return resolved != null && resolved.has("properties");
  }

  Schema property(String name) {
    JsonNode property = resolved == null ? null : resolved.path("properties").get(name);
    return property == null ? null : of(property, components);
  }

  List<String> propertyNames() {
    List<String> names = new ArrayList<>();
    if (resolved != null) {
      resolved.path("properties").fieldNames().forEachRemaining(names::add);
    }
    return names;
  }

  /** The schema of a map's values (labels, annotations, data), or null when not a map. */
  Schema additionalProperties() {
    JsonNode values = resolved == null ? null : resolved.get("additionalProperties");
    return values == null || !values.isObject() ? null : of(values, components);
  }

  Schema items() {
    JsonNode items = resolved == null ? null : resolved.get("items");
    return items == null ? null : of(items, components);
  }

  List<String> required() {
    List<String> names = new ArrayList<>();
    if (resolved != null) {
      resolved.path("required").forEach(n -> names.add(n.asText()));
    }
    return names;
  }

  String description() {
    String own = outer.path("description").asText(null);
    return own != null ? own : resolved == null ? null : resolved.path("description").asText(null);
  }

  /** x-kubernetes-patch-strategy: "merge", "retainKeys", "merge,retainKeys", or null. */
  String patchStrategy() {
    return extension("x-kubernetes-patch-strategy");
  }

  String patchMergeKey() {
    return extension("x-kubernetes-patch-merge-key");
  }

  /** x-kubernetes-list-type: "atomic", "set" or "map"; null means atomic. */
  String listType() {
    return extension("x-kubernetes-list-type");
  }

  List<String> listMapKeys() {
    List<String> keys = new ArrayList<>();
    JsonNode node = outer.has("x-kubernetes-list-map-keys") ? outer.get("x-kubernetes-list-map-keys")
        : resolved == null ? null : resolved.get("x-kubernetes-list-map-keys");
    if (node != null) {
      node.forEach(k -> keys.add(k.asText()));
    }
    return keys;
  }

  /** x-kubernetes-map-type: "granular" (default) or "atomic", on maps and structs. */
  String mapType() {
    return extension("x-kubernetes-map-type");
  }

  /** The value the schema gives as default, or null. */
  JsonNode defaultValue() {
    return outer.get("default");
  }

  private String extension(String name) {
    String own = outer.path(name).asText(null);
    return own != null ? own : resolved == null ? null : resolved.path(name).asText(null);
  }
}
