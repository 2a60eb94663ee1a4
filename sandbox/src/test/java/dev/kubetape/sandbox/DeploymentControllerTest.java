package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeploymentControllerTest {
  private WorkloadHarness harness;

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private WorkloadHarness start(double timeScale) {
    harness = new WorkloadHarness(timeScale);
    return harness;
  }

  private static Object parameter(String text) {
    return text.endsWith("%") ? text : (Object) Integer.parseInt(text);
  }

  /** Rolls out {@code name} from nothing with every pod turning ready at once. */
  private void rolledOut(String name) {
    harness.settle();
    harness.markAllReady();
    harness.settle();
    assertTrue(DeploymentConditions.complete(harness.get(harness.deployments, name),
        harness.get(harness.deployments, name).path("status")), "the first rollout completes");
  }

  @ParameterizedTest(name = "replicas={0} maxSurge={1} maxUnavailable={2}: surge {3}, unavailable {4}")
  @CsvSource({
      "10, 25%, 25%, 3, 2",
      "3, 25%, 25%, 1, 0",
      "10, 3, 2, 3, 2",
      "5, 0, 1, 0, 1",
      "4, 50%, 0, 2, 0",
      "1, 0, 10%, 0, 1",
      "7, 30%, 30%, 3, 2",
      "2, 1, 0, 1, 0",
      "6, 100%, 100%, 6, 6",
  })
  @DisplayName("a rolling update never runs more than replicas+maxSurge pods nor fewer than"
      + " replicas-maxUnavailable available, pod by pod as they become ready")
  void rollingUpdateStaysWithinBounds(int replicas, String maxSurge, String maxUnavailable,
      int surge, int unavailable) {
    start(1);
    harness.create(harness.deployments, WorkloadHarness.deployment("web", replicas,
        parameter(maxSurge), parameter(maxUnavailable), "registry.example/shop/web:1.4.1"));
    rolledOut("web");
    ObjectNode d = harness.get(harness.deployments, "web");
    assertEquals(surge, RollingUpdate.maxSurge(d), "maxSurge rounds up");
    assertEquals(unavailable, RollingUpdate.maxUnavailable(d), "maxUnavailable rounds down");

    harness.setImage("web", "registry.example/shop/web:1.4.2");
    for (int step = 0; step < 100; step++) {
      harness.settle();
      List<ObjectNode> active = harness.activePods();
      long available = active.stream().filter(ReplicaSetController::ready).count();
      int planned = 0;
      for (ObjectNode rs : harness.list(harness.replicaSets)) {
        planned += RollingUpdate.replicas(rs);
      }
      assertTrue(active.size() <= replicas + surge,
          "step " + step + ": " + active.size() + " pods, more than " + replicas + " + " + surge);
      assertTrue(planned <= replicas + surge,
          "step " + step + ": the sets ask for " + planned + " pods, more than " + replicas + " + " + surge);
      assertTrue(available >= replicas - unavailable,
          "step " + step + ": " + available + " available, fewer than " + replicas + " - " + unavailable);
      ObjectNode next = active.stream().filter(p -> !ReplicaSetController.ready(p)).findFirst().orElse(null);
      if (next == null) {
        break;
      }
      harness.markReady(next);
    }
    ObjectNode done = harness.get(harness.deployments, "web");
    assertTrue(DeploymentConditions.complete(done, done.path("status")), "the rollout completes");
    JsonNode progressing = WorkloadHarness.condition(done, "Progressing");
    assertEquals("NewReplicaSetAvailable", progressing.path("reason").asText());
    for (ObjectNode rs : harness.list(harness.replicaSets)) {
      boolean isNew = rs.toString().contains("web:1.4.2");
      assertEquals(isNew ? replicas : 0, RollingUpdate.replicas(rs), RollingUpdate.replicas(rs)
          + " replicas left in " + Json.text(rs, "metadata", "name"));
    }
  }

  @Test
  @DisplayName("with 10 replicas, surge 3 and 2 unavailable, the first steps are the documented ones")
  void documentedFirstSteps() {
    start(1);
    harness.create(harness.deployments, WorkloadHarness.deployment("web", 10, 3, 2, "registry.example/shop/web:1.4.1"));
    rolledOut("web");
    String old = Json.text(harness.list(harness.replicaSets).get(0), "metadata", "name");
    harness.setImage("web", "registry.example/shop/web:1.4.2");
    harness.settle();
    String created = harness.list(harness.replicaSets).stream().map(rs -> Json.text(rs, "metadata", "name"))
        .filter(n -> !n.equals(old)).findFirst().orElseThrow();
    List<String> scaling = harness.eventMessages("ScalingReplicaSet");
    assertEquals(List.of(
        "Scaled up replica set " + old + " from 0 to 10",
        "Scaled up replica set " + created + " from 0 to 3",
        "Scaled down replica set " + old + " from 10 to 8",
        "Scaled up replica set " + created + " from 3 to 5"), scaling);
  }

  @Test
  @DisplayName("Recreate scales the old set to zero and waits for its pods before the new set starts")
  void recreate() {
    start(1);
    ObjectNode d = WorkloadHarness.deployment("db", 3, null, null, "registry.example/db:1");
    ((ObjectNode) d.get("spec")).putObject("strategy").put("type", "Recreate");
    harness.create(harness.deployments, d);
    rolledOut("db");
    String old = Json.text(harness.list(harness.replicaSets).get(0), "metadata", "name");
    harness.setImage("db", "registry.example/db:2");
    harness.settle();
    List<String> scaling = harness.eventMessages("ScalingReplicaSet");
    String created = harness.list(harness.replicaSets).stream().map(rs -> Json.text(rs, "metadata", "name"))
        .filter(n -> !n.equals(old)).findFirst().orElseThrow();
    assertEquals(List.of("Scaled up replica set " + old + " from 0 to 3",
        "Scaled down replica set " + old + " from 3 to 0",
        "Scaled up replica set " + created + " from 0 to 3"), scaling);
    for (ObjectNode pod : harness.activePods()) {
      assertTrue(pod.toString().contains("registry.example/db:2"), "no old pod runs beside a new one");
    }
  }

  @Test
  @DisplayName("a rollout whose pods never become ready times out after progressDeadlineSeconds of"
      + " simulated time, with the real condition")
  void progressDeadline() {
    start(20);
    ObjectNode d = WorkloadHarness.deployment("stuck", 3, null, null, "registry.example/shop/web:9.9.9");
    ((ObjectNode) d.get("spec")).put("progressDeadlineSeconds", 30);
    harness.create(harness.deployments, d);
    harness.settle();
    ObjectNode before = harness.get(harness.deployments, "stuck");
    assertEquals("ReplicaSetUpdated", WorkloadHarness.condition(before, "Progressing").path("reason").asText());
    long started = System.nanoTime();
    harness.await("the progress deadline", Duration.ofSeconds(10), () -> "ProgressDeadlineExceeded".equals(
        WorkloadHarness.condition(harness.get(harness.deployments, "stuck"), "Progressing").path("reason").asText()));
    long seconds = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertTrue(seconds >= 1000 && seconds < 5000, "30 simulated seconds at scale 20 took " + seconds + " ms");
    ObjectNode after = harness.get(harness.deployments, "stuck");
    JsonNode progressing = WorkloadHarness.condition(after, "Progressing");
    String rs = Json.text(harness.list(harness.replicaSets).get(0), "metadata", "name");
    assertEquals("False", progressing.path("status").asText());
    assertEquals("ReplicaSet \"" + rs + "\" has timed out progressing.", progressing.path("message").asText());
    JsonNode available = WorkloadHarness.condition(after, "Available");
    assertEquals("MinimumReplicasUnavailable", available.path("reason").asText());
    assertEquals("Deployment does not have minimum availability.", available.path("message").asText());
    assertEquals(3, after.path("status").path("unavailableReplicas").asInt());
    assertEquals(3, after.path("status").path("updatedReplicas").asInt());
  }

  @Test
  @DisplayName("minReadySeconds holds a ready pod back from availability for that long in simulated time")
  void minReadySeconds() {
    // Pod conditions keep whole seconds, so a scaled clock is off by up to a second times the
    // scale; a small scale keeps that below minReadySeconds.
    start(2);
    ObjectNode d = WorkloadHarness.deployment("slow", 2, null, null, "registry.example/shop/web:1.4.1");
    ((ObjectNode) d.get("spec")).put("minReadySeconds", 5);
    harness.create(harness.deployments, d);
    harness.settle();
    harness.markAllReady();
    harness.settle();
    ObjectNode rs = harness.list(harness.replicaSets).get(0);
    assertEquals(5, rs.path("spec").path("minReadySeconds").asInt(), "the set inherits minReadySeconds");
    assertEquals(2, rs.path("status").path("readyReplicas").asInt());
    assertEquals(0, rs.path("status").path("availableReplicas").asInt(0), "ready, not yet available");
    harness.await("availability after minReadySeconds", Duration.ofSeconds(6), () ->
        harness.get(harness.deployments, "slow").path("status").path("availableReplicas").asInt(0) == 2);
  }

  @Test
  @DisplayName("revisionHistoryLimit keeps that many old sets, deleting the oldest revisions")
  void revisionHistoryLimit() {
    start(1);
    ObjectNode d = WorkloadHarness.deployment("web", 1, null, null, "registry.example/web:1");
    ((ObjectNode) d.get("spec")).put("revisionHistoryLimit", 1);
    harness.create(harness.deployments, d);
    rolledOut("web");
    for (int version = 2; version <= 4; version++) {
      harness.setImage("web", "registry.example/web:" + version);
      for (int i = 0; i < 5; i++) {
        harness.settle();
        harness.markAllReady();
      }
      harness.settle();
    }
    List<String> revisions = new ArrayList<>();
    for (ObjectNode rs : harness.list(harness.replicaSets)) {
      revisions.add(Json.text(rs, "metadata", "annotations", RevisionAnnotations.REVISION));
    }
    revisions.sort(null);
    assertEquals(List.of("3", "4"), revisions);
    assertEquals("4", Json.text(harness.get(harness.deployments, "web"), "metadata", "annotations",
        RevisionAnnotations.REVISION));
  }

  @Test
  @DisplayName("a paused Deployment creates no new set; resuming rolls out, with the paused and resumed conditions")
  void pauseAndResume() {
    start(1);
    harness.create(harness.deployments, WorkloadHarness.deployment("web", 2, null, null, "registry.example/web:1"));
    rolledOut("web");
    harness.edit("web", d -> ((ObjectNode) d.get("spec")).put("paused", true));
    harness.setImage("web", "registry.example/web:2");
    harness.settle();
    assertEquals(1, harness.list(harness.replicaSets).size(), "no new set while paused");
    JsonNode paused = WorkloadHarness.condition(harness.get(harness.deployments, "web"), "Progressing");
    assertEquals("Unknown", paused.path("status").asText());
    assertEquals("DeploymentPaused", paused.path("reason").asText());
    assertEquals("Deployment is paused", paused.path("message").asText());
    harness.edit("web", d -> ((ObjectNode) d.get("spec")).put("paused", false));
    harness.settle();
    assertEquals(2, harness.list(harness.replicaSets).size(), "resuming starts the rollout");
    for (int i = 0; i < 5; i++) {
      harness.markAllReady();
      harness.settle();
    }
    ObjectNode d = harness.get(harness.deployments, "web");
    assertTrue(DeploymentConditions.complete(d, d.path("status")));
  }

  @Test
  @DisplayName("scaling in the middle of a rollout spreads the new replicas over the sets in proportion")
  void proportionalScaling() {
    start(1);
    harness.create(harness.deployments, WorkloadHarness.deployment("web", 10, 3, 2, "registry.example/web:1"));
    rolledOut("web");
    harness.setImage("web", "registry.example/web:2");
    harness.settle();
    // Mid-rollout: the old set at 8, the new one at 5 (none ready). Scale to 20.
    harness.edit("web", d -> ((ObjectNode) d.get("spec")).put("replicas", 20));
    harness.settle();
    int total = 0;
    List<Integer> sizes = new ArrayList<>();
    for (ObjectNode rs : harness.list(harness.replicaSets)) {
      total += RollingUpdate.replicas(rs);
      sizes.add(RollingUpdate.replicas(rs));
      assertEquals("20", Json.text(rs, "metadata", "annotations", RevisionAnnotations.DESIRED_REPLICAS));
      assertEquals("23", Json.text(rs, "metadata", "annotations", RevisionAnnotations.MAX_REPLICAS));
    }
    assertEquals(23, total, "replicas + maxSurge after the scale");
    sizes.sort(null);
    // 13 pods become 23: the old set 8 * 23/13 = 14.2 -> 14, the new one 5 * 23/13 = 8.8 -> 9.
    assertEquals(List.of(9, 14), sizes, "in proportion to the sets' sizes, rounded");
  }

  @Test
  @DisplayName("the ReplicaSet gets the real name, labels, selector, owner and annotations")
  void newReplicaSetShape() {
    start(1);
    ObjectNode d = WorkloadHarness.deployment("web", 3, null, null, "registry.example/shop/web:1.4.1");
    ((ObjectNode) d.get("metadata")).putObject("annotations").put("team", "shop");
    harness.create(harness.deployments, d);
    harness.settle();
    ObjectNode rs = harness.list(harness.replicaSets).get(0);
    String hash = Json.text(rs, "metadata", "labels", DeploymentController.HASH_LABEL);
    assertNotNull(hash);
    assertEquals("web-" + hash, Json.text(rs, "metadata", "name"));
    assertEquals(hash, Json.text(rs, "spec", "selector", "matchLabels", DeploymentController.HASH_LABEL));
    assertEquals(hash, Json.text(rs, "spec", "template", "metadata", "labels", DeploymentController.HASH_LABEL));
    JsonNode owner = ControllerRef.of(rs);
    assertEquals("Deployment", owner.path("kind").asText());
    assertTrue(owner.path("blockOwnerDeletion").asBoolean());
    assertEquals("shop", Json.text(rs, "metadata", "annotations", "team"), "the Deployment's annotations are copied");
    assertEquals("1", Json.text(rs, "metadata", "annotations", RevisionAnnotations.REVISION));
    assertEquals("3", Json.text(rs, "metadata", "annotations", RevisionAnnotations.DESIRED_REPLICAS));
    assertEquals("4", Json.text(rs, "metadata", "annotations", RevisionAnnotations.MAX_REPLICAS));
    ObjectNode deployment = harness.get(harness.deployments, "web");
    assertEquals("1", Json.text(deployment, "metadata", "annotations", RevisionAnnotations.REVISION));
    for (ObjectNode pod : harness.activePods()) {
      assertTrue(Json.text(pod, "metadata", "name").startsWith("web-" + hash + "-"));
      assertTrue(ControllerRef.controlledBy(pod, rs));
    }
    assertFalse(harness.eventMessages("SuccessfulCreate").isEmpty());
  }
}
