package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The simulated kube-scheduler (default profile, v1.34): binds each pending pod of
 * {@code schedulerName: default-scheduler} to a node whose allocatable resources still fit the
 * pod's requests, preferring the least allocated node. A pod that fits nowhere stays Pending with
 * a {@code PodScheduled=False/Unschedulable} condition and a {@code FailedScheduling} event in the
 * real FitError format, and is tried again, with the queue's back-off (1 s doubling to 10 s), when
 * the cluster changes (a pod goes away, a node changes) or after five minutes.
 *
 * <p>Nodes are read from the store, so {@code kubectl cordon} and {@code kubectl taint} count.
 * Filters, in the default profile's order: NodeUnschedulable, TaintToleration, NodeAffinity
 * (nodeSelector and required node affinity), NodeResourcesFit (pods, cpu, memory,
 * ephemeral-storage). Preemption is evaluated only for its message: the sandbox never evicts.
 */
final class Scheduler {
  static final String NAME = "default-scheduler";
  private static final Registry.WriteOptions WRITER = Registry.WriteOptions.of("kube-scheduler");
  private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration MAX_UNSCHEDULABLE = Duration.ofMinutes(5);
  /** What LeastAllocated scoring assumes for a container that requests nothing. */
  private static final BigDecimal DEFAULT_CPU = new BigDecimal("0.1");
  private static final BigDecimal DEFAULT_MEMORY = BigDecimal.valueOf(200L * 1024 * 1024);

  /** A pod that failed to schedule: how often, when last, and its pending retry. Controller thread. */
  private static final class Attempts {
    int count;
    Duration last;
    ScheduledFuture<?> retry;
  }

  private record Verdict(List<String> reasons, boolean unresolvable) {
    static final Verdict FITS = new Verdict(List.of(), false);
  }

  private final Registry registry;
  private final ControllerLoop loop;
  private final SandboxClock clock;
  private final EventRecorder events;
  private final ResourceType pods;
  private final ResourceType nodes;
  private final String instance;
  /** Unschedulable pods by namespace/name. Controller thread. */
  private final Map<String, Attempts> unschedulable = new HashMap<>();
  /** Ties between equally good nodes go to the one chosen least recently. Controller thread. */
  private final Map<String, Long> lastChosen = new HashMap<>();
  private long bindings;

  Scheduler(Registry registry, ControllerLoop loop, SandboxClock clock, EventRecorder events) {
    this.registry = registry;
    this.loop = loop;
    this.clock = clock;
    this.events = events;
    this.pods = registry.resources().find("", "v1", "pods").orElseThrow();
    this.nodes = registry.resources().find("", "v1", "nodes").orElseThrow();
    this.instance = NAME + "-" + hostname();
    registry.store().listen(this::onChange);
  }

