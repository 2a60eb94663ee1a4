package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ResourceQuota for pods, in its two real halves. The admission check ({@link #admit}, called
 * by the registry when a pod is created) rejects a pod that would take a namespace over a
 * quota's hard limit, or that leaves out a request or limit the quota counts, with
 * kube-apiserver's messages ("exceeded quota: compute, requested: requests.cpu=100m, used:
 * requests.cpu=200m, limited: requests.cpu=250m"). The quota controller (an instance of this
 * class) keeps each quota's {@code status.hard} and {@code status.used} current, as
 * kube-controller-manager's does, so that {@code kubectl describe quota} reads right.
 *
 * <p>Counted: {@code pods}, {@code count/pods}, cpu, memory and ephemeral-storage requests
 * (also under their bare names) and limits, extended {@code requests.*} resources, and the
 * object counts of core resources ({@code configmaps}, {@code secrets}, {@code services}, ...,
 * and {@code count/<resource>[.<group>]}); scopes Terminating, NotTerminating, BestEffort,
 * NotBestEffort and PriorityClass. Only pod creations are checked at admission.
 */
final class ResourceQuotas {
  private static final Registry.WriteOptions MANAGER = Registry.WriteOptions.of("kube-controller-manager");
  /** Requests and limits a quota on them makes every container spell out (a historical mistake). */
  private static final Set<String> MUST_SPECIFY = Set.of("cpu", "memory", "requests.cpu",
      "requests.memory", "limits.cpu", "limits.memory");
  private static final Set<String> POD_RESOURCES = Set.of("pods", "count/pods", "cpu", "memory",
      "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
      "limits.cpu", "limits.memory", "limits.ephemeral-storage");
  private static final Map<String, String> LEGACY_COUNTS = Map.of("configmaps", "configmaps",
      "secrets", "secrets", "services", "services", "persistentvolumeclaims", "persistentvolumeclaims",
      "replicationcontrollers", "replicationcontrollers", "resourcequotas", "resourcequotas");

  private final Registry registry;
  private final ControllerLoop loop;
  private final ResourceType quotas;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();

  /** The quota controller: recomputes a namespace's quotas when its pods or quotas change. */
  ResourceQuotas(Registry registry, ControllerLoop loop) {
    this.registry = registry;
    this.loop = loop;
    this.quotas = registry.resources().find("", "v1", "resourcequotas").orElseThrow();
    registry.store().listen(this::onChange);
    loop.every(Duration.ofMinutes(5), "resource quota resync", () -> registry.store()
        .list(quotas, null).items().forEach(q -> enqueue(Json.text(q, "metadata", "namespace"))));
  }

  private void onChange(ObjectStore.Change change) {
    String namespace = Json.text(change.object(), "metadata", "namespace");
    if (namespace == null || change.resource().kind().equals("Event")) {
      return;
    }
    if (change.resource() == quotas || counted(change.resource())) {
      enqueue(namespace);
    }
  }

  private static boolean counted(ResourceType type) {
    return type.kind().equals("Pod") || LEGACY_COUNTS.containsKey(type.resource())
        || type.kind().equals("Deployment") || type.kind().equals("ReplicaSet");
  }

  private void enqueue(String namespace) {
    if (queued.add(namespace)) {
      loop.submit("resource quotas in " + namespace, () -> {
        queued.remove(namespace);
        syncNamespace(namespace);
      });
    }
  }

  private void syncNamespace(String namespace) {
    for (ObjectNode quota : registry.store().list(quotas, namespace).items()) {
      if (quota.path("metadata").has("deletionTimestamp")) {
        continue;
      }
      ObjectNode hard = sorted(quota.path("spec").path("hard"));
      Map<String, CanonicalQuantity> used = usage(registry, quota, namespace, keys(hard));
      ObjectNode usedJson = Json.object();
      used.forEach((name, value) -> usedJson.put(name, value.toString()));
      ObjectNode status = Json.object();
      status.set("hard", hard);
      status.set("used", usedJson);
      if (status.equals(quota.path("status"))) {
        continue;
      }
      ObjectNode updated = quota.deepCopy();
      updated.set("status", status);
      try {
        registry.update(quotas, namespace, Json.text(quota, "metadata", "name"), updated, "status", MANAGER);
      } catch (ApiException e) {
        if (e.code == 409) {
          enqueue(namespace);
        } else if (e.code != 404) {
          throw e;
        }
      }
    }
  }

