package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubetape.proxy.Exchange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RolloutTrackerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private final MemoryArchive archive = new MemoryArchive();
  private final List<ArchiveRecord> written = archive.kept;
  private final RolloutTracker tracker = new RolloutTracker(
      new ArchiveWriter(archive, Clock.systemUTC(), Duration.ofMinutes(1)),
      new Redactor(new byte[32], Redactor.DEFAULT_SECRET_NAMES), Duration.ofMinutes(30), null, namespace -> { });

  /** The newest state of each rollout written, by id. */
  private Map<String, ArchiveRecord> rollouts() {
    Map<String, ArchiveRecord> latest = new LinkedHashMap<>();
    written.stream().filter(r -> r.type().equals("rollout")).forEach(r -> latest.put(r.rolloutId(), r));
    return latest;
  }

  private static ObjectNode deployment(long generation, long observed, int revision, String image, int updated,
      int available) {
    ObjectNode d = JSON.createObjectNode().put("kind", "Deployment").put("apiVersion", "apps/v1");
    ObjectNode meta = d.putObject("metadata").put("name", "web").put("namespace", "shop").put("uid", "uid-web")
        .put("generation", generation);
    if (revision > 0) {
      meta.putObject("annotations").put(ObjectVersion.REVISION, Integer.toString(revision));
    }
    d.putObject("spec").put("replicas", 3).putObject("template").putObject("spec").putArray("containers")
        .addObject().put("name", "web").put("image", image);
    d.putObject("status").put("observedGeneration", observed).put("replicas", 3).put("updatedReplicas", updated)
        .put("readyReplicas", available).put("availableReplicas", available);
    return d;
  }

  private static WatchEvent modified(ObjectNode object, int secondsAfter) {
    return new WatchEvent("MODIFIED", WatchedKind.DEPLOYMENT, object, T0.plusSeconds(secondsAfter));
  }

  private static Exchange patch(ObjectNode response, String impersonated) {
    return new Exchange(T0, "PATCH", "patch", "/apis/apps/v1/namespaces/shop/deployments/web", null, "apps", "v1",
        "deployments", "shop", "web", null, "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0", impersonated, 200, 100,
        1000, Duration.ofMillis(20), "{\"spec\":{}}", response.toString(), null);
  }

  @Test
  @DisplayName("a deploy request that the controller answers with a new revision starts a rollout with its user; all replicas available ends it as succeeded")
  void requestThenRevision() {
    tracker.upstreamUser("alice");
    tracker.version(modified(deployment(1, 1, 1, "web:1", 3, 3), 0));
    tracker.exchange(patch(deployment(2, 1, 1, "web:2", 3, 3), null));
    tracker.version(modified(deployment(2, 1, 2, "web:2", 0, 3), 1));
    ArchiveRecord started = rollouts().get("shop/web#2");
    assertEquals("progressing", started.status());
    assertEquals("alice", started.attributes().get("user"));
    assertEquals("kubectl/v1.33.1", started.attributes().get("client"));
    assertEquals(1, written.stream().filter(r -> r.type().equals("request") && "shop/web#2".equals(r.rolloutId())).count());
    tracker.version(modified(deployment(2, 2, 2, "web:2", 3, 3), 9));
    assertEquals("succeeded", rollouts().get("shop/web#2").status());
  }

  @Test
  @DisplayName("with kubectl --as, the rollout's user is the impersonated one")
  void impersonated() {
    tracker.upstreamUser("ci-bot");
    tracker.version(modified(deployment(1, 1, 1, "web:1", 3, 3), 0));
    tracker.exchange(patch(deployment(2, 1, 1, "web:2", 3, 3), "bob@example.com"));
    tracker.version(modified(deployment(2, 1, 2, "web:2", 0, 3), 1));
    assertEquals("bob@example.com", rollouts().get("shop/web#2").attributes().get("user"));
  }

  @Test
  @DisplayName("a new revision no request explains is 'not via kubetape', until the request arrives late and claims it")
  void outOfBandAndLateRequest() {
    tracker.version(modified(deployment(1, 1, 1, "web:1", 3, 3), 0));
    tracker.version(modified(deployment(2, 1, 2, "web:2", 0, 3), 1));
    assertEquals(Identity.NOT_VIA_KUBETAPE, rollouts().get("shop/web#2").attributes().get("user"));
    tracker.exchange(patch(deployment(2, 1, 1, "web:2", 3, 3), null));
    assertEquals(Identity.UNKNOWN, rollouts().get("shop/web#2").attributes().get("user"));
  }

  @Test
  @DisplayName("a refused deploy is a failed rollout with the API server's reason; a stale-write conflict, which clients retry, is not")
  void rejections() {
    ObjectNode invalid = JSON.createObjectNode().put("kind", "Status").put("code", 422).put("reason", "Invalid")
        .put("message", "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1");
    tracker.exchange(refused(invalid));
    ObjectNode stale = JSON.createObjectNode().put("kind", "Status").put("code", 409).put("reason", "Conflict")
        .put("message", "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified;"
            + " please apply your changes to the latest version and try again");
    tracker.exchange(refused(stale));
    assertEquals(1, rollouts().size());
    ArchiveRecord rejected = rollouts().values().iterator().next();
    assertEquals("failed", rejected.status());
    assertEquals("Invalid", rejected.reason());
    assertEquals(2, written.stream().filter(r -> r.type().equals("request")).count());
  }

  private static Exchange refused(ObjectNode status) {
    return new Exchange(T0, "PUT", "update", "/apis/apps/v1/namespaces/shop/deployments/web", null, "apps", "v1",
        "deployments", "shop", "web", null, "kubectl/v1.33.1", null, status.path("code").asInt(), 100, 300,
        Duration.ofMillis(5), "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":-1}}", status.toString(),
        null);
  }

  @Test
  @DisplayName("a scale is recorded on the current rollout and starts none")
  void scaleIsNoRollout() {
    tracker.version(modified(deployment(1, 1, 1, "web:1", 3, 3), 0));
    tracker.exchange(patch(deployment(2, 1, 1, "web:1", 3, 3), null));
    tracker.version(modified(deployment(2, 2, 1, "web:1", 3, 3), 1));
    assertEquals(Map.of(), rollouts());
    assertEquals(1, written.stream().filter(r -> r.type().equals("request")).count());
  }

  @Test
  @DisplayName("at the progress deadline the rollout fails with the cause its new pods showed")
  void deadlineWithCause() {
    tracker.version(modified(deployment(1, 1, 1, "web:1", 3, 3), 0));
    tracker.version(modified(deployment(2, 1, 2, "web:2", 0, 3), 1));
    ObjectNode rs = JSON.createObjectNode().put("kind", "ReplicaSet");
    rs.putObject("metadata").put("name", "web-abc").put("namespace", "shop").put("uid", "uid-rs2")
        .putArray("ownerReferences").addObject().put("kind", "Deployment").put("name", "web").put("uid", "uid-web")
        .put("controller", true);
    ((ObjectNode) rs.path("metadata")).putObject("annotations").put(ObjectVersion.REVISION, "2");
    tracker.version(new WatchEvent("ADDED", WatchedKind.REPLICA_SET, rs, T0.plusSeconds(1)));
    ObjectNode pod = JSON.createObjectNode().put("kind", "Pod");
    pod.putObject("metadata").put("name", "web-abc-1").put("namespace", "shop").put("uid", "uid-pod")
        .putArray("ownerReferences").addObject().put("kind", "ReplicaSet").put("name", "web-abc").put("uid", "uid-rs2")
        .put("controller", true);
    pod.putObject("status").putArray("containerStatuses").addObject().put("name", "web").putObject("state")
        .putObject("waiting").put("reason", "ImagePullBackOff").put("message", "Back-off pulling image \"web:2\"");
    tracker.version(new WatchEvent("MODIFIED", WatchedKind.POD, pod, T0.plusSeconds(2)));
    ObjectNode exceeded = deployment(2, 2, 2, "web:2", 1, 3);
    ((ObjectNode) exceeded.path("status")).putArray("conditions").addObject().put("type", "Progressing")
        .put("status", "False").put("reason", "ProgressDeadlineExceeded");
    tracker.version(modified(exceeded, 600));
    ArchiveRecord failed = rollouts().get("shop/web#2");
    assertEquals("failed", failed.status());
    assertEquals("ImagePullBackOff", failed.reason());
    assertEquals("shop/web#2", written.stream().filter(r -> "uid-pod".equals(r.uid())).findFirst().orElseThrow()
        .rolloutId());
  }

  @Test
  @DisplayName("pods are followed while their rollout progresses and for five minutes after it ended, not once superseded")
  void logsFollowedForTheEarlyMinutes() {
    Rollout rollout = new Rollout("shop/web#2", "shop", "web", "uid-web", 2, 2, T0);
    assertEquals(true, RolloutTracker.followsLogs(rollout, T0.plusSeconds(3600)));
    rollout.end(Rollout.Status.FAILED, "CrashLoopBackOff", "", T0.plusSeconds(60));
    assertEquals(true, RolloutTracker.followsLogs(rollout, T0.plusSeconds(60 + 299)));
    assertEquals(false, RolloutTracker.followsLogs(rollout, T0.plusSeconds(60 + 301)));
    Rollout superseded = new Rollout("shop/web#3", "shop", "web", "uid-web", 3, 3, T0);
    superseded.end(Rollout.Status.SUPERSEDED, null, "", T0.plusSeconds(10));
    assertEquals(false, RolloutTracker.followsLogs(superseded, T0.plusSeconds(11)));
  }

  @Test
  @DisplayName("a newer revision supersedes a rollout still in progress")
  void superseded() {
    tracker.version(modified(deployment(1, 1, 1, "web:1", 3, 3), 0));
    tracker.version(modified(deployment(2, 1, 2, "web:2", 0, 3), 1));
    tracker.version(modified(deployment(3, 2, 3, "web:3", 0, 3), 2));
    assertEquals("superseded", rollouts().get("shop/web#2").status());
    assertEquals("progressing", rollouts().get("shop/web#3").status());
    assertNull(rollouts().get("shop/web#1"), "a Deployment first seen at revision 1 has no rollout of its own");
  }
}
