package dev.kubetape.sandbox;

import static dev.kubetape.sandbox.DeploymentConditions.complete;
import static dev.kubetape.sandbox.DeploymentConditions.condition;
import static dev.kubetape.sandbox.DeploymentConditions.progressing;
import static dev.kubetape.sandbox.DeploymentConditions.removeCondition;
import static dev.kubetape.sandbox.DeploymentConditions.replicaFailure;
import static dev.kubetape.sandbox.DeploymentConditions.setCondition;
import static dev.kubetape.sandbox.RevisionAnnotations.DESIRED_REPLICAS;
import static dev.kubetape.sandbox.RevisionAnnotations.MAX_REPLICAS;
import static dev.kubetape.sandbox.RevisionAnnotations.NOT_COPIED;
import static dev.kubetape.sandbox.RevisionAnnotations.REVISION;
import static dev.kubetape.sandbox.RevisionAnnotations.ROLLBACK_TO;
import static dev.kubetape.sandbox.RevisionAnnotations.annotation;
import static dev.kubetape.sandbox.RevisionAnnotations.annotations;
import static dev.kubetape.sandbox.RevisionAnnotations.lastRevision;
import static dev.kubetape.sandbox.RevisionAnnotations.maxRevision;
import static dev.kubetape.sandbox.RevisionAnnotations.nonNegativeAnnotation;
import static dev.kubetape.sandbox.RevisionAnnotations.revisionOf;
import static dev.kubetape.sandbox.RevisionAnnotations.setDeploymentRevision;
import static dev.kubetape.sandbox.RevisionAnnotations.setNewReplicaSetAnnotations;
import static dev.kubetape.sandbox.RevisionAnnotations.setReplicasAnnotations;
import static dev.kubetape.sandbox.RollingUpdate.isRollingUpdate;
import static dev.kubetape.sandbox.RollingUpdate.maxSurge;
import static dev.kubetape.sandbox.RollingUpdate.maxUnavailable;
import static dev.kubetape.sandbox.RollingUpdate.newReplicaSetReplicas;
import static dev.kubetape.sandbox.RollingUpdate.replicaCount;
import static dev.kubetape.sandbox.RollingUpdate.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * kube-controller-manager's Deployment controller, step for step: it finds the ReplicaSets a
 * Deployment controls (adopting and releasing by selector), the new one whose template equals
 * the Deployment's (creating it as {@code NAME-HASH} when missing, see {@link PodTemplateHash}),
 * and then scales: RollingUpdate within {@code maxSurge}/{@code maxUnavailable} as the new
 * pods become available, Recreate by scaling the old ones to zero first; proportionally on a
 * scaling event or while paused. It keeps the revision annotations, the status counters and
 * the {@code Progressing}/{@code Available}/{@code ReplicaFailure} conditions with the real
 * reasons and messages, times a rollout out after {@code progressDeadlineSeconds} of simulated
 * time, records {@code ScalingReplicaSet} events, and deletes old ReplicaSets beyond
 * {@code revisionHistoryLimit}.
 *
 * <p>Like the real controller, a sync writes with the resourceVersion it read: a second status
 * write in one sync conflicts and the Deployment is synced again, which is why intermediate
 * statuses look the way they do on a real cluster.
 */
final class DeploymentController {
  static final String COMPONENT = "deployment-controller";
  static final String HASH_LABEL = "pod-template-hash";
  private static final long NO_LIMIT = Integer.MAX_VALUE;
  private static final Registry.WriteOptions MANAGER = Registry.WriteOptions.of("kube-controller-manager");

  private final Registry registry;
  private final ObjectStore store;
  private final EventRecorder events;
  private final ControllerClock clock;
  private final ControllerLoop loop;
  private final WorkQueue queue;
  private final ResourceType deployments;
  private final ResourceType replicaSets;
  private final ResourceType pods;
  /**
   * The exact instant behind each Deployment's last Progressing lastUpdateTime this controller
   * wrote (the object keeps whole seconds), so that a deadline in scaled time is not off by up
   * to a second times the scale. Owned by the controller thread.
   */
  private final Map<String, Instant> progressUpdates = new HashMap<>();
  /** Progressing conditions made in the current sync, not yet written. Controller thread. */
  private final Map<String, Instant> progressMade = new HashMap<>();

  DeploymentController(Registry registry, ControllerLoop loop, EventRecorder events, ControllerClock clock) {
    this.registry = registry;
    this.store = registry.store();
    this.events = events;
    this.clock = clock;
    this.loop = loop;
    this.deployments = registry.resources().find("apps", "v1", "deployments").orElseThrow();
    this.replicaSets = registry.resources().find("apps", "v1", "replicasets").orElseThrow();
    this.pods = registry.resources().find("", "v1", "pods").orElseThrow();
    this.queue = new WorkQueue(loop, clock, "syncing deployment", this::sync);
    store.listen(this::onChange);
    loop.submit("deployment controller start", () -> store.list(deployments, null).items()
        .forEach(d -> queue.add(key(d))));
  }

  private static String key(JsonNode object) {
    return Json.text(object, "metadata", "namespace") + "/" + Json.text(object, "metadata", "name");
  }

  // ---- events --------------------------------------------------------------------------------

