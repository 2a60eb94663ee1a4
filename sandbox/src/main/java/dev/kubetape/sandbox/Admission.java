package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What happens to an object between decoding and storage: unknown fields pruned (and reported
 * per {@code fieldValidation}), the kind's defaults and create-time resets (the registry
 * strategies' PrepareForCreate/PrepareForUpdate plus the default admission plugins), and
 * validation with kube-apiserver's field errors.
 */
final class Admission {
  private final OpenApi openApi;
  private final ObjectStore store;
  private final ApiResources resources;
  private final Defaults defaults;

  Admission(OpenApi openApi, ObjectStore store, ApiResources resources, Defaults defaults) {
    this.openApi = openApi;
    this.store = store;
    this.resources = resources;
    this.defaults = defaults;
  }

  static final String STRICT_DECODING = "strict decoding error: ";

  /** Time fields that are not pointers in the Go types: a zero one reads back as null. */
  private static final java.util.Set<String> NULL_TIMES = java.util.Set.of("lastProbeTime",
      "lastTransitionTime", "lastHeartbeatTime", "lastUpdateTime", "firstTimestamp",
      "lastTimestamp", "eventTime", "startedAt", "finishedAt");

  // ---- field validation ----------------------------------------------------------------------

  /**
   * Drops fields the schema does not know and rejects values of the wrong JSON type, as the
   * server's decoder does. Returns the warnings for fieldValidation=Warn (the default); throws
   * for Strict.
   */
  List<String> prune(ResourceType type, ObjectNode object, String fieldValidation) {
    Schema schema = openApi.kind(type.group(), type.version(), type.kind());
    List<String> unknown = new ArrayList<>();
    if (schema != null) {
      pruneObject(type, schema, object, "", unknown);
    }
    if (unknown.isEmpty()) {
      return List.of();
    }
    String mode = fieldValidation == null || fieldValidation.isEmpty() ? "Warn" : fieldValidation;
    List<String> messages = unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
    if (mode.equals("Strict")) {
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version()
          + "\" cannot be handled as a " + type.kind() + ": " + STRICT_DECODING
          + String.join(", ", messages));
    }
    return mode.equals("Ignore") ? List.of() : messages;
  }

  private void pruneObject(ResourceType type, Schema schema, ObjectNode object, String path,
      List<String> unknown) {
    Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      String fieldPath = path.isEmpty() ? name : path + "." + name;
      Schema child = schema.property(name);
      if (child == null) {
        unknown.add(fieldPath);
        fields.remove();
        continue;
      }
      JsonNode value = field.getValue();
      if (value.isNull()) {
        // null is the zero value in Go: the field is simply not set, except that a zero
        // metav1.Time that is not a pointer is written back as null.
        if (!NULL_TIMES.contains(name)) {
          fields.remove();
        }
        continue;
      }
      pruneValue(type, schema, name, child, value, fieldPath, unknown);
      // Go's encoder drops empty maps and lists (omitempty); structs stay, even when empty.
      if (value.isContainerNode() && value.isEmpty()
          && (child.isArray() || child.additionalProperties() != null)) {
        fields.remove();
      }
    }
  }

  private void pruneValue(ResourceType type, Schema parent, String name, Schema schema,
      JsonNode value, String path, List<String> unknown) {
    if (schema.isIntOrString() || schema.isQuantity()) {
      if (!value.isTextual() && !value.isNumber()) {
        throw typeError(type, parent, path, value, schema.isQuantity() ? "resource.Quantity"
            : "intstr.IntOrString");
      }
      return;
    }
    String expected = schema.type();
    if (expected == null || schema.preservesUnknownFields()) {
      return;
    }
    switch (expected) {
      case "object" -> {
        if (!value.isObject()) {
          throw typeError(type, parent, path, value, goType(schema));
        }
        Schema values = schema.additionalProperties();
        if (values != null) {
          Iterator<Map.Entry<String, JsonNode>> entries = value.properties().iterator();
          while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().isNull()) {
              pruneValue(type, schema, entry.getKey(), values, entry.getValue(),
                  path + "." + entry.getKey(), unknown);
            }
          }
        } else if (schema.hasProperties()) {
          pruneObject(type, schema, (ObjectNode) value, path, unknown);
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          throw typeError(type, parent, path, value, goType(schema));
        }
        Schema items = schema.items();
        if (items != null) {
          for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isNull()) {
              pruneValue(type, schema, name, items, value.get(i), path + "[" + i + "]", unknown);
            }
          }
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          throw typeError(type, parent, path, value, "string");
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          throw typeError(type, parent, path, value, "int32".equals(schemaFormat(schema)) ? "int32" : "int64");
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          throw typeError(type, parent, path, value, "float64");
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          throw typeError(type, parent, path, value, "bool");
        }
      }
      default -> { }
    }
  }

  private static String schemaFormat(Schema schema) {
    return schema.formatName();
  }

  private static String goType(Schema schema) {
    String name = schema.typeName();
    if (schema.isArray()) {
      Schema items = schema.items();
      String item = items == null ? "interface {}" : items.typeName() != null
          ? "v1." + shortName(items.typeName()) : items.type();
      return "[]" + item;
    }
    if (name == null) {
      return "map[string]string";
    }
    return "v1." + shortName(name);
  }

  private static String shortName(String typeName) {
    return typeName.substring(typeName.lastIndexOf('.') + 1);
  }

  /** The decoder's error for a value of the wrong JSON type, which the server answers with 400. */
  private static ApiException typeError(ResourceType type, Schema parent, String path,
      JsonNode value, String goType) {
    String jsonType = value.isTextual() ? "string" : value.isNumber() ? "number"
        : value.isBoolean() ? "bool" : value.isArray() ? "array" : value.isObject() ? "object" : "null";
    String struct = parent.typeName() == null ? type.kind() : shortName(parent.typeName());
    String field = path.replaceAll("\\[\\d+]", "");
    return ApiException.badRequest(type.kind() + " in version \"" + type.version()
        + "\" cannot be handled as a " + type.kind() + ": json: cannot unmarshal " + jsonType
        + " into Go struct field " + struct + "." + field + " of type " + goType);
  }

  // ---- create and update preparation ---------------------------------------------------------

  /** The versioned defaults, applied while decoding: what the writer is seen to have set. */
  void defaults(ResourceType type, ObjectNode object) {
    defaults.versioned(type, object);
  }

  /** The create strategy and admission: status reset, allocations, injected fields. */
  void prepareForCreate(ResourceType type, ObjectNode object) {
    if (type.hasSubresource("status") && !type.kind().equals("Node")) {
      object.remove("status");
    }
    defaults.admit(type, object, null);
  }

  void prepareForUpdate(ResourceType type, ObjectNode object, ObjectNode current) {
    defaults.admit(type, object, current);
  }

  /** Creating content in a missing or terminating namespace fails as on the real server. */
  void checkNamespaceAcceptsContent(String namespace) {
    ResourceType namespaces = resources.find("", "v1", "namespaces").orElseThrow();
    ObjectNode ns = store.get(namespaces, null, namespace);
    if (ns == null) {
      throw ApiException.notFound(namespaces, namespace);
    }
    if (Json.at(ns, "metadata", "deletionTimestamp") != null
        || "Terminating".equals(Json.text(ns, "status", "phase"))) {
      ObjectNode details = ApiException.details(null, null, null, List.of(
          new ApiException.Cause("NamespaceTerminating",
              "namespace " + namespace + " is being terminated", "metadata.namespace")));
      throw new ApiException(403, "Forbidden", "unable to create new content in namespace "
          + namespace + " because it is being terminated", details);
    }
  }

  // ---- validation ----------------------------------------------------------------------------

  void validateCreate(ResourceType type, ObjectNode object) {
    List<ApiException.Cause> causes = new ArrayList<>();
    Validation.metadata(type, object, causes);
    Validation.kind(type, object, null, causes);
    throwIfInvalid(type, object, causes);
  }

  void validateUpdate(ResourceType type, ObjectNode object, ObjectNode current) {
    List<ApiException.Cause> causes = new ArrayList<>();
    Validation.metadata(type, object, causes);
    Validation.kind(type, object, current, causes);
    throwIfInvalid(type, object, causes);
  }

  void validateStatusUpdate(ResourceType type, ObjectNode object, ObjectNode current) {
    List<ApiException.Cause> causes = new ArrayList<>();
    Validation.metadata(type, object, causes);
    throwIfInvalid(type, object, causes);
  }

  private static void throwIfInvalid(ResourceType type, ObjectNode object,
      List<ApiException.Cause> causes) {
    if (!causes.isEmpty()) {
      String name = Json.text(object, "metadata", "name");
      throw ApiException.invalid(type, name, causes);
    }
  }

  static boolean isEmpty(JsonNode node) {
    return node == null || node.isNull() || (node.isContainerNode() && node.isEmpty())
        || (node.isTextual() && node.asText().isEmpty());
  }
}
