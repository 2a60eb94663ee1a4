package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kubetape.proxy.ProxyConfig;
import dev.kubetape.proxy.ProxyServer;
import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.Repository;
import dev.kubetape.testkit.Tool;
import dev.kubetape.testkit.UpstreamExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every scenario of examples/scenarios deployed with kubectl through a recording proxy, and
 * what the archive then says about it: the rollout, its verdict and cause, who deployed it, the
 * evidence. All scenarios run at once, each in a namespace of its own, with their progress
 * deadlines set to {@link #deadlineSeconds()} so that failures arrive in test time. Written
 * once; subclasses pick the upstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RecordedScenarios {
  protected abstract UpstreamExtension upstream();

  /** The progress deadline every scenario gets, in the upstream's seconds. */
  protected abstract int deadlineSeconds();

  /** How long to wait for the verdicts, in real time. */
  protected abstract Duration patience();

  /** Whether containers really run there (and so have logs). */
  protected abstract boolean containersRun();

  /** Why the upstream cannot play a scenario as a real cluster would, or null when it can. */
  protected String cannotPlay(String scenario) {
    return null;
  }

  private void assumePlayable(String scenario) {
    String why = cannotPlay(scenario);
    if (why != null) {
      System.err.println("[kubetape] skipping scenario " + scenario + " on the " + upstream().upstream().name()
          + " upstream: " + why);
      Assumptions.abort(why);
    }
  }

  protected Path archiveFolder;
  protected Recorder recorder;
  protected ProxyServer proxy;
  /** kubectl through the recording proxy. */
  protected Tool kubectl;
  /** kubectl straight to the upstream, as another client would. */
  protected Tool direct;
  private final Map<String, String> namespaces = new LinkedHashMap<>();
  private final List<CompletableFuture<Void>> sequences = new ArrayList<>();

  @BeforeAll
  void deployEveryScenario() throws IOException {
    Path folder = upstream().folder();
    archiveFolder = folder.resolve("archive");
    recorder = Recorder.start(RecorderConfig.of(archiveFolder, upstream().upstream().kubeconfig(), null));
    proxy = ProxyServer.start(ProxyConfig.defaults()
        .withUpstream(upstream().upstream().kubeconfig(), null)
        .withListen("127.0.0.1", 0)
        .withStateFolder(folder.resolve("kubetape"))
        .withKubeconfigOut(folder.resolve("proxy.kubeconfig"))
        .withTap(recorder));
    kubectl = new Tool(KubeTools.kubectl(), folder.resolve("proxy.kubeconfig"), folder);
    direct = new Tool(KubeTools.kubectl(), upstream().upstream().kubeconfig(), folder);
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    for (String scenario : List.of("good-rollout", "bad-image-tag", "crash-at-start", "never-ready", "oom",
        "too-large", "missing-configmap", "quota-exceeded", "superseded-rollout")) {
      namespaces.put(scenario, "rec-" + scenario + "-" + suffix);
    }
    for (Map.Entry<String, String> entry : namespaces.entrySet()) {
      String scenario = entry.getKey();
      String ns = entry.getValue();
      if (scenario.equals("quota-exceeded")) {
        kubectl.runWithInput(manifest(scenario, "manifest.yaml").replace("shop-quota", ns), "apply", "-f", "-").ok();
        continue;
      }
      kubectl.run("create", "namespace", ns).ok();
      switch (scenario) {
        case "bad-image-tag" -> sequences.add(CompletableFuture.runAsync(() -> {
          // The bad tag replaces a good release, which keeps serving.
          apply(ns, manifest("good-rollout", "deployment.yaml"));
          awaitRollouts(ns, rollouts -> rollouts.size() == 1 && rollouts.get(0).status().equals("succeeded"));
          apply(ns, manifest(scenario, "deployment.yaml"));
        }));
        case "superseded-rollout" -> sequences.add(CompletableFuture.runAsync(() -> {
          apply(ns, manifest(scenario, "deployment.yaml"));
          awaitRollouts(ns, rollouts -> !rollouts.isEmpty());
          apply(ns, manifest(scenario, "newer.yaml"));
        }));
        default -> apply(ns, manifest(scenario, "deployment.yaml"));
      }
    }
  }

  @AfterAll
  void stop() {
    sequences.forEach(sequence -> sequence.cancel(true));
    if (direct != null) {
      namespaces.values().forEach(ns -> direct.run("delete", "namespace", ns, "--wait=false", "--ignore-not-found"));
    }
    if (proxy != null) {
      proxy.close();
    }
    if (recorder != null) {
      recorder.close();
    }
  }

  private void apply(String ns, String yaml) {
    kubectl.runWithInput(yaml, "apply", "-n", ns, "-f", "-").ok();
  }

  private String manifest(String scenario, String file) {
    try {
      String yaml = Files.readString(Repository.root().resolve("examples/scenarios").resolve(scenario).resolve(file));
      String deadline = "progressDeadlineSeconds: " + deadlineSeconds();
      return yaml.contains("progressDeadlineSeconds:") ? yaml.replaceAll("progressDeadlineSeconds: \\d+", deadline)
          : yaml.replaceFirst("(?m)^(\\s+)replicas: (\\d+)$", "$1replicas: $2\n$1" + deadline);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The namespace's rollouts, oldest first, once they satisfy the predicate. */
  protected List<RolloutSummary> awaitRollouts(String ns, Predicate<List<RolloutSummary>> done) {
    long deadline = System.nanoTime() + patience().toNanos();
    List<RolloutSummary> rollouts = List.of();
    while (System.nanoTime() < deadline) {
      rollouts = rollouts(ns);
      if (done.test(rollouts)) {
        return rollouts;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return fail("the rollouts of " + ns + " did not come out as expected within " + patience() + "; recorded: "
        + rollouts + "\nevents: " + direct.run("get", "events", "-n", ns).stdout()
        + "\ndeployment: " + direct.run("get", "deployment", "-n", ns, "-o", "yaml").stdout());
  }

  protected List<RolloutSummary> rollouts(String ns) {
    return RolloutSummary.list(recorder.archive()).stream().filter(rollout -> rollout.namespace().equals(ns))
        .sorted(java.util.Comparator.comparing(RolloutSummary::startedAt)).toList();
  }

  private static boolean ended(List<RolloutSummary> rollouts, int count) {
    return rollouts.size() == count && rollouts.stream().noneMatch(r -> r.status().equals("progressing"));
  }

  /** Waits for the scenario's one rollout to end and checks its verdict and cause. */
  private RolloutSummary verdict(String scenario, String status, String reason) {
    assumePlayable(scenario);
    RolloutSummary rollout = awaitRollouts(namespaces.get(scenario), rollouts -> ended(rollouts, 1)).get(0);
    assertEquals(status, rollout.status(), () -> "status of " + rollout);
    assertEquals(reason, rollout.reason(), () -> "reason of " + rollout);
    return rollout;
  }

  protected String namespace(String scenario) {
    return namespaces.get(scenario);
  }

  protected long hits(String query) {
    return recorder.archive().search(new Archive.Query(query, null, null, 1)).total();
  }

  @Test
  @Order(1)
  @DisplayName("good-rollout: recorded as succeeded, with the user of the upstream credentials, kubectl and the request sent")
  void goodRollout() {
    RolloutSummary rollout = verdict("good-rollout", "succeeded", null);
    String ns = namespace("good-rollout");
    assertEquals(ns + "/web#1", rollout.id());
    assertNotEquals(Identity.UNKNOWN, rollout.user(), "the SelfSubjectReview names the upstream user");
    // kubectl names itself after its binary: kubectl/v1.33.1, or kubectl.1.33/v1.33.1 for the SDK's copies.
    assertTrue(rollout.client() != null && rollout.client().matches("kubectl[^/]*/v1\\.\\d+.*"), rollout::toString);
    assertEquals(List.of("registry.example/shop/web:1.4.2"), rollout.images());
    assertTrue(hits("rolloutId:\"" + rollout.id() + "\" AND type:request AND (attr.verb:create OR attr.verb:patch)")
        > 0, "the deploy request is part of the rollout");
    assertTrue(hits("rolloutId:\"" + rollout.id() + "\" AND type:event AND reason:ScalingReplicaSet") > 0);
    assertTrue(hits("rolloutId:\"" + rollout.id() + "\" AND type:object AND kind:Pod") >= 3);
  }

  @Test
  @Order(2)
  @DisplayName("bad-image-tag: the second revision fails with ImagePullBackOff; the first stays succeeded")
  void badImageTag() {
    List<RolloutSummary> rollouts = awaitRollouts(namespace("bad-image-tag"), r -> ended(r, 2));
    assertEquals("succeeded", rollouts.get(0).status());
    assertEquals("failed", rollouts.get(1).status());
    assertEquals("ImagePullBackOff", rollouts.get(1).reason(), rollouts::toString);
    assertEquals(namespace("bad-image-tag") + "/web#2", rollouts.get(1).id());
  }

  @Test
  @Order(3)
  @DisplayName("crash-at-start: fails with CrashLoopBackOff; the last log line and the --previous logs are archived")
  void crashAtStart() {
    RolloutSummary rollout = verdict("crash-at-start", "failed", "CrashLoopBackOff");
    if (containersRun()) {
      String logs = "rolloutId:\"" + rollout.id() + "\" AND type:log AND \"DATABASE_URL is not set\"";
      awaitHits(logs);
      awaitHits(logs + " AND attr.previous:true");
    }
  }

  @Test
  @Order(4)
  @DisplayName("never-ready: fails at its deadline because the readiness probe never passes")
  void neverReady() {
    verdict("never-ready", "failed", "ReadinessProbeFailed");
  }

  @Test
  @Order(5)
  @DisplayName("oom: fails with OOMKilled")
  void oom() {
    verdict("oom", "failed", "OOMKilled");
  }

  @Test
  @Order(6)
  @DisplayName("too-large: fails with FailedScheduling")
  void tooLarge() {
    verdict("too-large", "failed", "FailedScheduling");
  }

  @Test
  @Order(7)
  @DisplayName("missing-configmap: fails with CreateContainerConfigError")
  void missingConfigMap() {
    verdict("missing-configmap", "failed", "CreateContainerConfigError");
  }

  @Test
  @Order(8)
  @DisplayName("quota-exceeded: fails with FailedCreate (the quota's message)")
  void quotaExceeded() {
    RolloutSummary rollout = verdict("quota-exceeded", "failed", "FailedCreate");
    assertTrue(rollout.message().contains("exceeded quota"), rollout::toString);
  }

  @Test
  @Order(9)
  @DisplayName("superseded-rollout: the first revision is superseded, the second succeeds")
  void superseded() {
    List<RolloutSummary> rollouts = awaitRollouts(namespace("superseded-rollout"), r -> ended(r, 2));
    assertEquals(List.of("superseded", "succeeded"), rollouts.stream().map(RolloutSummary::status).toList());
  }

  @Test
  @Order(10)
  @DisplayName("a template change by another client in a watched namespace is a rollout 'not via kubetape'")
  void outOfBand() {
    String ns = namespace("good-rollout");
    awaitRollouts(ns, r -> ended(r, 1));
    direct.run("set", "image", "-n", ns, "deployment/web", "web=registry.example/shop/web:1.4.1").ok();
    RolloutSummary second = awaitRollouts(ns, r -> r.size() == 2).get(1);
    assertEquals(ns + "/web#2", second.id());
    assertEquals(Identity.NOT_VIA_KUBETAPE, second.user());
  }

  @Test
  @Order(11)
  @DisplayName("a scale is recorded on the current rollout, not as a new one")
  void scaleIsNotARollout() {
    String ns = namespace("superseded-rollout");
    awaitRollouts(ns, r -> ended(r, 2));
    kubectl.run("scale", "-n", ns, "deployment/web", "--replicas=4").ok();
    awaitHits("rolloutId:\"" + ns + "/web#2\" AND type:request AND attr.subresource:scale");
    assertEquals(2, rollouts(ns).size());
  }

  @Test
  @Order(12)
  @DisplayName("a deploy the API server rejects is a failed rollout with its message")
  void rejected() {
    String ns = namespace("good-rollout");
    Tool.Result result = kubectl.runWithInput(manifest("good-rollout", "deployment.yaml")
        .replace("name: web\n", "name: Web_Invalid\n"), "apply", "-n", ns, "-f", "-");
    assertNotEquals(0, result.exitCode());
    RolloutSummary rejected = awaitRollouts(ns, r -> r.stream().anyMatch(x -> x.id().contains("#rejected-")))
        .stream().filter(x -> x.id().contains("#rejected-")).findFirst().orElseThrow();
    assertEquals("failed", rejected.status());
    assertEquals("Invalid", rejected.reason());
    assertTrue(rejected.message().contains("Web_Invalid"), rejected::toString);
  }

  protected void awaitHits(String query) {
    await("something in the archive matches " + query, () -> hits(query) > 0);
  }

  /** Polls until the condition holds; fails saying what did not happen, with what was recorded. */
  protected void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + patience().toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    fail(what + ": not within " + patience() + "; types recorded: "
        + recorder.archive().search(new Archive.Query("*", null, null, 1)).facets());
  }

}
