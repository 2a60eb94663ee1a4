package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes the sandbox simulates, from {@code --nodes FILE}:
 * <pre>
 * nodes:
 *   - name: node-1
 *     cpu: "4"
 *     memory: 8Gi
 *     pods: 110          # optional
 *     labels: {}         # optional
 * </pre>
 * Without a file: three nodes of 4 CPU and 8Gi, as CONTRACT.md says.
 */
record NodeList(List<Node> nodes) {
  record Node(String name, String cpu, String memory, int pods, Map<String, String> labels) {}

  static NodeList defaults() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      nodes.add(new Node("node-" + i, "4", "8Gi", 110, Map.of()));
    }
    return new NodeList(nodes);
  }

  static NodeList read(Path file) throws IOException {
    if (file == null) {
      return defaults();
    }
    JsonNode root = Json.YAML.readTree(file.toFile());
    if (root == null || !root.path("nodes").isArray() || root.path("nodes").isEmpty()) {
      throw new IOException(file + " lists no nodes; it needs a 'nodes:' list of {name, cpu, memory}");
    }
    List<Node> nodes = new ArrayList<>();
    int index = 0;
    for (JsonNode node : root.path("nodes")) {
      index++;
      String name = node.path("name").asText("");
      if (name.isEmpty()) {
        throw new IOException(file + ": node " + index + " has no name");
      }
      String cpu = node.path("cpu").asText("4");
      String memory = node.path("memory").asText("8Gi");
      if (!Quantities.isValid(cpu) || !Quantities.isValid(memory)) {
        throw new IOException(file + ": node " + name + " has cpu '" + cpu + "' or memory '" + memory
            + "' that is not a Kubernetes quantity (such as 4, 500m, 8Gi)");
      }
      Map<String, String> labels = new LinkedHashMap<>();
      node.path("labels").properties().iterator().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      nodes.add(new Node(name, cpu, memory, node.path("pods").asInt(110), labels));
    }
    return new NodeList(nodes);
  }

  /** The Node object a kubelet registers, with the status a healthy node reports. */
  static ObjectNode object(Node node, int index, String now) {
    ObjectNode object = Json.object();
    object.put("kind", "Node");
    object.put("apiVersion", "v1");
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", node.name());
    ObjectNode labels = metadata.putObject("labels");
    labels.put("beta.kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("kubernetes.io/hostname", node.name());
    labels.put("kubernetes.io/os", "linux");
    node.labels().forEach(labels::put);
    metadata.putObject("annotations")
        .put("node.alpha.kubernetes.io/ttl", "0")
        .put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
    ObjectNode spec = object.putObject("spec");
    String cidr = "10.244." + index + ".0/24";
    spec.put("podCIDR", cidr);
    spec.putArray("podCIDRs").add(cidr);
    ObjectNode status = object.putObject("status");
    for (String field : new String[] {"capacity", "allocatable"}) {
      status.putObject(field)
          .put("cpu", node.cpu())
          .put("ephemeral-storage", "100Gi")
          .put("hugepages-1Gi", "0")
          .put("hugepages-2Mi", "0")
          .put("memory", node.memory())
          .put("pods", Integer.toString(node.pods()));
    }
    var conditions = status.putArray("conditions");
    condition(conditions.addObject(), "MemoryPressure", "False", "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available", now);
    condition(conditions.addObject(), "DiskPressure", "False", "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure", now);
    condition(conditions.addObject(), "PIDPressure", "False", "KubeletHasSufficientPID",
        "kubelet has sufficient PID available", now);
    condition(conditions.addObject(), "Ready", "True", "KubeletReady",
        "kubelet is posting ready status", now);
    var addresses = status.putArray("addresses");
    addresses.addObject().put("address", internalIp(index)).put("type", "InternalIP");
    addresses.addObject().put("address", node.name()).put("type", "Hostname");
    status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", 10250);
    ObjectNode info = status.putObject("nodeInfo");
    String id = java.util.UUID.nameUUIDFromBytes(node.name().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    info.put("machineID", id.replace("-", ""));
    info.put("systemUUID", id);
    info.put("bootID", java.util.UUID.randomUUID().toString());
    info.put("kernelVersion", "6.1.0-28-amd64");
    info.put("osImage", "Debian GNU/Linux 12 (bookworm)");
    info.put("containerRuntimeVersion", "containerd://1.7.24");
    info.put("kubeletVersion", Sandbox.KUBERNETES_VERSION);
    info.put("kubeProxyVersion", "");
    info.put("operatingSystem", "linux");
    info.put("architecture", "amd64");
    return object;
  }

  static String internalIp(int index) {
    return "10.0.0." + (10 + index);
  }

  private static void condition(ObjectNode condition, String type, String value, String reason,
      String message, String now) {
    condition.put("lastHeartbeatTime", now);
    condition.put("lastTransitionTime", now);
    condition.put("message", message);
    condition.put("reason", reason);
    condition.put("status", value);
    condition.put("type", type);
  }
}