  private void onChange(ObjectStore.Change change) {
    ObjectNode object = change.object();
    String namespace = Json.text(object, "metadata", "namespace");
    if (change.resource() == deployments) {
      queue.add(key(object));
    } else if (change.resource() == replicaSets) {
      JsonNode owner = ControllerRef.of(object);
      JsonNode previousOwner = change.previous() == null ? null : ControllerRef.of(change.previous());
      if (previousOwner != null && !previousOwner.equals(owner) && isDeployment(previousOwner)) {
        queue.add(namespace + "/" + previousOwner.path("name").asText());
      }
      if (owner != null) {
        if (isDeployment(owner)) {
          queue.add(namespace + "/" + owner.path("name").asText());
        }
      } else if (!change.type().equals("DELETED")) {
        loop.submit("deployments for orphan replicaset", () -> {
          for (ObjectNode d : store.list(deployments, namespace).items()) {
            if (selector(d).test(object)) {
              queue.add(key(d));
            }
          }
        });
      }
    } else if (change.resource() == pods && change.type().equals("DELETED")) {
      // A Recreate rollout waits for the last old pod to go before it scales up the new set.
      JsonNode owner = ControllerRef.of(object);
      if (owner != null && owner.path("kind").asText().equals("ReplicaSet")) {
        loop.submit("deployment of deleted pod", () -> {
          ObjectNode rs = store.get(replicaSets, namespace, owner.path("name").asText());
          JsonNode deploymentRef = rs == null ? null : ControllerRef.of(rs);
          if (deploymentRef != null && isDeployment(deploymentRef)) {
            ObjectNode d = store.get(deployments, namespace, deploymentRef.path("name").asText());
            if (d != null && "Recreate".equals(Json.text(d, "spec", "strategy", "type"))) {
              queue.add(key(d));
            }
          }
        });
      }
    }
  }

  private static boolean isDeployment(JsonNode reference) {
    return reference.path("kind").asText().equals("Deployment")
        && reference.path("apiVersion").asText().equals("apps/v1");
  }

  // ---- sync ----------------------------------------------------------------------------------

  private void sync(String key) {
    int slash = key.indexOf('/');
    ObjectNode stored = store.get(deployments, key.substring(0, slash), key.substring(slash + 1));
    if (stored == null) {
      return;
    }
    ObjectNode d = stored.deepCopy();
    JsonNode selector = d.path("spec").path("selector");
    if (selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty()) {
      events.record(d, COMPONENT, null, "Warning", "SelectingAll",
          "This deployment is selecting all pods. A non-empty selector is required.", null);
      if (status(d).path("observedGeneration").asLong(0) < generation(d)) {
        status(d).put("observedGeneration", generation(d));
        updateStatus(d);
      }
      return;
    }
    List<ObjectNode> rsList = claimReplicaSets(d);
    Map<String, List<ObjectNode>> podMap = podMap(d, rsList);
    if (d.path("metadata").has("deletionTimestamp")) {
      Found found = replicaSetsAndSyncRevision(d, rsList, false);
      syncDeploymentStatus(found.all(), found.newRS(), d);
      return;
    }
    checkPausedConditions(d);
    if (paused(d)) {
      syncScaling(d, rsList);
      return;
    }
    if (rollbackTo(d) != null) {
      rollback(d, rsList);
      return;
    }
    if (isScalingEvent(d, rsList)) {
      syncScaling(d, rsList);
      return;
    }
    if ("Recreate".equals(Json.text(d, "spec", "strategy", "type"))) {
      rolloutRecreate(d, rsList, podMap);
    } else {
      rolloutRolling(d, rsList);
    }
  }

  /** getReplicaSetsForDeployment: the sets this Deployment controls, after adoption and release. */
  private List<ObjectNode> claimReplicaSets(ObjectNode d) {
    Predicate<JsonNode> matches = selector(d);
    List<ObjectNode> claimed = new ArrayList<>();
    for (ObjectNode rs : store.list(replicaSets, Json.text(d, "metadata", "namespace")).items()) {
      if (ControllerRef.claim(registry, replicaSets, d, rs, matches, MANAGER)) {
        claimed.add(rs);
      }
    }
    return claimed;
  }

  /** Pods matching the selector, by the uid of the claimed ReplicaSet that controls them. */
  private Map<String, List<ObjectNode>> podMap(ObjectNode d, List<ObjectNode> rsList) {
    Map<String, List<ObjectNode>> byOwner = new HashMap<>();
    rsList.forEach(rs -> byOwner.put(uid(rs), new ArrayList<>()));
    Predicate<JsonNode> matches = selector(d);
    for (ObjectNode pod : store.list(pods, Json.text(d, "metadata", "namespace")).items()) {
      JsonNode owner = ControllerRef.of(pod);
      if (owner != null && matches.test(pod) && byOwner.containsKey(owner.path("uid").asText())) {
        byOwner.get(owner.path("uid").asText()).add(pod);
      }
    }
    return byOwner;
  }

  private static Predicate<JsonNode> selector(JsonNode d) {
    JsonNode selector = d.path("spec").get("selector");
    Predicate<ObjectNode> matches = Selectors.labelSelectorObject(selector);
    boolean empty = selector == null || (selector.path("matchLabels").isEmpty()
        && selector.path("matchExpressions").isEmpty());
    return object -> !empty && matches.test((ObjectNode) object);
  }

