package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Records Events the way the simulated components' real counterparts do. The controllers and
 * the kubelet use client-go's legacy recorder: core/v1 Events named
 * {@code <object>.<hex nanoseconds>}, with {@code source.component}, and a repeat of the same
 * event (same object, type, reason, message, source) patched in place with {@code count} + 1
 * and a new {@code lastTimestamp}. The scheduler uses the events.k8s.io/v1 API: {@code eventTime},
 * {@code action}, {@code reportingController}, and a {@code series} for repeats.
 *
 * <p>Events expire after a time-to-live (one hour by default, like kube-apiserver's
 * {@code --event-ttl}); kubetape exists to keep them after that.
 */
final class EventRecorder {
  private final Registry registry;
  private final ResourceType coreEvents;
  /** Aggregation key to the event's namespace/name; owned by the controller thread. */
  private final Map<String, String> recorded = new HashMap<>();
  private final Duration ttl;

  EventRecorder(Registry registry, ControllerLoop loop, Duration ttl) {
    this.registry = registry;
    this.coreEvents = registry.resources().find("", "v1", "events").orElseThrow();
    this.ttl = ttl;
    loop.every(Duration.ofSeconds(10), "event expiry", this::expire);
  }

  /**
   * A core/v1 event about {@code object} from {@code component} (e.g. "deployment-controller",
   * "kubelet"); {@code fieldPath} names a container ({@code spec.containers{web}}) or is null.
   */
  void record(ObjectNode object, String component, String host, String type, String reason,
      String message, String fieldPath) {
    String namespace = eventNamespace(object);
    ObjectNode involved = involvedObject(object, fieldPath);
    String key = namespace + "|" + involved + "|" + component + "|" + type + "|" + reason + "|" + message;
    Instant now = registry.now();
    if (repeat(key, namespace, component, updated -> {
      updated.put("count", updated.path("count").asInt(1) + 1);
      updated.put("lastTimestamp", Json.time(now));
    })) {
      return;
    }
    ObjectNode event = Json.object();
    event.put("kind", "Event");
    event.put("apiVersion", "v1");
    ObjectNode metadata = event.putObject("metadata");
    String name = Json.text(object, "metadata", "name") + "." + Long.toHexString(nanos(now));
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    event.set("involvedObject", involved);
    event.put("reason", reason);
    event.put("message", message);
    ObjectNode source = event.putObject("source");
    source.put("component", component);
    if (host != null) {
      source.put("host", host);
    }
    event.put("firstTimestamp", Json.time(now));
    event.put("lastTimestamp", Json.time(now));
    event.put("count", 1);
    event.put("type", type);
    event.putNull("eventTime");
    event.put("reportingComponent", component);
    event.put("reportingInstance", host == null ? "" : host);
    registry.create(coreEvents, namespace, event, Registry.WriteOptions.of(managerFor(component)));
    recorded.put(key, name);
  }

  /**
   * An event written through events.k8s.io/v1, as the scheduler writes them ({@code action}
   * "Scheduling" or "Binding"). Both event APIs share one storage; this is how such an event
   * reads through core/v1: eventTime set, the legacy timestamps null, an empty source.
   */
  void recordNew(ObjectNode object, String controller, String instance, String type, String reason,
      String action, String note) {
    String namespace = eventNamespace(object);
    Instant now = registry.now();
    ObjectNode regarding = involvedObject(object, null);
    String key = "new|" + namespace + "|" + regarding + "|" + controller + "|" + type + "|" + reason
        + "|" + action + "|" + note;
    if (repeat(key, namespace, controller, updated -> {
      ObjectNode series = Json.with(updated, "series");
      series.put("count", series.path("count").asInt(1) + 1);
      series.put("lastObservedTime", Json.microTime(now));
    })) {
      return;
    }
    ObjectNode event = Json.object();
    event.put("kind", "Event");
    event.put("apiVersion", "v1");
    ObjectNode metadata = event.putObject("metadata");
    String name = Json.text(object, "metadata", "name") + "." + Long.toHexString(nanos(now));
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    event.set("involvedObject", regarding);
    event.put("reason", reason);
    event.put("message", note);
    event.putObject("source");
    event.putNull("firstTimestamp");
    event.putNull("lastTimestamp");
    event.put("type", type);
    event.put("eventTime", Json.microTime(now));
    event.put("action", action);
    event.put("reportingComponent", controller);
    event.put("reportingInstance", instance);
    registry.create(coreEvents, namespace, event, Registry.WriteOptions.of(managerFor(controller)));
    recorded.put(key, name);
  }

  /** Counts a repeat on the event recorded under {@code key}; false when there is none yet. */
  private boolean repeat(String key, String namespace, String component,
      java.util.function.Consumer<ObjectNode> count) {
    String existing = recorded.get(key);
    ObjectNode current = existing == null ? null : registry.store().get(coreEvents, namespace, existing);
    if (current == null) {
      return false;
    }
    ObjectNode updated = current.deepCopy();
    count.accept(updated);
    registry.update(coreEvents, namespace, existing, updated, null,
        Registry.WriteOptions.of(managerFor(component)));
    return true;
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** Events about cluster-scoped objects (nodes) live in "default", as on a real cluster. */
  private static String eventNamespace(ObjectNode object) {
    String namespace = Json.text(object, "metadata", "namespace");
    return namespace == null || namespace.isEmpty() ? "default" : namespace;
  }

  private static ObjectNode involvedObject(ObjectNode object, String fieldPath) {
    ObjectNode involved = Json.object();
    involved.put("kind", object.path("kind").asText());
    String namespace = Json.text(object, "metadata", "namespace");
    if (namespace != null) {
      involved.put("namespace", namespace);
    }
    involved.put("name", Json.text(object, "metadata", "name"));
    involved.put("uid", Json.text(object, "metadata", "uid"));
    involved.put("apiVersion", object.path("apiVersion").asText());
    String version = Json.text(object, "metadata", "resourceVersion");
    if (version != null) {
      involved.put("resourceVersion", version);
    }
    if (fieldPath != null) {
      involved.put("fieldPath", fieldPath);
    }
    return involved;
  }

  /** The field manager a component's writes show up under. */
  private static String managerFor(String component) {
    return switch (component) {
      case "kubelet" -> "kubelet";
      case "default-scheduler" -> "kube-scheduler";
      default -> "kube-controller-manager";
    };
  }

  /** Deletes events whose last occurrence is older than the time-to-live. */
  private void expire() {
    Instant cutoff = registry.now().minus(ttl);
    for (ObjectNode event : registry.store().list(coreEvents, null).items()) {
      if (lastSeen(event).isBefore(cutoff)) {
        registry.delete(coreEvents, Json.text(event, "metadata", "namespace"),
            Json.text(event, "metadata", "name"), Registry.DeleteOptions.DEFAULT);
      }
    }
    recorded.values().removeIf(name -> registry.store().list(coreEvents, null).items().stream()
        .noneMatch(e -> name.equals(Json.text(e, "metadata", "name"))));
  }

  private static Instant lastSeen(ObjectNode event) {
    for (String field : new String[] {"lastTimestamp", "eventTime", "firstTimestamp"}) {
      JsonNode value = event.get(field);
      if (value != null && value.isTextual()) {
        return Instant.parse(value.asText());
      }
    }
    JsonNode series = event.path("series").path("lastObservedTime");
    if (series.isTextual()) {
      return Instant.parse(series.asText());
    }
    return Instant.parse(event.path("metadata").path("creationTimestamp").asText());
  }
}
