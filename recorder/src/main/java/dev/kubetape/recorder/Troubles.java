package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What went wrong with the pods of a rollout's new ReplicaSet, gathered from their states and
 * the Warning events about them, so that a failed rollout says why in one word
 * ({@code ImagePullBackOff}, {@code CrashLoopBackOff}, ...) rather than only
 * {@code ProgressDeadlineExceeded}, which is how the deployment controller says "no progress".
 *
 * <p>When several causes were seen, the one that explains the others wins: a pod that cannot
 * pull its image is never ready either; an OOM-killed container is also in CrashLoopBackOff.
 */
final class Troubles {
  /** Strongest first. */
  static final List<String> PRECEDENCE = List.of("ImagePullBackOff", "InvalidImageName", "OOMKilled",
      "CrashLoopBackOff", "CreateContainerConfigError", "FailedCreate", "FailedScheduling",
      "ReadinessProbeFailed");

  /** Cause to the first message that showed it. */
  private final Map<String, String> seen = new LinkedHashMap<>();

  void pod(ObjectVersion pod) {
    JsonNode status = pod.object().path("status");
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode container : status.path(list)) {
        String name = container.path("name").asText();
        JsonNode waiting = container.path("state").path("waiting");
        JsonNode last = container.path("lastState").path("terminated");
        switch (waiting.path("reason").asText("")) {
          case "ErrImagePull", "ImagePullBackOff" -> see("ImagePullBackOff", waiting.path("message").asText(
              "container " + name + " cannot pull its image " + container.path("image").asText()));
          case "InvalidImageName" -> see("InvalidImageName", waiting.path("message").asText(""));
          case "CreateContainerConfigError" -> see("CreateContainerConfigError", waiting.path("message").asText(""));
          case "CrashLoopBackOff" -> see(last.path("reason").asText("").equals("OOMKilled") ? "OOMKilled"
              : "CrashLoopBackOff", "container " + name + " exited with code " + last.path("exitCode").asInt()
              + (last.hasNonNull("reason") ? " (" + last.path("reason").asText() + ")" : "")
              + ", restarted " + container.path("restartCount").asInt() + " times");
          default -> { }
        }
        if ("OOMKilled".equals(container.path("state").path("terminated").path("reason").asText())) {
          see("OOMKilled", "container " + name + " was killed for exceeding its memory limit (exit code 137)");
        }
        if (container.path("state").has("running") && !container.path("ready").asBoolean(false)
            && hasReadinessProbe(pod, name)) {
          // The kubelet's "Readiness probe failed" events may be gone (or never made, on
          // simulated nodes); a running container that is not ready says the same.
          see("ReadinessProbeFailed", "container " + name + " is running but its readiness probe has not passed");
        }
      }
    }
    for (JsonNode condition : status.path("conditions")) {
      if ("PodScheduled".equals(condition.path("type").asText()) && "False".equals(condition.path("status").asText())
          && "Unschedulable".equals(condition.path("reason").asText())) {
        see("FailedScheduling", condition.path("message").asText(""));
      }
    }
  }

  private static boolean hasReadinessProbe(ObjectVersion pod, String container) {
    for (JsonNode spec : pod.object().path("spec").path("containers")) {
      if (container.equals(spec.path("name").asText()) && spec.has("readinessProbe")) {
        return true;
      }
    }
    return false;
  }

  /** A Warning event about the new ReplicaSet or one of its pods. */
  void event(JsonNode event) {
    if (!"Warning".equals(event.path("type").asText())) {
      return;
    }
    String message = event.path("message").asText("");
    switch (event.path("reason").asText("")) {
      case "FailedScheduling" -> see("FailedScheduling", message);
      case "FailedCreate" -> see("FailedCreate", message);
      case "Unhealthy" -> {
        if (message.startsWith("Readiness probe failed")) {
          see("ReadinessProbeFailed", message);
        }
      }
      case "Failed" -> {
        if (message.contains("ErrImagePull") || message.contains("Failed to pull image")) {
          see("ImagePullBackOff", message);
        } else if (message.startsWith("Error: ")) {
          see("CreateContainerConfigError", message);
        }
      }
      case "BackOff" -> {
        if (message.startsWith("Back-off pulling image")) {
          see("ImagePullBackOff", message);
        } else if (message.startsWith("Back-off restarting failed container")) {
          see("CrashLoopBackOff", message);
        }
      }
      default -> { }
    }
  }

  /** The Deployment's ReplicaFailure condition: its ReplicaSet could not create pods (quota, admission). */
  void deployment(ObjectVersion deployment) {
    JsonNode failure = deployment.condition("ReplicaFailure");
    if ("True".equals(failure.path("status").asText())) {
      see(failure.path("reason").asText("FailedCreate"), failure.path("message").asText(""));
    }
  }

  private void see(String cause, String message) {
    seen.putIfAbsent(cause, message);
  }

  /** The cause that explains the most, or null when nothing went wrong. */
  String cause() {
    for (String cause : PRECEDENCE) {
      if (seen.containsKey(cause)) {
        return cause;
      }
    }
    return seen.isEmpty() ? null : seen.keySet().iterator().next();
  }

  String message(String cause) {
    return seen.get(cause);
  }
}
