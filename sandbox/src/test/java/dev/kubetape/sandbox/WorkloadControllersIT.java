package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deployment and ReplicaSet controllers seen through the real kubectl, with the names,
 * events, conditions and messages a real v1.34 control plane produced for the same manifests
 * (recorded side by side with the testbed; the hashes in the names are the real ones).
 * The sandbox runs ten times faster than real time, so a 30-second progress deadline takes 3.
 */
@DisplayName("Deployments and ReplicaSets through kubectl")
class WorkloadControllersIT {
  private static final String WEB = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
            - name: web
              image: registry.example/shop/web:1.4.1
              ports:
              - containerPort: 8080
              resources:
                requests:
                  cpu: 100m
                  memory: 128Mi
      """;

  @TempDir
  static Path folder;
  private static Sandbox sandbox;
  private static Path kubeconfig;

  @BeforeAll
  static void start() throws IOException {
    kubeconfig = folder.resolve("kubeconfig");
    sandbox = Sandbox.start(SandboxConfig.defaults().withKubeconfigOut(kubeconfig).withTimeScale(10));
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  @DisplayName("a rollout from nothing, an image change, scaling and an undo name, scale and report"
      + " exactly as the real controllers did")
  void rolloutLifecycle() {
    String ns = namespace("lifecycle");
    kubectlInput(WEB, "apply", "-n", ns, "-f", "-").ok();
    Result status = kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    assertTrue(status.stdout().endsWith("deployment \"web\" successfully rolled out\n"), status.stdout());
    assertEquals("web-84cb6b6bdb", kubectl("get", "rs", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}").ok().stdout());
    JsonNode d = json("get", "deploy", "web", "-n", ns);
    assertEquals("1", d.at("/metadata/annotations").path("deployment.kubernetes.io/revision").asText());
    assertCondition(d, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.");
    assertCondition(d, "Progressing", "True", "NewReplicaSetAvailable",
        "ReplicaSet \"web-84cb6b6bdb\" has successfully progressed.");
    assertEquals(List.of(3, 3, 3, 3, 0), counters(d));
    JsonNode rs = json("get", "rs", "web-84cb6b6bdb", "-n", ns);
    assertEquals("3", rs.at("/metadata/annotations").path("deployment.kubernetes.io/desired-replicas").asText());
    assertEquals("4", rs.at("/metadata/annotations").path("deployment.kubernetes.io/max-replicas").asText());
    assertEquals(3, rs.at("/status/fullyLabeledReplicas").asInt());
    assertEquals(3, rs.at("/status/availableReplicas").asInt());
    assertEquals(1, rs.at("/status/observedGeneration").asInt());
    for (JsonNode pod : json("get", "pods", "-n", ns).path("items")) {
      assertTrue(pod.at("/metadata/name").asText().matches("web-84cb6b6bdb-[bcdfghjklmnpqrstvwxz2456789]{5}"));
      JsonNode owner = pod.at("/metadata/ownerReferences/0");
      assertEquals("ReplicaSet", owner.path("kind").asText());
      assertEquals("web-84cb6b6bdb", owner.path("name").asText());
      assertTrue(owner.path("controller").asBoolean() && owner.path("blockOwnerDeletion").asBoolean());
    }
    List<String> created = messages(ns, "SuccessfulCreate");
    assertEquals(3, created.size());
    assertTrue(created.stream().allMatch(m -> m.matches("Created pod: web-84cb6b6bdb-\\w{5}")), created.toString());

    kubectl("set", "image", "-n", ns, "deploy/web", "web=registry.example/shop/worker:2.0.0").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    assertEquals(List.of(
        "Scaled up replica set web-84cb6b6bdb from 0 to 3",
        "Scaled up replica set web-5cd869cd4b from 0 to 1",
        "Scaled down replica set web-84cb6b6bdb from 3 to 2",
        "Scaled up replica set web-5cd869cd4b from 1 to 2",
        "Scaled down replica set web-84cb6b6bdb from 2 to 1",
        "Scaled up replica set web-5cd869cd4b from 2 to 3",
        "Scaled down replica set web-84cb6b6bdb from 1 to 0"), messages(ns, "ScalingReplicaSet"));
    assertEquals(3, messages(ns, "SuccessfulDelete").size());

    kubectl("scale", "-n", ns, "deploy/web", "--replicas=5").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    kubectl("scale", "-n", ns, "deploy/web", "--replicas=2").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    List<String> scaling = messages(ns, "ScalingReplicaSet");
    assertEquals(List.of("Scaled up replica set web-5cd869cd4b from 3 to 5",
        "Scaled down replica set web-5cd869cd4b from 5 to 2"), scaling.subList(7, 9));
    assertEquals(2, json("get", "pods", "-n", ns).path("items").size());
    String history = kubectl("rollout", "history", "-n", ns, "deploy/web").ok().stdout();
    assertTrue(history.matches("(?s).*\\n1\\s+<none>\\n2\\s+<none>\\n.*"), history);

    kubectl("rollout", "undo", "-n", ns, "deploy/web").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    JsonNode restored = json("get", "rs", "web-84cb6b6bdb", "-n", ns);
    assertEquals("3", restored.at("/metadata/annotations").path("deployment.kubernetes.io/revision").asText());
    assertEquals("1", restored.at("/metadata/annotations").path("deployment.kubernetes.io/revision-history").asText());
    assertEquals(2, restored.at("/spec/replicas").asInt());
    assertEquals("registry.example/shop/web:1.4.1",
        json("get", "deploy", "web", "-n", ns).at("/spec/template/spec/containers/0/image").asText());
    // After ten events with different messages about one deployment within ten minutes, the
    // event recorder folds the rest into one "combined" event, as client-go's does.
    assertEquals(List.of("Scaled up replica set web-84cb6b6bdb from 0 to 1",
        EventRecorder.COMBINED + "Scaled down replica set web-5cd869cd4b from 1 to 0"),
        messages(ns, "ScalingReplicaSet").subList(9, 11));
    String undone = kubectl("rollout", "history", "-n", ns, "deploy/web").ok().stdout();
    assertTrue(undone.matches("(?s).*\\n2\\s+<none>\\n3\\s+<none>\\n.*"), undone);
  }

  @Test
  @DisplayName("a rollout whose pods never become ready fails kubectl rollout status with the real"
      + " progress-deadline error and conditions")
  void progressDeadlineExceeded() {
    String ns = namespace("stuck");
    // No scheduler answers to this name, so the pods stay Pending and never become ready.
    kubectlInput(WEB.replace("name: web\n", "name: stuck\n").replace("app: web", "app: stuck")
        .replace("  replicas: 3\n", "  replicas: 3\n  progressDeadlineSeconds: 30\n")
        .replace("    spec:\n      containers:", "    spec:\n      schedulerName: nobody\n      containers:"),
        "apply", "-n", ns, "-f", "-").ok();
    long started = System.nanoTime();
    Result status = kubectl("rollout", "status", "-n", ns, "deploy/stuck", "--timeout=60s");
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(1, status.exitCode(), status.describe());
    assertEquals("error: deployment \"stuck\" exceeded its progress deadline\n", status.stderr());
    assertTrue(elapsed > 2000 && elapsed < 20000, "30 s at ten times real time took " + elapsed + " ms");
    JsonNode d = json("get", "deploy", "stuck", "-n", ns);
    String rs = kubectl("get", "rs", "-n", ns, "-o", "jsonpath={.items[0].metadata.name}").ok().stdout();
    assertCondition(d, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.");
    assertCondition(d, "Progressing", "False", "ProgressDeadlineExceeded",
        "ReplicaSet \"" + rs + "\" has timed out progressing.");
    assertEquals(List.of(3, 3, 0, 0, 3), counters(d));
    assertEquals(List.of("Scaled up replica set " + rs + " from 0 to 3"), messages(ns, "ScalingReplicaSet"));
  }

  @Test
  @DisplayName("restart, pause and resume work as kubectl expects")
  void restartPauseResume() {
    String ns = namespace("restart");
    kubectlInput(WEB, "apply", "-n", ns, "-f", "-").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    kubectl("rollout", "restart", "-n", ns, "deploy/web").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    JsonNode restarted = json("get", "deploy", "web", "-n", ns);
    assertNotNull(restarted.at("/spec/template/metadata/annotations").get("kubectl.kubernetes.io/restartedAt"));
    assertEquals("2", restarted.at("/metadata/annotations").path("deployment.kubernetes.io/revision").asText());
    assertEquals(2, json("get", "rs", "-n", ns).path("items").size());

    kubectl("rollout", "pause", "-n", ns, "deploy/web").ok();
    kubectl("set", "image", "-n", ns, "deploy/web", "web=registry.example/shop/worker:2.0.0").ok();
    await("the paused condition", () -> "DeploymentPaused".equals(
        condition(json("get", "deploy", "web", "-n", ns), "Progressing").path("reason").asText()));
    JsonNode paused = json("get", "deploy", "web", "-n", ns);
    assertCondition(paused, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused");
    assertEquals(2, json("get", "rs", "-n", ns).path("items").size(), "no new set while paused");
    Result waiting = kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=2s");
    assertEquals(1, waiting.exitCode());
    assertTrue(waiting.stdout().contains(
        "Waiting for deployment \"web\" rollout to finish: 0 out of 3 new replicas have been updated..."), waiting.stdout());

    kubectl("rollout", "resume", "-n", ns, "deploy/web").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    JsonNode resumed = json("get", "deploy", "web", "-n", ns);
    // The template still carries restartedAt, so the new set is not the worker image's usual one.
    String newest = null;
    for (JsonNode rs : json("get", "rs", "-n", ns).path("items")) {
      if (rs.at("/spec/replicas").asInt() == 3) {
        newest = rs.at("/metadata/name").asText();
      }
    }
    assertCondition(resumed, "Progressing", "True", "NewReplicaSetAvailable",
        "ReplicaSet \"" + newest + "\" has successfully progressed.");
    assertEquals(3, json("get", "rs", "-n", ns).path("items").size());
    assertEquals("3", resumed.at("/metadata/annotations").path("deployment.kubernetes.io/revision").asText());
  }

  @Test
  @DisplayName("Recreate scales the old set to zero before the new one starts")
  void recreate() {
    String ns = namespace("recreate");
    kubectlInput(WEB.replace("  replicas: 3\n", "  replicas: 3\n  strategy:\n    type: Recreate\n"),
        "apply", "-n", ns, "-f", "-").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    kubectl("set", "image", "-n", ns, "deploy/web", "web=registry.example/shop/worker:2.0.0").ok();
    kubectl("rollout", "status", "-n", ns, "deploy/web", "--timeout=60s").ok();
    List<String> scaling = messages(ns, "ScalingReplicaSet");
    assertEquals(3, scaling.size(), scaling.toString());
    assertTrue(scaling.get(1).matches("Scaled down replica set web-\\w+ from 3 to 0"), scaling.toString());
    assertTrue(scaling.get(2).matches("Scaled up replica set web-\\w+ from 0 to 3"), scaling.toString());
  }

  @Test
  @DisplayName("a ResourceQuota stops pod creation with the real FailedCreate events and ReplicaFailure conditions")
  void quotaExceeded() {
    String ns = namespace("quota");
    kubectlInput("""
        apiVersion: v1
        kind: ResourceQuota
        metadata:
          name: compute
        spec:
          hard:
            requests.cpu: 250m
            requests.memory: 1Gi
            limits.memory: 2Gi
            pods: "5"
        """, "apply", "-n", ns, "-f", "-").ok();
    // The manifest the real control plane saw: Deployment and container renamed, labels kept.
    String q = WEB.replace("name: web", "name: q");
    kubectlInput(q, "apply", "-n", ns, "-f", "-").ok();
    await("a FailedCreate for the missing limit", () -> !messages(ns, "FailedCreate").isEmpty());
    assertTrue(messages(ns, "FailedCreate").get(0).matches("Error creating: pods \"q-56fdfbf85c-\\w{5}\" is forbidden:"
        + " failed quota: compute: must specify limits.memory for: q"), messages(ns, "FailedCreate").toString());

    kubectl("patch", "deploy", "q", "-n", ns, "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"q\",\"resources\":{\"limits\":{\"memory\":\"256Mi\"}}}]}}}}").ok();
    Predicate<String> exceeded = m -> m.matches("Error creating: pods \"q-788c8956df-\\w{5}\" is forbidden: exceeded quota:"
        + " compute, requested: requests.cpu=100m, used: requests.cpu=200m, limited: requests.cpu=250m");
    await("a FailedCreate for the exceeded quota", () -> messages(ns, "FailedCreate").stream().anyMatch(exceeded));
    await("two pods of the new set", () -> json("get", "rs", "q-788c8956df", "-n", ns).at("/status/replicas").asInt() == 2);
    JsonNode rs = json("get", "rs", "q-788c8956df", "-n", ns);
    JsonNode failure = condition(rs, "ReplicaFailure");
    assertEquals("FailedCreate", failure.path("reason").asText());
    assertTrue(exceeded.test("Error creating: " + failure.path("message").asText()), failure.toString());
    await("the quota's status", () -> json("get", "quota", "compute", "-n", ns).at("/status/used/requests.cpu").asText().equals("200m"));
    JsonNode quota = json("get", "quota", "compute", "-n", ns);
    assertEquals("512Mi", quota.at("/status/used/limits.memory").asText());
    assertEquals("256Mi", quota.at("/status/used/requests.memory").asText());
    assertEquals("2", quota.at("/status/used/pods").asText());
    assertEquals("250m", quota.at("/status/hard/requests.cpu").asText());
    JsonNode d = json("get", "deploy", "q", "-n", ns);
    JsonNode deploymentFailure = condition(d, "ReplicaFailure");
    assertEquals("FailedCreate", deploymentFailure.path("reason").asText());
    assertEquals("True", deploymentFailure.path("status").asText());
  }

  @Test
  @DisplayName("a ReplicaSet adopts a matching orphan pod and releases one whose labels no longer match")
  void adoptionAndRelease() {
    String ns = namespace("adopt");
    kubectl("run", "orphan", "-n", ns, "--image=registry.example/shop/web:1.4.1", "--labels=app=solo").ok();
    kubectlInput("""
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: solo
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: solo
          template:
            metadata:
              labels:
                app: solo
            spec:
              containers:
              - name: web
                image: registry.example/shop/web:1.4.1
        """, "apply", "-n", ns, "-f", "-").ok();
    await("two ready pods", () -> json("get", "rs", "solo", "-n", ns).at("/status/readyReplicas").asInt() == 2);
    JsonNode orphan = json("get", "pod", "orphan", "-n", ns);
    assertEquals("solo", orphan.at("/metadata/ownerReferences/0/name").asText(), "the orphan is adopted");
    assertEquals(1, messages(ns, "SuccessfulCreate").size(), "only one pod is created beside it");

    kubectl("label", "pod", "orphan", "-n", ns, "app=other", "--overwrite").ok();
    await("a replacement", () -> messages(ns, "SuccessfulCreate").size() == 2);
    await("the release", () -> json("get", "pod", "orphan", "-n", ns).at("/metadata/ownerReferences").isMissingNode());
    await("two pods again", () -> json("get", "rs", "solo", "-n", ns).at("/status/replicas").asInt() == 2);
  }

  // ---- kubectl -------------------------------------------------------------------------------

  private record Result(List<String> command, int exitCode, String stdout, String stderr) {
    Result ok() {
      if (exitCode != 0) {
        throw new AssertionError(describe());
      }
      return this;
    }

    String describe() {
      return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private static Path kubectlBinary() {
    String env = System.getenv("KUBECTL");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path sdk = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");
    return Files.isExecutable(sdk) ? sdk : Path.of("kubectl");
  }

  private static Result kubectl(String... args) {
    return kubectlInput(null, args);
  }

  private static Result kubectlInput(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectlBinary().toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("HOME", folder.toString());
    try {
      Process process = builder.start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
      }
      return new Result(command, process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new AssertionError("could not run " + command.get(0) + "; set KUBECTL to a kubectl binary", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static JsonNode json(String... args) {
    List<String> withOutput = new ArrayList<>(List.of(args));
    withOutput.add("-o");
    withOutput.add("json");
    try {
      return Json.MAPPER.readTree(kubectl(withOutput.toArray(String[]::new)).ok().stdout());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String namespace(String name) {
    kubectl("create", "namespace", name).ok();
    return name;
  }

  /** Event messages with this reason, oldest first. */
  private static List<String> messages(String ns, String reason) {
    List<JsonNode> events = new ArrayList<>();
    json("get", "events", "-n", ns, "--field-selector", "reason=" + reason).path("items").forEach(events::add);
    events.sort(Comparator.comparing((JsonNode e) -> e.at("/firstTimestamp").asText())
        .thenComparing(e -> e.at("/metadata/name").asText()));
    List<String> messages = new ArrayList<>();
    events.forEach(e -> messages.add(e.path("message").asText()));
    return messages;
  }

  private static JsonNode condition(JsonNode object, String type) {
    for (JsonNode condition : object.at("/status/conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static void assertCondition(JsonNode object, String type, String status, String reason, String message) {
    JsonNode condition = condition(object, type);
    assertEquals(status, condition.path("status").asText(), condition.toString());
    assertEquals(reason, condition.path("reason").asText(), condition.toString());
    assertEquals(message, condition.path("message").asText(), condition.toString());
    assertNotEquals("", condition.path("lastUpdateTime").asText());
    assertNotEquals("", condition.path("lastTransitionTime").asText());
  }

  /** replicas, updatedReplicas, readyReplicas, availableReplicas, unavailableReplicas. */
  private static List<Integer> counters(JsonNode d) {
    JsonNode status = d.path("status");
    return List.of(status.path("replicas").asInt(0), status.path("updatedReplicas").asInt(0),
        status.path("readyReplicas").asInt(0), status.path("availableReplicas").asInt(0),
        status.path("unavailableReplicas").asInt(0));
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
