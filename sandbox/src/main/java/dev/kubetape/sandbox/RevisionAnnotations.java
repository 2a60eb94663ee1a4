package dev.kubetape.sandbox;

import static dev.kubetape.sandbox.RollingUpdate.maxSurge;
import static dev.kubetape.sandbox.RollingUpdate.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The annotations through which a Deployment and its ReplicaSets keep their history: each
 * set's {@code revision} (and the older revisions it served, {@code revision-history}), the
 * Deployment's current revision, and the {@code desired-replicas}/{@code max-replicas} a set
 * was last sized for, which tell a scaling event from a rollout.
 */
final class RevisionAnnotations {
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  static final String ROLLBACK_TO = "deprecated.deployment.rollback.to";
  /** What a Deployment does not pass on to its sets, nor get back from one on an undo. */
  static final Set<String> NOT_COPIED = Set.of(
      "kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY,
      DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO);
  static final int MAX_REVISION_HISTORY_CHARS = 2000;

  /**
   * SetNewReplicaSetAnnotations: the Deployment's annotations (but the controller's own and
   * last-applied), the new revision if higher (the one it replaces joins revision-history),
   * and for a set about to be created, the replica annotations.
   */
  static boolean setNewReplicaSetAnnotations(ObjectNode d, ObjectNode rs, String newRevision, boolean exists) {
    ObjectNode annotations = annotations(rs);
    boolean changed = false;
    for (var entry : iterable(annotations(d))) {
      String key = entry.getKey();
      if (NOT_COPIED.contains(key) || entry.getValue().equals(annotations.get(key))) {
        continue;
      }
      annotations.set(key, entry.getValue());
      changed = true;
    }
    String oldRevision = annotation(rs, REVISION);
    long oldRevisionNumber;
    try {
      oldRevisionNumber = oldRevision == null || oldRevision.isEmpty() ? 0 : Long.parseLong(oldRevision);
    } catch (NumberFormatException e) {
      sortAnnotations(rs);
      return false;
    }
    long newRevisionNumber = Long.parseLong(newRevision);
    if (oldRevisionNumber < newRevisionNumber) {
      annotations.put(REVISION, newRevision);
      changed = true;
      if (oldRevision != null) {
        String history = annotation(rs, REVISION_HISTORY);
        if (history == null || history.isEmpty()) {
          annotations.put(REVISION_HISTORY, oldRevision);
        } else {
          List<String> revisions = new ArrayList<>(List.of(history.split(",", -1)));
          int length = history.length() + oldRevision.length() + 1;
          int start = 0;
          while (length > MAX_REVISION_HISTORY_CHARS && start < revisions.size()) {
            length -= revisions.get(start).length() + 1;
            start++;
          }
          if (length <= MAX_REVISION_HISTORY_CHARS) {
            List<String> kept = new ArrayList<>(revisions.subList(start, revisions.size()));
            kept.add(oldRevision);
            annotations.put(REVISION_HISTORY, String.join(",", kept));
          }
        }
      }
    }
    if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) {
      changed = true;
    }
    sortAnnotations(rs);
    return changed;
  }

  static boolean setReplicasAnnotations(ObjectNode rs, int desired, int max) {
    ObjectNode annotations = annotations(rs);
    boolean changed = false;
    if (!String.valueOf(desired).equals(annotation(rs, DESIRED_REPLICAS))) {
      annotations.put(DESIRED_REPLICAS, String.valueOf(desired));
      changed = true;
    }
    if (!String.valueOf(max).equals(annotation(rs, MAX_REPLICAS))) {
      annotations.put(MAX_REPLICAS, String.valueOf(max));
      changed = true;
    }
    sortAnnotations(rs);
    return changed;
  }

  static boolean setDeploymentRevision(ObjectNode d, String revision) {
    if (revision != null && revision.equals(annotation(d, REVISION))) {
      return false;
    }
    annotations(d).put(REVISION, revision);
    sortAnnotations(d);
    return true;
  }

  /** Go writes map keys sorted; so does the sandbox for the annotations it sets. */
  static void sortAnnotations(ObjectNode object) {
    ObjectNode annotations = annotations(object);
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    annotations.properties().iterator().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
    annotations.removeAll();
    sorted.forEach(annotations::set);
  }

  static ObjectNode annotations(ObjectNode object) {
    return Json.with(Json.with(object, "metadata"), "annotations");
  }

  static String annotation(JsonNode object, String key) {
    JsonNode value = object.path("metadata").path("annotations").get(key);
    return value == null || value.isNull() ? null : value.asText();
  }

  static Iterable<Map.Entry<String, JsonNode>> iterable(ObjectNode node) {
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    node.properties().iterator().forEachRemaining(entries::add);
    return entries;
  }

  static Integer nonNegativeAnnotation(JsonNode rs, String key) {
    String value = annotation(rs, key);
    if (value == null) {
      return null;
    }
    try {
      long parsed = Long.parseLong(value);
      return parsed < 0 || parsed > Integer.MAX_VALUE ? null : (int) parsed;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Long revisionOf(JsonNode rs) {
    String value = annotation(rs, REVISION);
    if (value == null) {
      return 0L;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static long maxRevision(List<ObjectNode> sets) {
    long max = 0;
    for (ObjectNode rs : sets) {
      Long revision = revisionOf(rs);
      if (revision != null && revision > max) {
        max = revision;
      }
    }
    return max;
  }

  /** LastRevision: the second highest revision, the one an undo goes back to. */
  static long lastRevision(List<ObjectNode> sets) {
    long max = 0;
    long second = 0;
    for (ObjectNode rs : sets) {
      Long revision = rs == null ? null : revisionOf(rs);
      if (revision == null) {
        continue;
      }
      if (revision >= max) {
        second = max;
        max = revision;
      } else if (revision > second) {
        second = revision;
      }
    }
    return second;
  }

  private RevisionAnnotations() {}
}
