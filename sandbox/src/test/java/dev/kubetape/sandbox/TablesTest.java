package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
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
      cells.add(cell.isNumber() ? (Object) cell.asLong()
          : cell.isBoolean() ? (Object) cell.asBoolean() : cell.asText());
    }
    return cells;
  }

  static ResourceType type(String group, String version, String kind) {
    return resources.byKind(group, version, kind).orElseThrow();
  }

  /** The cells of each row of a list of the kind, given as a JSON array of items. */
  static List<List<Object>> rows(String group, String version, String kind, String items) {
    List<ObjectNode> objects = new ArrayList<>();
    tree(items).forEach(item -> objects.add((ObjectNode) item));
    ObjectNode table = tables.table(type(group, version, kind), objects, null,
        json("{\"resourceVersion\":\"4242\"}"), NOW);
    List<List<Object>> rows = new ArrayList<>();
    table.path("rows").forEach(row -> rows.add(cellsOf(row)));
    return rows;
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

  // --- the kinds beyond pods and their usual owners (expected cells from the real printers) ---

  @Nested
  @DisplayName("PersistentVolume, PersistentVolumeClaim")
  class Storage {
    @Test
    @DisplayName("a PersistentVolume: capacity, modes, policy, phase, claim, class, with defaults")
    void persistentVolumes() {
      assertEquals(List.of(
          List.of("pvc-6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "10Gi", "RWO", "Delete", "Bound",
                   "default/data-web-0", "standard", "<unset>", "", "3m2s", "Filesystem"),
          List.of("nfs-share", "100Gi", "ROX,RWX", "Retain", "Available", "", "nfs", "silver", "",
                   "3m2s", "Filesystem"),
          List.of("released", "1536Mi", "RWO", "Retain", "Released", "ci/old-claim", "",
                   "<unset>", "ClaimDeleted", "3d", "Filesystem"),
          List.of("defaults", "0", "", "Retain", "Pending", "", "legacy", "<unset>", "", "3m2s",
                   "Filesystem"),
          List.of("terminating", "512Mi", "RWOP", "Retain", "Terminating", "/only-name", "",
                   "<unset>", "", "3m2s", "Filesystem")),
          rows("", "v1", "PersistentVolume", """
          [{"metadata":{"name":"pvc-6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
             "creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "pv.kubernetes.io/provisioned-by":"rancher.io/local-path"},"finalizers":[
             "kubernetes.io/pv-protection"]},
            "spec":{"capacity":{"storage":"10Gi"},"hostPath":{
             "path":"/var/local-path-provisioner/pvc","type":"DirectoryOrCreate"},"accessModes":[
             "ReadWriteOnce"],"claimRef":{"kind":"PersistentVolumeClaim","namespace":"default",
             "name":"data-web-0","uid":"x","apiVersion":"v1","resourceVersion":"1"},
             "persistentVolumeReclaimPolicy":"Delete","storageClassName":"standard",
             "volumeMode":"Filesystem"},
            "status":{"phase":"Bound","lastPhaseTransitionTime":"2025-06-01T11:57:00Z"}},
           {"metadata":{"name":"nfs-share","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"capacity":{"storage":"100Gi"},"nfs":{"server":"10.0.0.5","path":"/exports"},
             "accessModes":["ReadWriteMany","ReadOnlyMany"],
             "persistentVolumeReclaimPolicy":"Retain","storageClassName":"nfs",
             "volumeAttributesClassName":"silver","volumeMode":"Filesystem"},
            "status":{"phase":"Available"}},
           {"metadata":{"name":"released","creationTimestamp":"2025-05-29T12:00:00Z"},
            "spec":{"capacity":{"storage":"1.5Gi"},"hostPath":{"path":"/x"},"accessModes":[
             "ReadWriteOnce"],"claimRef":{"namespace":"ci","name":"old-claim"},
             "persistentVolumeReclaimPolicy":"Retain"},
            "status":{"phase":"Released","reason":"ClaimDeleted"}},
           {"metadata":{"name":"defaults","creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "volume.beta.kubernetes.io/storage-class":"legacy"}},
            "spec":{"hostPath":{"path":"/x"},"storageClassName":"ignored"}},
           {"metadata":{"name":"terminating","creationTimestamp":"2025-06-01T11:56:58Z",
             "deletionTimestamp":"2025-06-01T11:59:30Z","finalizers":[
             "kubernetes.io/pv-protection"]},
            "spec":{"capacity":{"storage":"512Mi"},"hostPath":{"path":"/x"},"accessModes":[
             "ReadWriteOncePod"],"claimRef":{"name":"only-name"}},
            "status":{"phase":"Bound"}}]
          """));
    }

    @Test
    @DisplayName("capacities print as canonical quantities, rounded up to milli-units")
    void persistentVolumeQuantities() {
      assertEquals(List.of(
          List.of("failed", "5G", "", "Recycle", "Failed", "", "", "<unset>",
                   "VolumeFailedRecycle", "3m2s", "Block"),
          List.of("small", "512Mi", "", "Retain", "Available", "", "", "<unset>", "", "3m2s",
                   "Filesystem"),
          List.of("kilo", "1k", "", "Retain", "Available", "", "", "<unset>", "", "3m2s",
                   "Filesystem"),
          List.of("tiny", "1m", "", "Retain", "Available", "", "", "<unset>", "", "3m2s",
                   "Filesystem"),
          List.of("frac-ki", "1536", "", "Retain", "Available", "", "", "<unset>", "", "3m2s",
                   "Filesystem"),
          List.of("leading-zero", "010Gi", "", "Retain", "Available", "", "", "<unset>", "",
                   "3m2s", "Filesystem")),
          rows("", "v1", "PersistentVolume", """
          [{"metadata":{"name":"failed","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"capacity":{"storage":"5000M"},"hostPath":{"path":"/x"},
             "persistentVolumeReclaimPolicy":"Recycle","volumeMode":"Block"},
            "status":{"phase":"Failed","message":"recycler failed","reason":"VolumeFailedRecycle"}},
           {"metadata":{"name":"small","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"capacity":{"storage":"0.5Gi"},"hostPath":{"path":"/x"}},
            "status":{"phase":"Available"}},
           {"metadata":{"name":"kilo","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"capacity":{"storage":"1000"},"hostPath":{"path":"/x"}},
            "status":{"phase":"Available"}},
           {"metadata":{"name":"tiny","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"capacity":{"storage":"1n"},"hostPath":{"path":"/x"}},
            "status":{"phase":"Available"}},
           {"metadata":{"name":"frac-ki","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"capacity":{"storage":"1.5Ki"},"hostPath":{"path":"/x"}},
            "status":{"phase":"Available"}},
           {"metadata":{"name":"leading-zero","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"capacity":{"storage":"010Gi"},"hostPath":{"path":"/x"}},
            "status":{"phase":"Available"}}]
          """));
    }

    @Test
    @DisplayName("a PersistentVolumeClaim shows what it is bound to, only once it is bound")
    void persistentVolumeClaims() {
      assertEquals(List.of(
          List.of("data-web-0", "Bound", "pvc-6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "10Gi",
                   "RWO", "standard", "<unset>", "3m2s", "Filesystem"),
          List.of("pending", "Pending", "", "", "", "nfs", "<unset>", "20s", "Filesystem"),
          List.of("bytes", "Bound", "pv-bytes", "1Gi", "RWO,ROX,RWX,RWOP", "", "gold", "3m2s",
                   "Block"),
          List.of("beta", "Pending", "", "", "", "slow", "<unset>", "3m2s", "Filesystem"),
          List.of("deleting", "Terminating", "pv-x", "1536Mi", "RWO", "", "<unset>", "3m2s",
                   "Filesystem"),
          List.of("nocap", "Lost", "pv-y", "0", "", "", "<unset>", "3m2s", "Filesystem")),
          rows("", "v1", "PersistentVolumeClaim", """
          [{"metadata":{"name":"data-web-0","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{"app":"web"},"annotations":{
             "pv.kubernetes.io/bind-completed":"yes","pv.kubernetes.io/bound-by-controller":"yes",
             "volume.beta.kubernetes.io/storage-provisioner":"rancher.io/local-path",
             "volume.kubernetes.io/selected-node":"kind-worker"},"finalizers":[
             "kubernetes.io/pvc-protection"]},
            "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"10Gi"}},
             "volumeName":"pvc-6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f","storageClassName":"standard",
             "volumeMode":"Filesystem"},
            "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{
             "storage":"10Gi"}}},
           {"metadata":{"name":"pending","namespace":"default",
             "creationTimestamp":"2025-06-01T11:59:40Z"},
            "spec":{"accessModes":["ReadWriteMany"],"resources":{"requests":{"storage":"1Gi"}},
             "storageClassName":"nfs","volumeMode":"Filesystem"},
            "status":{"phase":"Pending"}},
           {"metadata":{"name":"bytes","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1024Mi"}},
             "volumeName":"pv-bytes","storageClassName":"","volumeMode":"Block",
             "volumeAttributesClassName":"gold"},
            "status":{"phase":"Bound","accessModes":["ReadWriteMany","ReadWriteOnce",
             "ReadWriteOnce","ReadOnlyMany","ReadWriteOncePod"],"capacity":{"storage":"1024Mi"}}},
           {"metadata":{"name":"beta","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "volume.beta.kubernetes.io/storage-class":"slow"}},
            "spec":{"resources":{"requests":{"storage":"5G"}},"storageClassName":"fast"},
            "status":{}},
           {"metadata":{"name":"deleting","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","deletionTimestamp":"2025-06-01T11:59:55Z",
             "deletionGracePeriodSeconds":0,"finalizers":["kubernetes.io/pvc-protection"]},
            "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"2Gi"}},
             "volumeName":"pv-x","volumeMode":"Filesystem"},
            "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{
             "storage":"1.5Gi"}}},
           {"metadata":{"name":"nocap","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"volumeName":"pv-y","resources":{}},
            "status":{"phase":"Lost"}}]
          """));
    }
  }

  @Nested
  @DisplayName("DaemonSet, StatefulSet, ReplicationController, PodTemplate")
  class Controllers {
    @Test
    @DisplayName("a DaemonSet counts its scheduled pods and shows its node selector")
    void daemonSets() {
      assertEquals(List.of(
          List.of("kube-proxy", 3L, 3L, 3L, 3L, 3L, "kubernetes.io/os=linux", "12d", "kube-proxy",
                   "registry.k8s.io/kube-proxy:v1.34.4", "k8s-app=kube-proxy"),
          List.of("fluentd", 4L, 2L, 1L, 1L, 0L, "disk=ssd,role=worker", "3m2s",
                   "fluentd,exporter", "fluent/fluentd:v1.17,prom/exporter:1",
                   "app=fluentd,tier in (agent,logs)"),
          List.of("new", 0L, 0L, 0L, 0L, 0L, "<none>", "3m2s", "web", "nginx:1.27", "a=b")),
          rows("apps", "v1", "DaemonSet", """
          [{"metadata":{"name":"kube-proxy","namespace":"kube-system",
             "creationTimestamp":"2025-05-20T12:00:00Z","labels":{"k8s-app":"kube-proxy"},
             "generation":1,"annotations":{"deprecated.daemonset.template.generation":"1"}},
            "spec":{"selector":{"matchLabels":{"k8s-app":"kube-proxy"}},"template":{"metadata":{
             "labels":{"k8s-app":"kube-proxy"}},"spec":{"containers":[{"name":"kube-proxy",
             "image":"registry.k8s.io/kube-proxy:v1.34.4"}],"restartPolicy":"Always",
             "nodeSelector":{"kubernetes.io/os":"linux"}}},"updateStrategy":{"type":"RollingUpdate",
             "rollingUpdate":{"maxUnavailable":1,"maxSurge":0}},"revisionHistoryLimit":10},
            "status":{"currentNumberScheduled":3,"numberMisscheduled":0,"desiredNumberScheduled":3,
             "numberReady":3,"observedGeneration":1,"updatedNumberScheduled":3,
             "numberAvailable":3}},
           {"metadata":{"name":"fluentd","namespace":"logging",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"selector":{"matchLabels":{"app":"fluentd"},"matchExpressions":[{"key":"tier",
             "operator":"In","values":["logs","agent"]}]},"template":{"metadata":{"labels":{
             "app":"fluentd","tier":"logs"}},"spec":{"containers":[{"name":"fluentd",
             "image":"fluent/fluentd:v1.17"},{"name":"exporter","image":"prom/exporter:1"}],
             "restartPolicy":"Always","nodeSelector":{"role":"worker","disk":"ssd"}}}},
            "status":{"currentNumberScheduled":2,"desiredNumberScheduled":4,"numberReady":1,
             "updatedNumberScheduled":1,"numberUnavailable":3}},
           {"metadata":{"name":"new","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{
             "a":"b"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}],
             "restartPolicy":"Always"}}}}]
          """));
    }

    @Test
    @DisplayName("a StatefulSet shows ready/desired, one replica when unset")
    void statefulSets() {
      assertEquals(List.of(
          List.of("web", "2/3", "3m2s", "nginx", "registry.k8s.io/nginx-slim:0.24"),
          List.of("defaulted", "0/1", "3m2s", "pg,exporter",
                   "postgres:17,prometheuscommunity/postgres-exporter:v0.15.0")),
          rows("apps", "v1", "StatefulSet", """
          [{"metadata":{"name":"web","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","generation":3},
            "spec":{"replicas":3,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{
             "labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx",
             "image":"registry.k8s.io/nginx-slim:0.24"}],"restartPolicy":"Always"}},
             "serviceName":"nginx","podManagementPolicy":"OrderedReady","updateStrategy":{
             "type":"RollingUpdate","rollingUpdate":{"partition":0}},"revisionHistoryLimit":10},
            "status":{"observedGeneration":3,"replicas":3,"readyReplicas":2,"currentReplicas":3,
             "updatedReplicas":3,"currentRevision":"web-5d8c7b9f5","updateRevision":"web-5d8c7b9f5",
             "collisionCount":0,"availableReplicas":2}},
           {"metadata":{"name":"defaulted","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{
             "app":"db"}},"spec":{"containers":[{"name":"pg","image":"postgres:17"},{
             "name":"exporter","image":"prometheuscommunity/postgres-exporter:v0.15.0"}],
             "restartPolicy":"Always"}},"serviceName":"db"},
            "status":{"replicas":0,"availableReplicas":0}}]
          """));
    }

    @Test
    @DisplayName("a ReplicationController selects its template's labels when it has no selector")
    void replicationControllers() {
      assertEquals(List.of(
          List.of("frontend", 3L, 3L, 2L, "3m2s", "php-redis",
                   "gcr.io/google_samples/gb-frontend:v5", "app=guestbook,tier=frontend"),
          List.of("defaulted", 1L, 0L, 0L, "3m2s", "a,b", "a:1,b:2", "app=d"),
          List.of("notemplate", 0L, 0L, 0L, "3m2s", "", "", "x=y")),
          rows("", "v1", "ReplicationController", """
          [{"metadata":{"name":"frontend","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{"app":"frontend"},"generation":2},
            "spec":{"replicas":3,"selector":{"tier":"frontend","app":"guestbook"},"template":{
             "metadata":{"labels":{"tier":"frontend","app":"guestbook"}},"spec":{"containers":[{
             "name":"php-redis","image":"gcr.io/google_samples/gb-frontend:v5"}],
             "restartPolicy":"Always"}}},
            "status":{"replicas":3,"fullyLabeledReplicas":3,"readyReplicas":2,"availableReplicas":2,
             "observedGeneration":2}},
           {"metadata":{"name":"defaulted","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{"app":"d"}},
            "spec":{"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"a",
             "image":"a:1"},{"name":"b","image":"b:2"}],"restartPolicy":"Always"}}},
            "status":{"replicas":0}},
           {"metadata":{"name":"notemplate","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"replicas":0,"selector":{"x":"y"}},
            "status":{"replicas":0}}]
          """));
    }

    @Test
    @DisplayName("a PodTemplate shows its containers and pod labels")
    void podTemplates() {
      assertEquals(List.of(
          List.of("batch-worker", "worker,log",
                   "registry.example.com/worker:3.2,fluent/fluent-bit:3.0",
                   "app=worker,tier=batch"),
          List.of("bare", "x", "busybox:1.36", "<none>")),
          rows("", "v1", "PodTemplate", """
          [{"metadata":{"name":"batch-worker","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{"team":"data"}},
            "template":{"metadata":{"labels":{"app":"worker","tier":"batch"}},"spec":{"containers":[
             {"name":"worker","image":"registry.example.com/worker:3.2"},{"name":"log",
             "image":"fluent/fluent-bit:3.0"}],"restartPolicy":"Always"}}},
           {"metadata":{"name":"bare","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "template":{"metadata":{},"spec":{"containers":[{"name":"x","image":"busybox:1.36"}],
             "restartPolicy":"Always"}}}]
          """));
    }
  }

  @Nested
  @DisplayName("Job, CronJob, PodDisruptionBudget")
  class Batch {
    @Test
    @DisplayName("a Job: status from the first condition of each type, completions and duration")
    void jobs() {
      assertEquals(List.of(
          List.of("pi", "Complete", "1/1", "59s", "3m2s", "pi", "perl:5.34.0",
                   "batch.kubernetes.io/controller-uid=6a5b4c3d-2e1f-4a0b-9c8d-7" +"e6f5a4b3c2d"),
          List.of("running", "Running", "2/5", "90s", "3m2s", "pi", "perl:5.34.0",
                   "batch.kubernetes.io/controller-uid=6a5b4c3d-2e1f-4a0b-9c8d-7" +"e6f5a4b3c2d"),
          List.of("failed", "Failed", "0/1", "3m", "3m2s", "pi", "perl:5.34.0", "<none>"),
          List.of("suspended", "Suspended", "0/3", "", "3m2s", "pi", "perl:5.34.0", "<none>"),
          List.of("parallel", "Running", "0/1 of 3", "40s", "3m2s", "pi", "perl:5.34.0", "<none>"),
          List.of("defaults", "Running", "0/1", "", "3m2s", "pi", "perl:5.34.0", "<none>"),
          List.of("terminating", "Terminating", "0/2", "2m", "3m2s", "pi", "perl:5.34.0",
                   "<none>"),
          List.of("failuretarget", "FailureTarget", "0/1", "2m", "3m2s", "pi", "perl:5.34.0",
                   "<none>"),
          List.of("criteriamet", "SuccessCriteriaMet", "4/4", "3h", "3m2s", "pi", "perl:5.34.0",
                   "<none>"),
          List.of("complete-false", "Running", "0/1", "2d", "3m2s", "pi", "perl:5.34.0", "<none>"),
          List.of("bad-selector", "Running", "0/1", "", "3m2s", "pi", "perl:5.34.0", "<error>")),
          rows("batch", "v1", "Job", """
          [{"metadata":{"name":"pi","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{"job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"completions":1,"parallelism":1,"selector":{
             "matchLabels":{
             "batch.kubernetes.io/controller-uid":"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"}},
             "completionMode":"NonIndexed","suspend":false},
            "status":{"conditions":[{"type":"SuccessCriteriaMet","status":"True",
             "lastProbeTime":"2025-06-01T11:58:00Z","lastTransitionTime":"2025-06-01T11:58:00Z"},{
             "type":"Complete","status":"True","lastProbeTime":"2025-06-01T11:58:00Z",
             "lastTransitionTime":"2025-06-01T11:58:00Z"}],"startTime":"2025-06-01T11:57:00Z",
             "completionTime":"2025-06-01T11:57:59Z","succeeded":1,"terminating":0,"ready":0}},
           {"metadata":{"name":"running","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"completions":5,"parallelism":2,"selector":{
             "matchLabels":{
             "batch.kubernetes.io/controller-uid":"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"}}},
            "status":{"startTime":"2025-06-01T11:58:30Z","active":2,"succeeded":2,"ready":2}},
           {"metadata":{"name":"failed","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":0,"completions":1,"parallelism":1},
            "status":{"conditions":[{"type":"FailureTarget","status":"True"},{"type":"Failed",
             "status":"True","reason":"BackoffLimitExceeded"}],"startTime":"2025-06-01T11:57:00Z",
             "failed":1}},
           {"metadata":{"name":"suspended","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"completions":3,"parallelism":1,
             "suspend":true},
            "status":{"conditions":[{"type":"Suspended","status":"True"}]}},
           {"metadata":{"name":"parallel","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"parallelism":3},
            "status":{"startTime":"2025-06-01T11:59:20Z","active":3}},
           {"metadata":{"name":"defaults","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6},
            "status":{}},
           {"metadata":{"name":"terminating","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"},
             "deletionTimestamp":"2025-06-01T11:59:59Z","finalizers":["foregroundDeletion"]},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"completions":2,"parallelism":1},
            "status":{"startTime":"2025-06-01T11:58:00Z","active":1}},
           {"metadata":{"name":"failuretarget","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"completions":1,"parallelism":1},
            "status":{"conditions":[{"type":"FailureTarget","status":"True"}],
             "startTime":"2025-06-01T11:58:00Z"}},
           {"metadata":{"name":"criteriamet","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"completions":4,"parallelism":4},
            "status":{"conditions":[{"type":"SuccessCriteriaMet","status":"True"}],
             "startTime":"2025-06-01T09:00:00Z","succeeded":4}},
           {"metadata":{"name":"complete-false","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"completions":1,"parallelism":1},
            "status":{"conditions":[{"type":"Complete","status":"False"},{"type":"Complete",
             "status":"True"}],"startTime":"2025-05-29T12:00:00Z",
             "completionTime":"2025-05-31T12:00:00Z"}},
           {"metadata":{"name":"bad-selector","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},
            "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"selector":{"matchExpressions":[{"key":"a",
             "operator":"Exists","values":["x"]}]}},
            "status":{}}]
          """));
    }

    @Test
    @DisplayName("a CronJob: schedule, time zone, suspension, active jobs, last schedule")
    void cronJobs() {
      assertEquals(List.of(
          List.of("hello", "*/5 * * * *", "<none>", "False", 1L, "60s", "3m2s", "pi",
                   "perl:5.34.0", "<none>"),
          List.of("nightly", "0 3 * * *", "Europe/Berlin", "True", 0L, "<none>", "3m2s", "pi",
                   "perl:5.34.0", "app=backup"),
          List.of("fresh", "@hourly", "<none>", "False", 0L, "<none>", "3m2s", "pi",
                   "perl:5.34.0", "<none>")),
          rows("batch", "v1", "CronJob", """
          [{"metadata":{"name":"hello","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","generation":1},
            "spec":{"schedule":"*/5 * * * *","concurrencyPolicy":"Allow","suspend":false,
             "jobTemplate":{"metadata":{},"spec":{"template":{"metadata":{"labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},"spec":{"containers":[{
             "name":"pi","image":"perl:5.34.0"}],"restartPolicy":"Never"}},"backoffLimit":6}},
             "successfulJobsHistoryLimit":3,"failedJobsHistoryLimit":1},
            "status":{"active":[{"kind":"Job","namespace":"default","name":"hello-29145600",
             "uid":"x","apiVersion":"batch/v1","resourceVersion":"1"}],
             "lastScheduleTime":"2025-06-01T11:59:00Z",
             "lastSuccessfulTime":"2025-06-01T11:55:00Z"}},
           {"metadata":{"name":"nightly","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"schedule":"0 3 * * *","timeZone":"Europe/Berlin","suspend":true,"jobTemplate":{
             "spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/job-name":"pi",
             "job-name":"pi"}},"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
             "restartPolicy":"Never"}},"backoffLimit":6,"selector":{"matchLabels":{
             "app":"backup"}}}}},
            "status":{}},
           {"metadata":{"name":"fresh","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"schedule":"@hourly","jobTemplate":{"spec":{"template":{"metadata":{"labels":{
             "batch.kubernetes.io/job-name":"pi","job-name":"pi"}},"spec":{"containers":[{
             "name":"pi","image":"perl:5.34.0"}],"restartPolicy":"Never"}},"backoffLimit":6}}}}]
          """));
    }

    @Test
    @DisplayName("a PodDisruptionBudget shows integers or percentages, N/A when unset")
    void podDisruptionBudgets() {
      assertEquals(List.of(
          List.of("web", "2", "N/A", 1L, "3m2s"),
          List.of("percent", "N/A", "25%", 0L, "3m2s"),
          List.of("both", "50%", "0", 0L, "3m2s"),
          List.of("neither", "N/A", "N/A", 0L, "3m2s")),
          rows("policy", "v1", "PodDisruptionBudget", """
          [{"metadata":{"name":"web","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","generation":1},
            "spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"web"}}},
            "status":{"observedGeneration":1,"disruptionsAllowed":1,"currentHealthy":3,
             "desiredHealthy":2,"expectedPods":3}},
           {"metadata":{"name":"percent","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"maxUnavailable":"25%","selector":{"matchLabels":{"app":"db"}},
             "unhealthyPodEvictionPolicy":"AlwaysAllow"},
            "status":{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,
             "expectedPods":0}},
           {"metadata":{"name":"both","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"minAvailable":"50%","maxUnavailable":0}},
           {"metadata":{"name":"neither","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{}}]
          """));
    }
  }

  @Nested
  @DisplayName("HorizontalPodAutoscaler")
  class Autoscaling {
    @Test
    @DisplayName("autoscaling/v2: each metric current/target, two at most, CPU at 80% by default")
    void autoscalersV2() {
      assertEquals(List.of(
          List.of("web", "Deployment/web", "cpu: 42%/50%", "2", 10L, 3L, "3m2s"),
          List.of("nostatus", "StatefulSet/db", "cpu: <unknown>/80%", "1", 5L, 0L, "3m2s"),
          List.of("memory", "Deployment/web", "memory: 314572800/512Mi", "1", 4L, 1L, "3m2s"),
          List.of("many", "Deployment/web", "1500m/1k, 12k/10k + 2 more...", "1", 20L, 4L, "3m2s"),
          List.of("pods-unknown", "Deployment/web", "<unknown>/100, <unknown>/2 (avg)", "1", 3L,
                   0L, "3m2s"),
          List.of("external", "Deployment/web", "90/100, 1500m/2 (avg)", "1", 3L, 2L, "3m2s"),
          List.of("container", "Deployment/web", "cpu: 55%/60%, memory: 700Mi/1Gi", "1", 3L, 2L,
                   "3m2s"),
          List.of("auto", "Deployment/web", "cpu: <unknown>/<auto>, cpu: <unknown>/<auto>", "1",
                   3L, 1L, "3m2s"),
          List.of("three", "Deployment/web", "cpu: 12%/80%, memory: 90%/75% + 1 more...", "3", 9L,
                   3L, "3m2s")),
          rows("autoscaling", "v2", "HorizontalPodAutoscaler", """
          [{"metadata":{"name":"web","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "minReplicas":2,"maxReplicas":10,"metrics":[{"type":"Resource","resource":{
             "name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]},
            "status":{"currentReplicas":3,"desiredReplicas":3,"currentMetrics":[{"type":"Resource",
             "resource":{"name":"cpu","current":{"averageValue":"250m","averageUtilization":42}}}],
             "conditions":[]}},
           {"metadata":{"name":"nostatus","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"StatefulSet","name":"db","apiVersion":"apps/v1"},
             "maxReplicas":5}},
           {"metadata":{"name":"memory","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "minReplicas":1,"maxReplicas":4,"metrics":[{"type":"Resource","resource":{
             "name":"memory","target":{"type":"AverageValue","averageValue":"512Mi"}}}]},
            "status":{"currentReplicas":1,"desiredReplicas":1,"currentMetrics":[{"type":"Resource",
             "resource":{"name":"memory","current":{"averageValue":"314572800"}}}]}},
           {"metadata":{"name":"many","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "minReplicas":1,"maxReplicas":20,"metrics":[{"type":"Pods","pods":{"metric":{
             "name":"packets-per-second"},"target":{"type":"AverageValue","averageValue":"1k"}}},{
             "type":"Object","object":{"metric":{"name":"requests-per-second"},"describedObject":{
             "apiVersion":"networking.k8s.io/v1","kind":"Ingress","name":"main-route"},"target":{
             "type":"Value","value":"10k"}}},{"type":"External","external":{"metric":{
             "name":"queue_messages_ready","selector":{"matchLabels":{"queue":"worker_tasks"}}},
             "target":{"type":"AverageValue","averageValue":"30"}}},{"type":"Resource","resource":{
             "name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]},
            "status":{"currentReplicas":4,"desiredReplicas":5,"currentMetrics":[{"type":"Pods",
             "pods":{"metric":{"name":"packets-per-second"},"current":{"averageValue":"1500m"}}},{
             "type":"Object","object":{"metric":{"name":"requests-per-second"},"describedObject":{
             "apiVersion":"networking.k8s.io/v1","kind":"Ingress","name":"main-route"},"current":{
             "value":"12k"}}}]}},
           {"metadata":{"name":"pods-unknown","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "maxReplicas":3,"metrics":[{"type":"Pods","pods":{"metric":{"name":"x"},"target":{
             "type":"AverageValue","averageValue":"100"}}},{"type":"Object","object":{"metric":{
             "name":"y"},"describedObject":{"kind":"Service","name":"s","apiVersion":"v1"},
             "target":{"type":"AverageValue","averageValue":"2"}}}]},
            "status":{"currentReplicas":0,"desiredReplicas":0}},
           {"metadata":{"name":"external","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "maxReplicas":3,"metrics":[{"type":"External","external":{"metric":{"name":"q"},
             "target":{"type":"Value","value":"100"}}},{"type":"Object","object":{"metric":{
             "name":"y"},"describedObject":{"kind":"Service","name":"s","apiVersion":"v1"},
             "target":{"type":"AverageValue","averageValue":"2"}}}]},
            "status":{"currentReplicas":2,"desiredReplicas":2,"currentMetrics":[{"type":"External",
             "external":{"metric":{"name":"q"},"current":{"value":"90"}}},{"type":"Object",
             "object":{"metric":{"name":"y"},"describedObject":{"kind":"Service","name":"s",
             "apiVersion":"v1"},"current":{"averageValue":"1500m"}}}]}},
           {"metadata":{"name":"container","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "maxReplicas":3,"metrics":[{"type":"ContainerResource","containerResource":{
             "name":"cpu","container":"app","target":{"type":"Utilization",
             "averageUtilization":60}}},{"type":"ContainerResource","containerResource":{
             "name":"memory","container":"app","target":{"type":"AverageValue",
             "averageValue":"1Gi"}}}]},
            "status":{"currentReplicas":2,"desiredReplicas":2,"currentMetrics":[{
             "type":"ContainerResource","containerResource":{"name":"cpu","container":"app",
             "current":{"averageUtilization":55,"averageValue":"110m"}}},{
             "type":"ContainerResource","containerResource":{"name":"memory","container":"app",
             "current":{"averageValue":"700Mi"}}}]}},
           {"metadata":{"name":"auto","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "maxReplicas":3,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{
             "type":"Utilization"}}},{"type":"ContainerResource","containerResource":{"name":"cpu",
             "container":"app","target":{"type":"Utilization"}}}]},
            "status":{"currentReplicas":1,"desiredReplicas":1,"currentMetrics":[{"type":"Resource",
             "resource":{"name":"cpu","current":{"averageValue":"1"}}}]}},
           {"metadata":{"name":"three","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "minReplicas":3,"maxReplicas":9,"metrics":[{"type":"Resource","resource":{"name":"cpu",
             "target":{"type":"Utilization","averageUtilization":80}}},{"type":"Resource",
             "resource":{"name":"memory","target":{"type":"Utilization","averageUtilization":75}}},{
             "type":"Resource","resource":{"name":"ephemeral-storage","target":{
             "type":"AverageValue","averageValue":"2G"}}}]},
            "status":{"currentReplicas":3,"desiredReplicas":3,"currentMetrics":[{"type":"Resource",
             "resource":{"name":"cpu","current":{"averageUtilization":12,"averageValue":"12m"}}},{
             "type":"Resource","resource":{"name":"memory","current":{"averageUtilization":90,
             "averageValue":"900Mi"}}}]}}]
          """));
    }

    @Test
    @DisplayName("autoscaling/v1: the CPU target, 80% by default")
    void autoscalersV1() {
      assertEquals(List.of(
          List.of("web", "Deployment/web", "cpu: 42%/50%", "2", 10L, 3L, "3m2s"),
          List.of("default-cpu", "ReplicaSet/rs", "cpu: 7%/80%", "1", 4L, 1L, "3m2s"),
          List.of("none", "Deployment/web", "cpu: <unknown>/80%", "1", 4L, 0L, "3m2s")),
          rows("autoscaling", "v1", "HorizontalPodAutoscaler", """
          [{"metadata":{"name":"web","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "minReplicas":2,"maxReplicas":10,"targetCPUUtilizationPercentage":50},
            "status":{"currentReplicas":3,"desiredReplicas":3,
             "currentCPUUtilizationPercentage":42}},
           {"metadata":{"name":"default-cpu","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"ReplicaSet","name":"rs"},"maxReplicas":4},
            "status":{"currentReplicas":1,"desiredReplicas":1,"currentCPUUtilizationPercentage":7}},
           {"metadata":{"name":"none","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "minReplicas":1,"maxReplicas":4}}]
          """));
    }
  }

  @Nested
  @DisplayName("Ingress, IngressClass, IPAddress, NetworkPolicy, ServiceCIDR")
  class Networking {
    @Test
    @DisplayName("an Ingress shows its class, up to three hosts, its sorted addresses and ports")
    void ingresses() {
      assertEquals(List.of(
          List.of("web", "nginx", "web.example.com", "172.18.0.2", "80", "3m2s"),
          List.of("tls", "<none>", "a.example.com,b.example.com,c.example.com",
                   "10.0.0.10,10.0.0.9,lb-1234.elb.amazonaws.com", "80, 443", "3m2s"),
          List.of("many", "", "a,b,c + 2 more...", "", "80", "3m2s"),
          List.of("default-backend", "<none>", "*", "", "80", "3m2s"),
          List.of("hostless", "<none>", "*", "", "80", "3m2s")),
          rows("networking.k8s.io", "v1", "Ingress", """
          [{"metadata":{"name":"web","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","generation":1},
            "spec":{"ingressClassName":"nginx","rules":[{"host":"web.example.com","http":{"paths":[{
             "path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{
             "number":80}}}}]}}]},
            "status":{"loadBalancer":{"ingress":[{"ip":"172.18.0.2"}]}}},
           {"metadata":{"name":"tls","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"tls":[{"hosts":["a.example.com"],"secretName":"a-tls"}],"rules":[{
             "host":"a.example.com"},{},{"host":"b.example.com"},{"host":"c.example.com"}]},
            "status":{"loadBalancer":{"ingress":[{"hostname":"lb-1234.elb.amazonaws.com"},{
             "ip":"10.0.0.9"},{"ip":"10.0.0.10"},{"ip":"10.0.0.9"},{}]}}},
           {"metadata":{"name":"many","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"ingressClassName":"","rules":[{"host":"a"},{"host":"b"},{"host":"c"},{
             "host":"d"},{"host":"e"}]},
            "status":{"loadBalancer":{}}},
           {"metadata":{"name":"default-backend","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"defaultBackend":{"service":{"name":"fallback","port":{"name":"http"}}}},
            "status":{}},
           {"metadata":{"name":"hostless","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"rules":[{"http":{"paths":[]}}]}}]
          """));
    }

    @Test
    @DisplayName("an IngressClass shows its controller and parameters as kind.group/name")
    void ingressClasses() {
      assertEquals(List.of(
          List.of("nginx", "k8s.io/ingress-nginx", "<none>", "3m2s"),
          List.of("external-lb", "example.com/ingress-controller",
                   "IngressParameters.k8s.example.com/external-lb", "3m2s"),
          List.of("core-params", "example.com/c", "ConfigMap/params", "3m2s"),
          List.of("empty", "", "<none>", "3m2s")),
          rows("networking.k8s.io", "v1", "IngressClass", """
          [{"metadata":{"name":"nginx","creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "ingressclass.kubernetes.io/is-default-class":"true"}},
            "spec":{"controller":"k8s.io/ingress-nginx"}},
           {"metadata":{"name":"external-lb","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"controller":"example.com/ingress-controller","parameters":{
             "apiGroup":"k8s.example.com","kind":"IngressParameters","name":"external-lb",
             "scope":"Cluster"}}},
           {"metadata":{"name":"core-params","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"controller":"example.com/c","parameters":{"kind":"ConfigMap","name":"params",
             "namespace":"ingress","scope":"Namespace"}}},
           {"metadata":{"name":"empty","creationTimestamp":"2025-06-01T11:56:58Z"},"spec":{}}]
          """));
    }

    @Test
    @DisplayName("an IPAddress: its parent, and an age it has no column for")
    void ipAddresses() {
      assertEquals(List.of(
          List.of("10.96.0.1", "services/default/kubernetes", "3m2s"),
          List.of("10.96.0.10", "gateways.gateway.networking.k8s.io/infra/main", "3m2s"),
          List.of("fd00::1", "nodes/kind-worker", "3m2s"),
          List.of("10.96.0.99", "<none>", "3m2s")),
          rows("networking.k8s.io", "v1", "IPAddress", """
          [{"metadata":{"name":"10.96.0.1","creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "ipaddress.kubernetes.io/ip-family":"IPv4",
             "ipaddress.kubernetes.io/managed-by":"ipallocator.k8s.io"}},
            "spec":{"parentRef":{"group":"","resource":"services","namespace":"default",
             "name":"kubernetes"}}},
           {"metadata":{"name":"10.96.0.10","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"parentRef":{"group":"Gateway.Networking.k8s.io","resource":"Gateways",
             "namespace":"infra","name":"main"}}},
           {"metadata":{"name":"fd00::1","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"parentRef":{"resource":"nodes","name":"kind-worker"}}},
           {"metadata":{"name":"10.96.0.99","creationTimestamp":"2025-06-01T11:56:58Z"},"spec":{}}]
          """));
    }

    @Test
    @DisplayName("a NetworkPolicy shows its pod selector")
    void networkPolicies() {
      assertEquals(List.of(
          List.of("default-deny", "<none>", "3m2s"),
          List.of("allow-web", "app=web,env notin (dev),role=frontend", "3m2s"),
          List.of("no-selector", "<none>", "3m2s"),
          List.of("bad", "<error>", "3m2s")),
          rows("networking.k8s.io", "v1", "NetworkPolicy", """
          [{"metadata":{"name":"default-deny","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","generation":1},
            "spec":{"podSelector":{},"policyTypes":["Ingress"]}},
           {"metadata":{"name":"allow-web","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"podSelector":{"matchLabels":{"app":"web","role":"frontend"},
             "matchExpressions":[{"key":"env","operator":"NotIn","values":["dev"]}]},"ingress":[{
             "from":[{"podSelector":{}}]}],"policyTypes":["Ingress"]}},
           {"metadata":{"name":"no-selector","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{}},
           {"metadata":{"name":"bad","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"podSelector":{"matchExpressions":[{"key":"x","operator":"Bogus"}]}}}]
          """));
    }

    @Test
    @DisplayName("a ServiceCIDR lists its CIDRs")
    void serviceCidrs() {
      assertEquals(List.of(
          List.of("kubernetes", "10.96.0.0/16", "30d"),
          List.of("dual", "10.100.0.0/16,fd00:10:100::/112", "3m2s"),
          List.of("empty", "", "3m2s")),
          rows("networking.k8s.io", "v1", "ServiceCIDR", """
          [{"metadata":{"name":"kubernetes","creationTimestamp":"2025-05-02T12:00:00Z","labels":{
             "networking.k8s.io/service-cidr":"kubernetes"},"finalizers":[
             "networking.k8s.io/service-cidr-finalizer"]},
            "spec":{"cidrs":["10.96.0.0/16"]},
            "status":{"conditions":[{"type":"Ready","status":"True",
             "lastTransitionTime":"2025-05-02T12:00:00Z","reason":"",
             "message":"Kubernetes Service CIDR is ready"}]}},
           {"metadata":{"name":"dual","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"cidrs":["10.100.0.0/16","fd00:10:100::/112"]}},
           {"metadata":{"name":"empty","creationTimestamp":"2025-06-01T11:56:58Z"},"spec":{}}]
          """));
    }
  }

  @Nested
  @DisplayName("RBAC bindings, CertificateSigningRequest, admission")
  class Access {
    @Test
    @DisplayName("a ClusterRoleBinding: its role, and its subjects by kind when wide")
    void clusterRoleBindings() {
      assertEquals(List.of(
          List.of("cluster-admin", "ClusterRole/cluster-admin", "40d", "", "system:masters", ""),
          List.of("mixed", "ClusterRole/view", "3m2s", "alice, bob", "devs, ops",
                   "ci/robot, ci/builder"),
          List.of("nobody", "ClusterRole/edit", "3m2s", "", "", "")),
          rows("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", """
          [{"metadata":{"name":"cluster-admin","creationTimestamp":"2025-04-22T12:00:00Z","labels":{
             "kubernetes.io/bootstrapping":"rbac-defaults"},"annotations":{
             "rbac.authorization.kubernetes.io/autoupdate":"true"}},
            "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",
             "name":"cluster-admin"},
            "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group",
             "name":"system:masters"}]},
           {"metadata":{"name":"mixed","creationTimestamp":"2025-06-01T11:56:58Z"},
            "roleRef":{"kind":"ClusterRole","name":"view"},
            "subjects":[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"robot",
             "namespace":"ci"},{"kind":"User","name":"bob"},{"kind":"Group","name":"devs"},{
             "kind":"Group","name":"ops"},{"kind":"ServiceAccount","name":"builder",
             "namespace":"ci"}]},
           {"metadata":{"name":"nobody","creationTimestamp":"2025-06-01T11:56:58Z"},
            "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}}]
          """));
    }

    @Test
    @DisplayName("a RoleBinding names service accounts namespace/name")
    void roleBindings() {
      assertEquals(List.of(
          List.of("read-pods", "Role/pod-reader", "3m2s", "jane", "", ""),
          List.of("deployer", "ClusterRole/edit", "3m2s", "", "system:serviceaccounts:apps",
                   "apps/default, /helm")),
          rows("rbac.authorization.k8s.io", "v1", "RoleBinding", """
          [{"metadata":{"name":"read-pods","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-reader"},
            "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"jane"}]},
           {"metadata":{"name":"deployer","namespace":"apps",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},
            "subjects":[{"kind":"ServiceAccount","name":"default","namespace":"apps"},{
             "kind":"ServiceAccount","name":"helm"},{"kind":"Group",
             "name":"system:serviceaccounts:apps"}]}]
          """));
    }

    @Test
    @DisplayName("a CertificateSigningRequest: denial outranks approval; failure and issue add up")
    void certificateSigningRequests() {
      assertEquals(List.of(
          List.of("csr-8x7kq", "3m2s", "kubernetes.io/kube-apiserver-client-kubelet",
                   "system:bootstrap:abcdef", "<none>", "Approved,Issued"),
          List.of("alice", "3m2s", "kubernetes.io/kube-apiserver-client", "kubernetes-admin",
                   "24h", "Pending"),
          List.of("denied", "3m2s", "example.com/signer", "bob", "60m", "Denied,Failed"),
          List.of("failed", "3m2s", "example.com/signer", "carol", "10m",
                   "Approved,Failed,Issued"),
          List.of("nosigner", "3m2s", "<none>", "", "90d", "Pending,Issued"),
          List.of("short", "3m2s", "x/y", "", "45s", "Pending")),
          rows("certificates.k8s.io", "v1", "CertificateSigningRequest", """
          [{"metadata":{"name":"csr-8x7kq","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"request":"LS0t","signerName":"kubernetes.io/kube-apiserver-client-kubelet",
             "usages":["digital signature","client auth"],"username":"system:bootstrap:abcdef",
             "groups":["system:bootstrappers","system:authenticated"]},
            "status":{"conditions":[{"type":"Approved","status":"True","reason":"AutoApproved",
             "message":"Auto approving kubelet client certificate after SubjectAccessReview.",
             "lastUpdateTime":"2025-06-01T11:57:00Z","lastTransitionTime":"2025-06-01T11:57:00Z"}],
             "certificate":"LS0tLS1CRUdJTg=="}},
           {"metadata":{"name":"alice","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"request":"LS0t","signerName":"kubernetes.io/kube-apiserver-client",
             "expirationSeconds":86400,"usages":["client auth"],"username":"kubernetes-admin"},
            "status":{}},
           {"metadata":{"name":"denied","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"request":"LS0t","signerName":"example.com/signer","expirationSeconds":3600,
             "username":"bob"},
            "status":{"conditions":[{"type":"Approved","status":"True"},{"type":"Denied",
             "status":"True"},{"type":"Failed","status":"True"}]}},
           {"metadata":{"name":"failed","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"request":"LS0t","signerName":"example.com/signer","expirationSeconds":600,
             "username":"carol"},
            "status":{"conditions":[{"type":"Approved","status":"True"},{"type":"Failed",
             "status":"True"}],"certificate":"QUJD"}},
           {"metadata":{"name":"nosigner","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"request":"LS0t","expirationSeconds":7776000},
            "status":{"certificate":"QUJD"}},
           {"metadata":{"name":"short","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"request":"LS0t","signerName":"x/y","expirationSeconds":45}}]
          """));
    }

    @Test
    @DisplayName("a MutatingWebhookConfiguration counts its webhooks")
    void mutatingWebhooks() {
      assertEquals(List.of(
          List.of("istio-sidecar-injector", 3L, "3m2s"),
          List.of("empty", 0L, "3m2s")),
          rows("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", """
          [{"metadata":{"name":"istio-sidecar-injector","creationTimestamp":"2025-06-01T11:56:58Z",
             "generation":3},
            "webhooks":[{"name":"a.sidecar-injector.istio.io","clientConfig":{"service":{
             "namespace":"x","name":"y","path":"/","port":443}},"rules":[],"failurePolicy":"Fail",
             "sideEffects":"None","admissionReviewVersions":["v1"]},{
             "name":"b.sidecar-injector.istio.io","clientConfig":{"service":{"namespace":"x",
             "name":"y","path":"/","port":443}},"rules":[],"failurePolicy":"Fail",
             "sideEffects":"None","admissionReviewVersions":["v1"]},{"name":"c","clientConfig":{
             "service":{"namespace":"x","name":"y","path":"/","port":443}},"rules":[],
             "failurePolicy":"Fail","sideEffects":"None","admissionReviewVersions":["v1"]}]},
           {"metadata":{"name":"empty","creationTimestamp":"2025-06-01T11:56:58Z"}}]
          """));
    }

    @Test
    @DisplayName("a ValidatingWebhookConfiguration counts its webhooks")
    void validatingWebhooks() {
      assertEquals(List.of(
          List.of("cert-manager-webhook", 1L, "3m2s"),
          List.of("none", 0L, "3m2s")),
          rows("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", """
          [{"metadata":{"name":"cert-manager-webhook","creationTimestamp":"2025-06-01T11:56:58Z"},
            "webhooks":[{"name":"webhook.cert-manager.io","clientConfig":{"service":{
             "namespace":"x","name":"y","path":"/","port":443}},"rules":[],"failurePolicy":"Fail",
             "sideEffects":"None","admissionReviewVersions":["v1"]}]},
           {"metadata":{"name":"none","creationTimestamp":"2025-06-01T11:56:58Z"},"webhooks":[]}]
          """));
    }

    @Test
    @DisplayName("a ValidatingAdmissionPolicy counts its validations and shows its param kind")
    void admissionPolicies() {
      assertEquals(List.of(
          List.of("replica-limit", 2L, "rules.example.com/v1/ReplicaLimit", "3m2s"),
          List.of("no-params", 1L, "<unset>", "3m2s"),
          List.of("core-params", 0L, "v1/ConfigMap", "3m2s"),
          List.of("empty-kind", 0L, "/", "3m2s")),
          rows("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", """
          [{"metadata":{"name":"replica-limit","creationTimestamp":"2025-06-01T11:56:58Z",
             "generation":1},
            "spec":{"paramKind":{"apiVersion":"rules.example.com/v1","kind":"ReplicaLimit"},
             "matchConstraints":{"resourceRules":[]},"validations":[{
             "expression":"object.spec.replicas <= params.maxReplicas"},{"expression":"true"}],
             "failurePolicy":"Fail"},
            "status":{"observedGeneration":1,"typeChecking":{}}},
           {"metadata":{"name":"no-params","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"validations":[{"expression":"true"}]}},
           {"metadata":{"name":"core-params","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"paramKind":{"apiVersion":"v1","kind":"ConfigMap"}}},
           {"metadata":{"name":"empty-kind","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"paramKind":{}}}]
          """));
    }

    @Test
    @DisplayName("a ValidatingAdmissionPolicyBinding: param by name, or its selector's Go struct")
    void admissionPolicyBindings() {
      assertEquals(List.of(
          List.of("replica-limit-test", "replica-limit", "default/replica-limit-test.example.com",
                   "3m2s"),
          List.of("any-ns", "replica-limit", "*/limits", "3m2s"),
          List.of("by-selector", "p",
                   "&LabelSelector{MatchLabels:map[string]string{app: web,env: p" +
                  "rod,},MatchExpressions:[]LabelSelectorRequirement{LabelSelec" +
                  "torRequirement{Key:tier,Operator:In,Values:[a b],},LabelSele" +
                  "ctorRequirement{Key:x,Operator:Exists,Values:[],},},}", "3m2s"),
          List.of("empty-selector", "p",
                   "&LabelSelector{MatchLabels:map[string]string{},MatchExpressi" +
                  "ons:[]LabelSelectorRequirement{},}", "3m2s"),
          List.of("no-param", "p", "<unset>", "3m2s"),
          List.of("neither", "p", "<unset>", "3m2s")),
          rows("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", """
          [{"metadata":{"name":"replica-limit-test","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"policyName":"replica-limit","validationActions":["Deny"],"paramRef":{
             "name":"replica-limit-test.example.com","namespace":"default",
             "parameterNotFoundAction":"Deny"}}},
           {"metadata":{"name":"any-ns","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"policyName":"replica-limit","validationActions":["Warn"],"paramRef":{
             "name":"limits","parameterNotFoundAction":"Allow"}}},
           {"metadata":{"name":"by-selector","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"policyName":"p","validationActions":["Audit"],"paramRef":{"selector":{
             "matchLabels":{"env":"prod","app":"web"},"matchExpressions":[{"key":"tier",
             "operator":"In","values":["a","b"]},{"key":"x","operator":"Exists"}]},
             "parameterNotFoundAction":"Deny"}}},
           {"metadata":{"name":"empty-selector","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"policyName":"p","validationActions":["Deny"],"paramRef":{"selector":{},
             "parameterNotFoundAction":"Deny"}}},
           {"metadata":{"name":"no-param","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"policyName":"p","validationActions":["Deny"]}},
           {"metadata":{"name":"neither","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"policyName":"p","validationActions":["Deny"],"paramRef":{"namespace":"ns",
             "parameterNotFoundAction":"Deny"}}}]
          """));
    }
  }

  @Nested
  @DisplayName("StorageClass, CSIDriver, CSINode, VolumeAttachment, VolumeAttributesClass")
  class StorageDrivers {
    @Test
    @DisplayName("a StorageClass marks the default class; policy and binding mode defaulted")
    void storageClasses() {
      assertEquals(List.of(
          List.of("standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer",
                   false, "3m2s"),
          List.of("gp3 (default)", "ebs.csi.aws.com", "Retain", "Immediate", true, "3m2s"),
          List.of("defaults", "kubernetes.io/no-provisioner", "Delete", "Immediate", false,
                   "3m2s"),
          List.of("no-expansion", "x", "Delete", "Immediate", false, "3m2s")),
          rows("storage.k8s.io", "v1", "StorageClass", """
          [{"metadata":{"name":"standard","creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "storageclass.kubernetes.io/is-default-class":"true"}},
            "provisioner":"rancher.io/local-path",
            "reclaimPolicy":"Delete",
            "volumeBindingMode":"WaitForFirstConsumer"},
           {"metadata":{"name":"gp3","creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "storageclass.beta.kubernetes.io/is-default-class":"true"}},
            "provisioner":"ebs.csi.aws.com",
            "parameters":{"type":"gp3"},
            "reclaimPolicy":"Retain",
            "allowVolumeExpansion":true,
            "volumeBindingMode":"Immediate"},
           {"metadata":{"name":"defaults","creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "storageclass.kubernetes.io/is-default-class":"True"}},
            "provisioner":"kubernetes.io/no-provisioner"},
           {"metadata":{"name":"no-expansion","creationTimestamp":"2025-06-01T11:56:58Z"},
            "provisioner":"x",
            "allowVolumeExpansion":false}]
          """));
    }

    @Test
    @DisplayName("a CSIDriver's flags print as booleans, token audiences unset or listed")
    void csiDrivers() {
      assertEquals(List.of(
          List.of("ebs.csi.aws.com", true, false, false, "<unset>", false, "Persistent", "3m2s"),
          List.of("secrets-store.csi.k8s.io", false, true, true, "vault,", true,
                   "Ephemeral,Persistent", "3m2s"),
          List.of("defaults.example.com", true, false, false, "<unset>", false, "Persistent",
                   "3m2s"),
          List.of("empty-tokens.example.com", true, false, false, "", false, "Persistent", "3m2s")),
          rows("storage.k8s.io", "v1", "CSIDriver", """
          [{"metadata":{"name":"ebs.csi.aws.com","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"attachRequired":true,"podInfoOnMount":false,"volumeLifecycleModes":[
             "Persistent"],"fsGroupPolicy":"ReadWriteOnceWithFSType","requiresRepublish":false,
             "storageCapacity":false,"seLinuxMount":false}},
           {"metadata":{"name":"secrets-store.csi.k8s.io",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"attachRequired":false,"podInfoOnMount":true,"volumeLifecycleModes":[
             "Ephemeral","Persistent"],"tokenRequests":[{"audience":"vault"},{"audience":"",
             "expirationSeconds":600}],"requiresRepublish":true,"storageCapacity":true}},
           {"metadata":{"name":"defaults.example.com","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{}},
           {"metadata":{"name":"empty-tokens.example.com",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"tokenRequests":[]}}]
          """));
    }

    @Test
    @DisplayName("a CSINode counts its drivers")
    void csiNodes() {
      assertEquals(List.of(
          List.of("kind-worker", 2L, "3m2s"),
          List.of("kind-control-plane", 0L, "3m2s")),
          rows("storage.k8s.io", "v1", "CSINode", """
          [{"metadata":{"name":"kind-worker","creationTimestamp":"2025-06-01T11:56:58Z",
             "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"kind-worker","uid":"u"}]},
            "spec":{"drivers":[{"name":"ebs.csi.aws.com","nodeID":"i-1","topologyKeys":[
             "topology.ebs.csi.aws.com/zone"]},{"name":"efs.csi.aws.com","nodeID":"i-1"}]}},
           {"metadata":{"name":"kind-control-plane","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"drivers":null}}]
          """));
    }

    @Test
    @DisplayName("a VolumeAttachment shows attacher, volume, node and whether attached")
    void volumeAttachments() {
      assertEquals(List.of(
          List.of("csi-0a1b2c3d4e5f", "ebs.csi.aws.com", "pvc-6f1c2d3e", "kind-worker", true,
                   "3m2s"),
          List.of("csi-inline", "x.example.com", "", "kind-worker2", false, "3m2s"),
          List.of("csi-nostatus", "x.example.com", "pv-1", "n", false, "3m2s")),
          rows("storage.k8s.io", "v1", "VolumeAttachment", """
          [{"metadata":{"name":"csi-0a1b2c3d4e5f","creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"csi.alpha.kubernetes.io/node-id":"i-1"},"finalizers":[
             "external-attacher/ebs-csi-aws-com"]},
            "spec":{"attacher":"ebs.csi.aws.com","source":{"persistentVolumeName":"pvc-6f1c2d3e"},
             "nodeName":"kind-worker"},
            "status":{"attached":true,"attachmentMetadata":{"devicePath":"/dev/xvdaa"}}},
           {"metadata":{"name":"csi-inline","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"attacher":"x.example.com","source":{"inlineVolumeSpec":{"csi":{"driver":"x",
             "volumeHandle":"h"}}},"nodeName":"kind-worker2"},
            "status":{"attached":false}},
           {"metadata":{"name":"csi-nostatus","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"attacher":"x.example.com","source":{"persistentVolumeName":"pv-1"},
             "nodeName":"n"}}]
          """));
    }

    @Test
    @DisplayName("a VolumeAttributesClass shows its driver")
    void volumeAttributesClasses() {
      assertEquals(List.of(
          List.of("gold", "pd.csi.storage.gke.io", "3m2s")),
          rows("storage.k8s.io", "v1", "VolumeAttributesClass", """
          [{"metadata":{"name":"gold","creationTimestamp":"2025-06-01T11:56:58Z"},
            "driverName":"pd.csi.storage.gke.io",
            "parameters":{"iops":"4000"}}]
          """));
    }
  }

  @Nested
  @DisplayName("scheduling, leases, runtime classes, devices, priority and fairness, APIService")
  class ControlPlane {
    @Test
    @DisplayName("a PriorityClass shows value, global default and preemption policy")
    void priorityClasses() {
      assertEquals(List.of(
          List.of("system-cluster-critical", 2000000000L, false, "40d", "PreemptLowerPriority"),
          List.of("high", 1000000L, true, "3m2s", "Never"),
          List.of("low", -10L, false, "3m2s", "PreemptLowerPriority")),
          rows("scheduling.k8s.io", "v1", "PriorityClass", """
          [{"metadata":{"name":"system-cluster-critical",
             "creationTimestamp":"2025-04-22T12:00:00Z"},
            "value":2000000000,
            "preemptionPolicy":"PreemptLowerPriority"},
           {"metadata":{"name":"high","creationTimestamp":"2025-06-01T11:56:58Z"},
            "value":1000000,
            "globalDefault":true,
            "preemptionPolicy":"Never"},
           {"metadata":{"name":"low","creationTimestamp":"2025-06-01T11:56:58Z"},"value":-10}]
          """));
    }

    @Test
    @DisplayName("a Lease shows its holder")
    void leases() {
      assertEquals(List.of(
          List.of("kube-controller-manager",
                   "kind-control-plane_8f7e6d5c-4b3a-4c2d-9e1f-0a1b2c3d4e5f", "3m2s"),
          List.of("kind-worker", "kind-worker", "3m2s"),
          List.of("released", "", "3m2s")),
          rows("coordination.k8s.io", "v1", "Lease", """
          [{"metadata":{"name":"kube-controller-manager","namespace":"kube-system",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"holderIdentity":"kind-control-plane_8f7e6d5c-4b3a-4c2d-9e1f-0a1b2c3d4e5f",
             "leaseDurationSeconds":15,"acquireTime":"2025-06-01T11:57:00.000000Z",
             "renewTime":"2025-06-01T11:59:58.000000Z","leaseTransitions":0}},
           {"metadata":{"name":"kind-worker","namespace":"kube-node-lease",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"holderIdentity":"kind-worker","leaseDurationSeconds":40,
             "renewTime":"2025-06-01T11:59:55.000000Z"}},
           {"metadata":{"name":"released","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{}}]
          """));
    }

    @Test
    @DisplayName("a RuntimeClass shows its handler")
    void runtimeClasses() {
      assertEquals(List.of(
          List.of("gvisor", "runsc", "3m2s"),
          List.of("kata", "kata-qemu", "3m2s")),
          rows("node.k8s.io", "v1", "RuntimeClass", """
          [{"metadata":{"name":"gvisor","creationTimestamp":"2025-06-01T11:56:58Z"},
            "handler":"runsc"},
           {"metadata":{"name":"kata","creationTimestamp":"2025-06-01T11:56:58Z"},
            "handler":"kata-qemu",
            "overhead":{"podFixed":{"memory":"160Mi","cpu":"250m"}},
            "scheduling":{"nodeSelector":{"kata":"true"}}}]
          """));
    }

    @Test
    @DisplayName("a DeviceClass shows only name and age")
    void deviceClasses() {
      assertEquals(List.of(
          List.of("gpu.example.com", "3m2s")),
          rows("resource.k8s.io", "v1", "DeviceClass", """
          [{"metadata":{"name":"gpu.example.com","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"selectors":[{"cel":{"expression":"device.driver == 'gpu.example.com'"}}]}}]
          """));
    }

    @Test
    @DisplayName("a ResourceClaimTemplate shows only name and age")
    void resourceClaimTemplates() {
      assertEquals(List.of(
          List.of("gpu-template", "3m2s")),
          rows("resource.k8s.io", "v1", "ResourceClaimTemplate", """
          [{"metadata":{"name":"gpu-template","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"spec":{"devices":{"requests":[{"name":"gpu","exactly":{
             "deviceClassName":"gpu.example.com"}}]}}}}]
          """));
    }

    @Test
    @DisplayName("a ResourceClaim summarises its state: deleted, pending, allocated, reserved")
    void resourceClaims() {
      assertEquals(List.of(
          List.of("gpu-claim", "pending", "3m2s"),
          List.of("allocated", "allocated", "3m2s"),
          List.of("reserved", "allocated,reserved", "3m2s"),
          List.of("deleted", "deleted", "3m2s"),
          List.of("deleted-allocated", "deleted,allocated,reserved", "3m2s")),
          rows("resource.k8s.io", "v1", "ResourceClaim", """
          [{"metadata":{"name":"gpu-claim","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"devices":{"requests":[{"name":"gpu","exactly":{
             "deviceClassName":"gpu.example.com","allocationMode":"ExactCount","count":1}}]}}},
           {"metadata":{"name":"allocated","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"devices":{}},
            "status":{"allocation":{"devices":{"results":[{"request":"gpu",
             "driver":"gpu.example.com","pool":"kind-worker","device":"gpu-0"}]}}}},
           {"metadata":{"name":"reserved","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"devices":{}},
            "status":{"allocation":{"devices":{}},"reservedFor":[{"resource":"pods","name":"p",
             "uid":"u"}]}},
           {"metadata":{"name":"deleted","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","deletionTimestamp":"2025-06-01T11:59:57Z",
             "finalizers":["resource.kubernetes.io/delete-protection"]},
            "spec":{"devices":{}}},
           {"metadata":{"name":"deleted-allocated","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","deletionTimestamp":"2025-06-01T11:59:57Z",
             "finalizers":["resource.kubernetes.io/delete-protection"]},
            "spec":{"devices":{}},
            "status":{"allocation":{},"reservedFor":[{"resource":"pods","name":"p","uid":"u"}]}}]
          """));
    }

    @Test
    @DisplayName("a ResourceSlice shows node, driver and pool")
    void resourceSlices() {
      assertEquals(List.of(
          List.of("kind-worker-gpu.example.com-x7k2p", "kind-worker", "gpu.example.com",
                   "kind-worker", "3m2s"),
          List.of("network-attached", "", "nas.example.com", "rack-1", "3m2s")),
          rows("resource.k8s.io", "v1", "ResourceSlice", """
          [{"metadata":{"name":"kind-worker-gpu.example.com-x7k2p",
             "creationTimestamp":"2025-06-01T11:56:58Z",
             "generateName":"kind-worker-gpu.example.com-"},
            "spec":{"driver":"gpu.example.com","pool":{"name":"kind-worker","generation":1,
             "resourceSliceCount":1},"nodeName":"kind-worker","devices":[{"name":"gpu-0"}]}},
           {"metadata":{"name":"network-attached","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"driver":"nas.example.com","pool":{"name":"rack-1","generation":2,
             "resourceSliceCount":1},"allNodes":true}}]
          """));
    }

    @Test
    @DisplayName("FlowSchemas list in matching order, precedence defaulted to 1000")
    void flowSchemas() {
      assertEquals(List.of(
          List.of("exempt", "exempt", 1L, "<none>", "3m2s", "False"),
          List.of("probes", "exempt", 2L, "<none>", "3m2s", "False"),
          List.of("system-leader-election", "leader-election", 100L, "ByUser", "3m2s", "False"),
          List.of("workload-leader-election", "leader-election", 200L, "ByUser", "3m2s", "False"),
          List.of("broken", "missing-level", 1000L, "ByNamespace", "3m2s", "True"),
          List.of("alpha-same", "x", 9000L, "<none>", "3m2s", "Unknown"),
          List.of("service-accounts", "workload-low", 9000L, "ByUser", "3m2s", "?"),
          List.of("global-default", "global-default", 9900L, "ByUser", "3m2s", "False"),
          List.of("catch-all", "catch-all", 10000L, "ByUser", "3m2s", "False")),
          rows("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", """
          [{"metadata":{"name":"global-default","creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"global-default"},"rules":[],
             "matchingPrecedence":9900,"distinguisherMethod":{"type":"ByUser"}},
            "status":{"conditions":[{"type":"Dangling","status":"False",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Found",
             "message":"references global-default"}]}},
           {"metadata":{"name":"exempt","creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"exempt"},"rules":[],
             "matchingPrecedence":1},
            "status":{"conditions":[{"type":"Dangling","status":"False",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Found",
             "message":"references exempt"}]}},
           {"metadata":{"name":"workload-leader-election",
             "creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"leader-election"},"rules":[],
             "matchingPrecedence":200,"distinguisherMethod":{"type":"ByUser"}},
            "status":{"conditions":[{"type":"Dangling","status":"False",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Found",
             "message":"references leader-election"}]}},
           {"metadata":{"name":"probes","creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"exempt"},"rules":[],
             "matchingPrecedence":2},
            "status":{"conditions":[{"type":"Dangling","status":"False",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Found",
             "message":"references exempt"}]}},
           {"metadata":{"name":"system-leader-election","creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"leader-election"},"rules":[],
             "matchingPrecedence":100,"distinguisherMethod":{"type":"ByUser"}},
            "status":{"conditions":[{"type":"Dangling","status":"False",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Found",
             "message":"references leader-election"}]}},
           {"metadata":{"name":"catch-all","creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"catch-all"},"rules":[],
             "matchingPrecedence":10000,"distinguisherMethod":{"type":"ByUser"}},
            "status":{"conditions":[{"type":"Dangling","status":"False",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Found",
             "message":"references catch-all"}]}},
           {"metadata":{"name":"service-accounts","creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"workload-low"},"rules":[],
             "matchingPrecedence":9000,"distinguisherMethod":{"type":"ByUser"}},
            "status":{"conditions":[]}},
           {"metadata":{"name":"broken","creationTimestamp":"2025-06-01T11:56:58Z","annotations":{
             "apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"missing-level"},"rules":[],
             "distinguisherMethod":{"type":"ByNamespace"}},
            "status":{"conditions":[{"type":"Dangling","status":"True",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Found",
             "message":"references missing-level"}]}},
           {"metadata":{"name":"alpha-same","creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"apf.kubernetes.io/autoupdate-spec":"true"}},
            "spec":{"priorityLevelConfiguration":{"name":"x"},"rules":[],"matchingPrecedence":9000},
            "status":{"conditions":[{"type":"Dangling","status":"Unknown",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Found",
             "message":"references x"}]}}]
          """));
    }

    @Test
    @DisplayName("a PriorityLevelConfiguration: shares and queuing, with defaults")
    void priorityLevels() {
      assertEquals(List.of(
          List.of("exempt", "Exempt", "<none>", "<none>", "<none>", "<none>", "3m2s"),
          List.of("workload-low", "Limited", 100L, 128L, 6L, 50L, "3m2s"),
          List.of("catch-all", "Limited", 5L, "<none>", "<none>", "<none>", "3m2s"),
          List.of("defaults", "Limited", 30L, 64L, 8L, 50L, "3m2s"),
          List.of("queue-no-config", "Limited", 0L, "<none>", "<none>", "<none>", "3m2s")),
          rows("flowcontrol.apiserver.k8s.io", "v1", "PriorityLevelConfiguration", """
          [{"metadata":{"name":"exempt","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"type":"Exempt","exempt":{"nominalConcurrencyShares":0,"lendablePercent":0}},
            "status":{}},
           {"metadata":{"name":"workload-low","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"type":"Limited","limited":{"nominalConcurrencyShares":100,"limitResponse":{
             "type":"Queue","queuing":{"queues":128,"handSize":6,"queueLengthLimit":50}},
             "lendablePercent":90}}},
           {"metadata":{"name":"catch-all","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"type":"Limited","limited":{"nominalConcurrencyShares":5,"limitResponse":{
             "type":"Reject"},"lendablePercent":0}}},
           {"metadata":{"name":"defaults","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"type":"Limited","limited":{"limitResponse":{"type":"Queue","queuing":{}}}}},
           {"metadata":{"name":"queue-no-config","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"type":"Limited","limited":{"nominalConcurrencyShares":0,"limitResponse":{
             "type":"Queue"}}}}]
          """));
    }

    @Test
    @DisplayName("an APIService shows its service, or Local, and availability with the reason")
    void apiServices() {
      assertEquals(List.of(
          List.of("v1.apps", "Local", "True", "3m2s"),
          List.of("v1beta1.metrics.k8s.io", "kube-system/metrics-server",
                   "False (MissingEndpoints)", "3m2s"),
          List.of("v1.custom.example.com", "ext/api", "Unknown", "3m2s"),
          List.of("v2.custom.example.com", "Local", "False", "3m2s"),
          List.of("v3.custom.example.com", "Local", "Unknown (Pending)", "3m2s")),
          rows("apiregistration.k8s.io", "v1", "APIService", """
          [{"metadata":{"name":"v1.apps","creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "kube-aggregator.kubernetes.io/automanaged":"onstart"}},
            "spec":{"group":"apps","version":"v1","groupPriorityMinimum":17800,
             "versionPriority":15},
            "status":{"conditions":[{"type":"Available","status":"True",
             "lastTransitionTime":"2025-05-31T12:00:00Z","reason":"Local",
             "message":"Local APIServices are always available"}]}},
           {"metadata":{"name":"v1beta1.metrics.k8s.io","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"service":{"namespace":"kube-system","name":"metrics-server","port":443},
             "group":"metrics.k8s.io","version":"v1beta1","insecureSkipTLSVerify":true,
             "groupPriorityMinimum":100,"versionPriority":100},
            "status":{"conditions":[{"type":"Available","status":"False",
             "lastTransitionTime":"2025-06-01T11:59:00Z","reason":"MissingEndpoints",
             "message":"endpoints for service/metrics-server have no addresses"}]}},
           {"metadata":{"name":"v1.custom.example.com","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"service":{"namespace":"ext","name":"api"},"group":"custom.example.com",
             "version":"v1","groupPriorityMinimum":1000,"versionPriority":15},
            "status":{}},
           {"metadata":{"name":"v2.custom.example.com","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"group":"custom.example.com","version":"v2","groupPriorityMinimum":1000,
             "versionPriority":15},
            "status":{"conditions":[{"type":"Available","status":"False"}]}},
           {"metadata":{"name":"v3.custom.example.com","creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"group":"custom.example.com","version":"v3","groupPriorityMinimum":1000,
             "versionPriority":15},
            "status":{"conditions":[{"type":"Available","status":"Unknown","reason":"Pending"}]}}]
          """));
    }

    @Test
    @DisplayName("a ComponentStatus shows its Healthy condition")
    void componentStatuses() {
      assertEquals(List.of(
          List.of("scheduler", "Healthy", "ok", ""),
          List.of("etcd-0", "Healthy", "{\"health\":\"true\",\"reason\":\"\"}", ""),
          List.of("controller-manager", "Unhealthy", "",
                   "Get \"https://127.0.0.1:10257/healthz\": connection refused"),
          List.of("nothing", "Unknown", "", ""),
          List.of("second", "Unhealthy", "m", "e")),
          rows("", "v1", "ComponentStatus", """
          [{"metadata":{"name":"scheduler"},
            "conditions":[{"type":"Healthy","status":"True","message":"ok"}]},
           {"metadata":{"name":"etcd-0"},
            "conditions":[{"type":"Healthy","status":"True",
             "message":"{\\"health\\":\\"true\\",\\"reason\\":\\"\\"}"}]},
           {"metadata":{"name":"controller-manager"},
            "conditions":[{"type":"Healthy","status":"False",
             "error":"Get \\"https://127.0.0.1:10257/healthz\\": connection refused"}]},
           {"metadata":{"name":"nothing"}},
           {"metadata":{"name":"second","creationTimestamp":"2025-06-01T11:59:00Z"},
            "conditions":[{"type":"Other","status":"True","message":"x"},{"type":"Healthy",
             "status":"Unknown","message":"m","error":"e"}]}]
          """));
    }
  }

  @Nested
  @DisplayName("kinds whose registries print the default table, though printers exist")
  class DefaultTables {
    @Test
    @DisplayName("a Role shows its name and creation time only")
    void roles() {
      assertEquals(List.of(
          List.of("pod-reader", "2025-06-01T11:56:58Z"),
          List.of("old", "2023-03-24T12:00:00Z")),
          rows("rbac.authorization.k8s.io", "v1", "Role", """
          [{"metadata":{"name":"pod-reader","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","watch","list"]}]},
           {"metadata":{"name":"old","namespace":"default",
             "creationTimestamp":"2023-03-24T12:00:00Z"},
            "rules":[]}]
          """));
    }

    @Test
    @DisplayName("a ClusterRole shows its name and creation time only")
    void clusterRoles() {
      assertEquals(List.of(
          List.of("view", "2025-06-01T11:56:58Z")),
          rows("rbac.authorization.k8s.io", "v1", "ClusterRole", """
          [{"metadata":{"name":"view","creationTimestamp":"2025-06-01T11:56:58Z","labels":{
             "kubernetes.io/bootstrapping":"rbac-defaults"}},
            "aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{
             "rbac.authorization.k8s.io/aggregate-to-view":"true"}}]},
            "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list","watch"]}]}]
          """));
    }

    @Test
    @DisplayName("a LimitRange shows its name and creation time only")
    void limitRanges() {
      assertEquals(List.of(
          List.of("cpu-limit-range", "2025-06-01T11:56:58Z"),
          List.of("nocreation", "0001-01-01T00:00:00Z")),
          rows("", "v1", "LimitRange", """
          [{"metadata":{"name":"cpu-limit-range","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"limits":[{"type":"Container","default":{"cpu":"1"},"defaultRequest":{
             "cpu":"500m"}}]}},
           {"metadata":{"name":"nocreation","namespace":"default"},"spec":{"limits":[]}}]
          """));
    }

    @Test
    @DisplayName("a CSIStorageCapacity shows its name and creation time only")
    void csiStorageCapacities() {
      assertEquals(List.of(
          List.of("csisc-7zq2l", "2025-06-01T11:56:58Z")),
          rows("storage.k8s.io", "v1", "CSIStorageCapacity", """
          [{"metadata":{"name":"csisc-7zq2l","namespace":"kube-system",
             "creationTimestamp":"2025-06-01T11:56:58Z","generateName":"csisc-"},
            "storageClassName":"standard",
            "capacity":"100Gi",
            "nodeTopology":{"matchLabels":{"topology.kubernetes.io/zone":"a"}}}]
          """));
    }

    @Test
    @DisplayName("a CustomResourceDefinition shows its name and creation time only")
    void customResourceDefinitions() {
      assertEquals(List.of(
          List.of("crontabs.stable.example.com", "2025-06-01T11:56:58Z")),
          rows("apiextensions.k8s.io", "v1", "CustomResourceDefinition", """
          [{"metadata":{"name":"crontabs.stable.example.com",
             "creationTimestamp":"2025-06-01T11:56:58Z"},
            "spec":{"group":"stable.example.com","names":{"plural":"crontabs","singular":"crontab",
             "kind":"CronTab","listKind":"CronTabList"},"scope":"Namespaced","versions":[{
             "name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{
             "type":"object"}}}]}}]
          """));
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

  @Nested
  @DisplayName("what decoding into the internal type changes")
  class Conversion {
    @Test
    @DisplayName("autoscaling/v1 reads the other metrics back from the annotations conversion uses")
    void autoscalerAnnotations() {
      ObjectNode annotated = json("""
          {"metadata":{"name":"annotated","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","annotations":{"kept":"yes"}},
           "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":1,
             "maxReplicas":8,"targetCPUUtilizationPercentage":60},
           "status":{"currentReplicas":2,"desiredReplicas":2,
             "currentCPUUtilizationPercentage":30}}""");
      ((ObjectNode) annotated.path("metadata").path("annotations"))
          .put("autoscaling.alpha.kubernetes.io/metrics", """
              [{"type":"Pods","pods":{"metricName":"packets-per-second","targetAverageValue":"1k"}},
               {"type":"Resource","resource":{"name":"memory","targetAverageValue":"256Mi"}}]""")
          .put("autoscaling.alpha.kubernetes.io/current-metrics", """
              [{"type":"Pods",
                "pods":{"metricName":"packets-per-second","currentAverageValue":"900"}},
               {"type":"Resource","resource":{"name":"memory","currentAverageValue":"200Mi"}}]""");
      ObjectNode external = json("""
          {"metadata":{"name":"external","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z","annotations":{}},
           "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":8},
           "status":{"currentReplicas":2,"desiredReplicas":2}}""");
      ((ObjectNode) external.path("metadata").path("annotations"))
          .put("autoscaling.alpha.kubernetes.io/metrics", """
              [{"type":"External","external":{"metricName":"queue","targetValue":"30"}},
               {"type":"Object","object":{"target":{"kind":"Service","name":"s"},"metricName":"rps",
                 "targetValue":"1k","averageValue":"100"}}]""");
      ObjectNode unreadable = json("""
          {"metadata":{"name":"unreadable","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"autoscaling.alpha.kubernetes.io/metrics":"not json",
               "autoscaling.alpha.kubernetes.io/current-metrics":"[]"}},
           "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":8},
           "status":{"currentReplicas":1,"desiredReplicas":1,
             "currentCPUUtilizationPercentage":15}}""");
      ObjectNode table = tables.table(type("autoscaling", "v1", "HorizontalPodAutoscaler"),
          List.of(annotated, external, unreadable), null, json("{}"), NOW);
      List<List<Object>> rows = new ArrayList<>();
      table.path("rows").forEach(row -> rows.add(cellsOf(row)));
      assertEquals(List.of(
          List.of("annotated", "Deployment/web", "900/1k, memory: 200Mi/256Mi + 1 more...", "1",
              8L, 2L, "3m2s"),
          List.of("external", "Deployment/web", "<unknown>/30, <unknown>/100 (avg)", "1", 8L, 2L,
              "3m2s"),
          List.of("unreadable", "Deployment/web", "cpu: <unknown>/80%", "1", 8L, 1L, "3m2s")),
          rows);
      // The row's metadata is the internal object's, which keeps those in fields instead.
      assertEquals(json("{\"kept\":\"yes\"}"),
          table.path("rows").path(0).path("object").path("metadata").path("annotations"));
      assertFalse(table.path("rows").path(2).path("object").path("metadata").has("annotations"));
      assertTrue(tables.table(type("autoscaling", "v1", "HorizontalPodAutoscaler"),
          List.of(annotated), "Object", null, NOW).path("rows").path(0).path("object")
          .path("metadata").path("annotations").has("autoscaling.alpha.kubernetes.io/metrics"),
          "the object itself is served as it is");
    }

    @Test
    @DisplayName("annotations apps/v1 converts into fields are not in a row's metadata")
    void appsAnnotations() {
      JsonNode daemonSet = tables.table(type("apps", "v1", "DaemonSet"), List.of(json("""
          {"metadata":{"name":"kube-proxy","namespace":"kube-system",
             "creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"deprecated.daemonset.template.generation":"3","owner":"sig-network"}},
           "spec":{"selector":{"matchLabels":{"k8s-app":"kube-proxy"}},
             "template":{"metadata":{"labels":{"k8s-app":"kube-proxy"}},
               "spec":{"containers":[{"name":"kube-proxy",
                 "image":"registry.k8s.io/kube-proxy:v1.34.4"}]}}}}""")), null, null, NOW)
          .path("rows").path(0);
      assertEquals(List.of("kube-proxy", 0L, 0L, 0L, 0L, 0L, "<none>", "3m2s", "kube-proxy",
          "registry.k8s.io/kube-proxy:v1.34.4", "k8s-app=kube-proxy"), cellsOf(daemonSet));
      assertEquals(json("{\"owner\":\"sig-network\"}"),
          daemonSet.path("object").path("metadata").path("annotations"));
      JsonNode deployment = tables.table(type("apps", "v1", "Deployment"), List.of(json("""
          {"metadata":{"name":"web","namespace":"default",
             "creationTimestamp":"2025-06-01T11:56:58Z",
             "annotations":{"deprecated.deployment.rollback.to":"2"}},
           "spec":{"selector":{"matchLabels":{"app":"web"}},
             "template":{"metadata":{"labels":{"app":"web"}},
               "spec":{"containers":[{"name":"web","image":"nginx"}]}}}}""")), null, null, NOW)
          .path("rows").path(0);
      assertFalse(deployment.path("object").path("metadata").has("annotations"));
    }
  }

  // --- quantities ---

  @ParameterizedTest(name = "{0} -> {1}, in a resource list {2}")
  @CsvSource(delimiter = '|', textBlock = """
      0                     | 0                   | 0
      00                    | 0                   | 0
      1                     | 1                   | 1
      1000                  | 1k                  | 1k
      1024                  | 1024                | 1024
      0.5                   | 500m                | 500m
      .5                    | 500m                | 500m
      1.                    | 1.                  | 1.
      1500m                 | 1500m               | 1500m
      0.125                 | 125m                | 125m
      1n                    | 1n                  | 1m
      0.0000001             | 100n                | 1m
      1000n                 | 1u                  | 1m
      1500u                 | 1500u               | 2m
      1000k                 | 1M                  | 1M
      1000000               | 1M                  | 1M
      1Ki                   | 1Ki                 | 1Ki
      1024Ki                | 1Mi                 | 1Mi
      1536Ki                | 1536Ki              | 1536Ki
      1.5Ki                 | 1536                | 1536
      0.1Ki                 | 102400m             | 102400m
      0.5Gi                 | 512Mi               | 512Mi
      1.5Gi                 | 1536Mi              | 1536Mi
      1024Mi                | 1Gi                 | 1Gi
      65536Ki               | 64Mi                | 64Mi
      010Gi                 | 010Gi               | 010Gi
      +1Gi                  | +1Gi                | +1Gi
      1000Mi                | 1000Mi              | 1000Mi
      1e3                   | 1e3                 | 1e3
      1E6                   | 1E6                 | 1E6
      1e-9                  | 1e-9                | 1e-3
      2.5M                  | 2500k               | 2500k
      10.50                 | 10500m              | 10500m
      -1.5                  | -1500m              | -1500m
      1234567890123456789   | 1234567890123456789 | 1234567890123456789
      7Ei                   | 7Ei                 | 7Ei
      8Ei                   | 9223372036854775807 | 9223372036854775807
      """)
  @DisplayName("quantities print as resource.Quantity's String() after decoding")
  void quantities(String served, String printed, String inResourceList) {
    assertEquals(printed, Tables.Quantity.format(TextNode.valueOf(served)));
    assertEquals(inResourceList, Tables.Quantity.resource(TextNode.valueOf(served)));
  }

  // --- every kind's columns ---

  /**
   * The columns of every kind the sandbox lists, as kube-apiserver 1.34.4 defines them: name,
   * {@code :type} when not a string, {@code @format}, {@code +} for the wide ones; and a digest
   * of their descriptions, which are long.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("everyKind")
  @DisplayName("every kind's columns are the real server's, descriptions included")
  void columnsOfEveryKind(String kind, String descriptionDigest, String expected) {
    String[] groupVersionKind = kind.split(" ");
    String groupVersion = groupVersionKind[0];
    String group = groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/'))
        : "";
    String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
    JsonNode columns = tables.table(type(group, version, groupVersionKind[1]), List.of(), null,
        json("{}"), NOW).path("columnDefinitions");
    List<String> shown = new ArrayList<>();
    StringBuilder descriptions = new StringBuilder();
    for (JsonNode column : columns) {
      String type = column.path("type").asText();
      String format = column.path("format").asText();
      shown.add((column.path("priority").asInt() == 1 ? "+" : "") + column.path("name").asText()
          + (type.equals("string") ? "" : ":" + type) + (format.isEmpty() ? "" : "@" + format));
      descriptions.append(descriptions.isEmpty() ? "" : "\n")
          .append(column.path("description").asText());
    }
    assertEquals(expected, String.join(", ", shown));
    assertEquals(descriptionDigest, sha256(descriptions.toString()).substring(0, 16),
        () -> "descriptions differ from the real server's:\n" + descriptions);
  }

  @Test
  @DisplayName("the kinds above are every kind the sandbox lists")
  void everyListedKindHasItsColumnsChecked() {
    List<String> checked = everyKind().map(arguments -> (String) arguments.get()[0]).toList();
    List<String> listed = resources.all().stream().filter(t -> t.supports("list"))
        .map(t -> t.groupVersion() + " " + t.kind()).sorted().toList();
    assertEquals(listed, checked.stream().sorted().toList());
  }

  static Stream<Arguments> everyKind() {
    return Stream.of(
        Arguments.of("admissionregistration.k8s.io/v1 MutatingWebhookConfiguration",
            "5158df1842d093d9",
            "Name@name, Webhooks:integer, Age"),
        Arguments.of("admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy",
            "feccf7c6430cdb79",
            "Name@name, Validations:integer, ParamKind, Age"),
        Arguments.of("admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding",
            "840deb1052a47664",
            "Name@name, PolicyName, ParamRef, Age"),
        Arguments.of("admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration",
            "5158df1842d093d9",
            "Name@name, Webhooks:integer, Age"),
        Arguments.of("apiextensions.k8s.io/v1 CustomResourceDefinition", "4ffa7df0b63b095b",
            "Name@name, Created At:date"),
        Arguments.of("apiregistration.k8s.io/v1 APIService", "fd68a62fbf00c2ea",
            "Name@name, Service, Available, Age"),
        Arguments.of("apps/v1 ControllerRevision", "bfe67ec54d2c0fcb",
            "Name@name, Controller, Revision, Age"),
        Arguments.of("apps/v1 DaemonSet", "254c7090b29dcc3f",
            "Name@name, Desired:integer, Current:integer, Ready:integer, Up-to-date:integer"
            + ", Available:integer, Node Selector, Age, +Containers, +Images, +Selector"),
        Arguments.of("apps/v1 Deployment", "7edfa20e79782f39",
            "Name@name, Ready, Up-to-date, Available, Age, +Containers, +Images, +Selector"),
        Arguments.of("apps/v1 ReplicaSet", "45b858271f136a2c",
            "Name@name, Desired:integer, Current:integer, Ready:integer, Age, +Containers"
            + ", +Images, +Selector"),
        Arguments.of("apps/v1 StatefulSet", "e280101133215d98",
            "Name@name, Ready, Age, +Containers, +Images"),
        Arguments.of("autoscaling/v1 HorizontalPodAutoscaler", "85e7414673688b7f",
            "Name@name, Reference, Targets, MinPods, MaxPods, Replicas, Age"),
        Arguments.of("autoscaling/v2 HorizontalPodAutoscaler", "85e7414673688b7f",
            "Name@name, Reference, Targets, MinPods, MaxPods, Replicas, Age"),
        Arguments.of("batch/v1 CronJob", "b2d8ad2ad85c7546",
            "Name@name, Schedule, Timezone, Suspend:boolean, Active:integer, Last Schedule"
            + ", Age, +Containers, +Images, +Selector"),
        Arguments.of("batch/v1 Job", "2e631d6711b51bcb",
            "Name@name, Status, Completions, Duration, Age, +Containers, +Images, +Selector"),
        Arguments.of("certificates.k8s.io/v1 CertificateSigningRequest", "e8a6849e2ba23428",
            "Name@name, Age, SignerName, Requestor, RequestedDuration, Condition"),
        Arguments.of("coordination.k8s.io/v1 Lease", "c5d41c7431f63f5b", "Name@name, Holder, Age"),
        Arguments.of("discovery.k8s.io/v1 EndpointSlice", "8b4c11d9207cabda",
            "Name@name, AddressType, Ports, Endpoints, Age"),
        Arguments.of("events.k8s.io/v1 Event", "f666a50752aa78b2",
            "Last Seen, Type, Reason, Object, +Subobject, +Source, Message, +First Seen"
            + ", +Count, +Name@name"),
        Arguments.of("flowcontrol.apiserver.k8s.io/v1 FlowSchema", "4d295d813745400a",
            "Name@name, PriorityLevel, MatchingPrecedence, DistinguisherMethod, Age"
            + ", MissingPL"),
        Arguments.of("flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration",
            "a117e3b0cc4a95a6",
            "Name@name, Type, NominalConcurrencyShares, Queues, HandSize, QueueLengthLimit"
            + ", Age"),
        Arguments.of("networking.k8s.io/v1 IPAddress", "91227219ce8d4cfd", "Name@name, ParentRef"),
        Arguments.of("networking.k8s.io/v1 Ingress", "21f8aac2d22fa600",
            "Name@name, Class, Hosts, Address, Ports, Age"),
        Arguments.of("networking.k8s.io/v1 IngressClass", "8ae7a7797a1f6ab4",
            "Name@name, Controller, Parameters, Age"),
        Arguments.of("networking.k8s.io/v1 NetworkPolicy", "10077c15bf7a351b",
            "Name@name, Pod-Selector, Age"),
        Arguments.of("networking.k8s.io/v1 ServiceCIDR", "9bae4d14aa1e2a31",
            "Name@name, CIDRs, Age"),
        Arguments.of("node.k8s.io/v1 RuntimeClass", "ac71738604e703ed", "Name@name, Handler, Age"),
        Arguments.of("policy/v1 PodDisruptionBudget", "264d3d28e07f94eb",
            "Name@name, Min Available, Max Unavailable, Allowed Disruptions:integer, Age"),
        Arguments.of("rbac.authorization.k8s.io/v1 ClusterRole", "4ffa7df0b63b095b",
            "Name@name, Created At:date"),
        Arguments.of("rbac.authorization.k8s.io/v1 ClusterRoleBinding", "151c06e5bac73c60",
            "Name@name, Role, Age, +Users, +Groups, +ServiceAccounts"),
        Arguments.of("rbac.authorization.k8s.io/v1 Role", "4ffa7df0b63b095b",
            "Name@name, Created At:date"),
        Arguments.of("rbac.authorization.k8s.io/v1 RoleBinding", "44ad9d9eb523de81",
            "Name@name, Role, Age, +Users, +Groups, +ServiceAccounts"),
        Arguments.of("resource.k8s.io/v1 DeviceClass", "4ffa7df0b63b095b", "Name@name, Age"),
        Arguments.of("resource.k8s.io/v1 ResourceClaim", "6eda52a1b127da5b",
            "Name@name, State, Age"),
        Arguments.of("resource.k8s.io/v1 ResourceClaimTemplate", "4ffa7df0b63b095b",
            "Name@name, Age"),
        Arguments.of("resource.k8s.io/v1 ResourceSlice", "73baad0ce93987c0",
            "Name@name, Node, Driver, Pool, Age"),
        Arguments.of("scheduling.k8s.io/v1 PriorityClass", "9463533b39033ca2",
            "Name@name, Value:integer, Global-Default:boolean, Age, PreemptionPolicy"),
        Arguments.of("storage.k8s.io/v1 CSIDriver", "9bac002b36753c28",
            "Name@name, AttachRequired:boolean, PodInfoOnMount:boolean"
            + ", StorageCapacity:boolean, TokenRequests, RequiresRepublish:boolean, Modes, Age"),
        Arguments.of("storage.k8s.io/v1 CSINode", "39556a5be5c83ad5",
            "Name@name, Drivers:integer, Age"),
        Arguments.of("storage.k8s.io/v1 CSIStorageCapacity", "4ffa7df0b63b095b",
            "Name@name, Created At:date"),
        Arguments.of("storage.k8s.io/v1 StorageClass", "4b293ea1431a226f",
            "Name@name, Provisioner, ReclaimPolicy, VolumeBindingMode, AllowVolumeExpansion"
            + ", Age"),
        Arguments.of("storage.k8s.io/v1 VolumeAttachment", "13fa9687548f001c",
            "Name@name, Attacher@name, PV, Node, Attached:boolean, Age"),
        Arguments.of("storage.k8s.io/v1 VolumeAttributesClass", "3becb5e9096c6e99",
            "Name@name, DriverName, Age"),
        Arguments.of("v1 ComponentStatus", "074839c5c5cb8e20", "Name@name, Status, Message, Error"),
        Arguments.of("v1 ConfigMap", "6c4f37f86770ae84", "Name@name, Data, Age"),
        Arguments.of("v1 Endpoints", "e0c5b935b2379005", "Name@name, Endpoints, Age"),
        Arguments.of("v1 Event", "f666a50752aa78b2",
            "Last Seen, Type, Reason, Object, +Subobject, +Source, Message, +First Seen"
            + ", +Count, +Name@name"),
        Arguments.of("v1 LimitRange", "4ffa7df0b63b095b", "Name@name, Created At:date"),
        Arguments.of("v1 Namespace", "a11969c5186f4510", "Name@name, Status, Age"),
        Arguments.of("v1 Node", "aeaf4e5b053a5e2b",
            "Name@name, Status, Roles, Age, Version, +Internal-IP, +External-IP, +OS-Image"
            + ", +Kernel-Version, +Container-Runtime"),
        Arguments.of("v1 PersistentVolume", "056221fa5ec745f1",
            "Name@name, Capacity, Access Modes, Reclaim Policy, Status, Claim, StorageClass"
            + ", VolumeAttributesClass, Reason, Age, +VolumeMode"),
        Arguments.of("v1 PersistentVolumeClaim", "3e040cc92aa8633b",
            "Name@name, Status, Volume, Capacity, Access Modes, StorageClass"
            + ", VolumeAttributesClass, Age, +VolumeMode"),
        Arguments.of("v1 Pod", "8c9e46f93c6c71dc",
            "Name@name, Ready, Status, Restarts, Age, +IP, +Node, +Nominated Node"
            + ", +Readiness Gates"),
        Arguments.of("v1 PodTemplate", "1c5a6cbec426d8c9",
            "Name@name, Containers, Images, Pod Labels"),
        Arguments.of("v1 ReplicationController", "dfd9bd0987581606",
            "Name@name, Desired:integer, Current:integer, Ready:integer, Age, +Containers"
            + ", +Images, +Selector"),
        Arguments.of("v1 ResourceQuota", "329a2f4d8c90e326", "Name@name, Request, Limit, Age"),
        Arguments.of("v1 Secret", "be055136f48662ff", "Name@name, Type, Data, Age"),
        Arguments.of("v1 Service", "7a287520fea4938b",
            "Name@name, Type, Cluster-IP, External-IP, Port(s), Age, +Selector"),
        Arguments.of("v1 ServiceAccount", "083ec7112b62b77b", "Name@name, Secrets, Age"));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
