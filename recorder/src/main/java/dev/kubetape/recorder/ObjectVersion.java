package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reading one version of a Deployment, ReplicaSet or Pod as the API server rendered it: the
 * few fields the recorder decides on, and the one-line summary a person reads in search results
 * (as {@code kubectl get} would put it).
 */
record ObjectVersion(JsonNode object) {
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String POD_TEMPLATE_HASH = "pod-template-hash";

  String uid() {
    return object.path("metadata").path("uid").asText(null);
  }

  String name() {
    return object.path("metadata").path("name").asText(null);
  }

  String namespace() {
    return object.path("metadata").path("namespace").asText(null);
  }

  String kind() {
    return object.path("kind").asText(null);
  }

  String resourceVersion() {
    return object.path("metadata").path("resourceVersion").asText(null);
  }

  long generation() {
    return object.path("metadata").path("generation").asLong(0);
  }

  long observedGeneration() {
    return object.path("status").path("observedGeneration").asLong(0);
  }

  /** The deployment controller's revision annotation (Deployments and their ReplicaSets); 0 if none. */
  int revision() {
    String text = object.path("metadata").path("annotations").path(REVISION).asText("");
    try {
      return text.isEmpty() ? 0 : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  String annotation(String key) {
    return object.path("metadata").path("annotations").path(key).asText(null);
  }

  /** The owner that controls this object (ownerReferences with controller: true), or null. */
  JsonNode controller() {
    for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
      if (owner.path("controller").asBoolean(false)) {
        return owner;
      }
    }
    return null;
  }

  /** The controlling owner's name when it is of {@code kind}, or null. */
  String controllerName(String kind) {
    JsonNode owner = controller();
    return owner != null && kind.equals(owner.path("kind").asText()) ? owner.path("name").asText(null) : null;
  }

  String controllerUid(String kind) {
    JsonNode owner = controller();
    return owner != null && kind.equals(owner.path("kind").asText()) ? owner.path("uid").asText(null) : null;
  }

  /** The pod template of a Deployment or ReplicaSet. */
  JsonNode template() {
    return object.path("spec").path("template");
  }

  /** The images of a pod spec: the object's own (Pod) or its template's. */
  List<String> images() {
    JsonNode spec = kind() != null && kind().equals("Pod") ? object.path("spec") : template().path("spec");
    Set<String> images = new LinkedHashSet<>();
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode container : spec.path(list)) {
        if (container.hasNonNull("image")) {
          images.add(container.path("image").asText());
        }
      }
    }
    return new ArrayList<>(images);
  }

  int specReplicas() {
    JsonNode replicas = object.path("spec").path("replicas");
    return replicas.isMissingNode() || replicas.isNull() ? 1 : replicas.asInt();
  }

  int status(String field) {
    return object.path("status").path(field).asInt(0);
  }

  /** A condition of the status by type, or a missing node. */
  JsonNode condition(String type) {
    for (JsonNode condition : object.path("status").path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /**
   * Whether a Deployment finished rolling out, as {@code kubectl rollout status} decides it:
   * the controller has seen the latest spec, every replica runs the new template, and all of
   * them are available.
   */
  boolean rolledOut() {
    if (observedGeneration() < generation()) {
      return false;
    }
    if (deadlineExceeded()) {
      return false;
    }
    int updated = status("updatedReplicas");
    return updated >= specReplicas() && status("replicas") <= updated
        && status("availableReplicas") >= updated;
  }

  /** The Deployment's Progressing condition says the progress deadline passed. */
  boolean deadlineExceeded() {
    JsonNode progressing = condition("Progressing");
    return "False".equals(progressing.path("status").asText())
        && "ProgressDeadlineExceeded".equals(progressing.path("reason").asText());
  }

  /** The short state of a pod as kubectl's STATUS column would show it. */
  String podState() {
    if (!object.path("metadata").path("deletionTimestamp").isMissingNode()) {
      return "Terminating";
    }
    String state = object.path("status").path("phase").asText("Pending");
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode status : object.path("status").path(list)) {
        String waiting = status.path("state").path("waiting").path("reason").asText("");
        String terminated = status.path("state").path("terminated").path("reason").asText("");
        if (!waiting.isEmpty() && !waiting.equals("ContainerCreating") && !waiting.equals("PodInitializing")) {
          return list.startsWith("init") ? "Init:" + waiting : waiting;
        }
        if (!terminated.isEmpty() && !terminated.equals("Completed")) {
          return list.startsWith("init") ? "Init:" + terminated : terminated;
        }
      }
    }
    JsonNode scheduled = condition("PodScheduled");
    if ("False".equals(scheduled.path("status").asText())) {
      return scheduled.path("reason").asText("Pending");
    }
    return state;
  }

  int restarts() {
    int restarts = 0;
    for (JsonNode status : object.path("status").path("containerStatuses")) {
      restarts += status.path("restartCount").asInt(0);
    }
    return restarts;
  }

  /** One line, as {@code kubectl get} would describe this version. */
  String summary() {
    String kind = kind() == null ? "" : kind();
    return switch (kind) {
      case "Deployment" -> "deployment " + name() + ": " + status("readyReplicas") + "/" + specReplicas()
          + " ready, " + status("updatedReplicas") + " up to date, " + status("availableReplicas")
          + " available (revision " + revision() + ", generation " + generation() + ")";
      case "ReplicaSet" -> "replicaset " + name() + ": " + status("readyReplicas") + "/"
          + specReplicas() + " ready (revision " + revision() + ")";
      case "Pod" -> {
        int ready = 0;
        int total = 0;
        for (JsonNode status : object.path("status").path("containerStatuses")) {
          total++;
          ready += status.path("ready").asBoolean(false) ? 1 : 0;
        }
        if (total == 0) {
          total = object.path("spec").path("containers").size();
        }
        String node = object.path("spec").path("nodeName").asText("");
        yield "pod " + name() + ": " + ready + "/" + total + " " + podState() + ", " + restarts()
            + " restarts" + (node.isEmpty() ? "" : " on " + node);
      }
      default -> kind.toLowerCase(java.util.Locale.ROOT) + " " + name();
    };
  }
}
