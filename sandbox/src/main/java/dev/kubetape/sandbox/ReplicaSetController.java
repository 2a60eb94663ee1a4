package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * kube-controller-manager's ReplicaSet controller: it keeps as many active pods as
 * {@code spec.replicas} asks for, creating them from the template (named
 * {@code <replicaset>-xxxxx}, controlled by the ReplicaSet, {@code SuccessfulCreate} events) in
 * slow-start batches of 1, 2, 4... that stop at the first failure (a quota, say: a
 * {@code FailedCreate} event and a {@code ReplicaFailure} condition), and deleting the pods that
 * are least far along first (unscheduled, then pending, then not ready, then doubled up on a
 * node, then the most recently ready; {@code SuccessfulDelete} events). It adopts orphan pods
 * that match its selector and releases the ones that no longer do, and reports
 * {@code replicas}, {@code fullyLabeledReplicas}, {@code readyReplicas}, {@code availableReplicas}
 * (ready for {@code minReadySeconds}) and {@code observedGeneration}. The
 * {@code terminatingReplicas} field stays unset: its feature gate is off by default in 1.34.
 *
 * <p>There is no informer cache in the sandbox, so no expectations either: every sync reads the
 * store, which already holds this controller's own writes.
 */
final class ReplicaSetController {
  static final String COMPONENT = "replicaset-controller";
  private static final Registry.WriteOptions MANAGER = Registry.WriteOptions.of("kube-controller-manager");
  /** The real controller's cap on creations or deletions per sync. */
  private static final int BURST_REPLICAS = 500;
  private static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

  private final Registry registry;
  private final ObjectStore store;
  private final ControllerLoop loop;
  private final EventRecorder events;
  private final ControllerClock clock;
  private final WorkQueue queue;
  private final ResourceType replicaSets;
  private final ResourceType pods;

  ReplicaSetController(Registry registry, ControllerLoop loop, EventRecorder events, ControllerClock clock) {
    this.registry = registry;
    this.store = registry.store();
    this.loop = loop;
    this.events = events;
    this.clock = clock;
    this.replicaSets = registry.resources().find("apps", "v1", "replicasets").orElseThrow();
    this.pods = registry.resources().find("", "v1", "pods").orElseThrow();
    this.queue = new WorkQueue(loop, clock, "syncing replicaset", this::sync);
    store.listen(this::onChange);
    loop.submit("replicaset controller start", () -> store.list(replicaSets, null).items()
        .forEach(rs -> queue.add(key(rs))));
  }

  private static String key(JsonNode object) {
    return Json.text(object, "metadata", "namespace") + "/" + Json.text(object, "metadata", "name");
  }

  // ---- events --------------------------------------------------------------------------------

  private void onChange(ObjectStore.Change change) {
    if (change.resource() == replicaSets) {
      queue.add(key(change.object()));
    } else if (change.resource() == pods) {
      podChanged(change.object(), change.previous());
    }
  }

  private void podChanged(ObjectNode pod, ObjectNode previous) {
    String namespace = Json.text(pod, "metadata", "namespace");
    JsonNode owner = ControllerRef.of(pod);
    JsonNode previousOwner = previous == null ? null : ControllerRef.of(previous);
    if (previousOwner != null && !previousOwner.equals(owner) && isReplicaSet(previousOwner)) {
      queue.add(namespace + "/" + previousOwner.path("name").asText());
    }
    if (owner != null) {
      if (isReplicaSet(owner)) {
        queue.add(namespace + "/" + owner.path("name").asText());
      }
      return;
    }
    boolean labelsChanged = previous == null
        || !pod.path("metadata").path("labels").equals(previous.path("metadata").path("labels"));
    if (labelsChanged || previousOwner != null) {
      // An orphan: every ReplicaSet that would adopt it takes a look, once off the store's lock.
      loop.submit("replicasets for orphan pod", () -> {
        for (ObjectNode rs : store.list(replicaSets, namespace).items()) {
          if (Selectors.labelSelectorObject(rs.path("spec").get("selector")).test(pod)) {
            queue.add(key(rs));
          }
        }
      });
    }
  }

  private static boolean isReplicaSet(JsonNode reference) {
    return reference.path("kind").asText().equals("ReplicaSet")
        && reference.path("apiVersion").asText().equals("apps/v1");
  }

