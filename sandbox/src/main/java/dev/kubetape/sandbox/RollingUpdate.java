package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The arithmetic of a RollingUpdate Deployment, as the deployment controller's util package has
 * it: how many pods above {@code replicas} may exist ({@code maxSurge}, rounded up) and how
 * many below may be unavailable ({@code maxUnavailable}, rounded down, and 1 if both come to
 * zero), and how far the new ReplicaSet may grow at a time.
 */
final class RollingUpdate {
  private RollingUpdate() {}

  /**
   * NewRSNewReplicas: how big the new set may be now. Rolling: up to replicas + maxSurge pods in
   * all, never beyond replicas for the new set; Recreate: replicas at once.
   */
  static int newReplicaSetReplicas(ObjectNode d, List<ObjectNode> all, ObjectNode newRS) {
    if (!isRollingUpdate(d)) {
      return replicas(d);
    }
    int maxTotal = replicas(d) + scaledValue(rollingParameter(d, "maxSurge"), replicas(d), true);
    int current = replicaCount(all);
    if (current >= maxTotal) {
      return replicas(newRS);
    }
    int up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
    return replicas(newRS) + up;
  }

  static int maxSurge(ObjectNode d) {
    return isRollingUpdate(d) ? fenceposts(d)[0] : 0;
  }

  static int maxUnavailable(ObjectNode d) {
    if (!isRollingUpdate(d) || replicas(d) == 0) {
      return 0;
    }
    return Math.min(fenceposts(d)[1], replicas(d));
  }

  /**
   * ResolveFenceposts: surge rounds up, unavailability rounds down, and if both come to zero
   * one pod may be unavailable, so that a rollout can always move.
   */
  static int[] fenceposts(ObjectNode d) {
    int desired = replicas(d);
    int surge = scaledValue(rollingParameter(d, "maxSurge"), desired, true);
    int unavailable = scaledValue(rollingParameter(d, "maxUnavailable"), desired, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new int[] {surge, unavailable};
  }

  static JsonNode rollingParameter(ObjectNode d, String field) {
    return d.path("spec").path("strategy").path("rollingUpdate").get(field);
  }

  /** GetScaledValueFromIntOrPercent, with Go's float arithmetic for percentages. */
  static int scaledValue(JsonNode value, int total, boolean roundUp) {
    if (value == null || value.isNull()) {
      return 0;
    }
    if (value.isNumber()) {
      return value.asInt();
    }
    String text = value.asText();
    if (!text.endsWith("%")) {
      return Integer.parseInt(text);
    }
    double scaled = (double) Integer.parseInt(text.substring(0, text.length() - 1)) * total / 100;
    return (int) (roundUp ? Math.ceil(scaled) : Math.floor(scaled));
  }

  static boolean isRollingUpdate(JsonNode d) {
    return "RollingUpdate".equals(Json.text(d, "spec", "strategy", "type"));
  }

  static int replicas(JsonNode object) {
    return object == null ? 0 : object.path("spec").path("replicas").asInt(1);
  }

  static int replicaCount(List<ObjectNode> sets) {
    int total = 0;
    for (ObjectNode rs : sets) {
      total += rs == null ? 0 : replicas(rs);
    }
    return total;
  }
}
