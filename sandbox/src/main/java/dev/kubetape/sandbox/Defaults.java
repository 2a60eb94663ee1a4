package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The values kube-apiserver fills in that a client left out: the v1 defaulting functions
 * (SetDefaults_PodSpec, SetDefaults_Deployment, ...), the create-time resets of the registry
 * strategies, and the default admission plugins that touch pods (ServiceAccount,
 * DefaultTolerationSeconds, Priority). A user comparing {@code kubectl get -o yaml} with a real
 * cluster's should see the same fields.
 */
final class Defaults {
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final ObjectStore store;
  private final ApiResources resources;
  private final SecureRandom random = new SecureRandom();

  Defaults(ObjectStore store, ApiResources resources) {
    this.store = store;
    this.resources = resources;
  }

  /**
   * The versioned defaults (SetDefaults_*), applied as the server decodes a request; the field
   * manager sees them as set by the writer.
   */
  void versioned(ResourceType type, ObjectNode object) {
    switch (type.kind()) {
      case "Pod" -> {
        ObjectNode spec = Json.with(object, "spec");
        podSpec(spec);
        if (!spec.has("enableServiceLinks")) {
          spec.put("enableServiceLinks", true);
        }
      }
      case "Deployment" -> deployment(object);
      case "ReplicaSet" -> replicaSet(object);
      case "Service" -> serviceDefaults(object);
      case "Secret" -> {
        if (!object.has("type")) {
          object.put("type", "Opaque");
        }
      }
      case "Event" -> event(type, object);
      default -> { }
    }
  }

  /**
   * The registry strategies and admission plugins, after the field manager: status on create,
   * allocations (cluster IPs, node ports), injected service-account volumes and tolerations.
   * {@code current} is the stored object on update, else null.
   */
  void admit(ResourceType type, ObjectNode object, ObjectNode current) {
    switch (type.kind()) {
      case "Namespace" -> namespace(object);
      case "Pod" -> {
        if (current == null) {
          podAdmission(object);
        }
      }
      case "Deployment" -> {
        if (current == null) {
          object.putObject("status");
        }
      }
      case "ReplicaSet" -> {
        if (current == null) {
          object.putObject("status").put("replicas", 0);
        }
      }
      case "Service" -> serviceAllocations(object, current);
      case "Secret" -> secret(object);
      default -> {
        if (current == null && zeroStatus(type) != null) {
          object.set("status", zeroStatus(type));
        }
      }
    }
  }

  /**
   * The status a new object of a kind starts with: its Go status struct at its zero value, so
   * the fields without omitempty show as 0 or {} the way the real server writes them.
   */
  private static ObjectNode zeroStatus(ResourceType type) {
    ObjectNode status = Json.object();
    switch (type.kind()) {
      case "Ingress" -> status.putObject("loadBalancer");
      case "PodDisruptionBudget" -> status.put("disruptionsAllowed", 0).put("currentHealthy", 0)
          .put("desiredHealthy", 0).put("expectedPods", 0);
      case "DaemonSet" -> status.put("currentNumberScheduled", 0).put("numberMisscheduled", 0)
          .put("desiredNumberScheduled", 0).put("numberReady", 0);
      case "StatefulSet" -> status.put("replicas", 0).put("availableReplicas", 0);
      case "ReplicationController" -> status.put("replicas", 0);
      case "HorizontalPodAutoscaler" -> {
        if (type.version().equals("v2")) {
          status.putNull("currentMetrics");
        } else {
          status.put("currentReplicas", 0);
        }
        status.put("desiredReplicas", 0);
      }
      case "PersistentVolume", "PersistentVolumeClaim" -> status.put("phase", "Pending");
      case "CronJob", "Job", "CertificateSigningRequest" -> { }
      default -> {
        return null;
      }
    }
    return status;
  }

  private static void namespace(ObjectNode object) {
    ObjectNode metadata = Json.with(object, "metadata");
    String name = Json.text(metadata, "name");
    if (name != null) {
      // The NamespaceAutoLabel behaviour: every namespace carries its own name as a label.
      Json.with(metadata, "labels").put("kubernetes.io/metadata.name", name);
    }
    ObjectNode spec = Json.with(object, "spec");
    if (!spec.has("finalizers")) {
      spec.putArray("finalizers").add("kubernetes");
    }
    ObjectNode status = Json.with(object, "status");
    if (!status.has("phase")) {
      status.put("phase", "Active");
    }
  }

  // ---- pods ----------------------------------------------------------------------------------