  // ---- sync ----------------------------------------------------------------------------------

  private void sync(String key) {
    int slash = key.indexOf('/');
    ObjectNode rs = store.get(replicaSets, key.substring(0, slash), key.substring(slash + 1));
    if (rs == null) {
      return;
    }
    String namespace = Json.text(rs, "metadata", "namespace");
    Predicate<JsonNode> selector = selector(rs);
    String uid = Json.text(rs, "metadata", "uid");
    List<ObjectNode> candidates = new ArrayList<>();
    for (ObjectNode pod : store.list(pods, namespace).items()) {
      JsonNode owner = ControllerRef.of(pod);
      if ((owner == null || uid.equals(owner.path("uid").asText())) && active(pod)) {
        candidates.add(pod);
      }
    }
    List<ObjectNode> activePods = new ArrayList<>();
    for (ObjectNode pod : candidates) {
      if (ControllerRef.claim(registry, pods, rs, pod, selector::test, MANAGER)) {
        activePods.add(pod);
      }
    }
    ApiException manageError = null;
    if (!rs.path("metadata").has("deletionTimestamp")) {
      try {
        manageReplicas(activePods, rs);
      } catch (ApiException e) {
        manageError = e;
      }
    }
    Instant now = clock.now();
    ObjectNode status = calculateStatus(rs, activePods, manageError, now);
    ObjectNode updated = updateStatus(rs, status);
    if (manageError != null) {
      throw manageError;
    }
    int minReadySeconds = updated.path("spec").path("minReadySeconds").asInt(0);
    if (minReadySeconds > 0 && updated.path("status").path("readyReplicas").asInt(0)
        != updated.path("status").path("availableReplicas").asInt(0)) {
      Duration next = Duration.ofSeconds(minReadySeconds);
      for (ObjectNode pod : activePods) {
        Duration check = nextAvailabilityCheck(pod, minReadySeconds);
        if (check != null && check.compareTo(next) < 0) {
          next = check;
        }
      }
      queue.addAfter(key, next);
    }
  }

  private static Predicate<JsonNode> selector(JsonNode rs) {
    JsonNode selector = rs.path("spec").get("selector");
    Predicate<ObjectNode> matches = Selectors.labelSelectorObject(selector);
    boolean empty = selector == null || (selector.path("matchLabels").isEmpty()
        && selector.path("matchExpressions").isEmpty());
    // An empty selector would match everything; the real controller matches nothing with it.
    return object -> !empty && matches.test((ObjectNode) object);
  }

  static boolean active(JsonNode pod) {
    String phase = Json.text(pod, "status", "phase");
    return !"Succeeded".equals(phase) && !"Failed".equals(phase)
        && !pod.path("metadata").has("deletionTimestamp");
  }

  private void manageReplicas(List<ObjectNode> activePods, ObjectNode rs) {
    int diff = activePods.size() - rs.path("spec").path("replicas").asInt(1);
    if (diff < 0) {
      int wanted = Math.min(-diff, BURST_REPLICAS);
      // Slow start: batches of 1, 2, 4... stop after the first batch with a failure, so that a
      // quota that rejects every pod costs one request and one event, not hundreds.
      int remaining = wanted;
      for (int batch = Math.min(remaining, 1); batch > 0; batch = Math.min(2 * batch, remaining)) {
        ApiException failed = null;
        for (int i = 0; i < batch; i++) {
          try {
            createPod(rs);
          } catch (ApiException e) {
            if (failed == null) {
              failed = e;
            }
          }
        }
        if (failed != null) {
          throw failed;
        }
        remaining -= batch;
      }
    } else if (diff > 0) {
      int surplus = Math.min(diff, BURST_REPLICAS);
      ApiException failed = null;
      for (ObjectNode pod : podsToDelete(activePods, relatedPods(rs), surplus)) {
        String name = Json.text(pod, "metadata", "name");
        try {
          registry.delete(pods, Json.text(pod, "metadata", "namespace"), name, Registry.DeleteOptions.DEFAULT);
          events.record(rs, COMPONENT, null, "Normal", "SuccessfulDelete", "Deleted pod: " + name, null);
        } catch (ApiException e) {
          if (e.code != 404) {
            events.record(rs, COMPONENT, null, "Warning", "FailedDelete", "Error deleting: " + e.getMessage(), null);
            if (failed == null) {
              failed = new ApiException(e.code, e.reason, "unable to delete pods: " + e.getMessage(), e.details);
            }
          }
        }
      }
      if (failed != null) {
        throw failed;
      }
    }
  }

