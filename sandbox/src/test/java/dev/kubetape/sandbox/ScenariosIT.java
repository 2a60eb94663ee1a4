package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenarios of examples/scenarios as a user sees them through the real kubectl, pod by pod:
 * each test creates a pod from a scenario's pod template (the Deployment controller is another
 * component's) in a namespace of its own, on a sandbox running 20 times faster than real time.
 */
class ScenariosIT {
  private static final Path SCENARIOS = Path.of("..", "examples", "scenarios");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  @TempDir
  static Path folder;
  static Sandbox sandbox;
  static Kubectl kubectl;

  @BeforeAll
  static void start() throws IOException {
    Path kubeconfig = folder.resolve("kubeconfig");
    sandbox = Sandbox.start(SandboxConfig.defaults().withKubeconfigOut(kubeconfig).withTimeScale(20));
    kubectl = new Kubectl(kubeconfig);
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  // ---- scenarios -----------------------------------------------------------------------------

  @Test
  @DisplayName("good rollout: Pending, ContainerCreating, Running; the kubelet's events in order; Ready; the app's log")
  void goodRollout() throws IOException {
    String ns = namespace();
    try (Kubectl.Watch watch = kubectl.watch("get", "pods", "-n", ns, "--watch")) {
      apply(ns, pod("good-rollout", "deployment.yaml", "web-1"));
      waitFor(ns, "web-1", "{.status.containerStatuses[0].ready}", "true"::equals);
      waitForStatus(watch, "web-1", "Running");
      assertOrder(statuses(watch, "web-1"), "ContainerCreating", "Running");
    }
    List<String[]> events = events(ns, "web-1");
    // Another test may have brought the image to the node already: then there is nothing to pull.
    if (reasons(events).contains("Pulling")) {
      assertOrder(reasons(events), "Scheduled", "Pulling", "Pulled", "Created", "Started", "Unhealthy");
      assertMessage(events, "Pulling", Pattern.quote("Pulling image \"registry.example/shop/web:1.4.2\""));
      assertMessage(events, "Pulled", Pattern.quote("Successfully pulled image \"registry.example/shop/web:1.4.2\" in ")
          + "[0-9.]+m?s \\([0-9.]+m?s including waiting\\)\\. Image size: 187401833 bytes\\.");
    } else {
      assertOrder(reasons(events), "Scheduled", "Pulled", "Created", "Started", "Unhealthy");
      assertMessage(events, "Pulled", Pattern.quote("Container image \"registry.example/shop/web:1.4.2\" already present on machine"));
    }
    assertMessage(events, "Scheduled", "Successfully assigned " + ns + "/web-1 to node-\\d");
    assertMessage(events, "Created", "Created container: web");
    assertMessage(events, "Started", "Started container web");
    assertMessage(events, "Unhealthy", Pattern.quote("Readiness probe failed: Get \"http://")
        + "10\\.244\\.\\d\\.\\d+:8080/actuator/health/readiness\": dial tcp 10\\.244\\.\\d\\.\\d+:8080: connect: connection refused");
    String describe = kubectl.run("describe", "pod", "web-1", "-n", ns).ok().stdout();
    assertContains(describe, "Status:           Running");
    assertMatches(describe, "IP:\\s+10\\.244\\.\\d\\.\\d+");
    assertMatches(describe, "Ready\\s+True");
    assertMatches(describe, "ContainersReady\\s+True");
    assertMatches(describe, "PodReadyToStartContainers\\s+True");
    assertMatches(describe, "QoS Class:\\s+Burstable");
    assertMatches(describe, "Container ID:\\s+containerd://[0-9a-f]{64}");
    assertMatches(describe, "Image ID:\\s+registry.example/shop/web@sha256:[0-9a-f]{64}");
    String logs = kubectl.run("logs", "web-1", "-n", ns).ok().stdout();
    assertContains(logs, ":: Spring Boot ::");
    assertMatches(logs, "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  INFO 1 --- \\[shop-web\\] .*Started WebApplication in");
  }

  @Test
  @DisplayName("bad image tag: ErrImagePull and ImagePullBackOff with containerd's not-found message and the kubelet's back-off")
  void badImageTag() throws IOException {
    String ns = namespace();
    try (Kubectl.Watch watch = kubectl.watch("get", "pods", "-n", ns, "--watch")) {
      apply(ns, pod("bad-image-tag", "deployment.yaml", "web-1"));
      waitForStatus(watch, "web-1", "ImagePullBackOff");
      waitFor(ns, "web-1", "{.status.containerStatuses[0].state.waiting.reason}", "ErrImagePull"::equals);
      assertOrder(statuses(watch, "web-1"), "ContainerCreating", "ErrImagePull", "ImagePullBackOff", "ErrImagePull");
    }
    String notFound = "rpc error: code = NotFound desc = failed to pull and unpack image "
        + "\"registry.example/shop/web:1.4.3\": failed to resolve reference \"registry.example/shop/web:1.4.3\": "
        + "registry.example/shop/web:1.4.3: not found";
    List<String[]> events = events(ns, "web-1");
    assertOrder(reasons(events), "Scheduled", "Pulling", "Failed", "Failed", "BackOff", "Failed");
    assertMessage(events, "Failed", Pattern.quote("Failed to pull image \"registry.example/shop/web:1.4.3\": " + notFound));
    assertMessage(events, "Failed", "Error: ErrImagePull");
    assertMessage(events, "BackOff", Pattern.quote("Back-off pulling image \"registry.example/shop/web:1.4.3\""));
    assertMessage(events, "Failed", "Error: ImagePullBackOff");
    String message = waitFor(ns, "web-1", "{.status.containerStatuses[0].state.waiting.message}",
        m -> m.startsWith("Back-off"));
    assertEquals("Back-off pulling image \"registry.example/shop/web:1.4.3\": ErrImagePull: " + notFound, message);
    Kubectl.Result logs = kubectl.run("logs", "web-1", "-n", ns);
    assertTrue(logs.code() != 0, "logs of a container that never started fail");
    String describe = kubectl.run("describe", "pod", "web-1", "-n", ns).ok().stdout();
    assertMatches(describe, "Status:\\s+Pending");
    assertMatches(describe, "Ready\\s+False");
  }

  @Test
  @DisplayName("crash at start: Error, CrashLoopBackOff with a 10 s then 20 s back-off, the last run's logs with --previous")
  void crashAtStart() throws IOException {
    String ns = namespace();
    try (Kubectl.Watch watch = kubectl.watch("get", "pods", "-n", ns, "--watch")) {
      apply(ns, pod("crash-at-start", "deployment.yaml", "web-1"));
      String backoff = waitFor(ns, "web-1", "{.status.containerStatuses[0].state.waiting.message}",
          m -> m.startsWith("back-off 20s"));
      String uid = kubectl.run("get", "pod", "web-1", "-n", ns, "-o", "jsonpath={.metadata.uid}").ok().stdout();
      assertEquals("back-off 20s restarting failed container=web pod=web-1_" + ns + "(" + uid + ")", backoff);
      assertOrder(statuses(watch, "web-1"), "ContainerCreating", "Running", "Error", "Running", "Error",
          "CrashLoopBackOff", "Running", "Error", "CrashLoopBackOff");
      List<String[]> events = events(ns, "web-1");
      assertMessage(events, "BackOff", Pattern.quote("Back-off restarting failed container web in pod web-1_"
          + ns + "(" + uid + ")"));
      assertMessage(events, "Pulled", Pattern.quote("Container image \"registry.example/shop/web:1.5.1\" already present on machine"));
    }
    // The pod keeps restarting: describe it while it waits out a back-off.
    String describe = kubectl.until(WAIT, out -> Pattern.compile("State:\\s+Waiting\\s+Reason:\\s+CrashLoopBackOff")
        .matcher(out).find(), "describe", "pod", "web-1", "-n", ns);
    assertMatches(describe, "Last State:\\s+Terminated\\s+Reason:\\s+Error\\s+Exit Code:\\s+1");
    assertMatches(describe, "Restart Count:\\s+[2-9]");
    assertMatches(describe, "Ready\\s+False");
    String previous = kubectl.run("logs", "web-1", "-n", ns, "--previous").ok().stdout();
    assertEquals("java.lang.IllegalStateException: DATABASE_URL is not set; the orders database cannot be reached",
        lastLine(previous));
    assertContains(previous, "Application run failed");
  }

  @Test
  @DisplayName("OOM: OOMKilled with exit code 137 in the last state, then CrashLoopBackOff")
  void oom() throws IOException {
    String ns = namespace();
    try (Kubectl.Watch watch = kubectl.watch("get", "pods", "-n", ns, "--watch")) {
      apply(ns, pod("oom", "deployment.yaml", "web-1"));
      waitFor(ns, "web-1", "{.status.containerStatuses[0].state.waiting.reason}", "CrashLoopBackOff"::equals);
      assertOrder(statuses(watch, "web-1"), "ContainerCreating", "Running", "OOMKilled", "Running", "OOMKilled",
          "CrashLoopBackOff");
    }
    String describe = kubectl.run("describe", "pod", "web-1", "-n", ns).ok().stdout();
    assertMatches(describe, "Last State:\\s+Terminated\\s+Reason:\\s+OOMKilled\\s+Exit Code:\\s+137");
    assertMatches(describe, "Limits:\\s+memory:\\s+512Mi");
    String previous = kubectl.run("logs", "web-1", "-n", ns, "--previous").ok().stdout();
    assertContains(lastLine(previous), "Loaded 1200000 of 2400000 products");
  }

  @Test
  @DisplayName("requests too large: Pending with the scheduler's FailedScheduling event and PodScheduled=False")
  void tooLarge() throws IOException {
    String ns = namespace();
    apply(ns, pod("too-large", "deployment.yaml", "web-1"));
    String expected = "0/3 nodes are available: 3 Insufficient cpu. no new claims to deallocate, preemption: "
        + "0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assertEquals(expected, waitFor(ns, "web-1", "{.status.conditions[0].message}", m -> !m.isEmpty()));
    List<String[]> events = events(ns, "web-1");
    assertEquals(List.of("FailedScheduling"), reasons(events));
    assertEquals(expected, events.get(0)[1]);
    String pods = kubectl.run("get", "pods", "-n", ns).ok().stdout();
    assertMatches(pods, "web-1\\s+0/1\\s+Pending\\s+0");
    String describe = kubectl.run("describe", "pod", "web-1", "-n", ns).ok().stdout();
    assertMatches(describe, "PodScheduled\\s+False");
    assertMatches(describe, "Warning\\s+FailedScheduling\\s+\\S+\\s+default-scheduler\\s+0/3 nodes are available");
  }

  @Test
  @DisplayName("full nodes: no preemption victims; the pending pod is scheduled when another pod goes away")
  void fullNodes() throws IOException {
    String ns = namespace();
    for (int i = 1; i <= 4; i++) {
      apply(ns, """
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big-%d"},
           "spec": {"terminationGracePeriodSeconds": 1, "containers": [{"name": "app",
             "image": "registry.example/shop/worker:3.1.0", "resources": {"requests": {"cpu": "3"}}}]}}
          """.formatted(i));
    }
    String expected = "0/3 nodes are available: 3 Insufficient cpu. no new claims to deallocate, preemption: "
        + "0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    List<String> bound = new ArrayList<>();
    String pending = null;
    for (int i = 1; i <= 4; i++) {
      String node = waitFor(ns, "big-" + i, "{.spec.nodeName}{.status.conditions[0].reason}", s -> !s.isEmpty());
      if (node.equals("Unschedulable")) {
        pending = "big-" + i;
      } else {
        bound.add(node);
      }
    }
    assertEquals(3, bound.stream().distinct().count(), "three pods on three nodes: " + bound);
    assertEquals(expected, kubectl.run("get", "pod", pending, "-n", ns, "-o",
        "jsonpath={.status.conditions[0].message}").ok().stdout());
    String victim = pending.equals("big-1") ? "big-2" : "big-1";
    kubectl.run("delete", "pod", victim, "-n", ns, "--wait=false").ok();
    waitFor(ns, pending, "{.status.phase}", "Running"::equals);
    List<String[]> events = events(ns, pending);
    // The freed node ran the same image a moment ago.
    assertOrder(reasons(events), "FailedScheduling", "Scheduled", "Pulled", "Created", "Started");
    assertMessage(events, "Pulled", Pattern.quote("Container image \"registry.example/shop/worker:3.1.0\" already present on machine"));
  }

  @Test
  @DisplayName("image pulls: the first pod on a node pulls (Docker Hub names in full in the status), the next finds the image present")
  void imagePulls() throws IOException {
    String ns = namespace();
    for (String name : List.of("first", "second")) {
      apply(ns, """
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s"},
           "spec": {"nodeName": "node-3", "containers": [{"name": "nginx", "image": "nginx:1.27.3"}]}}
          """.formatted(name));
      waitFor(ns, name, "{.status.phase}", "Running"::equals);
    }
    List<String[]> first = events(ns, "first");
    assertEquals(List.of("Pulling", "Pulled", "Created", "Started"), reasons(first));
    assertMessage(first, "Pulling", Pattern.quote("Pulling image \"nginx:1.27.3\""));
    assertMessage(first, "Pulled", Pattern.quote("Successfully pulled image \"nginx:1.27.3\" in ")
        + "1\\.\\d+s \\(1\\.\\d+s including waiting\\)\\. Image size: 72995348 bytes\\.");
    List<String[]> second = events(ns, "second");
    assertEquals(List.of("Pulled", "Created", "Started"), reasons(second));
    assertMessage(second, "Pulled", Pattern.quote("Container image \"nginx:1.27.3\" already present on machine"));
    assertEquals("docker.io/library/nginx:1.27.3 docker.io/library/nginx@sha256:", kubectl.run("get", "pod", "first",
        "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].image} {.status.containerStatuses[0].imageID}")
        .ok().stdout().substring(0, 62));
    assertContains(kubectl.run("logs", "first", "-n", ns).ok().stdout(), "Configuration complete; ready for start up");
  }

  @Test
  @DisplayName("missing ConfigMap: CreateContainerConfigError until the ConfigMap exists, then Running")
  void missingConfigMap() throws IOException {
    String ns = namespace();
    try (Kubectl.Watch watch = kubectl.watch("get", "pods", "-n", ns, "--watch")) {
      apply(ns, pod("missing-configmap", "deployment.yaml", "web-1"));
      assertEquals("configmap \"web-settings\" not found", waitFor(ns, "web-1",
          "{.status.containerStatuses[0].state.waiting.message}", m -> !m.isEmpty()));
      List<String[]> events = events(ns, "web-1");
      assertMessage(events, "Failed", Pattern.quote("Error: configmap \"web-settings\" not found"));
      assertMatches(kubectl.run("get", "pods", "-n", ns).ok().stdout(), "web-1\\s+0/1\\s+CreateContainerConfigError");
      kubectl.run("create", "configmap", "web-settings", "-n", ns, "--from-literal=greeting=hello").ok();
      waitFor(ns, "web-1", "{.status.containerStatuses[0].ready}", "true"::equals);
      waitForStatus(watch, "web-1", "Running");
      assertOrder(statuses(watch, "web-1"), "ContainerCreating", "CreateContainerConfigError", "Running");
    }
  }

  @Test
  @DisplayName("never ready: Running 0/1 with repeated 503 readiness failures and Ready=False/ContainersNotReady")
  void neverReady() throws IOException {
    String ns = namespace();
    apply(ns, pod("never-ready", "deployment.yaml", "web-1"));
    waitFor(ns, "web-1", "{.status.phase}", "Running"::equals);
    kubectl.until(WAIT, out -> out.contains("Readiness probe failed: HTTP probe failed with statuscode: 503 x3")
        || out.matches("(?s).*statuscode: 503 x([4-9]|\\d\\d).*"), "get", "events", "-n", ns,
        "--field-selector", "involvedObject.name=web-1,reason=Unhealthy",
        "-o", "jsonpath={range .items[*]}{.message} x{.count}{\"\\n\"}{end}");
    assertMatches(kubectl.run("get", "pods", "-n", ns).ok().stdout(), "web-1\\s+0/1\\s+Running\\s+0");
    String ready = kubectl.run("get", "pod", "web-1", "-n", ns, "-o",
        "jsonpath={range .status.conditions[?(@.type==\"Ready\")]}{.status} {.reason} {.message}{end}").ok().stdout();
    assertEquals("False ContainersNotReady containers with unready status: [web]", ready);
    assertContains(kubectl.run("logs", "web-1", "-n", ns).ok().stdout(), "ReadinessState changed to REFUSING_TRAFFIC");
  }

  @Test
  @DisplayName("a job that exits 0 with restartPolicy Never: Completed, phase Succeeded, Ready=False/PodCompleted")
  void completed() throws IOException {
    String ns = namespace();
    try (Kubectl.Watch watch = kubectl.watch("get", "pods", "-n", ns, "--watch")) {
      apply(ns, """
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "report"},
           "spec": {"restartPolicy": "Never", "containers": [{"name": "job", "image": "registry.example/batch/job:nightly"}]}}
          """);
      waitFor(ns, "report", "{.status.phase}", "Succeeded"::equals);
      waitForStatus(watch, "report", "Completed");
      assertOrder(statuses(watch, "report"), "ContainerCreating", "Running", "Completed");
    }
    String describe = kubectl.run("describe", "pod", "report", "-n", ns).ok().stdout();
    assertMatches(describe, "State:\\s+Terminated\\s+Reason:\\s+Completed\\s+Exit Code:\\s+0");
    String ready = kubectl.run("get", "pod", "report", "-n", ns, "-o",
        "jsonpath={range .status.conditions[?(@.type==\"Ready\")]}{.status} {.reason}{end}").ok().stdout();
    assertEquals("False PodCompleted", ready);
    assertContains(kubectl.run("logs", "report", "-n", ns).ok().stdout(), "job finished in 1.7s");
  }

  @Test
  @DisplayName("deleting a running pod: Terminating, Killing with the container's name, the app's shutdown lines, then gone")
  void deletion() throws IOException {
    String ns = namespace();
    try (Kubectl.Watch watch = kubectl.watch("get", "pods", "-n", ns, "--watch")) {
      apply(ns, """
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1"},
           "spec": {"containers": [{"name": "web", "image": "registry.example/shop/web:1.4.1"}]}}
          """);
      waitFor(ns, "web-1", "{.status.containerStatuses[0].ready}", "true"::equals);
      try (Kubectl.Watch follow = kubectl.watch("logs", "-f", "web-1", "-n", ns)) {
        waitForLine(follow, "Started WebApplication");
        kubectl.run("delete", "pod", "web-1", "-n", ns, "--wait=false").ok();
        kubectl.until(WAIT, out -> out.isBlank(), "get", "pods", "-n", ns, "-o", "name");
        waitForLine(follow, "Graceful shutdown complete");
      }
      waitForStatus(watch, "web-1", "Terminating");
      assertOrder(statuses(watch, "web-1"), "Running", "Terminating");
    }
    List<String[]> events = events(ns, "web-1");
    assertMessage(events, "Killing", "Stopping container web");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String namespace() {
    String name = "scenario-" + NAMESPACES.incrementAndGet();
    kubectl.run("create", "namespace", name).ok();
    kubectl.until(WAIT, out -> out.contains("default"), "get", "serviceaccount", "default", "-n", name, "-o", "name");
    return name;
  }

  /** A Pod from the pod template of the scenario's Deployment. */
  private static String pod(String scenario, String file, String name) throws IOException {
    String text = Files.readString(SCENARIOS.resolve(scenario).resolve(file));
    for (String document : text.split("(?m)^---$")) {
      JsonNode object = Json.YAML.readTree(document);
      if (object != null && "Deployment".equals(object.path("kind").asText())) {
        ObjectNode pod = Json.object();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata");
        metadata.put("name", name);
        metadata.set("labels", object.path("spec").path("template").path("metadata").path("labels").deepCopy());
        ObjectNode spec = object.path("spec").path("template").path("spec").deepCopy();
        // Pods of these tests go quickly when deleted.
        spec.put("terminationGracePeriodSeconds", 5);
        pod.set("spec", spec);
        return Json.string(pod);
      }
    }
    throw new AssertionError("no Deployment in " + scenario + "/" + file);
  }

  private static void apply(String ns, String object) {
    kubectl.runWithInput(object, "apply", "-n", ns, "-f", "-").ok();
  }

  private static String waitFor(String ns, String pod, String jsonpath, java.util.function.Predicate<String> done) {
    return kubectl.until(WAIT, done, "get", "pod", pod, "-n", ns, "-o", "jsonpath=" + jsonpath);
  }

  private static void waitForStatus(Kubectl.Watch watch, String pod, String status) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (statuses(watch, pod).contains(status)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("kubectl get pods --watch never showed " + status + ": " + watch.lines);
  }

  private static void waitForLine(Kubectl.Watch watch, String part) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (watch.lines.stream().noneMatch(line -> line.contains(part))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never printed \"" + part + "\": " + String.join("\n", watch.lines));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The STATUS column of a pod's rows in a {@code kubectl get pods --watch}, repeats removed. */
  private static List<String> statuses(Kubectl.Watch watch, String pod) {
    List<String> statuses = new ArrayList<>();
    for (String line : watch.lines) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length >= 3 && columns[0].equals(pod)) {
        String status = columns[2];
        if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(status)) {
          statuses.add(status);
        }
      }
    }
    return statuses;
  }

  /** A pod's events as (reason, message), oldest first. */
  private static List<String[]> events(String ns, String pod) throws IOException {
    String json = kubectl.run("get", "events", "-n", ns, "--field-selector", "involvedObject.name=" + pod,
        "-o", "json").ok().stdout();
    List<JsonNode> items = new ArrayList<>();
    Json.MAPPER.readTree(json).path("items").forEach(items::add);
    items.sort((a, b) -> Json.text(a, "metadata", "name").compareTo(Json.text(b, "metadata", "name")));
    List<String[]> events = new ArrayList<>();
    for (JsonNode item : items) {
      events.add(new String[] {item.path("reason").asText(), item.path("message").asText()});
    }
    return events;
  }

  private static List<String> reasons(List<String[]> events) {
    return events.stream().map(e -> e[0]).toList();
  }

  private static void assertMessage(List<String[]> events, String reason, String regex) {
    Pattern pattern = Pattern.compile(regex);
    for (String[] event : events) {
      if (event[0].equals(reason) && pattern.matcher(event[1]).matches()) {
        return;
      }
    }
    throw new AssertionError("no " + reason + " event matching " + regex + " in "
        + events.stream().map(e -> e[0] + ": " + e[1]).toList());
  }

  /** {@code expected} appears in {@code actual} in this order, other items in between allowed. */
  private static void assertOrder(List<String> actual, String... expected) {
    int at = 0;
    for (String item : actual) {
      if (at < expected.length && item.equals(expected[at])) {
        at++;
      }
    }
    assertEquals(expected.length, at, "expected " + List.of(expected) + " in this order within " + actual);
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), "expected \"" + part + "\" in:\n" + text);
  }

  private static void assertMatches(String text, String regex) {
    assertTrue(Pattern.compile(regex).matcher(text).find(), "expected /" + regex + "/ in:\n" + text);
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }
}
