package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * events.k8s.io/v1 Events are another view of the core/v1 Events, as in kube-apiserver: both
 * APIs read and write one storage, and fields are renamed on the way (involvedObject is
 * regarding, message is note, source is deprecatedSource, ...).
 */
final class EventsView {
  /** core/v1 field to events.k8s.io/v1 field. */
  private static final Map<String, String> RENAMED = Map.of(
      "involvedObject", "regarding",
      "message", "note",
      "source", "deprecatedSource",
      "firstTimestamp", "deprecatedFirstTimestamp",
      "lastTimestamp", "deprecatedLastTimestamp",
      "count", "deprecatedCount",
      "reportingComponent", "reportingController");

  private EventsView() {}

  static boolean covers(ResourceType type) {
    return type.group().equals("events.k8s.io") && type.kind().equals("Event");
  }

  /** A stored core/v1 Event as events.k8s.io/v1 shows it. */
  static ObjectNode toView(ObjectNode core) {
    ObjectNode view = Json.object();
    view.put("kind", "Event");
    view.put("apiVersion", "events.k8s.io/v1");
    for (var field : core.properties()) {
      String name = field.getKey();
      if (name.equals("kind") || name.equals("apiVersion")) {
        continue;
      }
      JsonNode value = field.getValue();
      if (name.equals("source") && (value.isEmpty() || value.isNull())) {
        continue;
      }
      boolean emptyText = value.isTextual() && value.asText().isEmpty();
      if ((name.equals("count") && value.asInt() == 0) || value.isNull() || emptyText) {
        continue;
      }
      view.set(RENAMED.getOrDefault(name, name), value);
    }
    if (!view.has("eventTime")) {
      // eventTime has no omitempty in events.k8s.io/v1: a legacy event shows it as null.
      view.putNull("eventTime");
    }
    return view;
  }

  /** An events.k8s.io/v1 Event as the core/v1 storage keeps it. */
  static ObjectNode toCore(ObjectNode view) {
    ObjectNode core = Json.object();
    core.put("kind", "Event");
    core.put("apiVersion", "v1");
    for (var field : view.properties()) {
      String name = field.getKey();
      if (name.equals("kind") || name.equals("apiVersion")) {
        continue;
      }
      String coreName = name;
      for (var renamed : RENAMED.entrySet()) {
        if (renamed.getValue().equals(name)) {
          coreName = renamed.getKey();
        }
      }
      core.set(coreName, field.getValue());
    }
    return core;
  }
}
