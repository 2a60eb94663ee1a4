package dev.kubetape.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resources the sandbox serves, as kube-apiserver 1.34 lists them in discovery. Groups are
 * in the real server's priority order; within a group, resources in alphabetical order.
 */
final class ApiResources {
  private static final List<String> ALL = ResourceType.ALL_VERBS;
  private static final List<String> NO_COLLECTION_DELETE =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");
  private static final List<String> CREATE_ONLY = List.of("create");

  /** Group name to its versions' resources; the first version is the preferred one. */
  private final Map<String, List<ResourceType>> byGroup = new LinkedHashMap<>();

  ApiResources() {
    core("configmaps", "configmap", "ConfigMap", true, ALL, List.of("cm"), List.of(), List.of());
    core("endpoints", "endpoints", "Endpoints", true, ALL, List.of("ep"), List.of(), List.of());
    core("events", "event", "Event", true, ALL, List.of("ev"), List.of(), List.of());
    core("namespaces", "namespace", "Namespace", false, NO_COLLECTION_DELETE, List.of("ns"),
        List.of(), List.of("finalize", "status"));
    core("nodes", "node", "Node", false, ALL, List.of("no"), List.of(), List.of("proxy", "status"));
    core("pods", "pod", "Pod", true, ALL, List.of("po"), List.of("all"),
        List.of("attach", "binding", "ephemeralcontainers", "eviction", "exec", "log",
            "portforward", "proxy", "resize", "status"));
    core("resourcequotas", "resourcequota", "ResourceQuota", true, ALL, List.of("quota"),
        List.of(), List.of("status"));
    core("secrets", "secret", "Secret", true, ALL, List.of(), List.of(), List.of());
    core("serviceaccounts", "serviceaccount", "ServiceAccount", true, ALL, List.of("sa"),
        List.of(), List.of("token"));
    core("services", "service", "Service", true, ALL, List.of("svc"),
        List.of("all"), List.of("proxy", "status"));

    add("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, ALL,
        List.of(), List.of(), List.of());
    add("apps", "v1", "deployments", "deployment", "Deployment", true, ALL, List.of("deploy"),
        List.of("all"), List.of("scale", "status"));
    add("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, ALL, List.of("rs"),
        List.of("all"), List.of("scale", "status"));

    add("events.k8s.io", "v1", "events", "event", "Event", true, ALL, List.of("ev"), List.of(),
        List.of());
    add("authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview",
        "SelfSubjectReview", false, CREATE_ONLY, List.of(), List.of(), List.of());
    add("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview",
        "SelfSubjectAccessReview", false, CREATE_ONLY, List.of(), List.of(), List.of());
    add("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "selfsubjectrulesreview",
        "SelfSubjectRulesReview", false, CREATE_ONLY, List.of(), List.of(), List.of());
    add("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, ALL,
        List.of(), List.of(), List.of());
  }

  private void core(String resource, String singular, String kind, boolean namespaced,
      List<String> verbs, List<String> shortNames, List<String> categories, List<String> subs) {
    add("", "v1", resource, singular, kind, namespaced, verbs, shortNames, categories, subs);
  }

  private void add(String group, String version, String resource, String singular, String kind,
      boolean namespaced, List<String> verbs, List<String> shortNames, List<String> categories,
      List<String> subresources) {
    byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(new ResourceType(group, version,
        resource, singular, kind, namespaced, verbs, shortNames, categories, subresources));
  }

  /** Group names in discovery order; the core group is "". */
  List<String> groups() {
    return List.copyOf(byGroup.keySet());
  }

  List<ResourceType> inGroup(String group) {
    return byGroup.getOrDefault(group, List.of());
  }

  List<ResourceType> all() {
    return byGroup.values().stream().flatMap(List::stream).toList();
  }

  boolean servesGroupVersion(String group, String version) {
    return inGroup(group).stream().anyMatch(t -> t.version().equals(version));
  }

  Optional<ResourceType> find(String group, String version, String resource) {
    return inGroup(group).stream()
        .filter(t -> t.version().equals(version) && t.resource().equals(resource))
        .findFirst();
  }

  Optional<ResourceType> byKind(String group, String version, String kind) {
    return inGroup(group).stream()
        .filter(t -> t.version().equals(version) && t.kind().equals(kind))
        .findFirst();
  }
}
