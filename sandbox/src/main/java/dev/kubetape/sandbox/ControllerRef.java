package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Predicate;

/**
 * The controller ownerReference that ties a ReplicaSet to its Deployment and a pod to its
 * ReplicaSet, and how controllers claim objects with it, as client-go's ControllerRefManager
 * does: an object controlled by the owner that still matches the owner's selector is kept, one
 * that no longer matches is released, and an orphan that matches is adopted. Adoption and
 * release are strategic-merge patches of {@code metadata.ownerReferences}, with the object's
 * uid as a precondition, exactly as kube-controller-manager sends them.
 */
final class ControllerRef {
  private ControllerRef() {}

  /** The ownerReference with controller=true, or null for an orphan. */
  static JsonNode of(JsonNode object) {
    for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
      if (reference.path("controller").asBoolean(false)) {
        return reference;
      }
    }
    return null;
  }

  static boolean controlledBy(JsonNode object, JsonNode owner) {
    JsonNode reference = of(object);
    return reference != null
        && reference.path("uid").asText().equals(Json.text(owner, "metadata", "uid"));
  }

  /** metav1.NewControllerRef: the reference a controller puts on what it creates. */
  static ObjectNode newControllerRef(JsonNode owner) {
    ObjectNode reference = Json.object();
    reference.put("apiVersion", owner.path("apiVersion").asText());
    reference.put("kind", owner.path("kind").asText());
    reference.put("name", Json.text(owner, "metadata", "name"));
    reference.put("uid", Json.text(owner, "metadata", "uid"));
    reference.put("controller", true);
    reference.put("blockOwnerDeletion", true);
    return reference;
  }

  /**
   * ClaimObject: whether {@code owner} should manage {@code object}, adopting or releasing it
   * on the way. {@code canAdopt} is asked right before an adoption (the real check re-reads the
   * owner, so that a deleted owner adopts nothing).
   */
  static boolean claim(Registry registry, ResourceType type, JsonNode owner, ObjectNode object,
      Predicate<JsonNode> matches, Registry.WriteOptions options) {
    String ownerUid = Json.text(owner, "metadata", "uid");
    boolean ownerDeleting = owner.path("metadata").has("deletionTimestamp");
    JsonNode reference = of(object);
    if (reference != null) {
      if (!ownerUid.equals(reference.path("uid").asText())) {
        return false;
      }
      if (matches.test(object)) {
        return true;
      }
      if (!ownerDeleting) {
        patch(registry, type, object, release(object, ownerUid), options);
      }
      return false;
    }
    if (ownerDeleting || !matches.test(object) || object.path("metadata").has("deletionTimestamp")
        || !ownerStillLive(registry, owner)) {
      return false;
    }
    return patch(registry, type, object, adopt(object, owner), options);
  }

  private static boolean ownerStillLive(Registry registry, JsonNode owner) {
    ResourceType ownerType = registry.resources().all().stream()
        .filter(t -> t.kind().equals(owner.path("kind").asText())
            && t.groupVersion().equals(owner.path("apiVersion").asText()))
        .findFirst().orElse(null);
    if (ownerType == null) {
      return false;
    }
    ObjectNode fresh = registry.store().get(ownerType, Json.text(owner, "metadata", "namespace"),
        Json.text(owner, "metadata", "name"));
    return fresh != null && Json.text(owner, "metadata", "uid").equals(Json.text(fresh, "metadata", "uid"))
        && !fresh.path("metadata").has("deletionTimestamp");
  }

  private static ObjectNode adopt(JsonNode object, JsonNode owner) {
    ObjectNode patch = Json.object();
    ObjectNode metadata = patch.putObject("metadata");
    metadata.putArray("ownerReferences").add(newControllerRef(owner));
    metadata.put("uid", Json.text(object, "metadata", "uid"));
    return patch;
  }

  private static ObjectNode release(JsonNode object, String ownerUid) {
    ObjectNode patch = Json.object();
    ObjectNode metadata = patch.putObject("metadata");
    ObjectNode delete = metadata.putArray("ownerReferences").addObject();
    delete.put("$patch", "delete");
    delete.put("uid", ownerUid);
    metadata.put("uid", Json.text(object, "metadata", "uid"));
    return patch;
  }

  /** Sends the patch; an object that has gone meanwhile is simply not claimed. */
  private static boolean patch(Registry registry, ResourceType type, JsonNode object, ObjectNode patch,
      Registry.WriteOptions options) {
    try {
      registry.patch(type, Json.text(object, "metadata", "namespace"), Json.text(object, "metadata", "name"),
          "application/strategic-merge-patch+json", patch, null, options);
      return true;
    } catch (ApiException e) {
      if (e.code == 404 || e.code == 422) {
        return false;
      }
      throw e;
    }
  }
}