  /** GetPodFromTemplate: the template's labels, annotations, finalizers and spec; owned by the set. */
  private void createPod(ObjectNode rs) {
    JsonNode template = rs.path("spec").path("template");
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("generateName", Json.text(rs, "metadata", "name") + "-");
    copyIfNotEmpty(template.path("metadata"), metadata, "labels");
    copyIfNotEmpty(template.path("metadata"), metadata, "annotations");
    metadata.putArray("ownerReferences").add(ControllerRef.newControllerRef(rs));
    copyIfNotEmpty(template.path("metadata"), metadata, "finalizers");
    pod.set("spec", template.path("spec").deepCopy());
    if (metadata.path("labels").isEmpty()) {
      throw new ApiException(500, "InternalError", "unable to create pods, no labels", null);
    }
    String namespace = Json.text(rs, "metadata", "namespace");
    ObjectNode created;
    try {
      created = registry.create(pods, namespace, pod, MANAGER).object();
    } catch (ApiException e) {
      if (namespaceTerminating(e)) {
        return;
      }
      events.record(rs, COMPONENT, null, "Warning", "FailedCreate", "Error creating: " + e.getMessage(), null);
      throw e;
    }
    events.record(rs, COMPONENT, null, "Normal", "SuccessfulCreate",
        "Created pod: " + Json.text(created, "metadata", "name"), null);
  }

  private static void copyIfNotEmpty(JsonNode from, ObjectNode to, String field) {
    JsonNode value = from.get(field);
    if (value != null && !value.isNull() && !value.isEmpty()) {
      to.set(field, value.deepCopy());
    }
  }

  private static boolean namespaceTerminating(ApiException e) {
    if (e.details == null) {
      return false;
    }
    for (JsonNode cause : e.details.path("causes")) {
      if (cause.path("reason").asText().equals("NamespaceTerminating")) {
        return true;
      }
    }
    return false;
  }

