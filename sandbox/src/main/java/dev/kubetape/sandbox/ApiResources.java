package dev.kubetape.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resources the sandbox serves: those a kube-apiserver 1.34 serves with its default
 * settings, with what discovery says about each (verbs, short names, categories,
 * subresources). Groups are in the real server's priority order; a group's first version is
 * its preferred one. Most kinds are plain storage; the rest of the sandbox gives behaviour to
 * the ones a rollout touches.
 */
final class ApiResources {
  private static final List<String> ALL = ResourceType.ALL_VERBS;
  private static final List<String> NO_COLLECTION_DELETE =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");
  private static final List<String> CREATE_ONLY = List.of("create");

  /** Group name to its resources in every served version; the core group is "". */
  private final Map<String, List<ResourceType>> byGroup = new LinkedHashMap<>();

  ApiResources() {
    add("", "v1", "bindings", "binding", "Binding", true,
        CREATE_ONLY, List.of(), List.of(), List.of());
    add("", "v1", "componentstatuses", "componentstatus", "ComponentStatus", false,
        List.of("get", "list"), List.of("cs"), List.of(), List.of());
    add("", "v1", "configmaps", "configmap", "ConfigMap", true,
        ALL, List.of("cm"), List.of(), List.of());
    add("", "v1", "endpoints", "endpoints", "Endpoints", true,
        ALL, List.of("ep"), List.of(), List.of());
    add("", "v1", "events", "event", "Event", true, ALL, List.of("ev"), List.of(), List.of());
    add("", "v1", "limitranges", "limitrange", "LimitRange", true,
        ALL, List.of("limits"), List.of(), List.of());
    add("", "v1", "namespaces", "namespace", "Namespace", false,
        NO_COLLECTION_DELETE, List.of("ns"), List.of(), List.of("finalize", "status"));
    add("", "v1", "nodes", "node", "Node", false,
        ALL, List.of("no"), List.of(), List.of("proxy", "status"));
    add("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true,
        ALL, List.of("pvc"), List.of(), List.of("status"));
    add("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false,
        ALL, List.of("pv"), List.of(), List.of("status"));
    add("", "v1", "pods", "pod", "Pod", true,
        ALL, List.of("po"), List.of("all"), List.of("attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "resize", "status"));
    add("", "v1", "podtemplates", "podtemplate", "PodTemplate", true,
        ALL, List.of(), List.of(), List.of());
    add("", "v1", "replicationcontrollers", "replicationcontroller", "ReplicationController", true,
        ALL, List.of("rc"), List.of("all"), List.of("scale", "status"));
    add("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true,
        ALL, List.of("quota"), List.of(), List.of("status"));
    add("", "v1", "secrets", "secret", "Secret", true, ALL, List.of(), List.of(), List.of());
    add("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true,
        ALL, List.of("sa"), List.of(), List.of("token"));
    add("", "v1", "services", "service", "Service", true,
        ALL, List.of("svc"), List.of("all"), List.of("proxy", "status"));
    add("apiregistration.k8s.io", "v1", "apiservices", "apiservice", "APIService", false,
        ALL, List.of(), List.of("api-extensions"), List.of("status"));
    add("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true,
        ALL, List.of(), List.of(), List.of());
    add("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true,
        ALL, List.of("ds"), List.of("all"), List.of("status"));
    add("apps", "v1", "deployments", "deployment", "Deployment", true,
        ALL, List.of("deploy"), List.of("all"), List.of("scale", "status"));
    add("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true,
        ALL, List.of("rs"), List.of("all"), List.of("scale", "status"));
    add("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true,
        ALL, List.of("sts"), List.of("all"), List.of("scale", "status"));
    add("events.k8s.io", "v1", "events", "event", "Event", true,
        ALL, List.of("ev"), List.of(), List.of());
    add("authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", false,
        CREATE_ONLY, List.of(), List.of(), List.of());
    add("authentication.k8s.io", "v1", "tokenreviews", "tokenreview", "TokenReview", false,
        CREATE_ONLY, List.of(), List.of(), List.of());
    add("authorization.k8s.io", "v1", "localsubjectaccessreviews", "localsubjectaccessreview", "LocalSubjectAccessReview", true,
        CREATE_ONLY, List.of(), List.of(), List.of());
    add("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", false,
        CREATE_ONLY, List.of(), List.of(), List.of());
    add("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview", false,
        CREATE_ONLY, List.of(), List.of(), List.of());
    add("authorization.k8s.io", "v1", "subjectaccessreviews", "subjectaccessreview", "SubjectAccessReview", false,
        CREATE_ONLY, List.of(), List.of(), List.of());
    add("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true,
        ALL, List.of("hpa"), List.of("all"), List.of("status"));
    add("autoscaling", "v1", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true,
        ALL, List.of("hpa"), List.of("all"), List.of("status"));
    add("batch", "v1", "cronjobs", "cronjob", "CronJob", true,
        ALL, List.of("cj"), List.of("all"), List.of("status"));
    add("batch", "v1", "jobs", "job", "Job", true,
        ALL, List.of(), List.of("all"), List.of("status"));
    add("certificates.k8s.io", "v1", "certificatesigningrequests", "certificatesigningrequest", "CertificateSigningRequest", false,
        ALL, List.of("csr"), List.of(), List.of("approval", "status"));
    add("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false,
        ALL, List.of(), List.of(), List.of());
    add("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true,
        ALL, List.of("ing"), List.of(), List.of("status"));
    add("networking.k8s.io", "v1", "ipaddresses", "ipaddress", "IPAddress", false,
        ALL, List.of("ip"), List.of(), List.of());
    add("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true,
        ALL, List.of("netpol"), List.of(), List.of());
    add("networking.k8s.io", "v1", "servicecidrs", "servicecidr", "ServiceCIDR", false,
        ALL, List.of(), List.of(), List.of("status"));
    add("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true,
        ALL, List.of("pdb"), List.of(), List.of("status"));
    add("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false,
        ALL, List.of(), List.of(), List.of());
    add("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false,
        ALL, List.of(), List.of(), List.of());
    add("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true,
        ALL, List.of(), List.of(), List.of());
    add("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true,
        ALL, List.of(), List.of(), List.of());
    add("storage.k8s.io", "v1", "csidrivers", "csidriver", "CSIDriver", false,
        ALL, List.of(), List.of(), List.of());
    add("storage.k8s.io", "v1", "csinodes", "csinode", "CSINode", false,
        ALL, List.of(), List.of(), List.of());
    add("storage.k8s.io", "v1", "csistoragecapacities", "csistoragecapacity", "CSIStorageCapacity", true,
        ALL, List.of(), List.of(), List.of());
    add("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false,
        ALL, List.of("sc"), List.of(), List.of());
    add("storage.k8s.io", "v1", "volumeattachments", "volumeattachment", "VolumeAttachment", false,
        ALL, List.of(), List.of(), List.of("status"));
    add("storage.k8s.io", "v1", "volumeattributesclasses", "volumeattributesclass", "VolumeAttributesClass", false,
        ALL, List.of("vac"), List.of(), List.of());
    add("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false,
        ALL, List.of(), List.of("api-extensions"), List.of());
    add("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "validatingadmissionpolicy", "ValidatingAdmissionPolicy", false,
        ALL, List.of(), List.of("api-extensions"), List.of("status"));
    add("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "validatingadmissionpolicybinding", "ValidatingAdmissionPolicyBinding", false,
        ALL, List.of(), List.of("api-extensions"), List.of());
    add("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false,
        ALL, List.of(), List.of("api-extensions"), List.of());
    add("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false,
        ALL, List.of("crd", "crds"), List.of("api-extensions"), List.of("status"));
    add("scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", false,
        ALL, List.of("pc"), List.of(), List.of());
    add("coordination.k8s.io", "v1", "leases", "lease", "Lease", true,
        ALL, List.of(), List.of(), List.of());
    add("node.k8s.io", "v1", "runtimeclasses", "runtimeclass", "RuntimeClass", false,
        ALL, List.of(), List.of(), List.of());
    add("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true,
        ALL, List.of(), List.of(), List.of());
    add("resource.k8s.io", "v1", "deviceclasses", "deviceclass", "DeviceClass", false,
        ALL, List.of(), List.of(), List.of());
    add("resource.k8s.io", "v1", "resourceclaims", "resourceclaim", "ResourceClaim", true,
        ALL, List.of(), List.of(), List.of("status"));
    add("resource.k8s.io", "v1", "resourceclaimtemplates", "resourceclaimtemplate", "ResourceClaimTemplate", true,
        ALL, List.of(), List.of(), List.of());
    add("resource.k8s.io", "v1", "resourceslices", "resourceslice", "ResourceSlice", false,
        ALL, List.of(), List.of(), List.of());
    add("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "flowschema", "FlowSchema", false,
        ALL, List.of(), List.of(), List.of("status"));
    add("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", "prioritylevelconfiguration", "PriorityLevelConfiguration", false,
        ALL, List.of(), List.of(), List.of("status"));
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

  /** The served versions of a group, the preferred one first. */
  List<String> versions(String group) {
    return inGroup(group).stream().map(ResourceType::version).distinct().toList();
  }

  /** A group's resources in every served version. */
  List<ResourceType> inGroup(String group) {
    return byGroup.getOrDefault(group, List.of());
  }

  List<ResourceType> inGroupVersion(String group, String version) {
    return inGroup(group).stream().filter(t -> t.version().equals(version)).toList();
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
