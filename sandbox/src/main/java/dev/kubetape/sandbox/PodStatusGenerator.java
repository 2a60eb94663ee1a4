package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kubelet's generateAPIPodStatus for a simulated pod (v1.34): phase, the five kubelet-owned
 * conditions with their reasons and messages, IPs, and a status per container with state,
 * lastState, restartCount, image and container IDs, {@code started}, the resources it runs with
 * and its volume mounts. Fields come out in the API's field order, as the real server writes them.
 * A condition keeps its lastTransitionTime until its status changes, as the status manager does.
 */
final class PodStatusGenerator {
  /** Conditions the kubelet owns; any other condition on the pod is kept as it is. */
  private static final Set<String> KUBELET_CONDITIONS = Set.of("PodReadyToStartContainers",
      "Initialized", "Ready", "ContainersReady", "PodScheduled");

  /** What a pod looks like to its kubelet at one moment. */
  record View(ObjectNode pod, List<PodContainer> containers, boolean sandboxReady, String podIp,
      String hostIp, Instant startTime, boolean terminal) {}

  /** The last status and transition time of each condition, by type. */
  private final Map<String, String[]> transitions = new HashMap<>();

  PodStatusGenerator(JsonNode existingStatus) {
    for (JsonNode condition : existingStatus.path("conditions")) {
      transitions.put(condition.path("type").asText(), new String[] {
          condition.path("status").asText(), condition.path("lastTransitionTime").asText(null)});
    }
  }