  private static ObjectNode sorted(JsonNode map) {
    ObjectNode sorted = Json.object();
    new TreeMap<String, JsonNode>(toMap(map)).forEach((k, v) -> sorted.put(k, CanonicalQuantity.parse(v.asText()).toString()));
    return sorted;
  }

  private static Map<String, JsonNode> toMap(JsonNode map) {
    Map<String, JsonNode> entries = new TreeMap<>();
    map.properties().iterator().forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
    return entries;
  }

  private static Set<String> keys(JsonNode map) {
    Set<String> keys = new TreeSet<>();
    map.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** What the namespace uses of each resource {@code names} lists, for this quota's scopes. */
  private static Map<String, CanonicalQuantity> usage(Registry registry, JsonNode quota, String namespace,
      Set<String> names) {
    Map<String, CanonicalQuantity> used = new TreeMap<>();
    names.forEach(name -> used.put(name, CanonicalQuantity.ZERO));
    ResourceType pods = registry.resources().find("", "v1", "pods").orElseThrow();
    Instant now = registry.now();
    for (ObjectNode pod : registry.store().list(pods, namespace).items()) {
      if (!inScope(quota, pod)) {
        continue;
      }
      podUsage(pod, now).forEach((name, value) -> {
        if (used.containsKey(name)) {
          used.put(name, used.get(name).plus(value));
        }
      });
    }
    for (String name : names) {
      ResourceType counted = countedType(registry, name);
      if (counted != null && !counted.kind().equals("Pod")) {
        int count = registry.store().list(counted, namespace).items().size();
        used.put(name, CanonicalQuantity.parse(String.valueOf(count)));
      }
    }
    return used;
  }

  /** The resource an object-count quota name ("secrets", "count/deployments.apps") counts. */
  private static ResourceType countedType(Registry registry, String name) {
    String resource;
    String group = "";
    if (LEGACY_COUNTS.containsKey(name)) {
      resource = LEGACY_COUNTS.get(name);
    } else if (name.startsWith("count/")) {
      String qualified = name.substring("count/".length());
      int dot = qualified.indexOf('.');
      resource = dot < 0 ? qualified : qualified.substring(0, dot);
      group = dot < 0 ? "" : qualified.substring(dot + 1);
    } else {
      return null;
    }
    String wantedGroup = group;
    return registry.resources().all().stream()
        .filter(t -> t.resource().equals(resource) && t.group().equals(wantedGroup) && t.namespaced())
        .findFirst().orElse(null);
  }

  // ---- admission -----------------------------------------------------------------------------

  /**
   * The ResourceQuota admission check for a pod about to be created in {@code namespace}:
   * throws the real 403 Forbidden when a quota of the namespace would be exceeded or cannot
   * count the pod.
   */
  static void admit(Registry registry, ResourceType type, String namespace, ObjectNode object) {
    if (!type.kind().equals("Pod") || namespace == null) {
      return;
    }
    ResourceType quotaType = registry.resources().find("", "v1", "resourcequotas").orElseThrow();
    Instant now = registry.now();
    for (ObjectNode quota : registry.store().list(quotaType, namespace).items()) {
      if (!inScope(quota, object)) {
        continue;
      }
      JsonNode hardJson = quota.path("status").path("hard").isObject() && !quota.path("status").path("hard").isEmpty()
          ? quota.path("status").path("hard") : quota.path("spec").path("hard");
      Set<String> hard = keys(hardJson);
      Set<String> matching = new TreeSet<>();
      for (String name : hard) {
        if (podResource(name)) {
          matching.add(name);
        }
      }
      String quotaName = Json.text(quota, "metadata", "name");
      String missing = missingRequests(object, matching);
      if (missing != null) {
        throw forbidden(object, "failed quota: " + quotaName + ": " + missing);
      }
      Map<String, CanonicalQuantity> requested = new TreeMap<>();
      podUsage(object, now).forEach((name, value) -> {
        if (hard.contains(name) && !value.isZero()) {
          requested.put(name, value);
        }
      });
      if (requested.isEmpty()) {
        continue;
      }
      Map<String, CanonicalQuantity> used = usage(registry, quota, namespace, requested.keySet());
      List<String> exceeded = new ArrayList<>();
      for (Map.Entry<String, CanonicalQuantity> entry : requested.entrySet()) {
        CanonicalQuantity limit = CanonicalQuantity.parse(hardJson.path(entry.getKey()).asText());
        if (used.get(entry.getKey()).plus(entry.getValue()).compareTo(limit) > 0) {
          exceeded.add(entry.getKey());
        }
      }
      if (!exceeded.isEmpty()) {
        throw forbidden(object, "exceeded quota: " + quotaName
            + ", requested: " + print(exceeded, requested::get)
            + ", used: " + print(exceeded, used::get)
            + ", limited: " + print(exceeded, name -> CanonicalQuantity.parse(hardJson.path(name).asText())));
      }
    }
  }

  private static String print(List<String> names, java.util.function.Function<String, CanonicalQuantity> value) {
    List<String> parts = new ArrayList<>();
    for (String name : names) {
      parts.add(name + "=" + value.apply(name));
    }
    return String.join(",", parts);
  }

  private static ApiException forbidden(ObjectNode pod, String why) {
    String name = Json.text(pod, "metadata", "name");
    return new ApiException(403, "Forbidden", "pods \"" + name + "\" is forbidden: " + why,
        ApiException.details(name, "", "pods", null));
  }

  private static boolean podResource(String name) {
    return POD_RESOURCES.contains(name) || name.startsWith("hugepages-")
        || name.startsWith("requests.hugepages-") || (name.startsWith("requests.") && name.contains("/"));
  }

  /** "must specify limits.memory for: web; requests.cpu for: a,b", or null if nothing is missing. */
  private static String missingRequests(JsonNode pod, Set<String> matching) {
    Set<String> required = new TreeSet<>(matching);
    required.retainAll(MUST_SPECIFY);
    if (required.isEmpty()) {
      return null;
    }
    Map<String, Set<String>> missing = new TreeMap<>();
    List<JsonNode> containers = new ArrayList<>();
    pod.path("spec").path("containers").forEach(containers::add);
    pod.path("spec").path("initContainers").forEach(containers::add);
    for (JsonNode container : containers) {
      Set<String> present = containerUsage(container.path("resources")).keySet();
      for (String name : required) {
        if (!present.contains(name)) {
          missing.computeIfAbsent(name, k -> new TreeSet<>()).add(container.path("name").asText());
        }
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    missing.forEach((name, names) -> parts.add(name + " for: " + String.join(",", names)));
    return "must specify " + String.join("; ", parts);
  }

  /** podComputeUsageHelper for one container's (or the pod's effective) requests and limits. */
  private static Map<String, CanonicalQuantity> containerUsage(JsonNode resources) {
    return computeUsage(quantities(resources.path("requests")), quantities(resources.path("limits")));
  }

  private static Map<String, CanonicalQuantity> computeUsage(Map<String, CanonicalQuantity> requests,
      Map<String, CanonicalQuantity> limits) {
    Map<String, CanonicalQuantity> usage = new TreeMap<>();
    usage.put("pods", CanonicalQuantity.parse("1"));
    for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
      if (requests.containsKey(resource)) {
        usage.put(resource, requests.get(resource));
        usage.put("requests." + resource, requests.get(resource));
      }
      if (limits.containsKey(resource)) {
        usage.put("limits." + resource, limits.get(resource));
      }
    }
    requests.forEach((resource, value) -> {
      if (resource.startsWith("hugepages-")) {
        usage.put(resource, value);
        usage.put("requests." + resource, value);
      } else if (resource.contains("/") && !resource.startsWith("kubernetes.io/")) {
        usage.put("requests." + resource, value);
      }
    });
    return usage;
  }

  private static Map<String, CanonicalQuantity> quantities(JsonNode list) {
    Map<String, CanonicalQuantity> values = new TreeMap<>();
    list.properties().iterator().forEachRemaining(e -> values.put(e.getKey(), CanonicalQuantity.parse(e.getValue().asText())));
    return values;
  }

  /**
   * PodUsageFunc: every pod counts in count/pods; one that has not finished (or is not stuck
   * past its grace period) also counts in pods and by its effective requests and limits.
   */
  private static Map<String, CanonicalQuantity> podUsage(JsonNode pod, Instant now) {
    Map<String, CanonicalQuantity> usage = new TreeMap<>();
    usage.put("count/pods", CanonicalQuantity.parse("1"));
    String phase = Json.text(pod, "status", "phase");
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return usage;
    }
    String deletion = Json.text(pod, "metadata", "deletionTimestamp");
    JsonNode grace = pod.path("metadata").get("deletionGracePeriodSeconds");
    if (deletion != null && grace != null && now.isAfter(Instant.parse(deletion).plusSeconds(grace.asLong()))) {
      return usage;
    }
    usage.putAll(computeUsage(effective(pod, "requests"), effective(pod, "limits")));
    return usage;
  }

  /**
   * PodRequests/PodLimits: the containers' sum, sidecars included, or the largest init
   * container (with the sidecars started before it) if that is more, plus the pod overhead.
   */
  private static Map<String, CanonicalQuantity> effective(JsonNode pod, String kind) {
    Map<String, CanonicalQuantity> total = new TreeMap<>();
    for (JsonNode container : pod.path("spec").path("containers")) {
      add(total, quantities(container.path("resources").path(kind)));
    }
    Map<String, CanonicalQuantity> sidecars = new TreeMap<>();
    Map<String, CanonicalQuantity> initMax = new TreeMap<>();
    for (JsonNode container : pod.path("spec").path("initContainers")) {
      Map<String, CanonicalQuantity> own = quantities(container.path("resources").path(kind));
      if ("Always".equals(container.path("restartPolicy").asText())) {
        add(sidecars, own);
        add(total, own);
      } else {
        Map<String, CanonicalQuantity> during = new TreeMap<>(sidecars);
        add(during, own);
        during.forEach((name, value) -> initMax.merge(name, value, (a, b) -> a.compareTo(b) >= 0 ? a : b));
      }
    }
    initMax.forEach((name, value) -> total.merge(name, value, (a, b) -> a.compareTo(b) >= 0 ? a : b));
    if (kind.equals("requests")) {
      add(total, quantities(pod.path("spec").path("overhead")));
    }
    return total;
  }

  private static void add(Map<String, CanonicalQuantity> into, Map<String, CanonicalQuantity> values) {
    values.forEach((name, value) -> into.merge(name, value, CanonicalQuantity::plus));
  }

  /** Whether the quota's scopes (and scopeSelector) select this pod. */
  private static boolean inScope(JsonNode quota, JsonNode pod) {
    for (JsonNode scope : quota.path("spec").path("scopes")) {
      if (!scopeMatches(scope.asText(), "Exists", List.of(), pod)) {
        return false;
      }
    }
    for (JsonNode expression : quota.path("spec").path("scopeSelector").path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      if (!scopeMatches(expression.path("scopeName").asText(), expression.path("operator").asText(), values, pod)) {
        return false;
      }
    }
    return true;
  }

  private static boolean scopeMatches(String scope, String operator, List<String> values, JsonNode pod) {
    return switch (scope) {
      case "Terminating" -> pod.path("spec").has("activeDeadlineSeconds");
      case "NotTerminating" -> !pod.path("spec").has("activeDeadlineSeconds");
      case "BestEffort" -> bestEffort(pod);
      case "NotBestEffort" -> !bestEffort(pod);
      case "PriorityClass" -> {
        String priorityClass = Json.text(pod, "spec", "priorityClassName");
        String value = priorityClass == null ? "" : priorityClass;
        yield switch (operator) {
          case "In" -> values.contains(value);
          case "NotIn" -> !values.contains(value);
          case "Exists" -> !value.isEmpty();
          case "DoesNotExist" -> value.isEmpty();
          default -> false;
        };
      }
      default -> true;
    };
  }

  private static boolean bestEffort(JsonNode pod) {
    List<JsonNode> containers = new ArrayList<>();
    pod.path("spec").path("containers").forEach(containers::add);
    pod.path("spec").path("initContainers").forEach(containers::add);
    for (JsonNode container : containers) {
      for (String kind : List.of("requests", "limits")) {
        var names = container.path("resources").path(kind).fieldNames();
        while (names.hasNext()) {
          String name = names.next();
          if (name.equals("cpu") || name.equals("memory")) {
            return false;
          }
        }
      }
    }
    return true;
  }
}
