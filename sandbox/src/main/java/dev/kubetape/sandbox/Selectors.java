package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Label and field selectors as the API server parses them from {@code labelSelector} and
 * {@code fieldSelector}: label selectors with equality and set requirements, field selectors
 * with {@code =}, {@code ==} and {@code !=} over the fields each kind supports.
 */
final class Selectors {
  private Selectors() {}

  /** Fields each kind can be selected by, beyond metadata.name and metadata.namespace. */
  private static final Map<String, Set<String>> FIELDS = Map.of(
      "Pod", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
          "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
          "status.podIPs", "status.nominatedNodeName"),
      "Event", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
          "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
          "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
      "Secret", Set.of("type"),
      "Namespace", Set.of("status.phase"),
      "Node", Set.of("spec.unschedulable"),
      "Service", Set.of("spec.clusterIP", "spec.type"));

  private static final Set<String> CONVERTED_KINDS =
      Set.of("Pod", "Event", "Secret", "Namespace", "Node", "Service");

  static Predicate<ObjectNode> labels(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    Predicate<JsonNode> requirements = LabelSelectorParser.parse(selector);
    return object -> requirements.test(Json.at(object, "metadata", "labels"));
  }

  /** A matchLabels / matchExpressions selector object (Deployment.spec.selector). */
  static Predicate<ObjectNode> labelSelectorObject(JsonNode selector) {
    if (selector == null || selector.isNull()) {
      return o -> false;
    }
    List<String> parts = new ArrayList<>();
    selector.path("matchLabels").properties().iterator()
        .forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      switch (expression.path("operator").asText()) {
        case "In" -> parts.add(key + " in (" + String.join(",", values) + ")");
        case "NotIn" -> parts.add(key + " notin (" + String.join(",", values) + ")");
        case "Exists" -> parts.add(key);
        case "DoesNotExist" -> parts.add("!" + key);
        default -> {
          return o -> false;
        }
      }
    }
    if (parts.isEmpty()) {
      return o -> true;
    }
    return labels(String.join(",", parts));
  }

  static Predicate<ObjectNode> fields(String selector, ResourceType type) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<ObjectNode>> requirements = new ArrayList<>();
    for (String requirement : selector.split(",")) {
      String text = requirement.trim();
      String op = text.contains("!=") ? "!=" : text.contains("==") ? "==" : "=";
      int at = text.indexOf(op);
      if (at <= 0) {
        throw ApiException.badRequest("invalid selector: '" + selector
            + "'; can't understand '" + text + "'");
      }
      String field = text.substring(0, at).trim();
      String value = text.substring(at + op.length()).trim();
      if (!field.equals("metadata.name") && !field.equals("metadata.namespace")
          && !FIELDS.getOrDefault(type.kind(), Set.of()).contains(field)) {
        // Kinds with their own field-label conversion answer the old way; the rest list the
        // fields they know.
        throw ApiException.badRequest(CONVERTED_KINDS.contains(type.kind())
            ? "field label not supported: " + field
            : "\"" + field + "\" is not a known field selector: only " + knownFields(type));
      }
      boolean negate = op.equals("!=");
      requirements.add(object -> {
        boolean equal = fieldValue(object, field).equals(value);
        return negate ? !equal : equal;
      });
    }
    return object -> requirements.stream().allMatch(r -> r.test(object));
  }

  /** The real server's list of a kind's selectable fields: quoted, comma-separated, in order. */
  private static String knownFields(ResourceType type) {
    List<String> fields = new ArrayList<>(List.of("metadata.name", "metadata.namespace"));
    fields.addAll(new java.util.TreeSet<>(FIELDS.getOrDefault(type.kind(), Set.of())));
    return String.join(", ", fields.stream().map(f -> "\"" + f + "\"").toList());
  }

  /** The value a field selector compares, as the API server's field set renders it. */
  static String fieldValue(ObjectNode object, String field) {
    if (field.equals("source")) {
      return object.path("source").path("component").asText(
          object.path("reportingController").asText(""));
    }
    if (field.equals("status.podIPs")) {
      JsonNode ips = object.path("status").path("podIPs");
      return ips.isArray() && !ips.isEmpty() ? ips.get(0).path("ip").asText("") : "";
    }
    JsonNode at = object;
    for (String step : field.split("\\.")) {
      at = at == null ? null : at.get(step);
    }
    if (at == null || at.isNull()) {
      // Booleans and counts read as their zero value when absent, like Go's zero values.
      return switch (field) {
        case "spec.hostNetwork", "spec.unschedulable" -> "false";
        case "status.replicas" -> "0";
        default -> "";
      };
    }
    return at.asText();
  }
}
