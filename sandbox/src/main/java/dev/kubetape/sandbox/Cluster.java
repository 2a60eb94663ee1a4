package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The objects a fresh cluster has before anyone uses it: the system namespaces, their default
 * service accounts and root CA config maps, and the {@code kubernetes} service. Nodes come
 * from the node list.
 */
final class Cluster {
  static final List<String> SYSTEM_NAMESPACES =
      List.of("default", "kube-node-lease", "kube-public", "kube-system");
  private static final Registry.WriteOptions APISERVER = Registry.WriteOptions.of("kube-apiserver");

  private Cluster() {}

  static void bootstrap(Registry registry, String caCertificate, NodeList nodes) {
    ResourceType namespaces = type(registry, "", "namespaces");
    for (String name : SYSTEM_NAMESPACES) {
      ObjectNode namespace = Json.object();
      namespace.putObject("metadata").put("name", name);
      registry.create(namespaces, null, namespace, APISERVER);
    }
    ResourceType services = type(registry, "", "services");
    ObjectNode kubernetes = Json.object();
    ObjectNode metadata = kubernetes.putObject("metadata");
    metadata.put("name", "kubernetes");
    metadata.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
    ObjectNode spec = kubernetes.putObject("spec");
    spec.put("clusterIP", "10.96.0.1");
    ObjectNode port = spec.putArray("ports").addObject();
    port.put("name", "https").put("port", 443).put("protocol", "TCP").put("targetPort", 6443);
    registry.create(services, "default", kubernetes, APISERVER);
    for (String name : SYSTEM_NAMESPACES) {
      namespaceContents(registry, name, caCertificate);
    }
    ResourceType priorityClasses = registry.resources()
        .find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
    priorityClass(registry, priorityClasses, "system-cluster-critical", 2000000000,
        "Used for system critical pods that must run in the cluster, but can be moved to another"
            + " node if necessary.");
    priorityClass(registry, priorityClasses, "system-node-critical", 2000001000,
        "Used for system critical pods that must not be moved from their current node.");
    ResourceType nodeType = type(registry, "", "nodes");
    String now = Json.time(registry.now());
    for (int i = 0; i < nodes.nodes().size(); i++) {
      registry.create(nodeType, null, NodeList.object(nodes.nodes().get(i), i + 1, now),
          Registry.WriteOptions.of("kubelet"));
    }
  }

  /**
   * What the service-account and root-CA publisher controllers put in every namespace; the
   * namespace controller calls this for namespaces created later.
   */
  static void namespaceContents(Registry registry, String namespace, String caCertificate) {
    ResourceType accounts = type(registry, "", "serviceaccounts");
    if (registry.store().get(accounts, namespace, "default") == null) {
      ObjectNode account = Json.object();
      account.putObject("metadata").put("name", "default");
      createIfAbsent(registry, accounts, namespace, account);
    }
    ResourceType configMaps = type(registry, "", "configmaps");
    if (registry.store().get(configMaps, namespace, "kube-root-ca.crt") == null) {
      ObjectNode configMap = Json.object();
      ObjectNode metadata = configMap.putObject("metadata");
      metadata.put("name", "kube-root-ca.crt");
      metadata.putObject("annotations").put("kubernetes.io/description",
          "Contains a CA bundle that can be used to verify the kube-apiserver when using"
              + " internal endpoints such as the internal service IP or kubernetes.default.svc. "
              + "No other usage is guaranteed across distributions of Kubernetes clusters.");
      configMap.putObject("data").put("ca.crt", caCertificate);
      createIfAbsent(registry, configMaps, namespace, configMap);
    }
  }

  /** The priority classes every cluster starts with. */
  private static void priorityClass(Registry registry, ResourceType type, String name, int value,
      String description) {
    ObjectNode priorityClass = Json.object();
    priorityClass.putObject("metadata").put("name", name);
    priorityClass.put("value", value);
    priorityClass.put("description", description);
    priorityClass.put("preemptionPolicy", "PreemptLowerPriority");
    registry.create(type, null, priorityClass, APISERVER);
  }

  /** Bootstrap and the namespace controller may race to create these; either wins. */
  private static void createIfAbsent(Registry registry, ResourceType type, String namespace,
      ObjectNode object) {
    try {
      registry.create(type, namespace, object, Registry.WriteOptions.of("kube-controller-manager"));
    } catch (ApiException e) {
      if (e.code != 409) {
        throw e;
      }
    }
  }

  static ResourceType type(Registry registry, String group, String resource) {
    String version = "v1";
    return registry.resources().find(group, version, resource).orElseThrow();
  }
}
