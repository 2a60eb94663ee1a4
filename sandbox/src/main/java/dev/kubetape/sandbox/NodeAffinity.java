package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's NodeAffinity filter: a pod's {@code nodeSelector} and its required node
 * affinity ({@code nodeSelectorTerms}, any one of which must match; within a term every
 * expression must) against a node's labels and name.
 */
final class NodeAffinity {
  private NodeAffinity() {}

  static boolean matches(JsonNode podSpec, JsonNode node) {
    JsonNode labels = node.path("metadata").path("labels");
    for (Map.Entry<String, JsonNode> wanted : fields(podSpec.path("nodeSelector"))) {
      if (!wanted.getValue().asText().equals(labels.path(wanted.getKey()).asText(null))) {
        return false;
      }
    }
    JsonNode terms = podSpec.path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    if (!terms.isArray() || terms.isEmpty()) {
      return true;
    }
    for (JsonNode term : terms) {
      if (termMatches(term, labels, Json.text(node, "metadata", "name"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean termMatches(JsonNode term, JsonNode labels, String nodeName) {
    if (term.path("matchExpressions").isEmpty() && term.path("matchFields").isEmpty()) {
      return false;
    }
    for (JsonNode expression : term.path("matchExpressions")) {
      JsonNode value = labels.get(expression.path("key").asText());
      if (!requirement(expression, value == null ? null : value.asText())) {
        return false;
      }
    }
    for (JsonNode expression : term.path("matchFields")) {
      String field = expression.path("key").asText();
      if (!field.equals("metadata.name") || !requirement(expression, nodeName)) {
        return false;
      }
    }
    return true;
  }

  private static boolean requirement(JsonNode expression, String value) {
    List<String> values = new ArrayList<>();
    expression.path("values").forEach(v -> values.add(v.asText()));
    return switch (expression.path("operator").asText()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt" -> value != null && values.size() == 1 && compare(value, values.get(0)) > 0;
      case "Lt" -> value != null && values.size() == 1 && compare(value, values.get(0)) < 0;
      default -> false;
    };
  }

  private static int compare(String label, String bound) {
    try {
      return Long.compare(Long.parseLong(label), Long.parseLong(bound));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static List<Map.Entry<String, JsonNode>> fields(JsonNode object) {
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    object.properties().iterator().forEachRemaining(entries::add);
    return entries;
  }
}
