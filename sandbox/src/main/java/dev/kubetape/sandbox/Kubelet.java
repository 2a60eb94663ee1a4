package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated scheduler and kubelets of the sandbox's nodes: a pending pod is bound to the
 * node with the fewest pods, then its node starts its containers and reports them running and
 * ready; a deleted pod's containers are stopped and the pod removed once they are.
 */
final class Kubelet {
  private static final Registry.WriteOptions KUBELET = Registry.WriteOptions.of("kubelet");
  private static final Registry.WriteOptions SCHEDULER = Registry.WriteOptions.of("kube-scheduler");

  private final Registry registry;
  private final ControllerLoop loop;
  private final ContainerRuntime runtime;
  private final ResourceType pods;
  private final List<String> nodes;
  private final Map<String, Integer> nodeIndex = new HashMap<>();
  private final AtomicInteger nextIp = new AtomicInteger(2);

  Kubelet(Registry registry, ControllerLoop loop, ContainerRuntime runtime, List<String> nodes) {
    this.registry = registry;
    this.loop = loop;
    this.runtime = runtime;
    this.pods = registry.resources().find("", "v1", "pods").orElseThrow();
    this.nodes = nodes;
    for (int i = 0; i < nodes.size(); i++) {
      nodeIndex.put(nodes.get(i), i + 1);
    }
    registry.store().listen(this::onChange);
  }

  private void onChange(ObjectStore.Change change) {
    if (change.resource() != pods) {
      return;
    }
    ObjectNode pod = change.object();
    String namespace = Json.text(pod, "metadata", "namespace");
    String name = Json.text(pod, "metadata", "name");
    String node = Json.text(pod, "spec", "nodeName");
    if (change.type().equals("DELETED")) {
      runtime.forget(Json.text(pod, "metadata", "uid"));
      return;
    }
    if (pod.path("metadata").has("deletionTimestamp")) {
      if (node != null && !node.isEmpty()) {
        long grace = pod.path("metadata").path("deletionGracePeriodSeconds").asLong(30);
        loop.after(Duration.ofSeconds(Math.min(grace, 1)), "stopping pod " + namespace + "/" + name,
            () -> stop(namespace, name));
      }
      return;
    }
    if (node == null || node.isEmpty()) {
      if ("default-scheduler".equals(Json.text(pod, "spec", "schedulerName"))) {
        loop.submit("scheduling pod " + namespace + "/" + name, () -> schedule(namespace, name));
      }
    } else if (nodeIndex.containsKey(node) && "Pending".equals(Json.text(pod, "status", "phase"))
        && !pod.path("status").has("containerStatuses")) {
      loop.submit("starting pod " + namespace + "/" + name, () -> start(namespace, name));
    }
  }

  private void schedule(String namespace, String name) {
    ObjectNode pod = registry.store().get(pods, namespace, name);
    if (pod == null || Json.text(pod, "spec", "nodeName") != null || nodes.isEmpty()) {
      return;
    }
    Map<String, Integer> load = new HashMap<>();
    nodes.forEach(n -> load.put(n, 0));
    for (ObjectNode other : registry.store().list(pods, null).items()) {
      String node = Json.text(other, "spec", "nodeName");
      if (node != null && load.containsKey(node)) {
        load.merge(node, 1, Integer::sum);
      }
    }
    String chosen = nodes.stream().min((a, b) -> Integer.compare(load.get(a), load.get(b))).orElseThrow();
    registry.bind(namespace, name, chosen, SCHEDULER);
  }

  private void start(String namespace, String name) {
    ObjectNode pod = registry.store().get(pods, namespace, name);
    if (pod == null || pod.path("status").has("containerStatuses")) {
      return;
    }
    String now = Json.time(registry.now());
    Instant started = registry.now();
    String uid = Json.text(pod, "metadata", "uid");
    ObjectNode updated = pod.deepCopy();
    ObjectNode status = Json.with(updated, "status");
    status.put("phase", "Running");
    int index = nodeIndex.getOrDefault(Json.text(pod, "spec", "nodeName"), 1);
    String hostIp = NodeList.internalIp(index);
    String podIp = "10.244." + index + "." + (nextIp.getAndIncrement() % 250 + 2);
    ArrayNode conditions = Json.array();
    for (String type : List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")) {
      ObjectNode condition = conditions.addObject();
      condition.putNull("lastProbeTime");
      condition.put("lastTransitionTime", type.equals("PodScheduled")
          ? scheduledTime(pod, now) : now);
      condition.put("status", "True");
      condition.put("type", type);
    }
    status.set("conditions", conditions);
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    status.put("podIP", podIp);
    status.putArray("podIPs").addObject().put("ip", podIp);
    status.put("startTime", now);
    ArrayNode statuses = status.putArray("containerStatuses");
    for (JsonNode container : pod.path("spec").path("containers")) {
      String containerName = container.path("name").asText();
      runtime.start(uid, containerName, started);
      ObjectNode containerStatus = statuses.addObject();
      containerStatus.put("containerID", "containerd://" + java.util.UUID.randomUUID().toString().replace("-", ""));
      containerStatus.put("image", container.path("image").asText());
      containerStatus.put("imageID", container.path("image").asText() + "@sha256:"
          + Integer.toHexString(container.path("image").asText().hashCode()));
      containerStatus.putObject("lastState");
      containerStatus.put("name", containerName);
      containerStatus.put("ready", true);
      containerStatus.put("restartCount", 0);
      containerStatus.put("started", true);
      containerStatus.putObject("state").putObject("running").put("startedAt", now);
    }
    registry.update(pods, namespace, name, updated, "status", KUBELET);
  }

  private static String scheduledTime(ObjectNode pod, String fallback) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (condition.path("type").asText().equals("PodScheduled")) {
        return condition.path("lastTransitionTime").asText(fallback);
      }
    }
    return fallback;
  }

  private void stop(String namespace, String name) {
    ObjectNode pod = registry.store().get(pods, namespace, name);
    if (pod == null) {
      return;
    }
    String uid = Json.text(pod, "metadata", "uid");
    for (JsonNode container : pod.path("spec").path("containers")) {
      ContainerRuntime.Run run = runtime.current(uid, container.path("name").asText());
      if (run != null && !run.finished()) {
        run.finish(137);
      }
    }
    registry.delete(pods, namespace, name, new Registry.DeleteOptions(null, 0L, uid, null, false, null));
  }
}
