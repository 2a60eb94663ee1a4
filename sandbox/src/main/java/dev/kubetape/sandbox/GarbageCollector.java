package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The garbage collector of kube-controller-manager: when an owner goes, its dependents (objects
 * whose ownerReferences name its uid) go too, unless another owner remains; an owner deleted
 * with {@code propagationPolicy=Orphan} releases its dependents first, and one deleted with
 * {@code Foreground} waits until its dependents are gone.
 */
final class GarbageCollector {
  private static final Registry.WriteOptions MANAGER = Registry.WriteOptions.of("kube-controller-manager");

  private final Registry registry;
  private final ControllerLoop loop;
  /** Owner uid to its dependents; kept by the store listener, read by the controller thread. */
  private final Map<String, Set<Ref>> dependentsByOwner = new ConcurrentHashMap<>();
  /** Where every stored object is, by uid: tells a live owner from a gone one, and finds it. */
  private final Map<String, Ref> live = new ConcurrentHashMap<>();

  /** Where a dependent is stored. */
  private record Ref(ResourceType type, String namespace, String name) {}

  GarbageCollector(Registry registry, ControllerLoop loop) {
    this.registry = registry;
    this.loop = loop;
    registry.store().listen(this::onChange);
  }

  private void track(ObjectStore.Change change) {
    ObjectNode object = change.object();
    Ref ref = new Ref(change.resource(), Json.text(object, "metadata", "namespace"),
        Json.text(object, "metadata", "name"));
    if (change.previous() != null) {
      for (JsonNode reference : change.previous().path("metadata").path("ownerReferences")) {
        Set<Ref> refs = dependentsByOwner.get(reference.path("uid").asText());
        if (refs != null) {
          refs.remove(ref);
        }
      }
    }
    String uid = Json.text(object, "metadata", "uid");
    if (change.type().equals("DELETED")) {
      live.remove(uid);
      return;
    }
    live.put(uid, ref);
    for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
      dependentsByOwner.computeIfAbsent(reference.path("uid").asText(),
          k -> ConcurrentHashMap.newKeySet()).add(ref);
    }
  }

  private void onChange(ObjectStore.Change change) {
    track(change);
    ObjectNode object = change.object();
    String uid = Json.text(object, "metadata", "uid");
    if (change.type().equals("DELETED")) {
      loop.submit("garbage collection after " + describe(object), () -> ownerGone(uid));
      // An owner in foreground deletion may have been waiting for exactly this dependent.
      for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
        String owner = reference.path("uid").asText();
        loop.submit("foreground deletion check", () -> recheckForeground(owner));
      }
    } else if (object.path("metadata").has("deletionTimestamp")) {
      List<String> finalizers = Registry.finalizers(object);
      if (finalizers.contains("orphan")) {
        loop.submit("orphaning dependents of " + describe(object), () -> orphan(change.resource(), object));
      }
      if (finalizers.contains("foregroundDeletion")) {
        loop.submit("foreground deletion of " + describe(object), () -> foreground(change.resource(), object));
      }
    }
  }

  private static String describe(ObjectNode object) {
    return object.path("kind").asText() + " " + Json.text(object, "metadata", "namespace") + "/"
        + Json.text(object, "metadata", "name");
  }

  /** Every object that names {@code uid} among its owners. */
  private List<Dependent> dependents(String uid) {
    List<Dependent> found = new ArrayList<>();
    for (Ref ref : dependentsByOwner.getOrDefault(uid, Set.of())) {
      ObjectNode object = registry.store().get(ref.type(), ref.namespace(), ref.name());
      if (object != null) {
        found.add(new Dependent(ref.type(), object));
      }
    }
    return found;
  }

  private record Dependent(ResourceType type, ObjectNode object) {
    String namespace() {
      return Json.text(object, "metadata", "namespace");
    }

    String name() {
      return Json.text(object, "metadata", "name");
    }
  }

  private void ownerGone(String uid) {
    List<Dependent> dependents = dependents(uid);
    dependentsByOwner.remove(uid);
    for (Dependent dependent : dependents) {
      List<String> remaining = new ArrayList<>();
      for (JsonNode reference : dependent.object().path("metadata").path("ownerReferences")) {
        String owner = reference.path("uid").asText();
        if (!owner.equals(uid) && live.containsKey(owner)) {
          remaining.add(owner);
        }
      }
      if (remaining.isEmpty()) {
        delete(dependent, "Background");
      } else {
        removeOwnerReference(dependent, uid);
      }
    }
  }

  private void orphan(ResourceType type, ObjectNode owner) {
    String uid = Json.text(owner, "metadata", "uid");
    for (Dependent dependent : dependents(uid)) {
      removeOwnerReference(dependent, uid);
    }
    removeFinalizer(type, owner, "orphan");
  }

  private void foreground(ResourceType type, ObjectNode owner) {
    String uid = Json.text(owner, "metadata", "uid");
    List<Dependent> dependents = dependents(uid);
    boolean blocked = false;
    for (Dependent dependent : dependents) {
      if (!dependent.object().path("metadata").has("deletionTimestamp")) {
        delete(dependent, "Foreground");
      }
      for (JsonNode reference : dependent.object().path("metadata").path("ownerReferences")) {
        if (uid.equals(reference.path("uid").asText())
            && reference.path("blockOwnerDeletion").asBoolean(false)) {
          blocked = true;
        }
      }
    }
    if (!blocked || dependents(uid).isEmpty()) {
      removeFinalizer(type, owner, "foregroundDeletion");
    }
  }

  private void recheckForeground(String ownerUid) {
    Ref ref = live.get(ownerUid);
    ObjectNode owner = ref == null ? null : registry.store().get(ref.type(), ref.namespace(), ref.name());
    if (owner != null && Registry.finalizers(owner).contains("foregroundDeletion")) {
      foreground(ref.type(), owner);
    }
  }

  private void delete(Dependent dependent, String policy) {
    try {
      registry.delete(dependent.type(), dependent.namespace(), dependent.name(),
          new Registry.DeleteOptions(policy, null, Json.text(dependent.object(), "metadata", "uid"),
              null, false, null));
    } catch (ApiException e) {
      if (e.code != 404 && e.code != 409) {
        throw e;
      }
    }
  }

  private void removeOwnerReference(Dependent dependent, String uid) {
    ObjectNode current = registry.store().get(dependent.type(), dependent.namespace(), dependent.name());
    if (current == null) {
      return;
    }
    ObjectNode updated = current.deepCopy();
    ObjectNode metadata = (ObjectNode) updated.get("metadata");
    ArrayNode kept = Json.array();
    for (JsonNode reference : metadata.path("ownerReferences")) {
      if (!uid.equals(reference.path("uid").asText())) {
        kept.add(reference);
      }
    }
    if (kept.isEmpty()) {
      metadata.remove("ownerReferences");
    } else {
      metadata.set("ownerReferences", kept);
    }
    registry.update(dependent.type(), dependent.namespace(), dependent.name(), updated, null, MANAGER);
  }

  private void removeFinalizer(ResourceType type, ObjectNode owner, String finalizer) {
    String namespace = Json.text(owner, "metadata", "namespace");
    String name = Json.text(owner, "metadata", "name");
    ObjectNode current = registry.store().get(type, namespace, name);
    if (current == null || !Registry.finalizers(current).contains(finalizer)) {
      return;
    }
    ObjectNode updated = current.deepCopy();
    ObjectNode metadata = (ObjectNode) updated.get("metadata");
    ArrayNode kept = Json.array();
    for (JsonNode f : metadata.path("finalizers")) {
      if (!f.asText().equals(finalizer)) {
        kept.add(f);
      }
    }
    if (kept.isEmpty()) {
      metadata.remove("finalizers");
    } else {
      metadata.set("finalizers", kept);
    }
    registry.update(type, namespace, name, updated, null, MANAGER);
  }
}