  ObjectNode generate(View view, Instant now) {
    ObjectNode pod = view.pod();
    JsonNode spec = pod.path("spec");
    long generation = pod.path("metadata").path("generation").asLong(1);
    List<ObjectNode> initStatuses = new ArrayList<>();
    List<ObjectNode> statuses = new ArrayList<>();
    boolean hasInit = spec.path("initContainers").size() > 0;
    for (PodContainer container : view.containers()) {
      ObjectNode status = containerStatus(container, hasInit, view.terminal());
      (container.init ? initStatuses : statuses).add(status);
    }
    String phase = phase(pod, view.containers(), view.terminal());
    String current = Json.text(pod, "status", "phase");
    if ("Succeeded".equals(current) || "Failed".equals(current)) {
      phase = current;
    }

    ObjectNode status = Json.object();
    status.put("observedGeneration", generation);
    status.put("phase", phase);
    ArrayNode conditions = status.putArray("conditions");
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (!KUBELET_CONDITIONS.contains(condition.path("type").asText())) {
        conditions.add(condition.deepCopy());
      }
    }
    String timeNow = Json.time(now);
    condition(conditions, "PodReadyToStartContainers", generation,
        view.sandboxReady() && !view.terminal(), null, null, timeNow);
    initialized(conditions, view, phase, generation, timeNow);
    String[] notReady = notReady(view.containers(), phase);
    String[] gates = notReady == null ? readinessGates(pod) : null;
    String[] readyReason = notReady != null ? notReady : gates;
    condition(conditions, "Ready", generation, readyReason == null,
        readyReason == null ? null : readyReason[0], readyReason == null ? null : readyReason[1], timeNow);
    condition(conditions, "ContainersReady", generation, notReady == null,
        notReady == null ? null : notReady[0], notReady == null ? null : notReady[1], timeNow);
    condition(conditions, "PodScheduled", generation, true, null, null, timeNow);
    copy(pod.path("status"), status, "message");
    copy(pod.path("status"), status, "reason");
    copy(pod.path("status"), status, "nominatedNodeName");
    if (view.hostIp() != null) {
      status.put("hostIP", view.hostIp());
      status.putArray("hostIPs").addObject().put("ip", view.hostIp());
    }
    if (view.podIp() != null) {
      status.put("podIP", view.podIp());
      status.putArray("podIPs").addObject().put("ip", view.podIp());
    }
    if (view.startTime() != null) {
      status.put("startTime", Json.time(view.startTime()));
    }
    if (!initStatuses.isEmpty()) {
      initStatuses.forEach(status.putArray("initContainerStatuses")::add);
    }
    if (!statuses.isEmpty()) {
      statuses.forEach(status.putArray("containerStatuses")::add);
    }
    status.put("qosClass", Defaults.qosClass(spec));
    return status;
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    if (from.hasNonNull(field)) {
      to.set(field, from.get(field).deepCopy());
    }
  }

  private void condition(ArrayNode conditions, String type, long generation, boolean value,
      String reason, String message, String now) {
    String status = value ? "True" : "False";
    String[] last = transitions.get(type);
    String time = last != null && last[0].equals(status) && last[1] != null ? last[1] : now;
    transitions.put(type, new String[] {status, time});
    ObjectNode condition = conditions.addObject();
    condition.put("type", type);
    condition.put("observedGeneration", generation);
    condition.put("status", status);
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", time);
    if (reason != null) {
      condition.put("reason", reason);
    }
    if (message != null) {
      condition.put("message", message);
    }
  }

  private void initialized(ArrayNode conditions, View view, String phase, long generation, String now) {
    List<String> incomplete = new ArrayList<>();
    boolean anyRegularStarted = false;
    for (PodContainer container : view.containers()) {
      if (!container.init) {
        anyRegularStarted |= container.current != null;
      } else if (container.sidecar() ? !(container.running() && container.started)
          : !(container.exited() && container.current.exitCode == 0)) {
        incomplete.add(container.name);
      }
    }
    if ("Succeeded".equals(phase)) {
      condition(conditions, "Initialized", generation, true, "PodCompleted", null, now);
    } else if (anyRegularStarted || incomplete.isEmpty()) {
      condition(conditions, "Initialized", generation, true, null, null, now);
    } else {
      condition(conditions, "Initialized", generation, false, "ContainersNotInitialized",
          "containers with incomplete status: " + list(incomplete), now);
    }
  }

  /** Why ContainersReady is False (reason, message), or null when it is True. */
  private static String[] notReady(List<PodContainer> containers, String phase) {
    if ("Failed".equals(phase)) {
      return new String[] {"PodFailed", null};
    }
    if ("Succeeded".equals(phase)) {
      return new String[] {"PodCompleted", null};
    }
    List<String> unready = new ArrayList<>();
    for (PodContainer container : containers) {
      if ((!container.init || container.sidecar()) && !(container.running() && container.ready)) {
        unready.add(container.name);
      }
    }
    return unready.isEmpty() ? null
        : new String[] {"ContainersNotReady", "containers with unready status: " + list(unready)};
  }

  private static String[] readinessGates(ObjectNode pod) {
    List<String> messages = new ArrayList<>();
    for (JsonNode gate : pod.path("spec").path("readinessGates")) {
      String type = gate.path("conditionType").asText();
      JsonNode found = null;
      for (JsonNode condition : pod.path("status").path("conditions")) {
        if (type.equals(condition.path("type").asText())) {
          found = condition;
        }
      }
      if (found == null) {
        messages.add("corresponding condition of pod readiness gate \"" + type + "\" does not exist.");
      } else if (!"True".equals(found.path("status").asText())) {
        messages.add("the status of pod readiness gate \"" + type + "\" is not \"True\", but "
            + found.path("status").asText());
      }
    }
    return messages.isEmpty() ? null : new String[] {"ReadinessGatesNotReady", String.join(", ", messages)};
  }

  /** Go's %s of a []string: "[web sidecar]". */
  private static String list(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  // ---- containers ----------------------------------------------------------------------------

  private static ObjectNode containerStatus(PodContainer container, boolean hasInit, boolean terminal) {
    ObjectNode status = Json.object();
    status.put("name", container.name);
    PodContainer.Run run = container.current;
    ObjectNode state = status.putObject("state");
    ObjectNode lastState = Json.object();
    if (run == null) {
      if (terminal) {
        // The pod is gone before this container ever ran: the status manager's final word.
        ObjectNode terminated = state.putObject("terminated");
        terminated.put("exitCode", 137);
        terminated.put("reason", "ContainerStatusUnknown");
        terminated.put("message", "The container could not be located when the pod was terminated");
        terminated.putNull("startedAt");
        terminated.putNull("finishedAt");
      } else {
        ObjectNode waiting = state.putObject("waiting");
        String reason = container.waitingReason != null ? container.waitingReason
            : hasInit && !container.init ? "PodInitializing" : "ContainerCreating";
        waiting.put("reason", reason);
        if (container.waitingMessage != null) {
          waiting.put("message", container.waitingMessage);
        }
      }
      status.set("lastState", lastState);
      status.put("ready", false);
      status.put("restartCount", 0);
      status.put("image", container.spec.path("image").asText());
      status.put("imageID", "");
      status.put("started", false);
      volumeMounts(status, container.spec);
      return status;
    }
    if (run.running()) {
      state.putObject("running").put("startedAt", Json.time(run.startedAt));
      if (container.previous != null) {
        lastState.set("terminated", terminated(container.previous));
      }
    } else if (container.waitingReason != null && !terminal) {
      ObjectNode waiting = state.putObject("waiting");
      waiting.put("reason", container.waitingReason);
      if (container.waitingMessage != null) {
        waiting.put("message", container.waitingMessage);
      }
      lastState.set("terminated", terminated(run));
    } else {
      state.set("terminated", terminated(run));
      if (container.previous != null) {
        lastState.set("terminated", terminated(container.previous));
      }
    }
    status.set("lastState", lastState);
    // A regular init container that completed counts as ready, as the prober reports it.
    boolean completedInit = container.init && !container.sidecar() && !run.running() && run.exitCode == 0;
    status.put("ready", (run.running() && container.ready) || completedInit);
    status.put("restartCount", run.attempt);
    status.put("image", run.image);
    status.put("imageID", run.imageId);
    status.put("containerID", "containerd://" + run.containerId);
    status.put("started", run.running() && container.started);
    JsonNode resources = container.spec.path("resources");
    if (resources.path("requests").size() > 0) {
      status.set("allocatedResources", resources.get("requests").deepCopy());
    }
    ObjectNode running = status.putObject("resources");
    for (String field : new String[] {"limits", "requests"}) {
      if (resources.path(field).size() > 0) {
        running.set(field, resources.get(field).deepCopy());
      }
    }
    volumeMounts(status, container.spec);
    return status;
  }

  private static ObjectNode terminated(PodContainer.Run run) {
    ObjectNode terminated = Json.object();
    terminated.put("exitCode", run.exitCode);
    terminated.put("reason", run.reason);
    terminated.put("startedAt", Json.time(run.startedAt));
    terminated.put("finishedAt", Json.time(run.finishedAt));
    terminated.put("containerID", "containerd://" + run.containerId);
    return terminated;
  }

  /** Reported since RecursiveReadOnlyMounts went GA: every mount, read-only ones with their mode. */
  private static void volumeMounts(ObjectNode status, JsonNode spec) {
    if (spec.path("volumeMounts").isEmpty()) {
      return;
    }
    ArrayNode mounts = status.putArray("volumeMounts");
    for (JsonNode mount : spec.path("volumeMounts")) {
      ObjectNode entry = mounts.addObject();
      entry.put("name", mount.path("name").asText());
      entry.put("mountPath", mount.path("mountPath").asText());
      if (mount.path("readOnly").asBoolean(false)) {
        entry.put("readOnly", true);
        entry.put("recursiveReadOnly", "Disabled");
      }
    }
  }

  // ---- phase ---------------------------------------------------------------------------------

  /** The kubelet's getPhase over what the containers are doing. */
  static String phase(ObjectNode pod, List<PodContainer> containers, boolean terminal) {
    String policy = pod.path("spec").path("restartPolicy").asText("Always");
    int pendingInit = 0;
    boolean failedInit = false;
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (PodContainer container : containers) {
      PodContainer.Run run = container.current;
      if (container.init && !container.sidecar()) {
        if (run == null || run.running()) {
          pendingInit++;
        } else if (run.exitCode != 0) {
          failedInit = true;
        }
        continue;
      }
      if (container.init) {
        continue;
      }
      if (run == null) {
        waiting++;
      } else if (run.running()) {
        running++;
      } else {
        stopped++;
        if (run.exitCode == 0) {
          succeeded++;
        }
      }
    }
    if (failedInit && policy.equals("Never")) {
      return "Failed";
    }
    if (terminal) {
      if (running == 0 && stopped > 0 && stopped == succeeded && waiting == 0) {
        return "Succeeded";
      }
      return "Failed";
    }
    if (pendingInit > 0 || waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped > 0) {
      if (policy.equals("Always")) {
        return "Running";
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      return policy.equals("Never") ? "Failed" : "Running";
    }
    return "Pending";
  }
}