  /** The events.k8s.io reportingInstance: the scheduler's name and its host's, as in a real cluster. */
  private static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException | RuntimeException e) {
      return "control-plane";
    }
  }

  private void onChange(ObjectStore.Change change) {
    if (change.resource() == nodes) {
      loop.submit("scheduler: node " + change.type().toLowerCase(), this::retryUnschedulable);
      return;
    }
    if (change.resource() != pods) {
      return;
    }
    ObjectNode pod = change.object();
    String key = key(pod);
    if (change.type().equals("DELETED")) {
      loop.submit("scheduler: pod deleted", () -> {
        forget(key);
        if (isBound(pod)) {
          retryUnschedulable();
        }
      });
      return;
    }
    if (isBound(pod)) {
      if (change.previous() != null && !isTerminal(change.previous()) && isTerminal(pod)) {
        loop.submit("scheduler: pod finished", this::retryUnschedulable);
      }
      return;
    }
    if (!NAME.equals(Json.text(pod, "spec", "schedulerName"))
        || pod.path("metadata").has("deletionTimestamp")) {
      return;
    }
    boolean gatesChanged = change.previous() != null
        && !change.previous().path("spec").path("schedulingGates")
            .equals(pod.path("spec").path("schedulingGates"));
    if (change.type().equals("ADDED") || gatesChanged) {
      loop.submit("scheduling pod " + key, () -> schedule(key));
    }
  }

  private void forget(String key) {
    Attempts attempts = unschedulable.remove(key);
    if (attempts != null && attempts.retry != null) {
      attempts.retry.cancel(false);
    }
  }

  /** A cluster event that may make room: every waiting pod is tried again once its back-off ends. */
  private void retryUnschedulable() {
    Duration now = clock.elapsed();
    for (Map.Entry<String, Attempts> entry : unschedulable.entrySet()) {
      Attempts attempts = entry.getValue();
      Duration due = attempts.last.plus(backoff(attempts.count));
      Duration wait = due.compareTo(now) > 0 ? due.minus(now) : Duration.ZERO;
      retryAfter(entry.getKey(), attempts, wait);
    }
  }

  private void retryAfter(String key, Attempts attempts, Duration wait) {
    if (attempts.retry != null && !attempts.retry.isDone()) {
      long delay = attempts.retry.getDelay(TimeUnit.NANOSECONDS);
      if (delay <= wait.toNanos() / clock.timeScale()) {
        return;
      }
      attempts.retry.cancel(false);
    }
    attempts.retry = loop.after(wait, "scheduling pod " + key, () -> schedule(key));
  }

  private static Duration backoff(int attempts) {
    Duration backoff = INITIAL_BACKOFF;
    for (int i = 1; i < attempts && backoff.compareTo(MAX_BACKOFF) < 0; i++) {
      backoff = backoff.multipliedBy(2);
    }
    return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
  }

  // ---- one scheduling cycle ------------------------------------------------------------------

  private void schedule(String key) {
    int slash = key.indexOf('/');
    ObjectNode pod = registry.store().get(pods, key.substring(0, slash), key.substring(slash + 1));
    if (pod == null || isBound(pod) || pod.path("metadata").has("deletionTimestamp")
        || isTerminal(pod) || !NAME.equals(Json.text(pod, "spec", "schedulerName"))) {
      forget(key);
      return;
    }
    if (!pod.path("spec").path("schedulingGates").isEmpty()) {
      // A gated pod waits for its gates to be removed; the update brings it back.
      forget(key);
      setCondition(pod, "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates");
      return;
    }
    List<ObjectNode> nodeList = registry.store().list(nodes, null).items();
    if (nodeList.isEmpty()) {
      fail(key, pod, "no nodes available to schedule pods");
      return;
    }
    Map<String, List<ObjectNode>> podsByNode = podsByNode();
    Map<String, BigDecimal> request = podRequests(pod.path("spec"), false);
    Map<String, Verdict> verdicts = new TreeMap<>();
    List<ObjectNode> feasible = new ArrayList<>();
    for (ObjectNode node : nodeList) {
      Verdict verdict = filter(pod, request, node, podsByNode.getOrDefault(name(node), List.of()));
      verdicts.put(name(node), verdict);
      if (verdict.reasons().isEmpty()) {
        feasible.add(node);
      }
    }
    if (feasible.isEmpty()) {
      fail(key, pod, fitError(pod, nodeList.size(), verdicts));
      return;
    }
    ObjectNode chosen = best(pod, feasible, podsByNode);
    registry.bind(Json.text(pod, "metadata", "namespace"), Json.text(pod, "metadata", "name"),
        name(chosen), WRITER);
    lastChosen.put(name(chosen), ++bindings);
    forget(key);
    events.recordNew(pod, NAME, instance, "Normal", "Scheduled", "Binding",
        "Successfully assigned " + key + " to " + name(chosen));
  }

  private void fail(String key, ObjectNode pod, String message) {
    events.recordNew(pod, NAME, instance, "Warning", "FailedScheduling", "Scheduling",
        truncate(message));
    setCondition(pod, "Unschedulable", message);
    Attempts attempts = unschedulable.computeIfAbsent(key, k -> new Attempts());
    attempts.count++;
    attempts.last = clock.elapsed();
    if (attempts.retry != null) {
      attempts.retry.cancel(false);
    }
    // Nothing may change for a while: the queue flushes pods left unschedulable for 5 minutes.
    attempts.retry = loop.after(MAX_UNSCHEDULABLE, "scheduling pod " + key, () -> schedule(key));
  }

  /** The scheduler's status patch: PodScheduled=False, changed only when something differs. */
  private void setCondition(ObjectNode pod, String reason, String message) {
    ObjectNode updated = pod.deepCopy();
    ObjectNode status = Json.with(updated, "status");
    ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
        ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
    ObjectNode existing = null;
    for (JsonNode condition : conditions) {
      if ("PodScheduled".equals(condition.path("type").asText())) {
        existing = (ObjectNode) condition;
      }
    }
    if (existing != null && "False".equals(Json.text(existing, "status"))
        && reason.equals(Json.text(existing, "reason")) && message.equals(Json.text(existing, "message"))) {
      return;
    }
    String transition = existing != null && "False".equals(Json.text(existing, "status"))
        ? Json.text(existing, "lastTransitionTime") : Json.time(clock.now());
    ObjectNode condition = existing != null ? existing : conditions.addObject();
    condition.removeAll();
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", transition);
    condition.put("message", message);
    condition.put("observedGeneration", pod.path("metadata").path("generation").asLong(1));
    condition.put("reason", reason);
    condition.put("status", "False");
    condition.put("type", "PodScheduled");
    if (!status.has("phase")) {
      status.put("phase", "Pending");
    }
    registry.update(pods, Json.text(pod, "metadata", "namespace"), Json.text(pod, "metadata", "name"),
        updated, "status", WRITER);
  }

  private static String truncate(String message) {
    int max = 1024;
    return message.length() <= max ? message : message.substring(0, max - 4) + " ...";
  }

  // ---- filters -------------------------------------------------------------------------------

  private Verdict filter(ObjectNode pod, Map<String, BigDecimal> request, ObjectNode node,
      List<ObjectNode> podsOnNode) {
    JsonNode spec = pod.path("spec");
    if (node.path("spec").path("unschedulable").asBoolean(false)
        && !tolerates(spec, "node.kubernetes.io/unschedulable", "", "NoSchedule")) {
      return new Verdict(List.of("node(s) were unschedulable"), true);
    }
    for (JsonNode taint : node.path("spec").path("taints")) {
      String effect = taint.path("effect").asText();
      if ((effect.equals("NoSchedule") || effect.equals("NoExecute"))
          && !tolerates(spec, taint.path("key").asText(), taint.path("value").asText(), effect)) {
        return new Verdict(List.of("node(s) had untolerated taint(s)"), true);
      }
    }
    if (!NodeAffinity.matches(spec, node)) {
      return new Verdict(List.of("node(s) didn't match Pod's node affinity/selector"), true);
    }
    return fit(request, node, podsOnNode);
  }

  private static boolean tolerates(JsonNode spec, String key, String value, String effect) {
    for (JsonNode toleration : spec.path("tolerations")) {
      String tolerationEffect = toleration.path("effect").asText("");
      if (!tolerationEffect.isEmpty() && !tolerationEffect.equals(effect)) {
        continue;
      }
      String tolerationKey = toleration.path("key").asText("");
      String operator = toleration.path("operator").asText("Equal");
      if (operator.equals("Exists") && (tolerationKey.isEmpty() || tolerationKey.equals(key))) {
        return true;
      }
      if (operator.equals("Equal") && tolerationKey.equals(key)
          && toleration.path("value").asText("").equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** NodeResourcesFit: what the pod requests against what the node has left. */
  private static Verdict fit(Map<String, BigDecimal> request, ObjectNode node, List<ObjectNode> podsOnNode) {
    JsonNode allocatable = node.path("status").path("allocatable");
    List<String> reasons = new ArrayList<>();
    boolean unresolvable = false;
    int allowedPods = allocatable.has("pods")
        ? Quantities.parse(allocatable.get("pods").asText()).intValue() : 110;
    if (podsOnNode.size() + 1 > allowedPods) {
      reasons.add("Too many pods");
    }
    Map<String, BigDecimal> used = new HashMap<>();
    for (ObjectNode other : podsOnNode) {
      podRequests(other.path("spec"), false)
          .forEach((resource, amount) -> used.merge(resource, amount, BigDecimal::add));
    }
    for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
      BigDecimal wanted = request.getOrDefault(resource, BigDecimal.ZERO);
      if (wanted.signum() <= 0) {
        continue;
      }
      BigDecimal capacity = allocatable.has(resource)
          ? Quantities.parse(allocatable.get(resource).asText()) : BigDecimal.ZERO;
      BigDecimal free = capacity.subtract(used.getOrDefault(resource, BigDecimal.ZERO));
      if (wanted.compareTo(free) > 0) {
        reasons.add("Insufficient " + resource);
        unresolvable |= wanted.compareTo(capacity) > 0;
      }
    }
    return reasons.isEmpty() ? Verdict.FITS : new Verdict(reasons, unresolvable);
  }

  /**
   * The message of a FitError: a histogram of the filters' reasons, then the PostFilter plugins'
   * own: dynamic resources (nothing to deallocate) and default preemption, which looks for lower
   * priority pods to evict only on nodes where that could help.
   */
  private static String fitError(ObjectNode pod, int nodeCount, Map<String, Verdict> verdicts) {
    Map<String, Integer> reasons = new HashMap<>();
    verdicts.values().forEach(v -> v.reasons().forEach(r -> reasons.merge(r, 1, Integer::sum)));
    String message = "0/" + nodeCount + " nodes are available: " + histogram(reasons) + ".";
    String preemption;
    if ("Never".equals(Json.text(pod, "spec", "preemptionPolicy"))) {
      preemption = "not eligible due to preemptionPolicy=Never.";
    } else {
      Map<String, Integer> outcomes = new HashMap<>();
      // Preemption itself is not simulated: where evicting could help, no victim is found.
      verdicts.values().forEach(verdict -> outcomes.merge(verdict.unresolvable()
          ? "Preemption is not helpful for scheduling"
          : "No preemption victims found for incoming pod", 1, Integer::sum));
      preemption = "0/" + nodeCount + " nodes are available: " + histogram(outcomes) + ".";
    }
    return message + " no new claims to deallocate, preemption: " + preemption;
  }

  private static String histogram(Map<String, Integer> counts) {
    List<String> entries = new ArrayList<>();
    counts.forEach((reason, count) -> entries.add(count + " " + reason));
    entries.sort(null);
    return String.join(", ", entries);
  }

  // ---- scoring -------------------------------------------------------------------------------

  /**
   * LeastAllocated and BalancedAllocation over cpu and memory, with the scheduler's defaults for
   * containers that request nothing; equal scores go to the node chosen least recently, where
   * the real scheduler picks at random.
   */
  private ObjectNode best(ObjectNode pod, List<ObjectNode> feasible,
      Map<String, List<ObjectNode>> podsByNode) {
    Map<String, BigDecimal> request = podRequests(pod.path("spec"), true);
    ObjectNode best = null;
    double bestScore = -1;
    for (ObjectNode node : feasible) {
      JsonNode allocatable = node.path("status").path("allocatable");
      Map<String, BigDecimal> used = new HashMap<>(request);
      for (ObjectNode other : podsByNode.getOrDefault(name(node), List.of())) {
        podRequests(other.path("spec"), true).forEach((r, amount) -> used.merge(r, amount, BigDecimal::add));
      }
      double cpu = fraction(used.get("cpu"), allocatable.path("cpu").asText("0"));
      double memory = fraction(used.get("memory"), allocatable.path("memory").asText("0"));
      double least = ((1 - cpu) + (1 - memory)) / 2 * 100;
      double balanced = (1 - Math.abs(cpu - memory) / 2) * 100;
      double score = least + balanced;
      if (best == null || score > bestScore + 1e-9
          || (Math.abs(score - bestScore) <= 1e-9
              && lastChosen.getOrDefault(name(node), 0L) < lastChosen.getOrDefault(name(best), 0L))) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  private static double fraction(BigDecimal used, String capacity) {
    BigDecimal total = Quantities.parse(capacity);
    if (total.signum() <= 0 || used == null) {
      return 1;
    }
    return Math.min(1, used.doubleValue() / total.doubleValue());
  }

  // ---- the cluster as the scheduler's cache sees it -----------------------------------------

  private Map<String, List<ObjectNode>> podsByNode() {
    Map<String, List<ObjectNode>> byNode = new HashMap<>();
    for (ObjectNode pod : registry.store().list(pods, null).items()) {
      if (isBound(pod) && !isTerminal(pod)) {
        byNode.computeIfAbsent(Json.text(pod, "spec", "nodeName"), n -> new ArrayList<>()).add(pod);
      }
    }
    return byNode;
  }

  /**
   * What a pod asks of a node: the sum over its containers, or the largest init container if
   * that is more, plus overhead; pod-level resources win when set. A limit without a request
   * counts as the request. With {@code nonZero}, scoring's defaults fill in for cpu and memory.
   */
  static Map<String, BigDecimal> podRequests(JsonNode spec, boolean nonZero) {
    Map<String, BigDecimal> total = new HashMap<>();
    JsonNode podLevel = spec.path("resources");
    for (JsonNode container : spec.path("containers")) {
      containerRequests(container, nonZero).forEach((r, amount) -> total.merge(r, amount, BigDecimal::add));
    }
    for (JsonNode container : spec.path("initContainers")) {
      containerRequests(container, nonZero).forEach((r, amount) -> total.merge(r, amount, BigDecimal::max));
    }
    for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
      JsonNode value = podLevel.path("requests").get(resource);
      if (value == null) {
        value = podLevel.path("limits").get(resource);
      }
      if (value != null) {
        total.put(resource, Quantities.parse(value.asText()));
      }
    }
    spec.path("overhead").properties().iterator().forEachRemaining(e ->
        total.merge(e.getKey(), Quantities.parse(e.getValue().asText()), BigDecimal::add));
    return total;
  }

  private static Map<String, BigDecimal> containerRequests(JsonNode container, boolean nonZero) {
    Map<String, BigDecimal> requests = new HashMap<>();
    JsonNode resources = container.path("resources");
    for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
      JsonNode value = resources.path("requests").get(resource);
      if (value == null) {
        value = resources.path("limits").get(resource);
      }
      if (value != null) {
        requests.put(resource, Quantities.parse(value.asText()));
      }
    }
    if (nonZero) {
      requests.putIfAbsent("cpu", DEFAULT_CPU);
      requests.putIfAbsent("memory", DEFAULT_MEMORY);
    }
    return requests;
  }

  private static boolean isBound(JsonNode pod) {
    String node = Json.text(pod, "spec", "nodeName");
    return node != null && !node.isEmpty();
  }

  private static boolean isTerminal(JsonNode pod) {
    String phase = Json.text(pod, "status", "phase");
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String name(JsonNode object) {
    return Json.text(object, "metadata", "name");
  }

  private static String key(JsonNode pod) {
    return Json.text(pod, "metadata", "namespace") + "/" + Json.text(pod, "metadata", "name");
  }
}
