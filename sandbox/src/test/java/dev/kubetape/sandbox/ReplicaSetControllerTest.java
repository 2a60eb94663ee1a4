package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReplicaSetControllerTest {
  private WorkloadHarness harness;

  @BeforeEach
  void start() {
    harness = new WorkloadHarness(1);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static ObjectNode replicaSet(String name, int replicas) {
    ObjectNode rs = Json.object();
    rs.put("apiVersion", "apps/v1");
    rs.put("kind", "ReplicaSet");
    rs.putObject("metadata").put("name", name);
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    ObjectNode container = template.putObject("spec").putArray("containers").addObject();
    container.put("name", "app");
    container.put("image", "registry.example/shop/web:1.4.1");
    return rs;
  }

  private void scale(String name, int replicas) {
    ObjectNode rs = harness.get(harness.replicaSets, name).deepCopy();
    ((ObjectNode) rs.get("spec")).put("replicas", replicas);
    harness.registry.update(harness.replicaSets, "default", name, rs, null, WorkloadHarness.USER);
  }

  private Set<String> activeNames() {
    Set<String> names = new TreeSet<>();
    harness.activePods().forEach(p -> names.add(Json.text(p, "metadata", "name")));
    return names;
  }

  @Test
  @DisplayName("creates pods named after the set, owned by it, with SuccessfulCreate events and the real status")
  void createsPods() {
    harness.create(harness.replicaSets, replicaSet("solo", 3));
    harness.settle();
    List<ObjectNode> pods = harness.activePods();
    assertEquals(3, pods.size());
    for (ObjectNode pod : pods) {
      assertTrue(Json.text(pod, "metadata", "name").matches("solo-[bcdfghjklmnpqrstvwxz2456789]{5}"));
      assertEquals("solo-", Json.text(pod, "metadata", "generateName"));
      assertTrue(ControllerRef.controlledBy(pod, harness.get(harness.replicaSets, "solo")));
    }
    List<String> created = harness.eventMessages("SuccessfulCreate");
    assertEquals(3, created.size());
    assertTrue(created.stream().allMatch(m -> m.startsWith("Created pod: solo-")));
    harness.markReady(pods.get(0));
    harness.settle();
    ObjectNode status = (ObjectNode) harness.get(harness.replicaSets, "solo").get("status");
    assertEquals(3, status.path("replicas").asInt());
    assertEquals(3, status.path("fullyLabeledReplicas").asInt());
    assertEquals(1, status.path("readyReplicas").asInt());
    assertEquals(1, status.path("availableReplicas").asInt());
    assertEquals(1, status.path("observedGeneration").asInt());
    assertTrue(!status.has("terminatingReplicas"), "the 1.34 default leaves terminatingReplicas out");
  }

  @Test
  @DisplayName("scaling down deletes unscheduled pods first, then pending ones, then not-ready ones")
  void deletesLeastProgressedFirst() {
    harness.create(harness.replicaSets, replicaSet("solo", 4));
    harness.settle();
    List<ObjectNode> pods = harness.activePods();
    // Two pods on a node and ready, one unscheduled but ready, one unscheduled and pending.
    String scheduledA = Json.text(pods.get(0), "metadata", "name");
    String scheduledB = Json.text(pods.get(1), "metadata", "name");
    harness.registry.bind("default", scheduledA, "node-1", Registry.WriteOptions.of("kube-scheduler"));
    harness.registry.bind("default", scheduledB, "node-2", Registry.WriteOptions.of("kube-scheduler"));
    harness.settle();
    for (ObjectNode pod : harness.activePods().subList(0, 3)) {
      harness.markReady(pod);
    }
    harness.settle();
    String unscheduledReady = Json.text(harness.activePods().get(2), "metadata", "name");
    scale("solo", 3);
    harness.settle();
    assertEquals(new TreeSet<>(List.of(scheduledA, scheduledB, unscheduledReady)), activeNames(),
        "the pending, unscheduled pod goes first");
    scale("solo", 2);
    harness.settle();
    assertEquals(new TreeSet<>(List.of(scheduledA, scheduledB)), activeNames(), "then the unscheduled one");
    List<String> deleted = harness.eventMessages("SuccessfulDelete");
    assertEquals(2, deleted.size());
    assertEquals("Deleted pod: " + unscheduledReady, deleted.get(1));
  }

  @Test
  @DisplayName("a higher pod-deletion-cost keeps a pod when the set scales down")
  void deletionCost() {
    harness.create(harness.replicaSets, replicaSet("solo", 2));
    harness.settle();
    harness.markAllReady();
    harness.settle();
    List<ObjectNode> pods = harness.activePods();
    ObjectNode kept = pods.get(1).deepCopy();
    Json.with(Json.with(kept, "metadata"), "annotations").put("controller.kubernetes.io/pod-deletion-cost", "100");
    harness.registry.update(harness.pods, "default", Json.text(kept, "metadata", "name"), kept, null, WorkloadHarness.USER);
    harness.settle();
    scale("solo", 1);
    harness.settle();
    assertEquals(Set.of(Json.text(kept, "metadata", "name")), activeNames());
  }

  @Test
  @DisplayName("adopts a matching orphan instead of creating a pod, and releases a pod that stops matching")
  void adoptAndRelease() {
    ObjectNode orphan = Json.object();
    orphan.put("apiVersion", "v1");
    orphan.put("kind", "Pod");
    orphan.putObject("metadata").put("name", "orphan").putObject("labels").put("app", "solo");
    ObjectNode container = orphan.putObject("spec").putArray("containers").addObject();
    container.put("name", "app");
    container.put("image", "registry.example/shop/web:1.4.1");
    harness.create(harness.pods, orphan);
    harness.create(harness.replicaSets, replicaSet("solo", 2));
    harness.settle();
    ObjectNode rs = harness.get(harness.replicaSets, "solo");
    assertTrue(ControllerRef.controlledBy(harness.get(harness.pods, "orphan"), rs), "adopted");
    assertEquals(1, harness.eventMessages("SuccessfulCreate").size());
    ObjectNode relabelled = harness.get(harness.pods, "orphan").deepCopy();
    ((ObjectNode) relabelled.at("/metadata/labels")).put("app", "other");
    harness.registry.update(harness.pods, "default", "orphan", relabelled, null, WorkloadHarness.USER);
    harness.settle();
    assertEquals(null, ControllerRef.of(harness.get(harness.pods, "orphan")), "released");
    assertEquals(2, harness.eventMessages("SuccessfulCreate").size(), "replaced");
    List<String> owned = new ArrayList<>();
    for (ObjectNode pod : harness.activePods()) {
      if (ControllerRef.controlledBy(pod, rs)) {
        owned.add(Json.text(pod, "metadata", "name"));
      }
    }
    assertEquals(2, owned.size());
  }
}
