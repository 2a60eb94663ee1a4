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
    List<Predicate<JsonNode>> requirements = new ArrayList<>();
    for (String requirement : splitTopLevel(selector)) {
      requirements.add(labelRequirement(requirement.trim(), selector));
    }
    return object -> {
      JsonNode labels = Json.at(object, "metadata", "labels");
      for (Predicate<JsonNode> requirement : requirements) {
        if (!requirement.test(labels)) {
          return false;
        }
      }
      return true;
    };
  }

  /** A matchLabels / matchExpressions selector object (Deployment.spec.selector). */
  static Predicate<ObjectNode> labelSelectorObject(JsonNode selector) {
    if (selector == null || selector.isNull()) {
      return o -> false;
    }
    List<String> parts = new ArrayList<>();
    selector.path("matchLabels").fields()
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

  private static Predicate<JsonNode> labelRequirement(String text, String whole) {
    if (text.isEmpty()) {
      throw ApiException.badRequest("unable to parse requirement: found '', expected: identifier");
    }
    String lower = text;
    int in = indexOfWord(lower, " in ");
    int notIn = indexOfWord(lower, " notin ");
    if (notIn > 0 || in > 0) {
      boolean negate = notIn > 0;
      int at = negate ? notIn : in;
      String key = text.substring(0, at).trim();
      String rest = text.substring(at + (negate ? 7 : 4)).trim();
      if (!rest.startsWith("(") || !rest.endsWith(")")) {
        throw ApiException.badRequest("unable to parse requirement: found '" + rest
            + "', expected: '('");
      }
      Set<String> values = Set.of(rest.substring(1, rest.length() - 1).split("\\s*,\\s*"));
      checkKey(key);
      return labels -> {
        JsonNode value = labels == null ? null : labels.get(key);
        boolean member = value != null && values.contains(value.asText());
        return negate ? !member : member;
      };
    }
    for (String op : List.of("!=", "==", "=")) {
      int at = text.indexOf(op);
      if (at > 0) {
        String key = text.substring(0, at).trim();
        String value = text.substring(at + op.length()).trim();
        checkKey(key);
        checkValue(value);
        boolean negate = op.equals("!=");
        return labels -> {
          JsonNode actual = labels == null ? null : labels.get(key);
          boolean equal = actual != null && actual.asText().equals(value);
          return negate ? !equal : equal;
        };
      }
    }
    if (text.startsWith("!")) {
      String key = text.substring(1).trim();
      checkKey(key);
      return labels -> labels == null || !labels.has(key);
    }
    checkKey(text);
    return labels -> labels != null && labels.has(text);
  }

  private static int indexOfWord(String text, String word) {
    return text.indexOf(word);
  }

  private static void checkKey(String key) {
    String name = key.contains("/") ? key.substring(key.indexOf('/') + 1) : key;
    if (name.isEmpty() || name.length() > 63 || !name.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
      throw ApiException.badRequest("unable to parse requirement: <nil>: Invalid value: \"" + key
          + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must"
          + " start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
          + " '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }
  }

  private static void checkValue(String value) {
    if (!value.isEmpty() && (value.length() > 63
        || !value.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"))) {
      throw ApiException.badRequest("unable to parse requirement: <nil>: Invalid value: \"" + value
          + "\": a valid label must be an empty string or consist of alphanumeric characters,"
          + " '-', '_' or '.', and must start and end with an alphanumeric character (e.g."
          + " 'MyValue',  or 'my_value',  or '12345', regex used for validation is"
          + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }
  }

  /** Splits on commas that are not inside the parentheses of a set requirement. */
  private static List<String> splitTopLevel(String selector) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(selector.substring(start));
    return parts;
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
