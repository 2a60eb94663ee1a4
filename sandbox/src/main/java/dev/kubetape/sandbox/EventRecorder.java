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
 * <p>Like client-go's event correlator, a burst of more than 25 events about one object from one
 * source is cut short (one more every five minutes), and once more than ten events with the
 * same reason but different messages come about one object within ten minutes, the rest are
 * folded into one "(combined from similar events): ..." event whose count rises.
 *
 * <p>Events expire after a time-to-live (one hour by default, like kube-apiserver's
 * {@code --event-ttl}); kubetape exists to keep them after that.
 */
final class EventRecorder {
  private final Registry registry;
  private final ResourceType coreEvents;
  private static final int SPAM_BURST = 25;
  private static final Duration SPAM_REFILL = Duration.ofMinutes(5);
  private static final int SIMILAR_EVENTS = 10;
  private static final Duration SIMILAR_WINDOW = Duration.ofMinutes(10);
  static final String COMBINED = "(combined from similar events): ";

  /** Deduplication key to the event's name; owned by the controller thread, as all below. */
  private final Map<String, String> recorded = new HashMap<>();
  /** Event name to its deduplication key, to forget expired events. */
  private final Map<String, String> keysByName = new HashMap<>();
  /** Per source and object: tokens left and when they were last counted. */
  private final Map<String, double[]> spam = new HashMap<>();
  /** Per source, object, type and reason: the distinct messages seen and since when. */
  private final Map<String, Similar> similar = new HashMap<>();
  private final Duration ttl;

  private record Similar(java.util.Set<String> messages, Instant since) {}

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
    Instant now = registry.now();
    String objectKey = component + "|" + host + "|" + involved.path("kind").asText() + "|"
        + namespace + "|" + involved.path("name").asText() + "|" + involved.path("uid").asText()
        + "|" + involved.path("apiVersion").asText() + "|" + (fieldPath == null ? "" : fieldPath);
    if (!allowedBySpamFilter(objectKey, now)) {
      return;
    }
    String aggregateKey = objectKey + "|" + type + "|" + reason;
    String key = aggregateKey + "|" + message;
    Similar seen = similar.get(aggregateKey);
    if (seen == null || seen.since().plus(SIMILAR_WINDOW).isBefore(now)) {
      seen = new Similar(new java.util.HashSet<>(), now);
      similar.put(aggregateKey, seen);
    }
    seen.messages().add(message);
    if (seen.messages().size() > SIMILAR_EVENTS) {
      seen.messages().remove(message);
      message = COMBINED + message;
      key = aggregateKey;
    }
    String shown = message;
    if (repeat(key, namespace, component, updated -> {
      updated.put("count", updated.path("count").asInt(1) + 1);
      updated.put("lastTimestamp", Json.time(now));
      updated.put("message", shown);
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
    remember(key, name);
  }

  /** A token bucket per source and object: a burst of 25, then one every five minutes. */
  private boolean allowedBySpamFilter(String objectKey, Instant now) {
    double[] bucket = spam.computeIfAbsent(objectKey, k -> new double[] {SPAM_BURST, now.toEpochMilli()});
    double refilled = (now.toEpochMilli() - bucket[1]) / (double) SPAM_REFILL.toMillis();
    bucket[0] = Math.min(SPAM_BURST, bucket[0] + refilled);
    bucket[1] = now.toEpochMilli();
    if (bucket[0] < 1) {
      return false;
    }
    bucket[0] -= 1;
    return true;
  }

  private void remember(String key, String name) {
    recorded.put(key, name);
    keysByName.put(name, key);
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
    String key = "new|" + namespace + "|" + regarding.path("kind").asText() + "|"
        + regarding.path("name").asText() + "|" + regarding.path("uid").asText() + "|" + controller
        + "|" + type + "|" + reason
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
    remember(key, name);
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
        String name = Json.text(event, "metadata", "name");
        registry.delete(coreEvents, Json.text(event, "metadata", "namespace"), name,
            Registry.DeleteOptions.DEFAULT);
        String key = keysByName.remove(name);
        if (key != null) {
          recorded.remove(key);
        }
      }
    }
    similar.values().removeIf(s -> s.since().plus(SIMILAR_WINDOW).isBefore(cutoff));
    spam.values().removeIf(bucket -> bucket[1] < cutoff.toEpochMilli());
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