  /** The new ReplicaSet (possibly null) and all the old ones. */
  private record Found(ObjectNode newRS, List<ObjectNode> old) {
    List<ObjectNode> all() {
      List<ObjectNode> all = new ArrayList<>(old);
      all.add(newRS);
      return all;
    }
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new set gets the next revision (and the Deployment
   * the new set's), creating the new set when asked to and missing.
   */
  private Found replicaSetsAndSyncRevision(ObjectNode d, List<ObjectNode> rsList, boolean create) {
    ObjectNode existing = findNewReplicaSet(d, rsList);
    List<ObjectNode> old = new ArrayList<>();
    for (ObjectNode rs : rsList) {
      if (existing == null || !uid(rs).equals(uid(existing))) {
        old.add(rs);
      }
    }
    return new Found(newReplicaSet(d, rsList, old, create), old);
  }

  private ObjectNode findNewReplicaSet(ObjectNode d, List<ObjectNode> rsList) {
    List<ObjectNode> sorted = new ArrayList<>(rsList);
    sorted.sort(BY_CREATION);
    String template = templateDump(d.path("spec").path("template"));
    for (ObjectNode rs : sorted) {
      if (templateDump(rs.path("spec").path("template")).equals(template)) {
        // Several sets can share the template (issue 40415); the oldest wins.
        return rs;
      }
    }
    return null;
  }

  /**
   * EqualIgnoreHash: templates compare as the Go structs they decode to (so "0.5" equals
   * "500m" and an empty list equals none), without the pod-template-hash label.
   */
  private static String templateDump(JsonNode template) {
    JsonNode labels = template.path("metadata").path("labels");
    if (!labels.has(HASH_LABEL)) {
      return PodTemplateDump.of(template);
    }
    ObjectNode copy = template.deepCopy();
    ((ObjectNode) copy.path("metadata").path("labels")).remove(HASH_LABEL);
    return PodTemplateDump.of(copy);
  }

  private ObjectNode newReplicaSet(ObjectNode d, List<ObjectNode> rsList, List<ObjectNode> old, boolean create) {
    ObjectNode existing = findNewReplicaSet(d, rsList);
    String newRevision = String.valueOf(maxRevision(old) + 1);
    if (existing != null) {
      ObjectNode copy = existing.deepCopy();
      boolean annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      boolean minReadyChanged = minReadySeconds(copy) != minReadySeconds(d);
      if (annotationsUpdated || minReadyChanged) {
        setMinReadySeconds(copy, minReadySeconds(d));
        return update(copy);
      }
      boolean needsUpdate = setDeploymentRevision(d, annotation(copy, REVISION));
      if (hasProgressDeadline(d) && condition(status(d), "Progressing") == null) {
        setCondition(status(d), newCondition(d, "Progressing", "True", "FoundNewReplicaSet",
            "Found new replica set \"" + name(copy) + "\""));
        needsUpdate = true;
      }
      if (needsUpdate) {
        updateStatus(d);
      }
      return copy;
    }
    if (!create) {
      return null;
    }
    ObjectNode template = d.path("spec").path("template").deepCopy();
    JsonNode collisionCount = status(d).get("collisionCount");
    String hash = PodTemplateHash.of(template, collisionCount == null ? null : collisionCount.asInt());
    Json.with(Json.with(template, "metadata"), "labels").put(HASH_LABEL, hash);
    ObjectNode selector = d.path("spec").path("selector").deepCopy();
    Json.with(selector, "matchLabels").put(HASH_LABEL, hash);

    ObjectNode rs = Json.object();
    rs.put("apiVersion", "apps/v1");
    rs.put("kind", "ReplicaSet");
    ObjectNode metadata = rs.putObject("metadata");
    metadata.put("name", replicaSetName(name(d), hash));
    metadata.put("namespace", Json.text(d, "metadata", "namespace"));
    metadata.set("labels", template.path("metadata").path("labels").deepCopy());
    metadata.putArray("ownerReferences").add(ControllerRef.newControllerRef(d));
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", 0);
    setMinReadySeconds(rs, minReadySeconds(d));
    spec.set("selector", selector);
    spec.set("template", template);
    List<ObjectNode> all = new ArrayList<>(old);
    all.add(rs);
    int newReplicas = newReplicaSetReplicas(d, all, rs);
    spec.put("replicas", newReplicas);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);

    boolean alreadyExists = false;
    ObjectNode created;
    try {
      created = registry.create(replicaSets, Json.text(d, "metadata", "namespace"), rs, MANAGER).object();
    } catch (ApiException e) {
      if (e.code == 409 && "AlreadyExists".equals(e.reason)) {
        ObjectNode found = store.get(replicaSets, Json.text(d, "metadata", "namespace"), name(rs));
        if (found == null) {
          throw e;
        }
        if (ControllerRef.controlledBy(found, d)
            && templateDump(found.path("spec").path("template")).equals(templateDump(d.path("spec").path("template")))) {
          created = found;
          alreadyExists = true;
        } else {
          // A different set took the name: the next hash must differ.
          status(d).put("collisionCount", collisionCount == null ? 1 : collisionCount.asInt() + 1);
          updateStatus(d);
          throw e;
        }
      } else if (namespaceTerminating(e)) {
        throw e;
      } else {
        String message = "Failed to create new replica set \"" + name(rs) + "\": " + e.getMessage();
        if (hasProgressDeadline(d)) {
          setCondition(status(d), newCondition(d, "Progressing", "False", "ReplicaSetCreateError", message));
          try {
            updateStatus(d);
          } catch (ApiException ignored) {
            // The creation failure is the thing to report; the status follows on the next sync.
          }
        }
        events.record(d, COMPONENT, null, "Warning", "ReplicaSetCreateError", message, null);
        throw e;
      }
    }
    if (!alreadyExists && newReplicas > 0) {
      events.record(d, COMPONENT, null, "Normal", "ScalingReplicaSet",
          "Scaled up replica set " + name(created) + " from 0 to " + newReplicas, null);
    }
    boolean needsUpdate = setDeploymentRevision(d, newRevision);
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(status(d), newCondition(d, "Progressing", "True", "NewReplicaSetCreated",
          "Created new replica set \"" + name(created) + "\""));
      needsUpdate = true;
    }
    if (needsUpdate) {
      updateStatus(d);
    }
    return created;
  }