  /** Pods of every ReplicaSet that shares this one's controller: who is doubled up on a node. */
  private List<ObjectNode> relatedPods(ObjectNode rs) {
    JsonNode owner = ControllerRef.of(rs);
    String namespace = Json.text(rs, "metadata", "namespace");
    List<ObjectNode> related = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ObjectNode sibling : store.list(replicaSets, namespace).items()) {
      JsonNode siblingOwner = ControllerRef.of(sibling);
      boolean sameController = owner == null
          ? Json.text(sibling, "metadata", "uid").equals(Json.text(rs, "metadata", "uid"))
          : siblingOwner != null && siblingOwner.path("uid").equals(owner.path("uid"));
      if (!sameController) {
        continue;
      }
      Predicate<JsonNode> matches = selector(sibling);
      for (ObjectNode pod : store.list(pods, namespace).items()) {
        if (matches.test(pod) && seen.add(Json.text(pod, "metadata", "uid"))) {
          related.add(pod);
        }
      }
    }
    return related;
  }

  private List<ObjectNode> podsToDelete(List<ObjectNode> activePods, List<ObjectNode> related, int count) {
    List<ObjectNode> ranked = new ArrayList<>(activePods);
    if (count < ranked.size()) {
      Map<String, Integer> onNode = new HashMap<>();
      for (ObjectNode pod : related) {
        if (active(pod)) {
          onNode.merge(nodeName(pod), 1, Integer::sum);
        }
      }
      ranked.sort(deletionOrder(onNode, clock.now()));
    }
    return ranked.subList(0, count);
  }

  private static String nodeName(JsonNode pod) {
    String node = Json.text(pod, "spec", "nodeName");
    return node == null ? "" : node;
  }

  /**
   * ActivePodsWithRanks: the pods to delete first come first. LogarithmicScaleDown (GA) compares
   * ages on a log2 scale and breaks ties by uid; PodDeletionCost (on by default) is honoured.
   */
  private static Comparator<ObjectNode> deletionOrder(Map<String, Integer> onNode, Instant now) {
    return (a, b) -> {
      String nodeA = nodeName(a);
      String nodeB = nodeName(b);
      if (!nodeA.equals(nodeB) && (nodeA.isEmpty() || nodeB.isEmpty())) {
        return nodeA.isEmpty() ? -1 : 1;
      }
      int phase = Integer.compare(phaseOrdinal(a), phaseOrdinal(b));
      if (phase != 0) {
        return phase;
      }
      boolean readyA = ready(a);
      boolean readyB = ready(b);
      if (readyA != readyB) {
        return readyA ? 1 : -1;
      }
      int cost = Integer.compare(deletionCost(a), deletionCost(b));
      if (cost != 0) {
        return cost;
      }
      int rank = Integer.compare(onNode.getOrDefault(nodeB, 0), onNode.getOrDefault(nodeA, 0));
      if (rank != 0) {
        return rank;
      }
      if (readyA && readyB) {
        int readyOrder = newerFirst(readyTime(a), readyTime(b), a, b, now);
        if (readyOrder != 0) {
          return readyOrder;
        }
      }
      int restarts = Integer.compare(restarts(b), restarts(a));
      if (restarts != 0) {
        return restarts;
      }
      return newerFirst(time(a, "metadata", "creationTimestamp"), time(b, "metadata", "creationTimestamp"), a, b, now);
    };
  }

  /** Pending before Unknown before Running; any other phase sorts with Pending, as a Go map miss. */
  private static int phaseOrdinal(JsonNode pod) {
    String phase = Json.text(pod, "status", "phase");
    return "Unknown".equals(phase) ? 1 : "Running".equals(phase) ? 2 : 0;
  }

  private static int deletionCost(JsonNode pod) {
    String cost = Json.text(pod, "metadata", "annotations", DELETION_COST);
    if (cost == null) {
      return 0;
    }
    try {
      return Integer.parseInt(cost);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int restarts(JsonNode pod) {
    int max = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      max = Math.max(max, status.path("restartCount").asInt(0));
    }
    return max;
  }

  /** Newer (or unset) first; equal log2 ages fall back to the uid, as in the real comparison. */
  private static int newerFirst(Instant a, Instant b, JsonNode podA, JsonNode podB, Instant now) {
    if (a == null && b == null || a != null && a.equals(b)) {
      return 0;
    }
    if (a == null || b == null) {
      return a == null ? -1 : 1;
    }
    long rankA = log2Age(a, now);
    long rankB = log2Age(b, now);
    if (rankA == rankB) {
      return Json.text(podA, "metadata", "uid").compareTo(Json.text(podB, "metadata", "uid"));
    }
    return Long.compare(rankA, rankB);
  }

  private static long log2Age(Instant time, Instant now) {
    long nanos = Duration.between(time, now).toNanos();
    return nanos > 0 ? (long) Math.floor(Math.log(nanos) / Math.log(2)) : -1;
  }

  static boolean ready(JsonNode pod) {
    return readyCondition(pod) != null && "True".equals(readyCondition(pod).path("status").asText());
  }

  private static JsonNode readyCondition(JsonNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition;
      }
    }
    return null;
  }

  private static Instant readyTime(JsonNode pod) {
    JsonNode condition = readyCondition(pod);
    return condition == null ? null : parse(condition.path("lastTransitionTime").asText(null));
  }

  private static Instant time(JsonNode object, String... path) {
    return parse(Json.text(object, path));
  }

  private static Instant parse(String text) {
    return text == null || text.isEmpty() ? null : Instant.parse(text);
  }

  /** IsPodAvailable: ready, and for longer than minReadySeconds of simulated time. */
  private boolean available(JsonNode pod, int minReadySeconds) {
    if (!ready(pod)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    Instant since = readyTime(pod);
    return since != null && clock.since(since).compareTo(Duration.ofSeconds(minReadySeconds)) > 0;
  }

  /** Simulated time until a ready pod becomes available, or null if it is not waiting. */
  private Duration nextAvailabilityCheck(JsonNode pod, int minReadySeconds) {
    Instant since = readyTime(pod);
    if (!ready(pod) || since == null) {
      return null;
    }
    Duration left = Duration.ofSeconds(minReadySeconds).minus(clock.since(since));
    return left.isNegative() || left.isZero() ? null : left;
  }

  // ---- status --------------------------------------------------------------------------------

  private ObjectNode calculateStatus(ObjectNode rs, List<ObjectNode> activePods, ApiException manageError,
      Instant now) {
    int minReadySeconds = rs.path("spec").path("minReadySeconds").asInt(0);
    JsonNode templateLabels = rs.path("spec").path("template").path("metadata").path("labels");
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (ObjectNode pod : activePods) {
      if (hasLabels(pod, templateLabels)) {
        fullyLabeled++;
      }
      if (ready(pod)) {
        ready++;
        if (available(pod, minReadySeconds)) {
          available++;
        }
      }
    }
    ArrayNode conditions = rs.path("status").path("conditions").isArray()
        ? (ArrayNode) rs.path("status").path("conditions").deepCopy() : Json.array();
    JsonNode failure = condition(conditions, "ReplicaFailure");
    if (manageError != null && failure == null) {
      int diff = activePods.size() - rs.path("spec").path("replicas").asInt(1);
      ObjectNode condition = Json.object();
      condition.put("type", "ReplicaFailure");
      condition.put("status", "True");
      condition.put("lastTransitionTime", Json.time(now));
      condition.put("reason", diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "");
      condition.put("message", manageError.getMessage());
      conditions.add(condition);
    } else if (manageError == null && failure != null) {
      for (int i = conditions.size() - 1; i >= 0; i--) {
        if (conditions.get(i).path("type").asText().equals("ReplicaFailure")) {
          conditions.remove(i);
        }
      }
    }
    ObjectNode status = Json.object();
    status.put("replicas", activePods.size());
    putIfNonZero(status, "fullyLabeledReplicas", fullyLabeled);
    putIfNonZero(status, "readyReplicas", ready);
    putIfNonZero(status, "availableReplicas", available);
    JsonNode observed = rs.path("status").get("observedGeneration");
    if (observed != null && observed.asLong() != 0) {
      status.put("observedGeneration", observed.asLong());
    }
    if (!conditions.isEmpty()) {
      status.set("conditions", conditions);
    }
    return status;
  }

  private static boolean hasLabels(JsonNode pod, JsonNode labels) {
    JsonNode podLabels = pod.path("metadata").path("labels");
    var fields = labels.properties().iterator();
    while (fields.hasNext()) {
      var label = fields.next();
      if (!label.getValue().asText().equals(podLabels.path(label.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode condition(ArrayNode conditions, String type) {
    for (JsonNode condition : conditions) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return null;
  }

  private static void putIfNonZero(ObjectNode status, String field, int value) {
    if (value != 0) {
      status.put(field, value);
    }
  }

  /** updateReplicaSetStatus: skips a no-op, records the generation acted on, retries once. */
  private ObjectNode updateStatus(ObjectNode rs, ObjectNode status) {
    JsonNode current = rs.path("status");
    long generation = rs.path("metadata").path("generation").asLong(0);
    boolean same = current.path("replicas").asInt(0) == status.path("replicas").asInt(0)
        && current.path("fullyLabeledReplicas").asInt(0) == status.path("fullyLabeledReplicas").asInt(0)
        && current.path("readyReplicas").asInt(0) == status.path("readyReplicas").asInt(0)
        && current.path("availableReplicas").asInt(0) == status.path("availableReplicas").asInt(0)
        && generation == current.path("observedGeneration").asLong(0)
        && current.path("conditions").equals(status.path("conditions"));
    if (same) {
      return rs;
    }
    ObjectNode ordered = Json.object();
    status.properties().iterator().forEachRemaining(e -> {
      if (!e.getKey().equals("observedGeneration") && !e.getKey().equals("conditions")) {
        ordered.set(e.getKey(), e.getValue());
      }
    });
    if (generation != 0) {
      ordered.put("observedGeneration", generation);
    }
    if (status.has("conditions")) {
      ordered.set("conditions", status.get("conditions"));
    }
    ObjectNode attempt = rs;
    for (int i = 0; ; i++) {
      ObjectNode body = attempt.deepCopy();
      body.set("status", ordered.deepCopy());
      try {
        return registry.update(replicaSets, Json.text(rs, "metadata", "namespace"),
            Json.text(rs, "metadata", "name"), body, "status", MANAGER).object();
      } catch (ApiException e) {
        if (i >= 1) {
          throw e;
        }
        attempt = registry.get(replicaSets, Json.text(rs, "metadata", "namespace"), Json.text(rs, "metadata", "name"));
      }
    }
  }
}
