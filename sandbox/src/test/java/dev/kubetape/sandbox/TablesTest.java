package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tables are checked against what kube-apiserver 1.34.4 answers for the same objects (the
 * expected cells were produced by the real printers, fed these objects as v1 JSON). The clock
 * stands at {@link #NOW}; "3m2s ago" is 11:56:58.
 */
@DisplayName("Tables")
class TablesTest {
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  static ApiResources resources;
  static OpenApi openApi;
  static Tables tables;

  @BeforeAll
  static void load() {
    resources = new ApiResources();
    openApi = new OpenApi(resources);
    tables = new Tables(openApi);
  }

  static ResourceType type(String group, String kind) {
    return resources.all().stream()
        .filter(t -> t.group().equals(group) && t.kind().equals(kind))
        .findFirst().orElseThrow();
  }

  static ObjectNode json(String text) {
    return (ObjectNode) tree(text);
  }

  static JsonNode tree(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** The table for a single object, as for {@code kubectl get KIND NAME}. */
  static ObjectNode get(String group, String kind, String object) {
    return tables.table(type(group, kind), List.of(json(object)), null, null, NOW);
  }

  static List<Object> cells(String group, String kind, String object) {
    return cellsOf(get(group, kind, object).path("rows").path(0));
  }

  static List<Object> cellsOf(JsonNode row) {
    List<Object> cells = new ArrayList<>();
    for (JsonNode cell : row.path("cells")) {
      cells.add(cell.isNumber() ? (Object) cell.asLong() : cell.asText());
    }
    return cells;
  }

  static List<String> columnNames(ObjectNode table) {
    List<String> names = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  // --- Pods ---

  static final String CONDITIONS_READY = """
      [{"type":"PodReadyToStartContainers","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-06-01T11:57:00Z"},
       {"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-06-01T11:57:00Z"},
       {"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-06-01T11:57:02Z"},
       {"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-06-01T11:57:02Z"},
       {"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-06-01T11:56:58Z"}]""";
  static final String CONDITIONS_NOT_READY = CONDITIONS_READY.replace(
      "\"Ready\",\"status\":\"True\"", "\"Ready\",\"status\":\"False\"").replace(
      "\"ContainersReady\",\"status\":\"True\"", "\"ContainersReady\",\"status\":\"False\"");
  static final String CONDITIONS_INITIALIZING = CONDITIONS_NOT_READY.replace(
      "\"Initialized\",\"status\":\"True\"", "\"Initialized\",\"status\":\"False\"");

  /** A pod as the API returns it, with the given spec additions and status. */
  static String pod(String name, String specExtra, String status) {
    return """
        {"kind":"Pod","apiVersion":"v1",
         "metadata":{"name":"%s","generateName":"web-7c5ddbdf54-","namespace":"default",
           "uid":"6c1f0ab8-2d3e-4f5a-9b7c-8d9e0f1a2b3c","resourceVersion":"48213",
           "creationTimestamp":"2025-06-01T11:56:58Z",
           "labels":{"app":"web","pod-template-hash":"7c5ddbdf54"},
           "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7c5ddbdf54",
             "uid":"0d4e7f6a-1b2c-4d3e-8f9a-0b1c2d3e4f5a","controller":true,"blockOwnerDeletion":true}]},
         "spec":{%s"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
           "serviceAccountName":"default","serviceAccount":"default","nodeName":"kind-worker",
           "securityContext":{},"schedulerName":"default-scheduler","priority":0,
           "enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"%s},
         "status":%s}""".formatted(name,
        specExtra.contains("\"containers\":") ? "" : WEB_CONTAINER + ",",
        specExtra.isEmpty() ? "" : "," + specExtra, status);
  }

  static final String WEB_CONTAINER = """
      "containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}],
        "resources":{},"terminationMessagePath":"/dev/termination-log",
        "terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}]""";
  static final String JOB_AND_ENVOY = """
      "containers":[{"name":"job","image":"busybox"},{"name":"envoy","image":"envoy"}]""";

  /** A scheduled pod's status with these container statuses. */
  static String status(String phase, String conditions, String containerStatuses) {
    return """
        {"phase":"%s","conditions":%s,"hostIP":"172.18.0.3","hostIPs":[{"ip":"172.18.0.3"}],
         "podIP":"10.244.1.7","podIPs":[{"ip":"10.244.1.7"}],"startTime":"2025-06-01T11:56:58Z",
         "containerStatuses":%s,"qosClass":"BestEffort"}""".formatted(phase, conditions,
        containerStatuses);
  }

  static String withInit(String status, String initStatuses) {
    return status.replace("\"containerStatuses\"", "\"initContainerStatuses\":" + initStatuses
        + ",\"containerStatuses\"");
  }

  static final String RUNNING = """
      [{"name":"web","state":{"running":{"startedAt":"2025-06-01T11:57:01Z"}},"lastState":{},
        "ready":true,"restartCount":0,"image":"docker.io/library/nginx:1.27",
        "imageID":"docker.io/library/nginx@sha256:9f0b7e2c","containerID":"containerd://4be1","started":true}]""";

  static String waiting(String reason) {
    return """
        [{"name":"web","state":{"waiting":{"reason":"%s","message":"see events"}},"lastState":{},
          "ready":false,"restartCount":0,"image":"nginx:1.27","imageID":"","started":false}]"""
        .formatted(reason);
  }

  static String terminated(String reasonField, int exitCode, String signalField) {
    return """
        [{"name":"web","state":{"terminated":{"exitCode":%d,%s%s"startedAt":"2025-06-01T11:57:01Z",
          "finishedAt":"2025-06-01T11:58:30Z","containerID":"containerd://4be1"}},"lastState":{},
          "ready":false,"restartCount":0,"image":"nginx:1.27","imageID":"","started":false}]"""
        .formatted(exitCode, reasonField, signalField);
  }

  static final String INIT_SPEC = """
      "initContainers":[{"name":"migrate","image":"busybox:1.36","resources":{},
        "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
        "imagePullPolicy":"IfNotPresent"}]""";
  static final String POD_INITIALIZING = """
      [{"name":"web","state":{"waiting":{"reason":"PodInitializing"}},"lastState":{},"ready":false,
        "restartCount":0,"image":"nginx:1.27","imageID":"","started":false}]""";

  static String initStatus(String state, String lastState, int restarts) {
    return """
        [{"name":"migrate","state":%s,"lastState":%s,"ready":false,"restartCount":%d,
          "image":"busybox:1.36","imageID":""}]""".formatted(state, lastState, restarts);
  }

  static Stream<Arguments> podSummaries() {
    return Stream.of(
        Arguments.of("a running, ready container",
            "", status("Running", CONDITIONS_READY, RUNNING), "1/1", "Running", "0"),
        Arguments.of("a crash-looping container shows its restarts and the last one's age",
            "", status("Running", CONDITIONS_NOT_READY, """
                [{"name":"web","state":{"waiting":{"reason":"CrashLoopBackOff",
                  "message":"back-off 40s restarting failed container=web pod=web-1_default(6c1f)"}},
                  "lastState":{"terminated":{"exitCode":1,"reason":"Error",
                    "startedAt":"2025-06-01T11:59:54Z","finishedAt":"2025-06-01T11:59:55Z",
                    "containerID":"containerd://77aa"}},
                  "ready":false,"restartCount":5,"image":"nginx:1.27","imageID":"","started":false}]"""),
            "0/1", "CrashLoopBackOff", "5 (5s ago)"),
        Arguments.of("a container being created",
            "", status("Pending", CONDITIONS_NOT_READY, waiting("ContainerCreating")), "0/1",
            "ContainerCreating", "0"),
        Arguments.of("an image that cannot be pulled",
            "", status("Pending", CONDITIONS_NOT_READY, waiting("ErrImagePull")), "0/1",
            "ErrImagePull", "0"),
        Arguments.of("an image pull backing off",
            "", status("Pending", CONDITIONS_NOT_READY, waiting("ImagePullBackOff")), "0/1",
            "ImagePullBackOff", "0"),
        Arguments.of("a container whose config is missing",
            "", status("Pending", CONDITIONS_NOT_READY, waiting("CreateContainerConfigError")),
            "0/1", "CreateContainerConfigError", "0"),
        Arguments.of("a container killed for memory",
            "", status("Running", CONDITIONS_NOT_READY, """
                [{"name":"web","state":{"terminated":{"exitCode":137,"reason":"OOMKilled",
                  "startedAt":"2025-06-01T11:58:00Z","finishedAt":"2025-06-01T11:59:30Z"}},
                  "lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled",
                    "startedAt":"2025-06-01T11:55:00Z","finishedAt":"2025-06-01T11:55:50Z"}},
                  "ready":false,"restartCount":1,"image":"nginx:1.27","imageID":"","started":false}]"""),
            "0/1", "OOMKilled", "1 (4m10s ago)"),
        Arguments.of("a container that failed",
            "", status("Failed", CONDITIONS_NOT_READY, terminated("\"reason\":\"Error\",", 2, "")),
            "0/1", "Error", "0"),
        Arguments.of("a container that completed",
            "", status("Succeeded", CONDITIONS_NOT_READY,
                terminated("\"reason\":\"Completed\",", 0, "")), "0/1", "Completed", "0"),
        Arguments.of("a container killed by a signal, without a reason",
            "", status("Failed", CONDITIONS_NOT_READY, terminated("", 0, "\"signal\":9,")),
            "0/1", "Signal:9", "0"),
        Arguments.of("a container that exited, without a reason",
            "", status("Failed", CONDITIONS_NOT_READY, terminated("", 137, "")), "0/1",
            "ExitCode:137", "0"),
        Arguments.of("an evicted pod shows the pod's reason",
            "", """
                {"phase":"Failed","reason":"Evicted","message":"The node was low on resource: memory.",
                 "startTime":"2025-06-01T11:56:58Z","qosClass":"BestEffort"}""",
            "0/1", "Evicted", "0"),
        Arguments.of("an init container that has not started",
            INIT_SPEC, withInit(status("Pending", CONDITIONS_INITIALIZING, POD_INITIALIZING),
                initStatus("{\"waiting\":{\"reason\":\"PodInitializing\"}}", "{}", 0)),
            "0/1", "Init:0/1", "0"),
        Arguments.of("the second of two init containers running",
            INIT_SPEC.replace("}]", "},{\"name\":\"seed\",\"image\":\"busybox:1.36\"}]"),
            withInit(status("Pending", CONDITIONS_INITIALIZING, POD_INITIALIZING), """
                [{"name":"migrate","state":{"terminated":{"exitCode":0,"reason":"Completed",
                  "startedAt":"2025-06-01T11:57:00Z","finishedAt":"2025-06-01T11:57:10Z"}},
                  "lastState":{},"ready":true,"restartCount":0,"image":"busybox:1.36","imageID":""},
                 {"name":"seed","state":{"running":{"startedAt":"2025-06-01T11:57:11Z"}},
                  "lastState":{},"ready":false,"restartCount":0,"image":"busybox:1.36","imageID":""}]"""),
            "0/1", "Init:1/2", "0"),
        Arguments.of("a crash-looping init container",
            INIT_SPEC, withInit(status("Pending", CONDITIONS_INITIALIZING, POD_INITIALIZING),
                initStatus("{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}", """
                    {"terminated":{"exitCode":1,"reason":"Error","startedAt":"2025-06-01T11:59:39Z",
                      "finishedAt":"2025-06-01T11:59:40Z"}}""", 3)),
            "0/1", "Init:CrashLoopBackOff", "3 (20s ago)"),
        Arguments.of("a failed init container",
            INIT_SPEC, withInit(status("Pending", CONDITIONS_INITIALIZING, POD_INITIALIZING),
                initStatus("""
                    {"terminated":{"exitCode":1,"reason":"Error","startedAt":"2025-06-01T11:57:00Z",
                      "finishedAt":"2025-06-01T11:57:05Z"}}""", "{}", 0)),
            "0/1", "Init:Error", "0"),
        Arguments.of("an init container that exited without a reason",
            INIT_SPEC, withInit(status("Pending", CONDITIONS_INITIALIZING, POD_INITIALIZING),
                initStatus("{\"terminated\":{\"exitCode\":3,\"finishedAt\":\"2025-06-01T11:57:05Z\"}}",
                    "{}", 0)),
            "0/1", "Init:ExitCode:3", "0"),
        Arguments.of("an init container killed by a signal",
            INIT_SPEC, withInit(status("Pending", CONDITIONS_INITIALIZING, POD_INITIALIZING),
                initStatus("{\"terminated\":{\"exitCode\":1,\"signal\":15}}", "{}", 0)),
            "0/1", "Init:Signal:15", "0"),
        Arguments.of("init done, the app container still to start",
            INIT_SPEC, withInit(status("Pending", CONDITIONS_NOT_READY, POD_INITIALIZING),
                initStatus("""
                    {"terminated":{"exitCode":0,"reason":"Completed","startedAt":"2025-06-01T11:57:00Z",
                      "finishedAt":"2025-06-01T11:57:05Z"}}""", "{}", 0)),
            "0/1", "PodInitializing", "0"),
        Arguments.of("a completed container beside a running one, pod not ready",
            JOB_AND_ENVOY, status("Running", CONDITIONS_NOT_READY, """
                [{"name":"job","state":{"terminated":{"exitCode":0,"reason":"Completed"}},"lastState":{},
                  "ready":false,"restartCount":0,"image":"busybox","imageID":"","started":false},
                 {"name":"envoy","state":{"running":{"startedAt":"2025-06-01T11:57:01Z"}},"lastState":{},
                  "ready":true,"restartCount":0,"image":"envoy","imageID":"","started":true}]"""),
            "1/2", "NotReady", "0"),
        Arguments.of("a completed container beside a running one, pod ready",
            JOB_AND_ENVOY, status("Running", CONDITIONS_READY, """
                [{"name":"job","state":{"terminated":{"exitCode":0,"reason":"Completed"}},"lastState":{},
                  "ready":false,"restartCount":0,"image":"busybox","imageID":"","started":false},
                 {"name":"envoy","state":{"running":{"startedAt":"2025-06-01T11:57:01Z"}},"lastState":{},
                  "ready":true,"restartCount":0,"image":"envoy","imageID":"","started":true}]"""),
            "1/2", "Running", "0"),
        Arguments.of("a pod held back by scheduling gates",
            "\"schedulingGates\":[{\"name\":\"example.com/quota\"}]", """
                {"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False",
                  "lastProbeTime":null,"lastTransitionTime":"2025-06-01T11:56:58Z",
                  "reason":"SchedulingGated",
                  "message":"Scheduling is blocked due to non-empty scheduling gates"}],
                 "qosClass":"BestEffort"}""", "0/1", "SchedulingGated", "0"),
        Arguments.of("a native sidecar counts among the containers",
            """
                "initContainers":[{"name":"proxy","image":"envoy","restartPolicy":"Always",
                  "resources":{},"terminationMessagePath":"/dev/termination-log",
                  "terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}]""",
            withInit(status("Running", CONDITIONS_READY, RUNNING), """
                [{"name":"proxy","state":{"running":{"startedAt":"2025-06-01T11:57:59Z"}},
                  "lastState":{"terminated":{"exitCode":1,"reason":"Error",
                    "startedAt":"2025-06-01T11:57:00Z","finishedAt":"2025-06-01T11:57:59Z"}},
                  "ready":true,"restartCount":2,"image":"envoy","imageID":"","started":true}]"""),
            "2/2", "Running", "2 (2m1s ago)"),
        Arguments.of("a native sidecar that has not started yet",
            """
                "initContainers":[{"name":"proxy","image":"envoy","restartPolicy":"Always"}]""",
            withInit(status("Pending", CONDITIONS_INITIALIZING, POD_INITIALIZING), """
                [{"name":"proxy","state":{"running":{"startedAt":"2025-06-01T11:59:59Z"}},
                  "lastState":{},"ready":false,"restartCount":0,"image":"envoy","imageID":"",
                  "started":false}]"""),
            "0/2", "Init:0/1", "0"),
        Arguments.of("restarts add up; the latest termination gives the age",
            "\"containers\":[{\"name\":\"a\",\"image\":\"a\"},{\"name\":\"b\",\"image\":\"b\"},"
                + "{\"name\":\"c\",\"image\":\"c\"}]", status("Running", CONDITIONS_NOT_READY, """
                [{"name":"a","state":{"running":{}},"ready":true,"restartCount":1,
                  "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-06-01T10:00:00Z"}}},
                 {"name":"b","state":{"running":{}},"ready":false,"restartCount":0,"lastState":{}},
                 {"name":"c","state":{"running":{}},"ready":true,"restartCount":2,
                  "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-06-01T11:00:00Z"}}}]"""),
            "2/3", "Running", "3 (60m ago)"),
        Arguments.of("a pod the node has not reported on",
            "", "{\"phase\":\"Unknown\",\"conditions\":" + CONDITIONS_NOT_READY + "}", "0/1",
            "Unknown", "0"),
        Arguments.of("a pod just created, without status",
            "", "{}", "0/1", "", "0"));
  }

  @Nested
  @DisplayName("Pod")
  class Pods {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kubetape.sandbox.TablesTest#podSummaries")
    @DisplayName("READY, STATUS and RESTARTS summarise the containers as kubectl shows them")
    void summary(String title, String specExtra, String status, String ready, String state,
        String restarts) {
      List<Object> cells = cells("", "Pod", pod("web-7c5ddbdf54-x2x9k", specExtra, status));
      assertEquals(List.of("web-7c5ddbdf54-x2x9k", ready, state, restarts, "3m2s"),
          cells.subList(0, 5), title);
    }

    @Test
    @DisplayName("a running pod fills every column, the wide ones included")
    void runningPod() {
      ObjectNode table = get("", "Pod", pod("web-1", "", status("Running", CONDITIONS_READY,
          RUNNING)));
      assertEquals(List.of("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
          "Nominated Node", "Readiness Gates"), columnNames(table));
      assertEquals(List.of("web-1", "1/1", "Running", "0", "3m2s", "10.244.1.7", "kind-worker",
          "<none>", "<none>"), cellsOf(table.path("rows").path(0)));
      assertEquals("48213", table.path("metadata").path("resourceVersion").asText());
      assertFalse(table.path("rows").path(0).has("conditions"));
    }

    @Test
    @DisplayName("a finished pod's row carries the Completed condition kubectl uses to hide it")
    void finishedPods() {
      JsonNode succeeded = get("", "Pod", pod("job-1", "", status("Succeeded",
          CONDITIONS_NOT_READY, terminated("\"reason\":\"Completed\",", 0, ""))))
          .path("rows").path(0);
      assertEquals(tree("""
          [{"type":"Completed","status":"True","reason":"Succeeded",
            "message":"The pod has completed successfully."}]"""), succeeded.get("conditions"));
      JsonNode failed = get("", "Pod", pod("job-2", "", status("Failed", CONDITIONS_NOT_READY,
          terminated("\"reason\":\"Error\",", 1, "")))).path("rows").path(0);
      assertEquals(tree("""
          [{"type":"Completed","status":"True","reason":"Failed","message":"The pod failed."}]"""),
          failed.get("conditions"));
    }

    @Test
    @DisplayName("a pod being deleted is Terminating, or Unknown when its node was lost")
    void deletion() {
      String deleting = pod("web-1", "", status("Running", CONDITIONS_READY, RUNNING))
          .replace("\"creationTimestamp\"", "\"deletionTimestamp\":\"2025-06-01T12:00:25Z\","
              + "\"deletionGracePeriodSeconds\":30,\"creationTimestamp\"");
      assertEquals("Terminating", cells("", "Pod", deleting).get(2));
      String lost = deleting.replace("\"phase\":\"Running\"",
          "\"phase\":\"Running\",\"reason\":\"NodeLost\"");
      assertEquals("Unknown", cells("", "Pod", lost).get(2));
      String done = pod("job-1", "", status("Succeeded", CONDITIONS_NOT_READY,
          terminated("\"reason\":\"Completed\",", 0, ""))).replace("\"creationTimestamp\"",
          "\"deletionTimestamp\":\"2025-06-01T11:59:50Z\",\"creationTimestamp\"");
      assertEquals("Completed", cells("", "Pod", done).get(2));
    }

    @Test
    @DisplayName("wide: the first pod IP, the nominated node, and readiness gates met")
    void wideColumns() {
      String dualStack = pod("web-1", """
          "readinessGates":[{"conditionType":"example.com/lb-ready"},{"conditionType":"example.com/dns"}]""",
          status("Running", CONDITIONS_READY.replace("]", """
              ,{"type":"example.com/lb-ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-06-01T11:59:00Z"},
               {"type":"example.com/dns","status":"False","lastProbeTime":null,"lastTransitionTime":"2025-06-01T11:59:00Z"}]"""),
              RUNNING)
              .replace("\"podIP\":\"10.244.1.7\",\"podIPs\":[{\"ip\":\"10.244.1.7\"}]",
                  "\"podIP\":\"10.244.1.9\",\"podIPs\":[{\"ip\":\"10.244.1.9\"},{\"ip\":\"fd00:10:244:1::9\"}]"));
      assertEquals(List.of("10.244.1.9", "kind-worker", "<none>", "1/2"),
          cells("", "Pod", dualStack).subList(5, 9));
      String preempting = """
          {"metadata":{"name":"big","namespace":"default","creationTimestamp":"2025-06-01T11:59:20Z"},
           "spec":{"containers":[{"name":"big","image":"busybox"}]},
           "status":{"phase":"Pending","nominatedNodeName":"kind-worker2",
             "conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable",
               "message":"0/3 nodes are available: 3 Insufficient cpu."}],"qosClass":"Burstable"}}""";
      assertEquals(List.of("big", "0/1", "Pending", "0", "40s", "<none>", "<none>",
          "kind-worker2", "<none>"), cells("", "Pod", preempting));
    }

    @Test
    @DisplayName("a pod created in the future is <invalid>; a very old one counts in years and days")
    void ages() {
      String future = pod("web-1", "", status("Running", CONDITIONS_READY, RUNNING))
          .replace("2025-06-01T11:56:58Z", "2025-06-01T12:00:30Z");
      assertEquals("<invalid>", cells("", "Pod", future).get(4));
      String old = pod("web-1", "", status("Running", CONDITIONS_READY, RUNNING.replace(
          "\"lastState\":{},", """
              "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2025-05-30T09:00:00Z"}},"""
          ).replace("\"restartCount\":0", "\"restartCount\":12")))
          .replace("\"creationTimestamp\":\"2025-06-01T11:56:58Z\"",
              "\"creationTimestamp\":\"2024-04-27T12:00:00Z\"");
      assertEquals(List.of("12 (2d3h ago)", "400d"), cells("", "Pod", old).subList(3, 5));
    }
  }

  // --- workloads ---

  static final String DEPLOYMENT = """
      {"kind":"Deployment","apiVersion":"apps/v1",
       "metadata":{"name":"web","namespace":"default","uid":"3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b",
         "resourceVersion":"48190","generation":3,"creationTimestamp":"2025-06-01T11:56:58Z",
         "annotations":{"deployment.kubernetes.io/revision":"2"}},
       "spec":{"replicas":4,
         "selector":{"matchLabels":{"app":"web","track":"stable"},
           "matchExpressions":[{"key":"tier","operator":"In","values":["web","api"]},
             {"key":"env","operator":"NotIn","values":["dev"]},
             {"key":"canary","operator":"DoesNotExist"},
             {"key":"app.kubernetes.io/part-of","operator":"Exists"},
             {"key":"app","operator":"In","values":["web"]}]},
         "template":{"metadata":{"labels":{"app":"web","track":"stable","tier":"web",
             "app.kubernetes.io/part-of":"shop"}},
           "spec":{"containers":[{"name":"web","image":"registry.example.com/web:2.1.0","resources":{}},
             {"name":"envoy","image":"envoyproxy/envoy:v1.31","resources":{}}],
             "restartPolicy":"Always"}},
         "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
         "revisionHistoryLimit":10,"progressDeadlineSeconds":600},
       "status":{"observedGeneration":3,"replicas":5,"updatedReplicas":2,"readyReplicas":3,
         "availableReplicas":3,"unavailableReplicas":2,
         "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"}]}}""";

  @Nested
  @DisplayName("Deployment and ReplicaSet")
  class Workloads {
    @Test
    @DisplayName("a Deployment mid-rollout: ready/desired, up-to-date, available, and the selector")
    void deployment() {
      ObjectNode table = get("apps", "Deployment", DEPLOYMENT);
      assertEquals(List.of("Name", "Ready", "Up-to-date", "Available", "Age", "Containers",
          "Images", "Selector"), columnNames(table));
      assertEquals(List.of("web", "3/4", 2L, 3L, "3m2s", "web,envoy",
          "registry.example.com/web:2.1.0,envoyproxy/envoy:v1.31",
          "app=web,app in (web),app.kubernetes.io/part-of,!canary,env notin (dev),"
              + "tier in (api,web),track=stable"), cellsOf(table.path("rows").path(0)));
    }

    @Test
    @DisplayName("a Deployment without replicas counts the default one; a bad selector is <invalid>")
    void deploymentDefaults() {
      String defaulted = """
          {"metadata":{"name":"web","namespace":"default","creationTimestamp":"2025-06-01T11:56:58Z"},
           "spec":{"selector":{"matchLabels":{"app":"web"}},
             "template":{"metadata":{"labels":{"app":"web"}},
               "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}},
           "status":{}}""";
      assertEquals(List.of("web", "0/1", 0L, 0L, "3m2s", "web", "nginx:1.27", "app=web"),
          cells("apps", "Deployment", defaulted));
      String badOperator = """
          {"metadata":{"name":"odd","creationTimestamp":"2025-06-01T11:56:58Z"},
           "spec":{"replicas":0,"selector":{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]},
             "template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}},"status":{}}""";
      assertEquals(List.of("odd", "0/0", 0L, 0L, "3m2s", "a", "x:1", "<invalid>"),
          cells("apps", "Deployment", badOperator));
    }

    @Test
    @DisplayName("a ReplicaSet: desired, current and ready as integers")
    void replicaSet() {
      String replicaSet = """
          {"kind":"ReplicaSet","apiVersion":"apps/v1",
           "metadata":{"name":"web-7c5ddbdf54","namespace":"default","resourceVersion":"48188",
             "generation":1,"creationTimestamp":"2025-06-01T11:56:58Z",
             "labels":{"app":"web","pod-template-hash":"7c5ddbdf54"},
             "annotations":{"deployment.kubernetes.io/desired-replicas":"3",
               "deployment.kubernetes.io/max-replicas":"4","deployment.kubernetes.io/revision":"2"},
             "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web",
               "uid":"3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b","controller":true,"blockOwnerDeletion":true}]},
           "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","pod-template-hash":"7c5ddbdf54"}},
             "template":{"metadata":{"labels":{"app":"web","pod-template-hash":"7c5ddbdf54"}},
               "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}},
           "status":{"replicas":3,"fullyLabeledReplicas":3,"readyReplicas":2,"availableReplicas":2,
             "observedGeneration":1}}""";
      ObjectNode table = get("apps", "ReplicaSet", replicaSet);
      assertEquals(List.of("web-7c5ddbdf54", 3L, 3L, 2L, "3m2s", "web", "nginx:1.27",
          "app=web,pod-template-hash=7c5ddbdf54"), cellsOf(table.path("rows").path(0)));
      assertEquals("integer", table.path("columnDefinitions").path(1).path("type").asText());
      String scaledDown = replicaSet.replace("\"replicas\":3,\"selector\"",
          "\"replicas\":0,\"selector\"").replace("\"selector\":{\"matchLabels\":{\"app\":\"web\","
              + "\"pod-template-hash\":\"7c5ddbdf54\"}}", "\"selector\":{}")
          .replaceAll("\"status\":\\{[^}]*}", "\"status\":{\"replicas\":0}");
      assertEquals(List.of(0L, 0L, 0L), cells("apps", "ReplicaSet", scaledDown).subList(1, 4));
      assertEquals("<none>", cells("apps", "ReplicaSet", scaledDown).get(7));
      String badKey = replicaSet.replace("\"pod-template-hash\":\"7c5ddbdf54\"}},",
          "\"-bad\":\"x\"}},");
      assertEquals("<error>", cells("apps", "ReplicaSet", badKey).get(7));
    }

    @Test
    @DisplayName("a ControllerRevision names its controller as kind.group/name")
    void controllerRevision() {
      String daemonSetRevision = """
          {"kind":"ControllerRevision","apiVersion":"apps/v1",
           "metadata":{"name":"fluentd-6d8c7b9f5","namespace":"kube-system",
             "creationTimestamp":"2025-06-01T11:56:58Z",
             "ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"fluentd",
               "uid":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","controller":true,"blockOwnerDeletion":true}]},
           "data":{"spec":{"template":{"$patch":"replace"}}},"revision":3}""";
      assertEquals(List.of("fluentd-6d8c7b9f5", "daemonset.apps/fluentd", 3L, "3m2s"),
          cells("apps", "ControllerRevision", daemonSetRevision));
      String coreOwner = daemonSetRevision.replace("\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\"",
          "\"apiVersion\":\"v1\",\"kind\":\"Pod\"");
      assertEquals("pod/fluentd", cells("apps", "ControllerRevision", coreOwner).get(1));
      String orphan = """
          {"metadata":{"name":"orphan","creationTimestamp":"2025-06-01T11:56:58Z"},"revision":12}""";
      assertEquals(List.of("orphan", "<none>", 12L, "3m2s"),
          cells("apps", "ControllerRevision", orphan));
    }
  }

  // --- events ---

  @Nested
  @DisplayName("Event")
  class Events {
    @Test
    @DisplayName("a kubelet event: last seen, type, reason, object, and the wide columns")
    void kubeletEvent() {
      String backOff = """
          {"kind":"Event","apiVersion":"v1",
           "metadata":{"name":"web-1.17f0a1b2c3d4e5f6","namespace":"default",
             "uid":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f","resourceVersion":"48301",
             "creationTimestamp":"2025-06-01T11:50:00Z"},
           "involvedObject":{"kind":"Pod","namespace":"default","name":"web-1",
             "uid":"6c1f0ab8-2d3e-4f5a-9b7c-8d9e0f1a2b3c","apiVersion":"v1","resourceVersion":"48190",
             "fieldPath":"spec.containers{web}"},
           "reason":"BackOff",
           "message":"Back-off restarting failed container web in pod web-1_default(6c1f0ab8)\\n",
           "source":{"component":"kubelet","host":"kind-worker"},
           "firstTimestamp":"2025-06-01T11:50:00Z","lastTimestamp":"2025-06-01T11:59:18Z",
           "count":27,"type":"Warning","eventTime":null,
           "reportingComponent":"kubelet","reportingInstance":"kind-worker"}""";
      ObjectNode table = get("", "Event", backOff);
      assertEquals(List.of("Last Seen", "Type", "Reason", "Object", "Subobject", "Source",
          "Message", "First Seen", "Count", "Name"), columnNames(table));
      assertEquals(List.of("42s", "Warning", "BackOff", "pod/web-1", "spec.containers{web}",
          "kubelet, kind-worker",
          "Back-off restarting failed container web in pod web-1_default(6c1f0ab8)", "10m", 27L,
          "web-1.17f0a1b2c3d4e5f6"), cellsOf(table.path("rows").path(0)));
    }

    @Test
    @DisplayName("an event with only eventTime, and one with a series, fall back as kubectl does")
    void newStyleEvents() {
      String scheduled = """
          {"metadata":{"name":"web-1.scheduled","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:59Z"},
           "involvedObject":{"kind":"Pod","namespace":"default","name":"web-1","uid":"6c1f","apiVersion":"v1"},
           "reason":"Scheduled","message":"Successfully assigned default/web-1 to kind-worker",
           "source":{},"firstTimestamp":null,"lastTimestamp":null,"type":"Normal",
           "eventTime":"2025-06-01T11:56:59.123456Z","action":"Binding",
           "reportingComponent":"default-scheduler","reportingInstance":"default-scheduler-kind-control-plane"}""";
      assertEquals(List.of("3m", "Normal", "Scheduled", "pod/web-1", "",
          "default-scheduler, default-scheduler-kind-control-plane",
          "Successfully assigned default/web-1 to kind-worker", "3m", 1L, "web-1.scheduled"),
          cells("", "Event", scheduled));
      String series = scheduled.replace("\"action\":\"Binding\"", """
          "action":"Scheduling","series":{"count":14,"lastObservedTime":"2025-06-01T11:57:30.000000Z"},
          "count":3""").replace("\"eventTime\":\"2025-06-01T11:56:59.123456Z\"",
          "\"eventTime\":\"2025-06-01T11:00:00.000000Z\"");
      List<Object> cells = cells("", "Event", series);
      assertEquals(List.of("2m30s", "60m", 14L), List.of(cells.get(0), cells.get(7), cells.get(8)));
      String seriesWithoutTime = scheduled.replace("\"action\":\"Binding\"",
          "\"series\":{\"count\":2}").replace("\"firstTimestamp\":null",
          "\"firstTimestamp\":\"2025-06-01T11:51:00Z\"");
      cells = cells("", "Event", seriesWithoutTime);
      assertEquals(List.of("<unknown>", "9m", 2L), List.of(cells.get(0), cells.get(7), cells.get(8)));
    }

    @Test
    @DisplayName("an event about a kind only, without times, trims its message")
    void sparseEvent() {
      String registered = """
          {"metadata":{"name":"kind-worker.registered","namespace":"default",
             "creationTimestamp":"2025-06-01T11:59:00Z"},
           "involvedObject":{"kind":"Node"},"reason":"RegisteredNode","message":"  Node registered \\t",
           "source":{"component":"node-controller"},"type":"Normal"}""";
      assertEquals(List.of("<unknown>", "Normal", "RegisteredNode", "node", "", "node-controller",
          "Node registered", "<unknown>", 1L, "kind-worker.registered"),
          cells("", "Event", registered));
    }

    @Test
    @DisplayName("events.k8s.io/v1 Events print the same columns from regarding, note and deprecated fields")
    void eventsApi() {
      String backOff = """
          {"kind":"Event","apiVersion":"events.k8s.io/v1",
           "metadata":{"name":"web-1.17f0a1b2c3d4e5f6","namespace":"default",
             "creationTimestamp":"2025-06-01T11:50:00Z"},
           "eventTime":null,"reportingController":"kubelet","reportingInstance":"kind-worker",
           "reason":"BackOff",
           "regarding":{"kind":"Pod","namespace":"default","name":"web-1","uid":"6c1f",
             "apiVersion":"v1","fieldPath":"spec.containers{web}"},
           "note":"Back-off restarting failed container","type":"Warning",
           "deprecatedSource":{"component":"kubelet","host":"kind-worker"},
           "deprecatedFirstTimestamp":"2025-06-01T11:50:00Z",
           "deprecatedLastTimestamp":"2025-06-01T11:59:18Z","deprecatedCount":27}""";
      ObjectNode table = get("events.k8s.io", "Event", backOff);
      assertEquals(get("", "Event", "{}").path("columnDefinitions"),
          table.path("columnDefinitions"));
      assertEquals(List.of("42s", "Warning", "BackOff", "pod/web-1", "spec.containers{web}",
          "kubelet, kind-worker", "Back-off restarting failed container", "10m", 27L,
          "web-1.17f0a1b2c3d4e5f6"), cellsOf(table.path("rows").path(0)));
      String scheduled = """
          {"metadata":{"name":"sched","namespace":"default","creationTimestamp":"2025-06-01T11:56:59Z"},
           "eventTime":"2025-06-01T11:56:59.000000Z","series":{"count":14,
             "lastObservedTime":"2025-06-01T11:57:30.000000Z"},
           "reportingController":"default-scheduler","reportingInstance":"default-scheduler-kind-control-plane",
           "action":"Scheduling","reason":"FailedScheduling",
           "regarding":{"kind":"Pod","namespace":"default","name":"web-2"},
           "note":"0/3 nodes are available: 3 Insufficient cpu.","type":"Warning"}""";
      assertEquals(List.of("2m30s", "Warning", "FailedScheduling", "pod/web-2", "",
          "default-scheduler, default-scheduler-kind-control-plane",
          "0/3 nodes are available: 3 Insufficient cpu.", "3m1s", 14L, "sched"),
          cells("events.k8s.io", "Event", scheduled));
    }
  }

  // --- nodes ---

  static String node(String name, String labels, String unschedulable, String readyStatus,
      String addresses) {
    return """
        {"kind":"Node","apiVersion":"v1",
         "metadata":{"name":"%s","uid":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","resourceVersion":"47001",
           "creationTimestamp":"2025-05-20T12:00:00Z",
           "labels":{"kubernetes.io/arch":"amd64","kubernetes.io/hostname":"%1$s",
             "kubernetes.io/os":"linux"%s},
           "annotations":{"node.alpha.kubernetes.io/ttl":"0"}},
         "spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24"],"providerID":"kind://docker/kind/%1$s"%s},
         "status":{"capacity":{"cpu":"8","memory":"16331584Ki","pods":"110"},
           "allocatable":{"cpu":"8","memory":"16331584Ki","pods":"110"},
           "conditions":[
             {"type":"MemoryPressure","status":"False","lastHeartbeatTime":"2025-06-01T11:59:40Z",
              "lastTransitionTime":"2025-05-20T12:00:00Z","reason":"KubeletHasSufficientMemory",
              "message":"kubelet has sufficient memory available"},
             {"type":"Ready","status":"%s","lastHeartbeatTime":"2025-06-01T11:59:40Z",
              "lastTransitionTime":"2025-05-20T12:00:30Z","reason":"KubeletReady",
              "message":"kubelet is posting ready status"}],
           "addresses":%s,
           "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
           "nodeInfo":{"machineID":"c3f1","systemUUID":"c3f1","bootID":"b00t","kernelVersion":"6.8.0-1015-azure",
             "osImage":"Debian GNU/Linux 12 (bookworm)","containerRuntimeVersion":"containerd://2.1.3",
             "kubeletVersion":"v1.34.4","kubeProxyVersion":"","operatingSystem":"linux","architecture":"amd64"}}}"""
        .formatted(name, labels, unschedulable, readyStatus, addresses);
  }

  @Nested
  @DisplayName("Node")
  class Nodes {
    @Test
    @DisplayName("a ready control-plane node: status, roles, version and the wide system info")
    void controlPlane() {
      String controlPlane = node("kind-control-plane",
          ",\"node-role.kubernetes.io/control-plane\":\"\","
              + "\"node.kubernetes.io/exclude-from-external-load-balancers\":\"\"", "", "True",
          "[{\"type\":\"InternalIP\",\"address\":\"172.18.0.2\"},"
              + "{\"type\":\"Hostname\",\"address\":\"kind-control-plane\"}]");
      ObjectNode table = get("", "Node", controlPlane);
      assertEquals(List.of("Name", "Status", "Roles", "Age", "Version", "Internal-IP",
          "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"), columnNames(table));
      assertEquals(List.of("kind-control-plane", "Ready", "control-plane", "12d", "v1.34.4",
          "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.8.0-1015-azure",
          "containerd://2.1.3"), cellsOf(table.path("rows").path(0)));
    }

    @Test
    @DisplayName("a cordoned, not ready node with roles from both label styles")
    void cordoned() {
      String worker = node("kind-worker", ",\"kubernetes.io/role\":\"worker\","
              + "\"node-role.kubernetes.io/ingress\":\"\",\"node-role.kubernetes.io/\":\"\"",
          ",\"unschedulable\":true,\"taints\":[{\"key\":\"node.kubernetes.io/unschedulable\","
              + "\"effect\":\"NoSchedule\",\"timeAdded\":\"2025-06-01T11:59:00Z\"}]",
          "Unknown",
          "[{\"type\":\"InternalIP\",\"address\":\"172.18.0.3\"},"
              + "{\"type\":\"ExternalIP\",\"address\":\"203.0.113.5\"},"
              + "{\"type\":\"InternalIP\",\"address\":\"fc00:f853:ccd:e793::3\"}]");
      assertEquals(List.of("kind-worker", "NotReady,SchedulingDisabled", "ingress,worker", "12d",
          "v1.34.4", "172.18.0.3", "203.0.113.5"), cells("", "Node", worker).subList(0, 7));
      String readyCordoned = worker.replace("\"status\":\"Unknown\"", "\"status\":\"True\"");
      assertEquals("Ready,SchedulingDisabled", cells("", "Node", readyCordoned).get(1));
    }

    @Test
    @DisplayName("a node that has not reported yet is Unknown with <unknown> system info")
    void registering() {
      String fresh = """
          {"metadata":{"name":"fresh","creationTimestamp":"2025-06-01T11:59:53Z"},"spec":{},"status":{}}""";
      assertEquals(List.of("fresh", "Unknown", "<none>", "7s", "", "<none>", "<none>",
          "<unknown>", "<unknown>", "<unknown>"), cells("", "Node", fresh));
    }
  }

  // --- services and endpoints ---

  static String service(String name, String spec, String status) {
    return """
        {"kind":"Service","apiVersion":"v1",
         "metadata":{"name":"%s","namespace":"default","uid":"5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
           "resourceVersion":"48100","creationTimestamp":"2025-06-01T11:56:58Z","labels":{"app":"web"}},
         "spec":%s,"status":%s}""".formatted(name, spec, status);
  }

  @Nested
  @DisplayName("Service, Endpoints, EndpointSlice")
  class Services {
    @Test
    @DisplayName("a ClusterIP service with external IPs lists its ports and sorted selector")
    void clusterIp() {
      String web = service("web", """
          {"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},
             {"name":"dns","protocol":"UDP","port":53,"targetPort":53}],
           "selector":{"tier":"frontend","app":"web","app.kubernetes.io/name":"web"},
           "clusterIP":"10.96.12.34","clusterIPs":["10.96.12.34"],"type":"ClusterIP",
           "externalIPs":["192.0.2.10","192.0.2.11"],"sessionAffinity":"None",
           "ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","internalTrafficPolicy":"Cluster"}""",
          "{\"loadBalancer\":{}}");
      ObjectNode table = get("", "Service", web);
      assertEquals(List.of("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age",
          "Selector"), columnNames(table));
      assertEquals(List.of("web", "ClusterIP", "10.96.12.34", "192.0.2.10,192.0.2.11",
          "80/TCP,53/UDP", "3m2s", "app.kubernetes.io/name=web,app=web,tier=frontend"),
          cellsOf(table.path("rows").path(0)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        NodePort shows node ports | {"ports":[{"protocol":"TCP","port":80,"targetPort":80,"nodePort":30080}],"selector":{"app":"web"},"clusterIP":"10.96.1.2","clusterIPs":["10.96.1.2"],"type":"NodePort","externalTrafficPolicy":"Cluster"} | {"loadBalancer":{}} | NodePort | 10.96.1.2 | <none> | 80:30080/TCP | app=web
        a LoadBalancer waiting for an address | {"ports":[{"protocol":"TCP","port":443,"targetPort":8443,"nodePort":31443}],"selector":{"app":"web"},"clusterIP":"10.96.1.3","clusterIPs":["10.96.1.3"],"type":"LoadBalancer"} | {"loadBalancer":{}} | LoadBalancer | 10.96.1.3 | <pending> | 443:31443/TCP | app=web
        a LoadBalancer lists ingress sorted then external IPs | {"ports":[{"protocol":"TCP","port":80,"nodePort":30001}],"clusterIP":"10.96.1.4","clusterIPs":["10.96.1.4"],"type":"LoadBalancer","externalIPs":["198.51.100.9"]} | {"loadBalancer":{"ingress":[{"ip":"203.0.113.20","ipMode":"VIP"},{"hostname":"a1b2c3d4e5f6-1234567890.us-east-1.elb.amazonaws.com"},{"ip":"203.0.113.10","ipMode":"VIP"}]}} | LoadBalancer | 10.96.1.4 | 203.0.113.10,203.0.113.20,a1b2c3d4e5f6-1234567890.us-east-1.elb.amazonaws.com,198.51.100.9 | 80:30001/TCP | <none>
        a headless service | {"ports":[{"name":"db","protocol":"TCP","port":5432,"targetPort":5432}],"selector":{"app":"db"},"clusterIP":"None","clusterIPs":["None"],"type":"ClusterIP"} | {"loadBalancer":{}} | ClusterIP | None | <none> | 5432/TCP | app=db
        an ExternalName service | {"type":"ExternalName","externalName":"db.example.com","sessionAffinity":"None"} | {"loadBalancer":{}} | ExternalName | <none> | db.example.com | <none> | <none>
        a dual-stack service without ports | {"selector":{"app":"x"},"clusterIP":"10.96.1.6","clusterIPs":["10.96.1.6","fd00:10:96::6"],"type":"ClusterIP"} | {"loadBalancer":{}} | ClusterIP | 10.96.1.6 | <none> | <none> | app=x
        an SCTP port | {"ports":[{"protocol":"SCTP","port":9000,"targetPort":9000}],"clusterIP":"10.96.1.7","clusterIPs":["10.96.1.7"],"type":"ClusterIP"} | {"loadBalancer":{}} | ClusterIP | 10.96.1.7 | <none> | 9000/SCTP | <none>
        """)
    @DisplayName("service types print their addresses and ports")
    void serviceTypes(String title, String spec, String status, String type, String clusterIp,
        String externalIp, String ports, String selector) {
      assertEquals(List.of("svc", type, clusterIp, externalIp, ports, "3m2s", selector),
          cells("", "Service", service("svc", spec, status)), title);
    }

    @Test
    @DisplayName("Endpoints show up to three address:port pairs, then how many more")
    void endpoints() {
      String web = """
          {"kind":"Endpoints","apiVersion":"v1",
           "metadata":{"name":"web","namespace":"default","creationTimestamp":"2025-06-01T11:56:58Z",
             "labels":{"app":"web"}},
           "subsets":[{"addresses":[{"ip":"10.244.1.7","nodeName":"kind-worker",
               "targetRef":{"kind":"Pod","namespace":"default","name":"web-1","uid":"6c1f"}},
             {"ip":"10.244.2.8","nodeName":"kind-worker2"}],
             "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}]}""";
      ObjectNode table = get("", "Endpoints", web);
      assertEquals(List.of("Name", "Endpoints", "Age"), columnNames(table));
      assertEquals(List.of("web", "10.244.1.7:8080,10.244.2.8:8080", "3m2s"),
          cellsOf(table.path("rows").path(0)));
      String many = """
          {"metadata":{"name":"many","creationTimestamp":"2025-06-01T11:56:58Z"},
           "subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"notReadyAddresses":[{"ip":"10.0.0.9"}],
             "ports":[{"name":"a","port":80,"protocol":"TCP"},{"name":"b","port":443,"protocol":"TCP"}]},
             {"addresses":[{"ip":"fd00::5"}],"ports":[{"port":81,"protocol":"TCP"}]}]}""";
      assertEquals("10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...",
          cells("", "Endpoints", many).get(1));
      String headless = """
          {"metadata":{"name":"db","creationTimestamp":"2025-06-01T11:56:58Z"},
           "subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"10.0.0.3"},
             {"ip":"10.0.0.4"},{"ip":"10.0.0.5"}]}]}""";
      assertEquals("10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...",
          cells("", "Endpoints", headless).get(1));
      assertEquals("<none>", cells("", "Endpoints",
          "{\"metadata\":{\"name\":\"none\",\"creationTimestamp\":\"2025-06-01T11:56:58Z\"}}").get(1));
      assertEquals("", cells("", "Endpoints", """
          {"metadata":{"name":"unready"},"subsets":[{"notReadyAddresses":[{"ip":"10.0.0.9"}],
            "ports":[{"port":80,"protocol":"TCP"}]}]}""").get(1));
      assertEquals("[fd00:10:244::7]:8080", cells("", "Endpoints", """
          {"metadata":{"name":"v6"},"subsets":[{"addresses":[{"ip":"fd00:10:244::7"}],
            "ports":[{"port":8080,"protocol":"TCP"}]}]}""").get(1));
    }

    @Test
    @DisplayName("an EndpointSlice shows its address type, ports and addresses, or <unset>")
    void endpointSlices() {
      String slice = """
          {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1",
           "metadata":{"name":"web-abc12","generateName":"web-","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","generation":2,
             "labels":{"endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io",
               "kubernetes.io/service-name":"web"},
             "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"web","uid":"5e6f",
               "controller":true,"blockOwnerDeletion":true}]},
           "addressType":"IPv4",
           "endpoints":[{"addresses":["10.244.1.7"],"conditions":{"ready":true,"serving":true,"terminating":false},
               "targetRef":{"kind":"Pod","namespace":"default","name":"web-1","uid":"6c1f"},"nodeName":"kind-worker"},
             {"addresses":["10.244.2.8"],"conditions":{"ready":true,"serving":true,"terminating":false},
               "nodeName":"kind-worker2"}],
           "ports":[{"name":"http","protocol":"TCP","port":8080}]}""";
      ObjectNode table = get("discovery.k8s.io", "EndpointSlice", slice);
      assertEquals(List.of("Name", "AddressType", "Ports", "Endpoints", "Age"),
          columnNames(table));
      assertEquals(List.of("web-abc12", "IPv4", "8080", "10.244.1.7,10.244.2.8", "3m2s"),
          cellsOf(table.path("rows").path(0)));
      String many = """
          {"metadata":{"name":"many","creationTimestamp":"2025-06-01T11:56:58Z"},"addressType":"IPv4",
           "endpoints":[{"addresses":["10.0.0.1","10.0.0.2"]},{"addresses":["10.0.0.3"]},
             {"addresses":["10.0.0.4"]},{"addresses":["10.0.0.5"]}],
           "ports":[{"name":"a","port":80,"protocol":"TCP"},{"name":"b","protocol":"TCP"},
             {"protocol":"TCP"},{"name":"d","port":84},{"name":"e","port":85}]}""";
      assertEquals(List.of("80,b, + 2 more...", "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more..."),
          cells("discovery.k8s.io", "EndpointSlice", many).subList(2, 4));
      String empty = """
          {"metadata":{"name":"empty","creationTimestamp":"2025-06-01T11:56:58Z"},
           "addressType":"IPv6","endpoints":null,"ports":null}""";
      assertEquals(List.of("empty", "IPv6", "<unset>", "<unset>", "3m2s"),
          cells("discovery.k8s.io", "EndpointSlice", empty));
    }
  }

  // --- configuration and the rest ---

  @Nested
  @DisplayName("Namespace, ConfigMap, Secret, ServiceAccount, ResourceQuota")
  class Configuration {
    @Test
    @DisplayName("a Namespace shows its phase")
    void namespace() {
      String terminating = """
          {"kind":"Namespace","apiVersion":"v1",
           "metadata":{"name":"payments","uid":"7f8e","resourceVersion":"48400",
             "creationTimestamp":"2025-06-01T06:53:00Z","deletionTimestamp":"2025-06-01T11:59:57Z",
             "labels":{"kubernetes.io/metadata.name":"payments","team":"pay"}},
           "spec":{"finalizers":["kubernetes"]},
           "status":{"phase":"Terminating","conditions":[{"type":"NamespaceDeletionDiscoveryFailure",
             "status":"False","lastTransitionTime":"2025-06-01T11:59:58Z","reason":"ResourcesDiscovered",
             "message":"All resources successfully discovered"}]}}""";
      ObjectNode table = get("", "Namespace", terminating);
      assertEquals(List.of("Name", "Status", "Age"), columnNames(table));
      assertEquals(List.of("payments", "Terminating", "5h7m"),
          cellsOf(table.path("rows").path(0)));
      assertEquals(List.of("default", "Active", "119s"), cells("", "Namespace", """
          {"metadata":{"name":"default","creationTimestamp":"2025-06-01T11:58:01Z"},"spec":{},"status":{}}"""));
    }

    @Test
    @DisplayName("a ConfigMap counts data and binaryData keys")
    void configMap() {
      String configMap = """
          {"kind":"ConfigMap","apiVersion":"v1",
           "metadata":{"name":"web-config","namespace":"default","creationTimestamp":"2025-05-20T12:00:00Z"},
           "data":{"nginx.conf":"server { listen 80; }\\n","LOG_LEVEL":"info"},
           "binaryData":{"favicon.ico":"AAABAAEAEBA="}}""";
      assertEquals(List.of("web-config", 3L, "12d"), cells("", "ConfigMap", configMap));
      assertEquals(List.of("empty", 0L, "3m2s"), cells("", "ConfigMap", """
          {"metadata":{"name":"empty","creationTimestamp":"2025-06-01T11:56:58Z"}}"""));
    }

    @Test
    @DisplayName("a Secret shows its type and number of keys")
    void secret() {
      String release = """
          {"kind":"Secret","apiVersion":"v1",
           "metadata":{"name":"sh.helm.release.v1.web.v1","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z",
             "labels":{"name":"web","owner":"helm","status":"deployed","version":"1"}},
           "data":{"release":"SDRzSUFBQUFBQUFDLytW"},"type":"helm.sh/release.v1"}""";
      ObjectNode table = get("", "Secret", release);
      assertEquals(List.of("Name", "Type", "Data", "Age"), columnNames(table));
      assertEquals(List.of("sh.helm.release.v1.web.v1", "helm.sh/release.v1", 1L, "3m2s"),
          cellsOf(table.path("rows").path(0)));
      assertEquals(List.of("db", "Opaque", 2L, "3m2s"), cells("", "Secret", """
          {"metadata":{"name":"db","creationTimestamp":"2025-06-01T11:56:58Z"},
           "data":{"user":"YWRtaW4=","password":"czNjcjN0"},"type":"Opaque"}"""));
      assertEquals(List.of("tls", "kubernetes.io/tls", 2L), cells("", "Secret", """
          {"metadata":{"name":"tls","creationTimestamp":"2025-06-01T11:56:58Z"},
           "data":{"tls.crt":"","tls.key":""},"type":"kubernetes.io/tls"}""").subList(0, 3));
    }

    @Test
    @DisplayName("a ServiceAccount counts its secrets")
    void serviceAccount() {
      assertEquals(List.of("default", 0L, "12d"), cells("", "ServiceAccount", """
          {"kind":"ServiceAccount","apiVersion":"v1",
           "metadata":{"name":"default","namespace":"default","uid":"8a9b",
             "creationTimestamp":"2025-05-20T12:00:00Z"}}"""));
      assertEquals(List.of("builder", 2L, "3m2s"), cells("", "ServiceAccount", """
          {"metadata":{"name":"builder","namespace":"ci","creationTimestamp":"2025-06-01T11:56:58Z"},
           "secrets":[{"name":"builder-token"},{"name":"builder-dockercfg"}],
           "imagePullSecrets":[{"name":"regcred"}]}"""));
    }

    @Test
    @DisplayName("a ResourceQuota splits used/hard into requests and limits, sorted by resource")
    void resourceQuota() {
      String compute = """
          {"kind":"ResourceQuota","apiVersion":"v1",
           "metadata":{"name":"compute","namespace":"team-a","creationTimestamp":"2025-06-01T11:56:58Z"},
           "spec":{"hard":{"requests.cpu":"4","requests.memory":"8Gi","limits.cpu":"8",
             "limits.memory":"16Gi","pods":"20"}},
           "status":{"hard":{"requests.cpu":"4","requests.memory":"8Gi","limits.cpu":"8",
               "limits.memory":"16Gi","pods":"20"},
             "used":{"requests.cpu":"1500m","requests.memory":"2Gi","limits.cpu":"3",
               "limits.memory":"4Gi","pods":"5"}}}""";
      ObjectNode table = get("", "ResourceQuota", compute);
      assertEquals(List.of("Name", "Request", "Limit", "Age"), columnNames(table));
      assertEquals(List.of("compute", "pods: 5/20, requests.cpu: 1500m/4, requests.memory: 2Gi/8Gi",
          "limits.cpu: 3/8, limits.memory: 4Gi/16Gi", "3m2s"), cellsOf(table.path("rows").path(0)));
      assertEquals(List.of("fresh", "count/configmaps: 0/10, services.loadbalancers: 0/0", "",
          "3m2s"), cells("", "ResourceQuota", """
          {"metadata":{"name":"fresh","creationTimestamp":"2025-06-01T11:56:58Z"},
           "spec":{"hard":{"count/configmaps":"10","services.loadbalancers":"0"}},
           "status":{"hard":{"count/configmaps":"10","services.loadbalancers":"0"}}}"""));
      assertEquals(List.of("new", "", "", "3m2s"), cells("", "ResourceQuota", """
          {"metadata":{"name":"new","creationTimestamp":"2025-06-01T11:56:58Z"},
           "spec":{"hard":{"pods":"2"}}}"""));
    }
  }

  // --- the table itself ---

  @Nested
  @DisplayName("the Table")
  class TableShape {
    @Test
    @DisplayName("column definitions: type, format, priority and OpenAPI descriptions as the server sends them")
    void columnDefinitions() {
      JsonNode columns = get("", "Pod", "{}").path("columnDefinitions");
      String nameDescription = openApi.named("", "v1",
          "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").property("name").description();
      assertTrue(nameDescription.startsWith("Name must be unique within a namespace."));
      assertEquals(json("""
          {"name":"Name","type":"string","format":"name","description":"%s","priority":0}"""
          .formatted(nameDescription)), columns.get(0));
      assertEquals(json("""
          {"name":"Ready","type":"string","format":"",
           "description":"The aggregate readiness state of this pod for accepting traffic.","priority":0}"""),
          columns.get(1));
      assertEquals(openApi.named("", "v1", "io.k8s.api.core.v1.PodStatus").property("podIP")
          .description(), columns.get(5).path("description").asText());
      List<Integer> priorities = new ArrayList<>();
      columns.forEach(c -> priorities.add(c.path("priority").asInt()));
      assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1, 1), priorities);

      JsonNode eventName = get("", "Event", "{}").path("columnDefinitions").get(9);
      assertEquals("name", eventName.path("format").asText());
      assertEquals(1, eventName.path("priority").asInt());
      // Described by a version the server no longer serves, whose comment has since changed.
      assertEquals("Label selector for pods. Existing ReplicaSets whose pods are selected by this"
          + " will be the ones affected by this deployment.",
          get("apps", "Deployment", "{}").path("columnDefinitions").get(7).path("description")
              .asText());
      assertEquals("revision indicates the revision of the state represented by Data.",
          get("apps", "ControllerRevision", "{}").path("columnDefinitions").get(2)
              .path("description").asText());
    }

    @Test
    @DisplayName("rows carry PartialObjectMetadata by default, in ObjectMeta's field order")
    void partialObjectMetadata() {
      ObjectNode pod = json(pod("web-7c5ddbdf54-x2x9k", "", status("Running", CONDITIONS_READY,
          RUNNING)));
      ((ObjectNode) pod.get("metadata")).putArray("finalizers");
      ((ObjectNode) pod.get("metadata")).set("annotations",
          json("{\"kubectl.kubernetes.io/restartedAt\":\"2025-06-01T11:00:00Z\"}"));
      JsonNode object = tables.table(type("", "Pod"), List.of(pod), "Metadata", null, NOW)
          .path("rows").path(0).path("object");
      assertEquals(json("""
          {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
           "metadata":{"name":"web-7c5ddbdf54-x2x9k","generateName":"web-7c5ddbdf54-",
             "namespace":"default","uid":"6c1f0ab8-2d3e-4f5a-9b7c-8d9e0f1a2b3c",
             "resourceVersion":"48213","creationTimestamp":"2025-06-01T11:56:58Z",
             "labels":{"app":"web","pod-template-hash":"7c5ddbdf54"},
             "annotations":{"kubectl.kubernetes.io/restartedAt":"2025-06-01T11:00:00Z"},
             "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7c5ddbdf54",
               "uid":"0d4e7f6a-1b2c-4d3e-8f9a-0b1c2d3e4f5a","controller":true,"blockOwnerDeletion":true}]}}"""),
          object);
      List<String> order = new ArrayList<>();
      object.path("metadata").fieldNames().forEachRemaining(order::add);
      assertEquals(List.of("name", "generateName", "namespace", "uid", "resourceVersion",
          "creationTimestamp", "labels", "annotations", "ownerReferences"), order);
    }

    @Test
    @DisplayName("includeObject=Object embeds the object with its kind; None writes null")
    void includeObject() {
      ObjectNode item = json("""
          {"metadata":{"name":"web-config","namespace":"default","creationTimestamp":"2025-06-01T11:56:58Z"},
           "data":{"a":"b"}}""");
      JsonNode whole = tables.table(type("", "ConfigMap"), List.of(item), "Object", null, NOW)
          .path("rows").path(0).path("object");
      List<String> fields = new ArrayList<>();
      whole.fieldNames().forEachRemaining(fields::add);
      assertEquals(List.of("kind", "apiVersion", "metadata", "data"), fields);
      assertEquals("ConfigMap", whole.path("kind").asText());
      assertEquals("v1", whole.path("apiVersion").asText());
      JsonNode none = tables.table(type("apps", "Deployment"), List.of(json(DEPLOYMENT)), "None",
          null, NOW).path("rows").path(0);
      assertTrue(none.has("object") && none.get("object").isNull());
    }

    @Test
    @DisplayName("an unknown includeObject is a 400 worded as kube-apiserver words it")
    void badIncludeObject() {
      ApiException error = assertThrows(ApiException.class, () ->
          tables.table(type("", "Pod"), List.of(), "Full", null, NOW));
      assertEquals(400, error.code);
      assertEquals("BadRequest", error.reason);
      assertEquals("Unable to convert to Table as requested: includeObject: Invalid value:"
          + " \"Full\": must be 'Metadata', 'Object', 'None', or empty", error.getMessage());
    }

    @Test
    @DisplayName("a list's table repeats resourceVersion, continue and remainingItemCount")
    void listMetadata() {
      ObjectNode listMetadata = json("""
          {"resourceVersion":"48420","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDg0MjB9",
           "remainingItemCount":4}""");
      ObjectNode table = tables.table(type("", "Namespace"), List.of(json(
          "{\"metadata\":{\"name\":\"default\",\"resourceVersion\":\"12\"},\"status\":{\"phase\":\"Active\"}}")),
          null, listMetadata, NOW);
      assertEquals(listMetadata, table.get("metadata"));
      assertEquals("Table", table.path("kind").asText());
      assertEquals("meta.k8s.io/v1", table.path("apiVersion").asText());
      ObjectNode empty = tables.table(type("apps", "Deployment"), List.of(), null,
          json("{\"resourceVersion\":\"48420\"}"), NOW);
      assertEquals(json("{\"resourceVersion\":\"48420\"}"), empty.get("metadata"));
      assertTrue(empty.get("rows").isArray() && empty.get("rows").isEmpty());
    }

    @Test
    @DisplayName("kinds without a printer get the default Name and Created At table")
    void defaultTable() {
      ResourceType review = type("authentication.k8s.io", "SelfSubjectReview");
      ObjectNode table = tables.table(review, List.of(json("""
          {"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1",
           "metadata":{"creationTimestamp":"2025-06-01T11:56:58Z"},
           "status":{"userInfo":{"username":"kubernetes-admin","groups":["kubeadm:cluster-admins"]}}}""")),
          null, null, NOW);
      assertEquals(List.of("Name", "Created At"), columnNames(table));
      JsonNode createdAt = table.path("columnDefinitions").get(1);
      assertEquals("date", createdAt.path("type").asText());
      assertEquals("", createdAt.path("format").asText());
      assertEquals(List.of("", "2025-06-01T11:56:58Z"), cellsOf(table.path("rows").path(0)));
      ObjectNode none = tables.table(review, List.of(), null, json("{}"), NOW);
      assertTrue(none.get("rows").isNull(), "Go writes the default convertor's nil rows as null");
    }
  }

  // --- ages ---

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      PT0S          | 0s
      PT1S          | 1s
      PT59S         | 59s
      PT1M59S       | 119s
      PT2M          | 2m
      PT3M2S        | 3m2s
      PT9M59S       | 9m59s
      PT10M         | 10m
      PT10M59S      | 10m
      PT2H59M       | 179m
      PT3H          | 3h
      PT3H59M       | 3h59m
      PT7H1M        | 7h1m
      PT8H          | 8h
      PT47H59M      | 47h
      PT48H         | 2d
      PT51H         | 2d3h
      PT191H        | 7d23h
      PT192H        | 8d
      PT17496H      | 729d
      PT17520H      | 2y
      PT27360H      | 3y45d
      PT70080H      | 8y
      PT107520H     | 12y
      PT-1S         | 0s
      PT-1.5S       | 0s
      PT-2S         | <invalid>
      PT-72H        | <invalid>
      """)
  @DisplayName("ages read as apimachinery's HumanDuration writes them")
  void humanDuration(String duration, String expected) {
    assertEquals(expected, Tables.humanDuration(Duration.parse(duration)));
  }

  @Test
  @DisplayName("a missing timestamp is <unknown>")
  void unknownAge() {
    assertEquals("<unknown>", Tables.since(null, NOW));
    assertEquals("<unknown>", cells("", "ConfigMap", "{\"metadata\":{\"name\":\"x\"}}").get(2));
  }
}