  private static boolean namespaceTerminating(ApiException e) {
    if (e.details != null) {
      for (JsonNode cause : e.details.path("causes")) {
        if (cause.path("reason").asText().equals("NamespaceTerminating")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The set's name: the Deployment's, cut so that name, dash and hash fit 253 characters. */
  static String replicaSetName(String deployment, String hash) {
    int max = 253 - 1 - hash.length();
    String base = deployment.length() > max && max > 0 ? deployment.substring(0, max) : deployment;
    return base + "-" + hash;
  }

  // ---- rolling update ------------------------------------------------------------------------

  private void rolloutRolling(ObjectNode d, List<ObjectNode> rsList) {
    Found found = replicaSetsAndSyncRevision(d, rsList, true);
    ObjectNode newRS = found.newRS();
    List<ObjectNode> all = found.all();
    if (reconcileNewReplicaSet(all, newRS, d)) {
      syncRolloutStatus(all, newRS, d);
      return;
    }
    if (reconcileOldReplicaSets(all, active(found.old()), newRS, d)) {
      syncRolloutStatus(all, newRS, d);
      return;
    }
    if (complete(d, status(d))) {
      cleanup(found.old(), d);
    }
    syncRolloutStatus(all, newRS, d);
  }

  private boolean reconcileNewReplicaSet(List<ObjectNode> all, ObjectNode newRS, ObjectNode d) {
    int wanted = replicas(d);
    if (replicas(newRS) == wanted) {
      return false;
    }
    if (replicas(newRS) > wanted) {
      return scale(newRS, wanted, d).scaled();
    }
    return scale(newRS, newReplicaSetReplicas(d, all, newRS), d).scaled();
  }

  /**
   * Scales old sets down as far as availability allows: first their unhealthy pods, then as
   * many available ones as keep {@code replicas - maxUnavailable} available, never counting
   * on new pods that are not available yet.
   */
  private boolean reconcileOldReplicaSets(List<ObjectNode> all, List<ObjectNode> old, ObjectNode newRS, ObjectNode d) {
    int oldPods = replicaCount(old);
    if (oldPods == 0) {
      return false;
    }
    int allPods = replicaCount(all);
    int minAvailable = replicas(d) - maxUnavailable(d);
    int newUnavailable = replicas(newRS) - statusInt(newRS, "availableReplicas");
    int maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    List<ObjectNode> cleaned;
    int cleanedUp;
    try {
      var result = cleanupUnhealthyReplicas(old, d, maxScaledDown);
      cleaned = result.sets();
      cleanedUp = result.count();
    } catch (ApiException e) {
      return false;
    }
    List<ObjectNode> allAfter = new ArrayList<>(cleaned);
    allAfter.add(newRS);
    int scaledDown;
    try {
      scaledDown = scaleDownOldForRollingUpdate(allAfter, cleaned, d);
    } catch (ApiException e) {
      return false;
    }
    return cleanedUp + scaledDown > 0;
  }

  private record Cleaned(List<ObjectNode> sets, int count) {}

  private Cleaned cleanupUnhealthyReplicas(List<ObjectNode> old, ObjectNode d, int maxCleanup) {
    List<ObjectNode> sets = new ArrayList<>(old);
    sets.sort(BY_CREATION);
    int total = 0;
    for (int i = 0; i < sets.size(); i++) {
      if (total >= maxCleanup) {
        break;
      }
      ObjectNode rs = sets.get(i);
      int replicas = replicas(rs);
      int available = statusInt(rs, "availableReplicas");
      if (replicas == 0 || replicas == available) {
        continue;
      }
      int count = Math.min(maxCleanup - total, replicas - available);
      Scaled result = scale(rs, replicas - count, d);
      total += count;
      sets.set(i, result.rs());
    }
    return new Cleaned(sets, total);
  }

  private int scaleDownOldForRollingUpdate(List<ObjectNode> all, List<ObjectNode> old, ObjectNode d) {
    int minAvailable = replicas(d) - maxUnavailable(d);
    int available = statusCount(all, "availableReplicas");
    if (available <= minAvailable) {
      return 0;
    }
    List<ObjectNode> sets = new ArrayList<>(old);
    sets.sort(BY_CREATION);
    int total = 0;
    int wanted = available - minAvailable;
    for (ObjectNode rs : sets) {
      if (total >= wanted) {
        break;
      }
      if (replicas(rs) == 0) {
        continue;
      }
      int count = Math.min(replicas(rs), wanted - total);
      scale(rs, replicas(rs) - count, d);
      total += count;
    }
    return total;
  }

  // ---- recreate ------------------------------------------------------------------------------

  private void rolloutRecreate(ObjectNode d, List<ObjectNode> rsList, Map<String, List<ObjectNode>> podMap) {
    Found found = replicaSetsAndSyncRevision(d, rsList, false);
    ObjectNode newRS = found.newRS();
    List<ObjectNode> all = found.all();
    boolean scaledDown = false;
    for (ObjectNode rs : active(found.old())) {
      if (replicas(rs) != 0 && scale(rs, 0, d).scaled()) {
        scaledDown = true;
      }
    }
    if (scaledDown) {
      syncRolloutStatus(all, newRS, d);
      return;
    }
    if (oldPodsRunning(newRS, found.old(), podMap)) {
      syncRolloutStatus(all, newRS, d);
      return;
    }
    if (newRS == null) {
      found = replicaSetsAndSyncRevision(d, rsList, true);
      newRS = found.newRS();
      all = found.all();
    }
    scale(newRS, replicas(d), d);
    if (complete(d, status(d))) {
      cleanup(found.old(), d);
    }
    syncRolloutStatus(all, newRS, d);
  }

  private static boolean oldPodsRunning(ObjectNode newRS, List<ObjectNode> old, Map<String, List<ObjectNode>> podMap) {
    if (statusCount(old, "replicas") > 0) {
      return true;
    }
    for (Map.Entry<String, List<ObjectNode>> entry : podMap.entrySet()) {
      if (newRS != null && uid(newRS).equals(entry.getKey())) {
        continue;
      }
      for (ObjectNode pod : entry.getValue()) {
        String phase = Json.text(pod, "status", "phase");
        if (!"Failed".equals(phase) && !"Succeeded".equals(phase)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- scaling events, pause, rollback -------------------------------------------------------

  private boolean isScalingEvent(ObjectNode d, List<ObjectNode> rsList) {
    Found found = replicaSetsAndSyncRevision(d, rsList, false);
    for (ObjectNode rs : active(found.all())) {
      Integer desired = nonNegativeAnnotation(rs, DESIRED_REPLICAS);
      if (desired != null && desired != replicas(d)) {
        return true;
      }
    }
    return false;
  }

  /** sync: scaling (proportional while a rollout is in flight) and, when paused, clean-up. */
  private void syncScaling(ObjectNode d, List<ObjectNode> rsList) {
    Found found = replicaSetsAndSyncRevision(d, rsList, false);
    List<ObjectNode> old = new ArrayList<>(found.old());
    scaleProportionally(d, found.newRS(), old);
    if (paused(d) && rollbackTo(d) == null) {
      cleanup(old, d);
    }
    List<ObjectNode> all = new ArrayList<>(old);
    all.add(found.newRS());
    syncDeploymentStatus(all, found.newRS(), d);
  }

  private void scaleProportionally(ObjectNode d, ObjectNode newRS, List<ObjectNode> old) {
    ObjectNode activeOrLatest = activeOrLatest(newRS, old);
    if (activeOrLatest != null) {
      if (replicas(activeOrLatest) != replicas(d)) {
        scale(activeOrLatest, replicas(d), d);
      }
      return;
    }
    if (saturated(d, newRS)) {
      for (ObjectNode rs : active(old)) {
        if (replicas(rs) != 0) {
          scale(rs, 0, d);
        }
      }
      return;
    }
    if (!isRollingUpdate(d)) {
      return;
    }
    List<ObjectNode> all = new ArrayList<>(old);
    all.add(newRS);
    List<ObjectNode> sets = active(all);
    int allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
    int toAdd = allowed - replicaCount(sets);
    if (toAdd > 0) {
      // Biggest first; among equals, newer first when growing and older first when shrinking.
      sets.sort(BY_SIZE.thenComparing(BY_CREATION.reversed()));
    } else if (toAdd < 0) {
      sets.sort(BY_SIZE.thenComparing(BY_CREATION));
    }
    int added = 0;
    Map<String, Integer> sizes = new HashMap<>();
    for (ObjectNode rs : sets) {
      if (toAdd != 0) {
        int proportion = proportion(rs, d, toAdd, added);
        sizes.put(name(rs), replicas(rs) + proportion);
        added += proportion;
      } else {
        sizes.put(name(rs), replicas(rs));
      }
    }
    for (int i = 0; i < sets.size(); i++) {
      ObjectNode rs = sets.get(i);
      if (i == 0 && toAdd != 0) {
        sizes.put(name(rs), Math.max(0, sizes.get(name(rs)) + toAdd - added));
      }
      scaleAlways(rs, sizes.get(name(rs)), d);
    }
  }

  private int proportion(ObjectNode rs, ObjectNode d, int toAdd, int added) {
    if (replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
      return 0;
    }
    int fraction = fraction(rs, d);
    int allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  private int fraction(ObjectNode rs, ObjectNode d) {
    if (replicas(d) == 0) {
      return -replicas(rs);
    }
    int maxNow = replicas(d) + maxSurge(d);
    Integer maxBefore = nonNegativeAnnotation(rs, MAX_REPLICAS);
    if (maxBefore == null || maxBefore == 0) {
      maxBefore = statusInt(d, "replicas");
      if (maxBefore == 0) {
        return 0;
      }
    }
    double size = (double) (replicas(rs) * maxNow) / maxBefore;
    // integer.RoundToInt32: halves away from zero.
    return (int) Math.round(size) - replicas(rs);
  }

  private static ObjectNode activeOrLatest(ObjectNode newRS, List<ObjectNode> old) {
    if (newRS == null && old.isEmpty()) {
      return null;
    }
    old.sort(BY_CREATION.reversed());
    List<ObjectNode> all = new ArrayList<>(old);
    all.add(newRS);
    List<ObjectNode> activeSets = active(all);
    return switch (activeSets.size()) {
      case 0 -> newRS != null ? newRS : old.get(0);
      case 1 -> activeSets.get(0);
      default -> null;
    };
  }

  private static boolean saturated(ObjectNode d, ObjectNode rs) {
    if (rs == null) {
      return false;
    }
    String desired = annotation(rs, DESIRED_REPLICAS);
    try {
      return desired != null && replicas(rs) == replicas(d) && Integer.parseInt(desired) == replicas(d)
          && statusInt(rs, "availableReplicas") == replicas(d);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Marks a pause or a resume with an Unknown Progressing condition, so that time spent paused
   * does not count against the progress deadline.
   */
  private void checkPausedConditions(ObjectNode d) {
    if (!hasProgressDeadline(d)) {
      return;
    }
    JsonNode progressing = condition(status(d), "Progressing");
    if (progressing != null && "ProgressDeadlineExceeded".equals(progressing.path("reason").asText())) {
      return;
    }
    boolean pausedCondition = progressing != null && "DeploymentPaused".equals(progressing.path("reason").asText());
    if (paused(d) && !pausedCondition) {
      setCondition(status(d), newCondition(d, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"));
      updateStatus(d);
    } else if (!paused(d) && pausedCondition) {
      setCondition(status(d), newCondition(d, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"));
      updateStatus(d);
    }
  }

  private static Long rollbackTo(ObjectNode d) {
    String revision = annotation(d, ROLLBACK_TO);
    if (revision == null || revision.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(revision);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The deprecated rollbackTo annotation (older clients): copy the old set's template back. */
  private void rollback(ObjectNode d, List<ObjectNode> rsList) {
    Found found = replicaSetsAndSyncRevision(d, rsList, true);
    long revision = rollbackTo(d);
    if (revision == 0) {
      revision = lastRevision(found.all());
      if (revision == 0) {
        events.record(d, COMPONENT, null, "Warning", "DeploymentRollbackRevisionNotFound", "Unable to find last revision.", null);
        clearRollbackTo(d);
        return;
      }
    }
    for (ObjectNode rs : found.all()) {
      Long rsRevision = revisionOf(rs);
      if (rsRevision != null && rsRevision == revision) {
        if (!templateDump(d.path("spec").path("template")).equals(templateDump(rs.path("spec").path("template")))) {
          ObjectNode template = rs.path("spec").path("template").deepCopy();
          JsonNode labels = template.path("metadata").path("labels");
          if (labels instanceof ObjectNode labelsObject) {
            labelsObject.remove(HASH_LABEL);
          }
          ((ObjectNode) d.get("spec")).set("template", template);
          ObjectNode annotations = Json.object();
          annotations(d).properties().iterator().forEachRemaining(e -> {
            if (NOT_COPIED.contains(e.getKey())) {
              annotations.set(e.getKey(), e.getValue());
            }
          });
          annotations(rs).properties().iterator().forEachRemaining(e -> {
            if (!NOT_COPIED.contains(e.getKey())) {
              annotations.set(e.getKey(), e.getValue());
            }
          });
          ((ObjectNode) d.get("metadata")).set("annotations", annotations);
          clearRollbackTo(d);
          events.record(d, COMPONENT, null, "Normal", "DeploymentRollback",
              "Rolled back deployment \"" + name(d) + "\" to revision " + revision, null);
        } else {
          events.record(d, COMPONENT, null, "Warning", "DeploymentRollbackTemplateUnchanged",
              "The rollback revision contains the same template as current deployment \"" + name(d) + "\"", null);
          clearRollbackTo(d);
        }
        return;
      }
    }
    events.record(d, COMPONENT, null, "Warning", "DeploymentRollbackRevisionNotFound",
        "Unable to find the revision to rollback to.", null);
    clearRollbackTo(d);
  }

  private void clearRollbackTo(ObjectNode d) {
    annotations(d).remove(ROLLBACK_TO);
    registry.update(deployments, Json.text(d, "metadata", "namespace"), name(d), d, null, MANAGER);
  }

  /** Keeps revisionHistoryLimit old sets: the oldest revisions go, once they are empty. */
  private void cleanup(List<ObjectNode> old, ObjectNode d) {
    JsonNode limitNode = d.path("spec").get("revisionHistoryLimit");
    if (limitNode == null || limitNode.isNull() || limitNode.asLong() == NO_LIMIT) {
      return;
    }
    List<ObjectNode> cleanable = new ArrayList<>();
    for (ObjectNode rs : old) {
      if (rs != null && !rs.path("metadata").has("deletionTimestamp")) {
        cleanable.add(rs);
      }
    }
    long diff = cleanable.size() - limitNode.asLong();
    if (diff <= 0) {
      return;
    }
    cleanable.sort(BY_REVISION);
    for (int i = 0; i < diff; i++) {
      ObjectNode rs = cleanable.get(i);
      if (statusInt(rs, "replicas") != 0 || replicas(rs) != 0
          || generation(rs) > status(rs).path("observedGeneration").asLong(0)
          || rs.path("metadata").has("deletionTimestamp")) {
        continue;
      }
      try {
        registry.delete(replicaSets, Json.text(rs, "metadata", "namespace"), name(rs), Registry.DeleteOptions.DEFAULT);
      } catch (ApiException e) {
        if (e.code != 404) {
          throw e;
        }
      }
    }
  }

  // ---- scaling a set -------------------------------------------------------------------------

  private record Scaled(boolean scaled, ObjectNode rs) {}

  /** scaleReplicaSetAndRecordEvent: nothing to do when the size is already right. */
  private Scaled scale(ObjectNode rs, int replicas, ObjectNode d) {
    if (replicas(rs) == replicas) {
      return new Scaled(false, rs);
    }
    return scaleAlways(rs, replicas, d);
  }

  /** scaleReplicaSet: sets the size and the replica annotations, with an event if the size changed. */
  private Scaled scaleAlways(ObjectNode rs, int replicas, ObjectNode d) {
    boolean sizeChanged = replicas(rs) != replicas;
    int desired = replicas(d);
    int max = desired + maxSurge(d);
    boolean annotationsChanged = !String.valueOf(desired).equals(annotation(rs, DESIRED_REPLICAS))
        || !String.valueOf(max).equals(annotation(rs, MAX_REPLICAS));
    if (!sizeChanged && !annotationsChanged) {
      return new Scaled(false, rs);
    }
    int before = replicas(rs);
    ObjectNode copy = rs.deepCopy();
    ((ObjectNode) copy.get("spec")).put("replicas", replicas);
    setReplicasAnnotations(copy, desired, max);
    ObjectNode updated = update(copy);
    if (sizeChanged) {
      events.record(d, COMPONENT, null, "Normal", "ScalingReplicaSet", "Scaled "
          + (before < replicas ? "up" : "down") + " replica set " + name(updated) + " from " + before
          + " to " + replicas, null);
    }
    return new Scaled(sizeChanged, updated);
  }

  private ObjectNode update(ObjectNode rs) {
    return registry.update(replicaSets, Json.text(rs, "metadata", "namespace"), name(rs), rs, null, MANAGER).object();
  }

  // ---- rolling-update arithmetic -------------------------------------------------------------

  // ---- status --------------------------------------------------------------------------------

  private ObjectNode calculateStatus(List<ObjectNode> all, ObjectNode newRS, ObjectNode d) {
    int available = statusCount(all, "availableReplicas");
    int unavailable = Math.max(0, replicaCount(all) - available);
    ObjectNode status = Json.object();
    putIfNonZero(status, "observedGeneration", generation(d));
    putIfNonZero(status, "replicas", statusCount(all, "replicas"));
    putIfNonZero(status, "updatedReplicas", newRS == null ? 0 : statusInt(newRS, "replicas"));
    putIfNonZero(status, "readyReplicas", statusCount(all, "readyReplicas"));
    putIfNonZero(status, "availableReplicas", available);
    putIfNonZero(status, "unavailableReplicas", unavailable);
    JsonNode conditions = status(d).get("conditions");
    if (conditions != null && conditions.isArray() && !conditions.isEmpty()) {
      status.set("conditions", conditions.deepCopy());
    }
    JsonNode collisionCount = status(d).get("collisionCount");
    if (collisionCount != null && !collisionCount.isNull()) {
      status.set("collisionCount", collisionCount.deepCopy());
    }
    if (available >= replicas(d) - maxUnavailable(d)) {
      setCondition(status, newCondition(d, "Available", "True", "MinimumReplicasAvailable",
          "Deployment has minimum availability."));
    } else {
      setCondition(status, newCondition(d, "Available", "False", "MinimumReplicasUnavailable",
          "Deployment does not have minimum availability."));
    }
    return status;
  }

  private void syncDeploymentStatus(List<ObjectNode> all, ObjectNode newRS, ObjectNode d) {
    ObjectNode status = calculateStatus(all, newRS, d);
    if (same(status(d), status)) {
      return;
    }
    d.set("status", status);
    updateStatus(d);
  }

  /** syncRolloutStatus: the counters and conditions, and whether the rollout progressed or timed out. */
  private void syncRolloutStatus(List<ObjectNode> all, ObjectNode newRS, ObjectNode d) {
    ObjectNode status = calculateStatus(all, newRS, d);
    if (!hasProgressDeadline(d)) {
      removeCondition(status, "Progressing");
    }
    JsonNode current = condition(status(d), "Progressing");
    boolean completeBefore = status.path("replicas").asInt(0) == status.path("updatedReplicas").asInt(0)
        && current != null && "NewReplicaSetAvailable".equals(current.path("reason").asText());
    if (hasProgressDeadline(d) && !completeBefore) {
      String subject = newRS != null ? "ReplicaSet \"" + name(newRS) + "\"" : "Deployment \"" + name(d) + "\"";
      if (complete(d, status)) {
        setCondition(status, newCondition(d, "Progressing", "True", "NewReplicaSetAvailable",
            subject + " has successfully progressed."));
      } else if (progressing(d, status)) {
        ObjectNode condition = newCondition(d, "Progressing", "True", "ReplicaSetUpdated", subject + " is progressing.");
        // Progress refreshes lastUpdateTime, even with an unchanged reason; the transition stays.
        if (current != null) {
          if ("True".equals(current.path("status").asText())) {
            condition.set("lastTransitionTime", current.get("lastTransitionTime"));
          }
          removeCondition(status, "Progressing");
        }
        setCondition(status, condition);
      } else if (timedOut(d, status)) {
        setCondition(status, newCondition(d, "Progressing", "False", "ProgressDeadlineExceeded",
            subject + " has timed out progressing."));
      }
    }
    ObjectNode failure = replicaFailure(all, newRS);
    if (failure != null) {
      setCondition(status, failure);
    } else {
      removeCondition(status, "ReplicaFailure");
    }
    if (same(status(d), status)) {
      requeueStuckDeployment(d, status);
      return;
    }
    d.set("status", status);
    updateStatus(d);
  }

  private boolean timedOut(ObjectNode d, JsonNode status) {
    JsonNode condition = condition(status, "Progressing");
    if (condition == null || "NewReplicaSetAvailable".equals(condition.path("reason").asText())) {
      return false;
    }
    if ("ProgressDeadlineExceeded".equals(condition.path("reason").asText())) {
      return true;
    }
    Duration deadline = Duration.ofSeconds(d.path("spec").path("progressDeadlineSeconds").asLong());
    return clock.since(lastUpdate(d, condition)).compareTo(deadline) > 0;
  }

  /** Syncs again when the deadline of a rollout that shows no progress passes. */
  private void requeueStuckDeployment(ObjectNode d, JsonNode status) {
    JsonNode current = condition(status(d), "Progressing");
    if (!hasProgressDeadline(d) || current == null) {
      return;
    }
    if (complete(d, status) || "ProgressDeadlineExceeded".equals(current.path("reason").asText())) {
      return;
    }
    Duration deadline = Duration.ofSeconds(d.path("spec").path("progressDeadlineSeconds").asLong());
    Duration after = deadline.minus(clock.since(lastUpdate(d, current)));
    if (after.compareTo(Duration.ofSeconds(1)) < 0) {
      queue.addRateLimited(key(d));
    } else {
      queue.addAfter(key(d), after.plusSeconds(1));
    }
  }

  private Instant lastUpdate(ObjectNode d, JsonNode condition) {
    String text = condition.path("lastUpdateTime").asText();
    Instant exact = progressUpdates.get(uid(d));
    if (exact != null && Json.time(exact).equals(text)) {
      return exact;
    }
    return Instant.parse(text);
  }

  private void checkAnnotationsKept(ObjectNode d, ObjectNode written) {
    JsonNode wanted = d.path("metadata").path("annotations");
    if (!wanted.equals(written.path("metadata").path("annotations"))) {
      // kube-apiserver lets a Deployment's status write change its annotations (the revision
      // rides along with the condition); where the registry keeps them, write them directly.
      ObjectNode fix = written.deepCopy();
      ((ObjectNode) fix.get("metadata")).set("annotations", wanted.deepCopy());
      registry.update(deployments, Json.text(d, "metadata", "namespace"), name(d), fix, null, MANAGER);
    }
  }

  private void updateStatus(ObjectNode d) {
    ObjectNode written = registry.update(deployments, Json.text(d, "metadata", "namespace"), name(d), d,
        "status", MANAGER).object();
    Instant made = progressMade.remove(uid(d));
    JsonNode progressing = condition(written.path("status"), "Progressing");
    if (made != null && progressing != null
        && Json.time(made).equals(progressing.path("lastUpdateTime").asText())) {
      progressUpdates.put(uid(d), made);
    }
    checkAnnotationsKept(d, written);
  }

  // ---- conditions ----------------------------------------------------------------------------

  private ObjectNode newCondition(ObjectNode d, String type, String status, String reason, String message) {
    Instant now = clock.now();
    if (type.equals("Progressing")) {
      progressMade.put(uid(d), now);
    }
    return DeploymentConditions.of(type, status, reason, message, Json.time(now));
  }


  // ---- annotations ---------------------------------------------------------------------------

  // ---- small accessors -----------------------------------------------------------------------

  private static final Comparator<ObjectNode> BY_CREATION = Comparator
      .comparing((ObjectNode rs) -> Instant.parse(Json.text(rs, "metadata", "creationTimestamp")))
      .thenComparing(DeploymentController::name);

  private static final Comparator<ObjectNode> BY_SIZE =
      (a, b) -> Integer.compare(replicas(b), replicas(a));

  private static final Comparator<ObjectNode> BY_REVISION = (a, b) -> {
    Long ra = revisionOf(a);
    Long rb = revisionOf(b);
    if (ra == null || rb == null || ra.equals(rb)) {
      return BY_CREATION.compare(a, b);
    }
    return Long.compare(ra, rb);
  };

  private static List<ObjectNode> active(List<ObjectNode> sets) {
    List<ObjectNode> active = new ArrayList<>();
    for (ObjectNode rs : sets) {
      if (rs != null && replicas(rs) > 0) {
        active.add(rs);
      }
    }
    return active;
  }

  private static int statusCount(List<ObjectNode> sets, String field) {
    int total = 0;
    for (ObjectNode rs : sets) {
      total += rs == null ? 0 : statusInt(rs, field);
    }
    return total;
  }

  private static int statusInt(JsonNode object, String field) {
    return object == null ? 0 : object.path("status").path(field).asInt(0);
  }

  private static ObjectNode status(ObjectNode object) {
    return Json.with(object, "status");
  }

  private static long generation(JsonNode object) {
    return object.path("metadata").path("generation").asLong(0);
  }

  private static int minReadySeconds(JsonNode object) {
    return object.path("spec").path("minReadySeconds").asInt(0);
  }

  private static void setMinReadySeconds(ObjectNode object, int seconds) {
    ObjectNode spec = Json.with(object, "spec");
    if (seconds == 0) {
      spec.remove("minReadySeconds");
    } else {
      spec.put("minReadySeconds", seconds);
    }
  }

  private static boolean paused(JsonNode d) {
    return d.path("spec").path("paused").asBoolean(false);
  }

  private static boolean hasProgressDeadline(JsonNode d) {
    JsonNode deadline = d.path("spec").get("progressDeadlineSeconds");
    return deadline != null && !deadline.isNull() && deadline.asLong() != NO_LIMIT;
  }

  private static String name(JsonNode object) {
    return Json.text(object, "metadata", "name");
  }

  private static String uid(JsonNode object) {
    return Json.text(object, "metadata", "uid");
  }

  private static void putIfNonZero(ObjectNode status, String field, long value) {
    if (value != 0) {
      status.put(field, value);
    }
  }

  /** reflect.DeepEqual on statuses: numbers by value, whatever node type holds them. */
  private static boolean same(JsonNode a, JsonNode b) {
    return a.equals((x, y) -> x.isNumber() && y.isNumber()
        ? x.decimalValue().compareTo(y.decimalValue()) : x.equals(y) ? 0 : 1, b);
  }
}