  private void podAdmission(ObjectNode object) {
    ObjectNode spec = Json.with(object, "spec");
    if (!spec.has("preemptionPolicy")) {
      spec.put("preemptionPolicy", "PreemptLowerPriority");
    }
    if (!spec.has("priority")) {
      spec.put("priority", 0);
    }
    if (!spec.has("serviceAccountName")) {
      spec.put("serviceAccountName", spec.path("serviceAccount").asText("default"));
    }
    spec.put("serviceAccount", spec.get("serviceAccountName").asText());
    serviceAccountVolume(object, spec);
    defaultTolerations(spec);
    ObjectNode status = Json.with(object, "status");
    status.put("phase", "Pending");
    status.put("qosClass", qosClass(spec));
  }

  /** The ServiceAccount admission plugin's projected token volume, mounted in every container. */
  private void serviceAccountVolume(ObjectNode pod, ObjectNode spec) {
    if (spec.path("automountServiceAccountToken").asBoolean(true) == false) {
      return;
    }
    String mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    for (JsonNode container : spec.path("containers")) {
      for (JsonNode mount : container.path("volumeMounts")) {
        if (mountPath.equals(mount.path("mountPath").asText())) {
          return;
        }
      }
    }
    String name = "kube-api-access-" + suffix();
    ArrayNode volumes = spec.has("volumes") && spec.get("volumes").isArray()
        ? (ArrayNode) spec.get("volumes") : spec.putArray("volumes");
    ObjectNode volume = volumes.addObject();
    volume.put("name", name);
    ObjectNode projected = volume.putObject("projected");
    ArrayNode sources = projected.putArray("sources");
    sources.addObject().putObject("serviceAccountToken")
        .put("expirationSeconds", 3607).put("path", "token");
    ObjectNode configMap = sources.addObject().putObject("configMap");
    configMap.put("name", "kube-root-ca.crt");
    configMap.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
    ObjectNode downward = sources.addObject().putObject("downwardAPI");
    ObjectNode item = downward.putArray("items").addObject();
    item.putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
    item.put("path", "namespace");
    projected.put("defaultMode", 420);
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode container : spec.path(list)) {
        ArrayNode mounts = container.has("volumeMounts")
            ? (ArrayNode) container.get("volumeMounts")
            : ((ObjectNode) container).putArray("volumeMounts");
        mounts.addObject().put("mountPath", mountPath).put("name", name).put("readOnly", true);
      }
    }
  }

  /** DefaultTolerationSeconds: tolerate not-ready and unreachable nodes for five minutes. */
  private static void defaultTolerations(ObjectNode spec) {
    ArrayNode tolerations = spec.has("tolerations") && spec.get("tolerations").isArray()
        ? (ArrayNode) spec.get("tolerations") : null;
    for (String key : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
      boolean present = false;
      if (tolerations != null) {
        for (JsonNode toleration : tolerations) {
          if (key.equals(toleration.path("key").asText())
              && (toleration.path("effect").asText().isEmpty()
                  || toleration.path("effect").asText().equals("NoExecute"))) {
            present = true;
          }
        }
      }
      if (!present) {
        if (tolerations == null) {
          tolerations = spec.putArray("tolerations");
        }
        tolerations.addObject().put("effect", "NoExecute").put("key", key)
            .put("operator", "Exists").put("tolerationSeconds", 300);
      }
    }
  }

  /** BestEffort without any request or limit, Guaranteed when limits equal requests for all. */
  static String qosClass(JsonNode spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode container : spec.path(list)) {
        JsonNode requests = container.path("resources").path("requests");
        JsonNode limits = container.path("resources").path("limits");
        if (!requests.isEmpty() || !limits.isEmpty()) {
          any = true;
        }
        for (String resource : new String[] {"cpu", "memory"}) {
          JsonNode limit = limits.get(resource);
          JsonNode request = requests.get(resource);
          if (limit == null) {
            guaranteed = false;
          } else if (request != null && Quantities.compare(request.asText(), limit.asText()) != 0) {
            guaranteed = false;
          }
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  /** SetDefaults_PodSpec and the container defaults; used for pods and pod templates. */
  static void podSpec(ObjectNode spec) {
    if (!spec.has("dnsPolicy")) {
      spec.put("dnsPolicy", "ClusterFirst");
    }
    if (!spec.has("restartPolicy")) {
      spec.put("restartPolicy", "Always");
    }
    if (!spec.has("schedulerName")) {
      spec.put("schedulerName", "default-scheduler");
    }
    if (!spec.has("securityContext")) {
      spec.putObject("securityContext");
    }
    if (!spec.has("terminationGracePeriodSeconds")) {
      spec.put("terminationGracePeriodSeconds", 30);
    }
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode container : spec.path(list)) {
        if (container instanceof ObjectNode c) {
          container(c);
        }
      }
    }
    for (JsonNode volume : spec.path("volumes")) {
      if (volume instanceof ObjectNode v) {
        volume(v);
      }
    }
  }

  private static void container(ObjectNode container) {
    if (!container.has("imagePullPolicy")) {
      String image = container.path("image").asText("");
      String last = image.substring(image.lastIndexOf('/') + 1);
      boolean latest = !image.contains("@") && (!last.contains(":") || last.endsWith(":latest"));
      container.put("imagePullPolicy", latest ? "Always" : "IfNotPresent");
    }
    if (!container.has("resources")) {
      container.putObject("resources");
    }
    if (!container.has("terminationMessagePath")) {
      container.put("terminationMessagePath", "/dev/termination-log");
    }
    if (!container.has("terminationMessagePolicy")) {
      container.put("terminationMessagePolicy", "File");
    }
    for (JsonNode port : container.path("ports")) {
      if (port instanceof ObjectNode p && !p.has("protocol")) {
        p.put("protocol", "TCP");
      }
    }
    for (JsonNode env : container.path("env")) {
      JsonNode fieldRef = env.path("valueFrom").path("fieldRef");
      if (fieldRef instanceof ObjectNode ref && !ref.has("apiVersion")) {
        ref.put("apiVersion", "v1");
      }
    }
    for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (container.get(probe) instanceof ObjectNode p) {
        probe(p);
      }
    }
  }

  private static void probe(ObjectNode probe) {
    if (!probe.has("timeoutSeconds")) {
      probe.put("timeoutSeconds", 1);
    }
    if (!probe.has("periodSeconds")) {
      probe.put("periodSeconds", 10);
    }
    if (!probe.has("successThreshold")) {
      probe.put("successThreshold", 1);
    }
    if (!probe.has("failureThreshold")) {
      probe.put("failureThreshold", 3);
    }
    if (probe.get("httpGet") instanceof ObjectNode http && !http.has("scheme")) {
      http.put("scheme", "HTTP");
    }
  }

  private static void volume(ObjectNode volume) {
    for (String source : new String[] {"configMap", "secret"}) {
      if (volume.get(source) instanceof ObjectNode s && !s.has("defaultMode")) {
        s.put("defaultMode", 420);
      }
    }
    if (volume.get("projected") instanceof ObjectNode p && !p.has("defaultMode")) {
      p.put("defaultMode", 420);
    }
    if (volume.get("hostPath") instanceof ObjectNode h && !h.has("type")) {
      h.put("type", "");
    }
    if (!volume.has("emptyDir") && !volume.has("configMap") && !volume.has("secret")
        && !volume.has("projected") && !volume.has("hostPath") && !volume.has("persistentVolumeClaim")
        && !volume.has("downwardAPI") && !volume.has("csi") && !volume.has("ephemeral")
        && !volume.has("nfs") && !volume.has("image")) {
      volume.putObject("emptyDir");
    }
  }

  // ---- workloads -----------------------------------------------------------------------------

  private static void podTemplate(ObjectNode workloadSpec) {
    ObjectNode template = Json.with(workloadSpec, "template");
    Json.with(template, "metadata");
    podSpec(Json.with(template, "spec"));
  }

  private static void deployment(ObjectNode object) {
    ObjectNode spec = Json.with(object, "spec");
    if (!spec.has("replicas")) {
      spec.put("replicas", 1);
    }
    ObjectNode strategy = Json.with(spec, "strategy");
    if (!strategy.has("type")) {
      strategy.put("type", "RollingUpdate");
    }
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rolling = Json.with(strategy, "rollingUpdate");
      if (!rolling.has("maxUnavailable")) {
        rolling.put("maxUnavailable", "25%");
      }
      if (!rolling.has("maxSurge")) {
        rolling.put("maxSurge", "25%");
      }
    }
    if (!spec.has("revisionHistoryLimit")) {
      spec.put("revisionHistoryLimit", 10);
    }
    if (!spec.has("progressDeadlineSeconds")) {
      spec.put("progressDeadlineSeconds", 600);
    }
    podTemplate(spec);
  }

  private static void replicaSet(ObjectNode object) {
    ObjectNode spec = Json.with(object, "spec");
    if (!spec.has("replicas")) {
      spec.put("replicas", 1);
    }
    podTemplate(spec);
  }

  // ---- services ------------------------------------------------------------------------------

  private static void serviceDefaults(ObjectNode object) {
    ObjectNode spec = Json.with(object, "spec");
    if (!spec.has("type")) {
      spec.put("type", "ClusterIP");
    }
    if (!spec.has("sessionAffinity")) {
      spec.put("sessionAffinity", "None");
    }
    String type = spec.get("type").asText();
    if (!type.equals("ExternalName") && !spec.has("internalTrafficPolicy")) {
      spec.put("internalTrafficPolicy", "Cluster");
    }
    if ((type.equals("NodePort") || type.equals("LoadBalancer")) && !spec.has("externalTrafficPolicy")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    if (type.equals("LoadBalancer") && !spec.has("allocateLoadBalancerNodePorts")) {
      spec.put("allocateLoadBalancerNodePorts", true);
    }
    for (JsonNode port : spec.path("ports")) {
      if (port instanceof ObjectNode p) {
        if (!p.has("protocol")) {
          p.put("protocol", "TCP");
        }
        if (!p.has("targetPort") && p.has("port")) {
          p.set("targetPort", p.get("port"));
        }
      }
    }
  }

  /** The service strategy and IP allocator: cluster IPs kept across updates, node ports. */
  private void serviceAllocations(ObjectNode object, ObjectNode current) {
    ObjectNode spec = Json.with(object, "spec");
    String type = spec.path("type").asText("ClusterIP");
    if (!type.equals("ExternalName")) {
      if (current != null) {
        for (String kept : new String[] {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
          if (!spec.has(kept) && current.path("spec").has(kept)) {
            spec.set(kept, current.path("spec").get(kept).deepCopy());
          }
        }
      }
      if (!spec.has("clusterIP") || spec.get("clusterIP").asText().isEmpty()) {
        spec.put("clusterIP", allocateClusterIp());
      }
      if (!spec.has("clusterIPs")) {
        spec.putArray("clusterIPs").add(spec.get("clusterIP").asText());
      }
      if (!spec.has("ipFamilies")) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      if (!spec.has("ipFamilyPolicy")) {
        spec.put("ipFamilyPolicy", "SingleStack");
      }
    }
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      Set<Integer> used = usedNodePorts();
      for (JsonNode port : spec.path("ports")) {
        if (port instanceof ObjectNode p && !p.has("nodePort")) {
          int candidate = 30000 + random.nextInt(2768);
          while (used.contains(candidate)) {
            candidate = 30000 + random.nextInt(2768);
          }
          used.add(candidate);
          p.put("nodePort", candidate);
        }
      }
    }
    if (current == null) {
      object.putObject("status").putObject("loadBalancer");
    } else if (current.has("status")) {
      object.set("status", current.get("status").deepCopy());
    }
  }

  /** A free address in the default service range 10.96.0.0/12 (10.96.0.1 is "kubernetes"). */
  private String allocateClusterIp() {
    Set<String> used = new HashSet<>();
    ResourceType services = resources.find("", "v1", "services").orElseThrow();
    for (ObjectNode service : store.list(services, null).items()) {
      used.add(service.path("spec").path("clusterIP").asText());
    }
    while (true) {
      int value = 1 + random.nextInt((1 << 20) - 2);
      String ip = "10." + (96 + (value >> 16)) + "." + ((value >> 8) & 0xff) + "." + (value & 0xff);
      if (!used.contains(ip) && (value & 0xff) != 0 && (value & 0xff) != 255) {
        return ip;
      }
    }
  }

  private Set<Integer> usedNodePorts() {
    Set<Integer> used = new HashSet<>();
    ResourceType services = resources.find("", "v1", "services").orElseThrow();
    for (ObjectNode service : store.list(services, null).items()) {
      for (JsonNode port : service.path("spec").path("ports")) {
        if (port.has("nodePort")) {
          used.add(port.get("nodePort").asInt());
        }
      }
    }
    return used;
  }

  // ---- secrets and events --------------------------------------------------------------------

  /** stringData is write-only: merged into data, base64-encoded, and never stored itself. */
  private static void secret(ObjectNode object) {
    JsonNode stringData = object.remove("stringData");
    if (stringData instanceof ObjectNode strings && !strings.isEmpty()) {
      ObjectNode data = Json.with(object, "data");
      Iterator<Map.Entry<String, JsonNode>> entries = strings.properties().iterator();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        data.put(entry.getKey(), Base64.getEncoder().encodeToString(
            entry.getValue().asText().getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  private static void event(ResourceType type, ObjectNode object) {
    if (type.group().isEmpty()) {
      ObjectNode metadata = Json.with(object, "metadata");
      ObjectNode involved = Json.with(object, "involvedObject");
      if (!involved.has("namespace") && metadata.has("namespace")
          && !involved.path("kind").asText().equals("Node")) {
        involved.put("namespace", metadata.get("namespace").asText());
      }
      if (!object.has("reportingComponent")) {
        object.put("reportingComponent", "");
      }
      if (!object.has("reportingInstance")) {
        object.put("reportingInstance", "");
      }
    }
  }

  private String suffix() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      text.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return text.toString();
  }
}
