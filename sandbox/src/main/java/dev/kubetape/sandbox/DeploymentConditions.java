package dev.kubetape.sandbox;

import static dev.kubetape.sandbox.RollingUpdate.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Deployment's status conditions ({@code Progressing}, {@code Available},
 * {@code ReplicaFailure}) handled as the deployment controller's util package handles them:
 * which change counts as a change, when the transition time moves, where in the list a
 * condition goes, and what counts as a complete or a progressing rollout.
 */
final class DeploymentConditions {
  private DeploymentConditions() {}

  /** A condition as NewDeploymentCondition makes it: both times now. */
  static ObjectNode of(String type, String status, String reason, String message, String time) {
    ObjectNode condition = Json.object();
    condition.put("type", type);
    condition.put("status", status);
    condition.put("lastUpdateTime", time);
    condition.put("lastTransitionTime", time);
    condition.put("reason", reason);
    condition.put("message", message);
    return condition;
  }

  static JsonNode condition(JsonNode status, String type) {
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return null;
  }

  /**
   * SetDeploymentCondition: same status and reason is no change; same status keeps the
   * transition time; the condition moves to the end of the list.
   */
  static void setCondition(ObjectNode status, ObjectNode condition) {
    JsonNode current = condition(status, condition.path("type").asText());
    if (current != null && current.path("status").equals(condition.path("status"))
        && current.path("reason").equals(condition.path("reason"))) {
      return;
    }
    if (current != null && current.path("status").equals(condition.path("status"))) {
      condition.set("lastTransitionTime", current.get("lastTransitionTime"));
    }
    removeCondition(status, condition.path("type").asText());
    JsonNode conditions = status.get("conditions");
    ArrayNode list = conditions instanceof ArrayNode array ? array : status.putArray("conditions");
    list.add(condition);
    // Keep Go's field order: conditions come after the counters, before collisionCount.
    JsonNode collisionCount = status.remove("collisionCount");
    if (collisionCount != null) {
      status.set("collisionCount", collisionCount);
    }
  }

  static void removeCondition(ObjectNode status, String type) {
    JsonNode conditions = status.get("conditions");
    if (!(conditions instanceof ArrayNode list)) {
      return;
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i).path("type").asText().equals(type)) {
        list.remove(i);
      }
    }
    if (list.isEmpty()) {
      status.remove("conditions");
    }
  }

  /** A set's ReplicaFailure becomes the Deployment's; the new set's wins. */
  static ObjectNode replicaFailure(List<ObjectNode> all, ObjectNode newRS) {
    List<ObjectNode> order = new ArrayList<>();
    if (newRS != null) {
      order.add(newRS);
    }
    all.stream().filter(rs -> rs != null).forEach(order::add);
    for (ObjectNode rs : order) {
      for (JsonNode c : rs.path("status").path("conditions")) {
        if (c.path("type").asText().equals("ReplicaFailure")) {
          ObjectNode condition = Json.object();
          condition.put("type", "ReplicaFailure");
          condition.set("status", c.get("status"));
          condition.set("lastUpdateTime", c.get("lastTransitionTime"));
          condition.set("lastTransitionTime", c.get("lastTransitionTime"));
          condition.set("reason", c.get("reason"));
          condition.set("message", c.get("message"));
          return condition;
        }
      }
    }
    return null;
  }

  static boolean complete(ObjectNode d, JsonNode status) {
    int replicas = replicas(d);
    return status.path("updatedReplicas").asInt(0) == replicas && status.path("replicas").asInt(0) == replicas
        && status.path("availableReplicas").asInt(0) == replicas
        && status.path("observedGeneration").asLong(0) >= d.path("metadata").path("generation").asLong(0);
  }

  /** More new pods, fewer old ones, or more ready or available than the stored status says. */
  static boolean progressing(ObjectNode d, JsonNode status) {
    JsonNode before = d.path("status");
    int oldBefore = before.path("replicas").asInt(0) - before.path("updatedReplicas").asInt(0);
    int oldNow = status.path("replicas").asInt(0) - status.path("updatedReplicas").asInt(0);
    return status.path("updatedReplicas").asInt(0) > before.path("updatedReplicas").asInt(0)
        || oldNow < oldBefore
        || status.path("readyReplicas").asInt(0) > before.path("readyReplicas").asInt(0)
        || status.path("availableReplicas").asInt(0) > before.path("availableReplicas").asInt(0);
  }
}
