package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The expected managedFields below are what kube-apiserver v1.34.4 answered to the same
 * requests (recorded against a real control plane, times replaced by this test's clock).
 */
class FieldManagerTest {
  private static final ApiResources RESOURCES = new ApiResources();
  private static final FieldManager FIELDS = new FieldManager(new OpenApi(RESOURCES));
  private static final ResourceType DEPLOYMENTS = type("apps", "deployments");
  private static final ResourceType CONFIGMAPS = type("", "configmaps");
  private static final ResourceType SERVICES = type("", "services");
  private static final ResourceType PODS = type("", "pods");
  private static final Instant T1 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2024-05-01T10:05:00Z");
  private static final Instant T3 = Instant.parse("2024-05-01T10:10:00Z");
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** What `kubectl create deployment web --image=nginx:1.27 --port=80` leaves in managedFields. */
  private static final String CREATED_BY_KUBECTL = """
      {"manager":"kubectl-create","operation":"Update","apiVersion":"apps/v1","time":"2024-05-01T10:00:00Z",
       "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
       "f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},
       "f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},
       "f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{
       "k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},
       "f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},
       "f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},
       "f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},
       "f:terminationGracePeriodSeconds":{}}}}}}""";

  @Test
  @DisplayName("a create gives the creator every field it set, defaults included, but not status or identity")
  void createRecordsTheCreatorsFields() {
    ObjectNode object = defaulted(webConfig(1, "nginx:1.27"));
    ((ObjectNode) object.get("metadata")).put("uid", "0b6c1e5e-2f64-4c1b-9d3c-6f1a2b3c4d5e")
        .put("resourceVersion", "17").put("generation", 1).put("creationTimestamp", "2024-05-01T10:00:00Z");
    ((ObjectNode) object.get("status")).put("replicas", 1);

    ObjectNode created = FIELDS.update(DEPLOYMENTS, null, object, "kubectl-create", null, T1);

    assertManagedFields("[" + CREATED_BY_KUBECTL + "]", created);
    assertEquals(1, created.at("/status/replicas").asInt());
  }

  @Test
  @DisplayName("kubectl apply --server-side with the values kubectl create set shares ownership without conflict")
  void serverSideApplyOfTheSameValuesSharesOwnership() {
    ObjectNode applied = FIELDS.apply(DEPLOYMENTS, createdByKubectl(), webConfig(1, "nginx:1.27"),
        "kubectl", false, null, T2);

    // The applier changed nothing, so the real server gives its entry no time.
    assertManagedFields("""
        [{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1",
          "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},
          "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{
          "k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},
          "f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}},
         """ + CREATED_BY_KUBECTL + "]", applied);
    assertEquals(1, applied.at("/spec/replicas").asInt());
  }

  @Test
  @DisplayName("applying values another manager set fails with the real 409 listing each conflict")
  void applyOverAnotherManagersValuesConflicts() {
    ObjectNode live = FIELDS.apply(DEPLOYMENTS, createdByKubectl(), webConfig(1, "nginx:1.27"),
        "kubectl", false, null, T2);

    ApiException e = assertThrows(ApiException.class, () -> FIELDS.apply(DEPLOYMENTS, live,
        webConfig(3, "nginx:1.28"), "kubectl", false, null, T3));

    assertEquals(409, e.code);
    assertEquals("Conflict", e.reason);
    assertEquals("""
        Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:
        - .spec.replicas
        - .spec.template.spec.containers[name="nginx"].image""", e.getMessage());
    assertJson("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"%s","reason":"Conflict",
         "details":{"causes":[
          {"reason":"FieldManagerConflict","message":"conflict with \\"kubectl-create\\" using apps/v1","field":".spec.replicas"},
          {"reason":"FieldManagerConflict","message":"conflict with \\"kubectl-create\\" using apps/v1",
           "field":".spec.template.spec.containers[name=\\"nginx\\"].image"}]},"code":409}"""
        .formatted(e.getMessage().replace("\"", "\\\"").replace("\n", "\\n")), e.status());
  }

  @Test
  @DisplayName("one conflict is reported on one line, naming the manager and the field")
  void singleConflictMessage() {
    ObjectNode live = FIELDS.apply(DEPLOYMENTS, createdByKubectl(), webConfig(1, "nginx:1.27"),
        "kubectl", false, null, T2);

    ApiException e = assertThrows(ApiException.class, () -> FIELDS.apply(DEPLOYMENTS, live,
        webConfig(3, "nginx:1.27"), "kubectl", false, null, T3));

    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-create\" using apps/v1: .spec.replicas",
        e.getMessage());
  }

  @Test
  @DisplayName("--force-conflicts moves the contested fields to the applier")
  void forceTakesOwnership() {
    ObjectNode live = FIELDS.apply(DEPLOYMENTS, createdByKubectl(), webConfig(1, "nginx:1.27"),
        "kubectl", false, null, T2);

    ObjectNode forced = FIELDS.apply(DEPLOYMENTS, live, webConfig(3, "nginx:1.28"), "kubectl", true, null, T3);

    assertManagedFields("""
        [{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2024-05-01T10:10:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},
          "f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{
          "k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},
          "f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}},
         {"manager":"kubectl-create","operation":"Update","apiVersion":"apps/v1","time":"2024-05-01T10:00:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
          "f:spec":{"f:progressDeadlineSeconds":{},"f:revisionHistoryLimit":{},"f:selector":{},
          "f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},
          "f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{
          "k:{\\"name\\":\\"nginx\\"}":{".":{},"f:imagePullPolicy":{},"f:name":{},
          "f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},
          "f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},
          "f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},
          "f:terminationGracePeriodSeconds":{}}}}}}]""", forced);
    assertEquals(3, forced.at("/spec/replicas").asInt());
    assertEquals("nginx:1.28", forced.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("IfNotPresent", forced.at("/spec/template/spec/containers/0/imagePullPolicy").asText());
  }

  @Test
  @DisplayName("kubectl takes over what client-side apply set when it still matches the last-applied annotation")
  void upgradeFromClientSideApply() {
    ObjectNode config = webConfig(2, "nginx:1.27");
    ObjectNode annotated = config.deepCopy();
    ObjectNode lastApplied = config.deepCopy();
    ((ObjectNode) lastApplied.get("metadata")).putObject("annotations");
    ((ObjectNode) lastApplied.get("metadata")).put("namespace", "default");
    ((ObjectNode) annotated.get("metadata")).putObject("annotations")
        .put(LAST_APPLIED, FieldSet.goJson(lastApplied) + "\n");
    ObjectNode live = FIELDS.update(DEPLOYMENTS, null, defaulted(annotated), "kubectl-client-side-apply", null, T1);

    ObjectNode changed = webConfig(5, "nginx:1.27");
    ObjectNode upgraded = FIELDS.apply(DEPLOYMENTS, live, changed, "kubectl", false, null, T2);

    assertEquals(5, upgraded.at("/spec/replicas").asInt());
    assertEquals(List.of("kubectl", "kubectl-client-side-apply"), managers(upgraded));
    assertFalse(fieldsOf(upgraded, "kubectl-client-side-apply").at("/f:spec").has("f:replicas"));
    assertTrue(fieldsOf(upgraded, "kubectl").at("/f:spec").has("f:replicas"));
    // The annotation follows the applied configuration, written as Go writes JSON.
    assertEquals("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"labels\":{\"app\":\"web\"},"
            + "\"name\":\"web\"},\"spec\":{\"replicas\":5,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"image\":"
            + "\"nginx:1.27\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]}]}}}}\n",
        upgraded.at("/metadata/annotations").get(LAST_APPLIED).asText());

    // A field client-side apply owns only through defaulting is not in the annotation: a real conflict.
    ObjectNode deadline = webConfig(5, "nginx:1.27");
    ((ObjectNode) deadline.get("spec")).put("progressDeadlineSeconds", 300);
    ApiException e = assertThrows(ApiException.class,
        () -> FIELDS.apply(DEPLOYMENTS, upgraded, deadline, "kubectl", false, null, T3));
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1:"
        + " .spec.progressDeadlineSeconds", e.getMessage());
    ObjectNode forced = FIELDS.apply(DEPLOYMENTS, upgraded, deadline, "kubectl", true, null, T3);
    assertEquals(300, forced.at("/spec/progressDeadlineSeconds").asInt());
  }

  @Test
  @DisplayName("only the kubectl manager gets the client-side apply upgrade")
  void otherAppliersConflictWithClientSideApply() {
    ObjectNode annotated = webConfig(2, "nginx:1.27");
    ObjectNode lastApplied = annotated.deepCopy();
    ((ObjectNode) annotated.get("metadata")).putObject("annotations")
        .put(LAST_APPLIED, FieldSet.goJson(lastApplied) + "\n");
    ObjectNode live = FIELDS.update(DEPLOYMENTS, null, defaulted(annotated), "kubectl-client-side-apply", null, T1);

    ApiException e = assertThrows(ApiException.class, () -> FIELDS.apply(DEPLOYMENTS, live,
        webConfig(5, "nginx:1.27"), "helm", false, null, T2));

    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1:"
        + " .spec.replicas", e.getMessage());
  }

  @Test
  @DisplayName("containers merge by name, ports by containerPort and protocol, env by name; dropped items are pruned")
  void listMapsMergeByKeyAndPrune() {
    ObjectNode first = json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
         "spec":{"containers":[
           {"name":"web","image":"nginx:1.27","ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}],
            "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
           {"name":"side","image":"busybox","args":["sleep","1"]}]}}}}""");
    ObjectNode byAlice = FIELDS.apply(DEPLOYMENTS, null, first, "alice", false, null, T1);
    ObjectNode second = json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"C","value":"3"},{"name":"A","value":"1"}]}]}}}}""");
    ObjectNode byBob = FIELDS.apply(DEPLOYMENTS, byAlice, second, "bob", false, null, T1);

    // Items the configuration names keep its order; the live item it leaves out follows them.
    assertEquals("[C, A, B]", names(byBob.at("/spec/template/spec/containers/0/env")));
    ObjectNode third = json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
         "spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":8080}],
          "env":[{"name":"B","value":"2"}]}]}}}}""");
    ObjectNode pruned = FIELDS.apply(DEPLOYMENTS, byBob, third, "alice", false, null, T2);

    // "side" and both old ports were only alice's; env A stays because bob applied it too.
    assertEquals("[web]", names(pruned.at("/spec/template/spec/containers")));
    assertEquals("[C, A, B]", names(pruned.at("/spec/template/spec/containers/0/env")));
    assertEquals("[{\"containerPort\":8080}]", Json.string(pruned.at("/spec/template/spec/containers/0/ports")));
    // Entries sort by operation, then time: bob's older apply comes first.
    assertManagedFields("""
        [{"manager":"bob","operation":"Apply","apiVersion":"apps/v1","time":"2024-05-01T10:00:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{
          "k:{\\"name\\":\\"web\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}},
          "k:{\\"name\\":\\"C\\"}":{".":{},"f:name":{},"f:value":{}}},"f:name":{}}}}}}}},
         {"manager":"alice","operation":"Apply","apiVersion":"apps/v1","time":"2024-05-01T10:05:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},
          "f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{
          "k:{\\"name\\":\\"web\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"B\\"}":{".":{},"f:name":{},"f:value":{}}},
          "f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}":{".":{},
          "f:containerPort":{}}}}}}}}}}]""", pruned);
  }

  @Test
  @DisplayName("an apply that creates the object owns exactly what it set; a port without protocol is keyed by the default TCP")
  void firstApplyOwnsWhatItSet() {
    ObjectNode created = FIELDS.apply(DEPLOYMENTS, null, json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
         "spec":{"containers":[
           {"name":"web","image":"nginx:1.27","ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}],
            "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
           {"name":"side","image":"busybox","args":["sleep","1"]}]}}}}"""), "alice", false, null, T1);

    assertManagedFields("""
        [{"manager":"alice","operation":"Apply","apiVersion":"apps/v1","time":"2024-05-01T10:00:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},
          "f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{
          "k:{\\"name\\":\\"side\\"}":{".":{},"f:args":{},"f:image":{},"f:name":{}},
          "k:{\\"name\\":\\"web\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}},
          "k:{\\"name\\":\\"B\\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},
          "f:ports":{"k:{\\"containerPort\\":53,\\"protocol\\":\\"UDP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}},
          "k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}}]""", created);
    assertEquals("apps/v1", created.get("apiVersion").asText());
    assertEquals("Deployment", created.get("kind").asText());
    assertFalse(created.toString().contains("null"), "the zero object's nulls are gone: " + created);
  }

  @Test
  @DisplayName("a ConfigMap key stays while any applier owns it, and a changed value conflicts with its owner")
  void configMapDataIsSharedBetweenAppliers() {
    ObjectNode live = FIELDS.apply(CONFIGMAPS, null, configMap("{\"a\":\"1\",\"b\":\"2\"}", "{\"team\":\"x\"}"),
        "alice", false, null, T1);
    live = FIELDS.apply(CONFIGMAPS, live, configMap("{\"b\":\"2\"}", null), "bob", false, null, T2);
    assertManagedFields("""
        [{"manager":"bob","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:b":{}}}},
         {"manager":"alice","operation":"Apply","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:data":{"f:a":{},"f:b":{}},"f:metadata":{"f:labels":{"f:team":{}}}}}]""", live);

    live = FIELDS.apply(CONFIGMAPS, live, configMap("{\"a\":\"1\"}", null), "alice", false, null, T2);
    assertEquals("{\"a\":\"1\",\"b\":\"2\"}", Json.string(live.get("data")));
    assertFalse(live.get("metadata").has("labels"));

    live = FIELDS.apply(CONFIGMAPS, live, configMap("{}", null), "bob", false, null, T3);
    assertEquals("{\"a\":\"1\"}", Json.string(live.get("data")));
    assertManagedFields("""
        [{"manager":"alice","operation":"Apply","apiVersion":"v1","time":"2024-05-01T10:05:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:data":{"f:a":{}}}},
         {"manager":"bob","operation":"Apply","apiVersion":"v1","time":"2024-05-01T10:10:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:data":{}}}]""", live);

    ObjectNode withB = FIELDS.apply(CONFIGMAPS, live, configMap("{\"b\":\"9\"}", null), "bob", false, null, T3);
    ApiException e = assertThrows(ApiException.class, () -> FIELDS.apply(CONFIGMAPS, withB,
        configMap("{\"a\":\"2\",\"b\":\"3\"}", null), "carol", false, null, T3));
    assertEquals("""
        Apply failed with 2 conflicts: conflicts with "alice":
        - .data.a
        conflicts with "bob":
        - .data.b""", e.getMessage());
  }

  @Test
  @DisplayName("updates take the fields they change from appliers; labels set by patches merge into one entry")
  void updatesTakeFieldsFromAppliers() {
    ObjectNode live = FIELDS.apply(CONFIGMAPS, null, configMap("{\"a\":\"1\",\"b\":\"2\"}", null), "alice", false, null, T1);
    ObjectNode edited = live.deepCopy();
    ((ObjectNode) edited.get("data")).put("a", "changed").put("z", "new");
    live = FIELDS.update(CONFIGMAPS, live, edited, "kubectl-edit", null, T2);
    ObjectNode labelled = live.deepCopy();
    Json.with((ObjectNode) labelled.get("metadata"), "labels").put("env", "prod");
    live = FIELDS.update(CONFIGMAPS, live, labelled, "kubectl-label", null, T2);
    labelled = live.deepCopy();
    Json.with((ObjectNode) labelled.get("metadata"), "labels").put("tier", "web");
    live = FIELDS.update(CONFIGMAPS, live, labelled, "kubectl-label", null, T3);

    assertManagedFields("""
        [{"manager":"alice","operation":"Apply","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:data":{"f:b":{}}}},
         {"manager":"kubectl-edit","operation":"Update","apiVersion":"v1","time":"2024-05-01T10:05:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{},"f:z":{}}}},
         {"manager":"kubectl-label","operation":"Update","apiVersion":"v1","time":"2024-05-01T10:10:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:env":{},"f:tier":{}}}}}]""", live);

    ObjectNode removed = live.deepCopy();
    ((ObjectNode) removed.get("data")).remove("b");
    live = FIELDS.update(CONFIGMAPS, live, removed, "kubectl-edit", null, T3);
    assertEquals(List.of("kubectl-edit", "kubectl-label"), managers(live));

    ObjectNode finalLive = live;
    ApiException e = assertThrows(ApiException.class, () -> FIELDS.apply(CONFIGMAPS, finalLive,
        configMap("{\"a\":\"1\",\"b\":\"2\"}", null), "alice", false, null, T3));
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.a", e.getMessage());
  }

  @Test
  @DisplayName("an update that changes nothing records nothing and keeps every time")
  void noOpUpdateChangesNothing() {
    ObjectNode live = createdByKubectl();

    ObjectNode same = FIELDS.update(DEPLOYMENTS, live, live.deepCopy(), "someone", null, T2);

    assertEquals(live.get("metadata").get("managedFields"), same.get("metadata").get("managedFields"));
  }

  @Test
  @DisplayName("status writes are tracked under subresource status; status changes through the main resource are not")
  void statusIsTrackedOnTheStatusSubresourceOnly() {
    ObjectNode live = createdByKubectl();
    ObjectNode withStatus = live.deepCopy();
    withStatus.set("status", json("""
        {"replicas":1,"observedGeneration":1,"conditions":[{"type":"Available","status":"True","reason":"X",
         "message":"m","lastUpdateTime":"2024-01-01T00:00:00Z","lastTransitionTime":"2024-01-01T00:00:00Z"}]}"""));
    withStatus.withObjectProperty("metadata").withArray("managedFields").removeAll().addObject(); // ignored on subresources
    live = FIELDS.update(DEPLOYMENTS, live, withStatus, "kube-controller-manager", "status", T2);
    ObjectNode both = live.deepCopy();
    ((ObjectNode) both.get("status")).put("replicas", 5);
    ((ObjectNode) both.get("spec")).put("replicas", 2);
    live = FIELDS.update(DEPLOYMENTS, live, both, "someone", null, T3);

    assertManagedFields("""
        [{"manager":"kubectl-create","operation":"Update","apiVersion":"apps/v1","time":"2024-05-01T10:00:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
          "f:spec":{"f:progressDeadlineSeconds":{},"f:revisionHistoryLimit":{},"f:selector":{},
          "f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},
          "f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{
          "k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},
          "f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},
          "f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},
          "f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},
          "f:terminationGracePeriodSeconds":{}}}}}},
         {"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","time":"2024-05-01T10:05:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{".":{},"k:{\\"type\\":\\"Available\\"}":{".":{},
          "f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}}},
          "f:observedGeneration":{},"f:replicas":{}}},"subresource":"status"},
         {"manager":"someone","operation":"Update","apiVersion":"apps/v1","time":"2024-05-01T10:10:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}]""", live);
  }

  @Test
  @DisplayName("apply to /status owns only status, under its own entry")
  void applyToStatus() {
    ObjectNode live = FIELDS.apply(DEPLOYMENTS, createdByKubectl(), json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"x":"y"}},
         "spec":{"replicas":7},"status":{"readyReplicas":1}}"""), "controller", false, "status", T2);

    assertEquals("""
        [{"manager":"controller","operation":"Apply","apiVersion":"apps/v1","time":"2024-05-01T10:05:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:readyReplicas":{}}},"subresource":"status"}]""",
        Json.string(onlyManager(live, "controller")));
  }

  @Test
  @DisplayName("writes through /scale leave entries without time, and an unchanged scale splits the creator's entry")
  void scaleSubresource() {
    ObjectNode live = createdByKubectl();
    ObjectNode same = live.deepCopy();
    ObjectNode scaled = FIELDS.update(DEPLOYMENTS, live, same, "kubectl-scale", "scale", T2);
    assertManagedFields("""
        [{"manager":"kubectl-create","operation":"Update","apiVersion":"apps/v1","fieldsType":"FieldsV1",
          "fieldsV1":{"f:spec":{"f:replicas":{}}}},
         %s]""".formatted(CREATED_BY_KUBECTL.replace("\"f:replicas\":{},", "")), scaled);

    ObjectNode three = live.deepCopy();
    ((ObjectNode) three.get("spec")).put("replicas", 3);
    ObjectNode byScale = FIELDS.update(DEPLOYMENTS, live, three, "kubectl-scale", "scale", T2);
    assertEquals("""
        {"manager":"kubectl-scale","operation":"Update","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},"subresource":"scale"}""",
        Json.string(byScale.at("/metadata/managedFields/0")));
    assertFalse(fieldsOf(byScale, "kubectl-create").at("/f:spec").has("f:replicas"));

    // Scaling to zero leaves the replicas to nobody: the Scale object omits a zero.
    ObjectNode zero = byScale.deepCopy();
    ((ObjectNode) zero.get("spec")).put("replicas", 0);
    ObjectNode toZero = FIELDS.update(DEPLOYMENTS, byScale, zero, "hpa", "scale", T3);
    assertEquals(List.of("kubectl-create"), managers(toZero));
    ObjectNode two = toZero.deepCopy();
    ((ObjectNode) two.get("spec")).put("replicas", 2);
    assertEquals(List.of("kubectl-create"), managers(FIELDS.update(DEPLOYMENTS, toZero, two, "hpa", "scale", T3)));
  }

  @Test
  @DisplayName("an applier conflicts with the /scale writer naming its subresource")
  void applyConflictsWithScaleWriter() {
    ObjectNode live = FIELDS.apply(DEPLOYMENTS, createdByKubectl(), webConfig(1, "nginx:1.27"),
        "kubectl", false, null, T1);
    ObjectNode three = live.deepCopy();
    ((ObjectNode) three.get("spec")).put("replicas", 3);
    ObjectNode scaled = FIELDS.update(DEPLOYMENTS, live, three, "kubectl-scale", "scale", T2);

    ApiException e = assertThrows(ApiException.class, () -> FIELDS.apply(DEPLOYMENTS, scaled,
        webConfig(1, "nginx:1.27"), "kubectl", false, null, T3));
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-scale\" with subresource \"scale\""
        + " using apps/v1: .spec.replicas", e.getMessage());
  }

  @Test
  @DisplayName("[{}] and [] reset managedFields; updates stay untracked until an apply, which gives the rest to before-first-apply")
  void resettingManagedFields() {
    ObjectNode live = FIELDS.update(CONFIGMAPS, null, configMap("{\"a\":\"1\"}", null), "kubectl-create", null, T1);
    ObjectNode reset = live.deepCopy();
    reset.withObjectProperty("metadata").withArray("managedFields").removeAll().addObject();
    live = FIELDS.update(CONFIGMAPS, live, reset, "kubectl", null, T2);
    assertNull(live.get("metadata").get("managedFields"));

    ObjectNode changed = live.deepCopy();
    ((ObjectNode) changed.get("data")).put("b", "2");
    live = FIELDS.update(CONFIGMAPS, live, changed, "later", null, T2);
    assertNull(live.get("metadata").get("managedFields"));

    live = FIELDS.apply(CONFIGMAPS, live, configMap("{\"a\":\"1\",\"c\":\"3\"}", null), "applier", false, null, T3);
    assertManagedFields("""
        [{"manager":"applier","operation":"Apply","apiVersion":"v1","time":"2024-05-01T10:10:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:data":{"f:a":{},"f:c":{}}}},
         {"manager":"before-first-apply","operation":"Update","apiVersion":"v1","time":"2024-05-01T10:10:00Z",
          "fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:a":{},"f:b":{}}}}]""", live);

    ObjectNode empty = live.deepCopy();
    empty.withObjectProperty("metadata").withArray("managedFields").removeAll();
    assertNull(FIELDS.update(CONFIGMAPS, live, empty, "kubectl", null, T3).get("metadata").get("managedFields"));
  }

  @Test
  @DisplayName("valid managedFields sent by a client replace the stored ones; invalid ones are ignored")
  void clientManagedFieldsAreHonoured() {
    ObjectNode live = FIELDS.update(CONFIGMAPS, null, configMap("{\"a\":\"1\"}", null), "kubectl-create", null, T1);
    ObjectNode rewritten = live.deepCopy();
    ArrayNode entries = rewritten.withObjectProperty("metadata").withArray("managedFields");
    ((ObjectNode) entries.get(0)).put("manager", "renamed");
    entries.add(json("""
        {"manager":"extra","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:x":{}}}}"""));
    live = FIELDS.update(CONFIGMAPS, live, rewritten, "kubectl", null, T2);
    assertManagedFields("""
        [{"manager":"extra","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:x":{}}}},
         {"manager":"renamed","operation":"Update","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:data":{".":{},"f:a":{}}}}]""", live);

    ObjectNode invalid = live.deepCopy();
    invalid.withObjectProperty("metadata").withArray("managedFields").removeAll().add(json("""
        {"manager":"x","operation":"Bogus","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{}}"""));
    ((ObjectNode) invalid.get("data")).put("q", "1");
    ObjectNode kept = FIELDS.update(CONFIGMAPS, live, invalid, "kubectl", null, T3);
    assertEquals(List.of("extra", "renamed", "kubectl"), managers(kept));
  }

  @Test
  @DisplayName("more than ten update managers: the oldest merge into ancient-changes")
  void updateManagersAreCapped() {
    ObjectNode live = FIELDS.update(CONFIGMAPS, null, configMap("{\"k0\":\"v\"}", null), "m00", null, T1);
    for (int i = 1; i <= 12; i++) {
      ObjectNode next = live.deepCopy();
      ((ObjectNode) next.get("data")).put("k" + i, "v");
      live = FIELDS.update(CONFIGMAPS, live, next, "m%02d".formatted(i), null, T1);
    }

    assertEquals(List.of("ancient-changes", "m04", "m05", "m06", "m07", "m08", "m09", "m10", "m11", "m12"),
        managers(live));
    assertEquals("{\"f:data\":{\".\":{},\"f:k0\":{},\"f:k1\":{},\"f:k2\":{},\"f:k3\":{}}}",
        Json.string(fieldsOf(live, "ancient-changes")));
  }

  @Test
  @DisplayName("sets are owned value by value (v:), atomic maps and lists as a whole")
  void setsAndAtomicValues() {
    ObjectNode live = FIELDS.apply(CONFIGMAPS, null, json("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["example.com/a","example.com/b"],
         "annotations":{"x":"1"}},"data":{"a":"1"}}"""), "alice", false, null, T1);
    live = FIELDS.apply(CONFIGMAPS, live, json("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["example.com/b","example.com/c"]}}"""),
        "bob", false, null, T1);
    live = FIELDS.apply(CONFIGMAPS, live, json("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["example.com/b"]},"data":{"a":"1"}}"""),
        "alice", false, null, T2);
    assertEquals("[\"example.com/b\",\"example.com/c\"]", Json.string(live.at("/metadata/finalizers")));
    assertManagedFields("""
        [{"manager":"bob","operation":"Apply","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:metadata":{"f:finalizers":{"v:\\"example.com/b\\"":{},"v:\\"example.com/c\\"":{}}}}},
         {"manager":"alice","operation":"Apply","apiVersion":"v1","time":"2024-05-01T10:05:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:data":{"f:a":{}},"f:metadata":{"f:finalizers":{"v:\\"example.com/b\\"":{}}}}}]""", live);

    ObjectNode service = FIELDS.apply(SERVICES, null, json("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"selector":{"app":"x"},
         "ports":[{"name":"http","port":80,"targetPort":8080},{"name":"dns","port":53,"protocol":"UDP"}]}}"""),
        "alice", false, null, T1);
    assertEquals("""
        {"f:spec":{"f:ports":{"k:{\\"port\\":53,\\"protocol\\":\\"UDP\\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{}},"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{},"f:port":{},"f:targetPort":{}}},"f:selector":{}}}""",
        Json.string(fieldsOf(service, "alice")));
  }

  @Test
  @DisplayName("a new applier that changes nothing has no time; re-applying the same configuration keeps the time")
  void noOpAppliesKeepTimes() {
    ObjectNode live = FIELDS.update(CONFIGMAPS, null, configMap("{\"a\":\"1\"}", null), "kubectl-create", null, T1);
    live = FIELDS.apply(CONFIGMAPS, live, configMap("{\"a\":\"1\"}", null), "fresh", false, null, T2);
    assertFalse(onlyManager(live, "fresh").get(0).has("time"));

    ObjectNode changed = FIELDS.apply(CONFIGMAPS, live, configMap("{\"a\":\"1\",\"b\":\"2\"}", null), "fresh", false, null, T2);
    ObjectNode again = FIELDS.apply(CONFIGMAPS, changed, configMap("{\"a\":\"1\",\"b\":\"2\"}", null), "fresh", false, null, T3);
    assertEquals("2024-05-01T10:05:00Z", onlyManager(again, "fresh").get(0).get("time").asText());
  }

  @Test
  @DisplayName("a pod binding leaves managedFields as they were")
  void bindingIsNotTracked() {
    ObjectNode pod = FIELDS.apply(PODS, null, json("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"""),
        "alice", false, null, T1);
    ObjectNode bound = pod.deepCopy();
    ((ObjectNode) bound.get("spec")).put("nodeName", "node-1");

    ObjectNode result = FIELDS.update(PODS, pod, bound, "kube-scheduler", "binding", T2);

    assertEquals(pod.at("/metadata/managedFields"), result.at("/metadata/managedFields"));
    assertEquals("node-1", result.at("/spec/nodeName").asText());
  }

  @Test
  @DisplayName("apply configurations that do not fit are refused with the real server's codes and messages")
  void invalidConfigurations() {
    assertError(500, "failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema",
        DEPLOYMENTS, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"foo\":1}}");
    assertError(400, "invalid object type: /, Kind=Deployment",
        DEPLOYMENTS, "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"}}");
    assertError(400, "invalid object type: apps/v1beta1, Kind=Deployment",
        DEPLOYMENTS, "{\"apiVersion\":\"apps/v1beta1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"}}");
    assertError(400, "metadata.managedFields must be nil",
        DEPLOYMENTS, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"managedFields\":[]}}");
    assertError(500, "failed to create typed patch object (/web; apps/v1, Kind=Deployment): "
            + ".spec.template.spec.containers: duplicate entries for key [name=\"a\"]", DEPLOYMENTS,
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
            + "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"a\"}]}}}}");
    assertError(500, "failed to create typed patch object (default/c; /v1, Kind=ConfigMap): errors:\n"
            + "  .data.a: expected string, got &value.valueUnstructured{Value:5}\n"
            + "  .data.b: expected string, got &value.valueUnstructured{Value:true}", CONFIGMAPS,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"namespace\":\"default\"},"
            + "\"data\":{\"a\":5,\"b\":true}}");
    assertError(500, "failed to create typed patch object (/c; /v1, Kind=ConfigMap): .metadata.labels: expected map, got &{[x]}",
        CONFIGMAPS, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"labels\":[\"x\"]}}");
    assertError(500, "failed to create typed patch object (/c; /v1, Kind=ConfigMap): .immutable: expected boolean, got &{yes}",
        CONFIGMAPS, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"immutable\":\"yes\"}");
    assertError(500, "failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.replicas: "
            + "expected numeric (int or float), got string", DEPLOYMENTS,
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":\"x\"}}");
    assertError(500, "failed to create typed patch object (/c; /v1, Kind=ConfigMap): .metadata.finalizers: "
            + "element 0: associative list without keys has an element that's a map type", CONFIGMAPS,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"finalizers\":[{\"a\":1}]}}");
  }

  @Nested
  @DisplayName("FieldsV1")
  class FieldsV1 {
    @Test
    @DisplayName("sorts fields before keys before values, writes keys as sorted Go JSON and marks owned parents with \".\"")
    void encoding() {
      FieldSet set = new FieldSet();
      FieldSet.Key port = new FieldSet.Key(List.of(
          new FieldSet.KeyField("protocol", Json.NODES.textNode("TCP")),
          new FieldSet.KeyField("containerPort", Json.NODES.numberNode(80))));
      set.insert(List.of(new FieldSet.Field("spec"), new FieldSet.Field("ports")));
      set.insert(List.of(new FieldSet.Field("spec"), new FieldSet.Field("ports"), port));
      set.insert(List.of(new FieldSet.Field("spec"), new FieldSet.Field("ports"), port, new FieldSet.Field("name")));
      set.insert(List.of(new FieldSet.Field("metadata"), new FieldSet.Field("finalizers"),
          new FieldSet.Value(Json.NODES.textNode("a<b"))));
      set.insert(List.of(new FieldSet.Field("args"), new FieldSet.Index(0)));

      assertEquals("{\"f:args\":{\"i:0\":{}},\"f:metadata\":{\"f:finalizers\":{\"v:\\\"a\\\\u003cb\\\"\":{}}},"
              + "\"f:spec\":{\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":"
              + "{\".\":{},\"f:name\":{}}}}}",
          Json.string(set.toFieldsV1()));
      assertEquals(set, FieldSet.fromFieldsV1(set.toFieldsV1()));
      assertEquals(".spec.ports[containerPort=80,protocol=\"TCP\"].name", FieldSet.describe(
          List.of(new FieldSet.Field("spec"), new FieldSet.Field("ports"), port, new FieldSet.Field("name"))));
    }

    @Test
    @DisplayName("reads a leaf as owned, skips unknown prefixes and rejects malformed keys")
    void decoding() {
      FieldSet set = FieldSet.fromFieldsV1(json("{\"f:a\":{},\"x:y\":{},\"f:b\":{\"f:c\":{}}}"));

      assertTrue(set.has(List.of(new FieldSet.Field("a"))));
      assertFalse(set.has(List.of(new FieldSet.Field("b"))));
      assertTrue(set.has(List.of(new FieldSet.Field("b"), new FieldSet.Field("c"))));
      assertThrows(IllegalArgumentException.class, () -> FieldSet.fromFieldsV1(json("{\"fa\":{}}")));
    }
  }

  // ---- helpers ----

  private static ResourceType type(String group, String resource) {
    return RESOURCES.inGroup(group).stream().filter(t -> t.resource().equals(resource)).findFirst().orElseThrow();
  }

  /** The configuration `kubectl create deployment web --image=nginx:1.27 --port=80` sends, with replicas and image. */
  private static ObjectNode webConfig(int replicas, String image) {
    return json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},
         "spec":{"containers":[{"name":"nginx","image":"%s","ports":[{"containerPort":80}]}]}}}}"""
        .formatted(replicas, image));
  }

  /** A configuration as the real server stores it after defaulting. */
  private static ObjectNode defaulted(ObjectNode config) {
    ObjectNode object = config.deepCopy();
    ((ObjectNode) object.get("metadata")).put("namespace", "default");
    ObjectNode spec = (ObjectNode) object.get("spec");
    spec.setAll((ObjectNode) json("""
        {"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
         "revisionHistoryLimit":10,"progressDeadlineSeconds":600}"""));
    ObjectNode pod = (ObjectNode) spec.at("/template/spec");
    pod.setAll((ObjectNode) json("""
        {"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
         "securityContext":{},"schedulerName":"default-scheduler"}"""));
    for (JsonNode container : pod.get("containers")) {
      ((ObjectNode) container).setAll((ObjectNode) json("""
          {"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
           "imagePullPolicy":"IfNotPresent"}"""));
      for (JsonNode port : container.path("ports")) {
        if (!port.has("protocol")) {
          ((ObjectNode) port).put("protocol", "TCP");
        }
      }
    }
    object.putObject("status");
    return object;
  }

  private static ObjectNode createdByKubectl() {
    return FIELDS.update(DEPLOYMENTS, null, defaulted(webConfig(1, "nginx:1.27")), "kubectl-create", null, T1);
  }

  private static ObjectNode configMap(String data, String labels) {
    ObjectNode object = json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
    if (labels != null) {
      ((ObjectNode) object.get("metadata")).set("labels", json(labels));
    }
    if (data != null) {
      object.set("data", json(data));
    }
    return object;
  }

  private static void assertError(int code, String message, ResourceType type, String applied) {
    ApiException e = assertThrows(ApiException.class,
        () -> FIELDS.apply(type, null, json(applied), "x", false, null, T1));
    assertEquals(code, e.code, e.getMessage());
    assertEquals(message, e.getMessage());
  }

  private static void assertManagedFields(String expected, ObjectNode object) {
    assertEquals(Json.string(json(expected)), Json.string(object.get("metadata").get("managedFields")));
  }

  private static void assertJson(String expected, JsonNode actual) {
    assertEquals(Json.string(json(expected)), Json.string(actual));
  }

  private static List<String> managers(ObjectNode object) {
    List<String> names = new ArrayList<>();
    object.at("/metadata/managedFields").forEach(e -> names.add(e.get("manager").asText()));
    return names;
  }

  private static JsonNode fieldsOf(ObjectNode object, String manager) {
    for (JsonNode entry : object.at("/metadata/managedFields")) {
      if (entry.get("manager").asText().equals(manager)) {
        return entry.get("fieldsV1");
      }
    }
    throw new AssertionError("no managedFields entry for " + manager + " in " + object.at("/metadata/managedFields"));
  }

  private static ArrayNode onlyManager(ObjectNode object, String manager) {
    ArrayNode out = Json.array();
    object.at("/metadata/managedFields").forEach(e -> {
      if (e.get("manager").asText().equals(manager)) {
        out.add(e);
      }
    });
    return out;
  }

  private static String names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.forEach(item -> names.add(item.get("name").asText()));
    return names.toString();
  }

  @SuppressWarnings("unchecked")
  private static <T extends JsonNode> T json(String text) {
    try {
      return (T) Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
