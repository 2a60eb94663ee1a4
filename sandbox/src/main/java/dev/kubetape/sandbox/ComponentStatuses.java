package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The deprecated componentstatuses API: kube-apiserver computes these on every read by probing
 * the scheduler, controller manager and etcd; in the sandbox they are all in-process and healthy.
 */
final class ComponentStatuses {
  static final String WARNING = "299 - \"v1 ComponentStatus is deprecated in v1.19+\"";
  private static final List<String> NAMES = List.of("scheduler", "controller-manager", "etcd-0");

  private ComponentStatuses() {}

  static List<ObjectNode> all() {
    return NAMES.stream().map(ComponentStatuses::status).toList();
  }

  static ObjectNode get(ResourceType type, String name) {
    if (!NAMES.contains(name)) {
      throw ApiException.notFound(type, name);
    }
    return status(name);
  }

  private static ObjectNode status(String name) {
    ObjectNode status = Json.object();
    status.put("kind", "ComponentStatus");
    status.put("apiVersion", "v1");
    status.putObject("metadata").put("name", name);
    status.putArray("conditions").addObject()
        .put("type", "Healthy").put("status", "True").put("message", "ok");
    return status;
  }
}
