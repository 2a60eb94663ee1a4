package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Some of kube-apiserver's error messages print decoded JSON as Go prints its values: maps as
 * {@code map[key:value ...]} with sorted keys, or re-encoded with sorted keys. These render a
 * JSON tree the same way, so the messages read the same.
 */
final class GoValues {
  private GoValues() {}

  /** Go's {@code %v} of the value json.Unmarshal gives into an interface{}. */
  static String format(JsonNode node) {
    if (node == null || node.isNull()) {
      return "<nil>";
    }
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      StringBuilder text = new StringBuilder("map[");
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          text.append(' ');
        }
        text.append(names.get(i)).append(':').append(format(node.get(names.get(i))));
      }
      return text.append(']').toString();
    }
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(format(item)));
      return "[" + String.join(" ", items) + "]";
    }
    if (node.isNumber()) {
      return float64(node.decimalValue());
    }
    return node.asText();
  }

  /** A float64 as %v prints it: integers plainly, large and small ones with an exponent. */
  private static String float64(BigDecimal value) {
    double d = value.doubleValue();
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      return BigDecimal.valueOf(d).toBigInteger().toString();
    }
    return Double.toString(d);
  }

  /** A copy whose object keys are sorted, as json.Marshal writes a map[string]interface{}. */
  static JsonNode sortedObjects(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode copy = Json.object();
      names.forEach(name -> copy.set(name, sortedObjects(node.get(name))));
      return copy;
    }
    return node;
  }
}
