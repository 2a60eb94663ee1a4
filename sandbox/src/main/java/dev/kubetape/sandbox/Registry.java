package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The write path of every resource, with kube-apiserver's generic registry semantics: create,
 * update (optimistic concurrency), the three patch types and server-side apply, delete with
 * graceful deletion, finalizers and propagation policies, and list with selectors and paging.
 * HTTP handlers and the simulated controllers both write through here, so a controller's
 * update is validated, versioned and watched like a client's.
 */
final class Registry {
  /** How a write was asked for: the query parameters every mutating verb shares. */
  record WriteOptions(String fieldManager, boolean dryRun, String fieldValidation, boolean force) {
    static WriteOptions of(String manager) {
      return new WriteOptions(manager, false, "Ignore", false);
    }
  }

  /** A written object, the HTTP code the real server answers with, and any warnings. */
  record Result(ObjectNode object, int code, List<String> warnings) {}

  /** Delete options from the query or the DeleteOptions body. */
  record DeleteOptions(String propagationPolicy, Long gracePeriodSeconds, String preconditionUid,
      String preconditionResourceVersion, boolean dryRun, Boolean orphanDependents) {
    static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, null, false, null);
  }

  /** Kinds whose metadata.generation tracks spec changes. */
  private static final Set<String> GENERATION_KINDS = Set.of("Deployment", "ReplicaSet", "Pod",
      "EndpointSlice", "StatefulSet", "DaemonSet", "Job", "CronJob", "PodDisruptionBudget",
      "Ingress", "IngressClass", "NetworkPolicy", "PriorityClass", "ReplicationController",
      "CustomResourceDefinition", "ValidatingAdmissionPolicy");
  /** Kinds whose delete answers with the object rather than a Status (ReturnDeletedObject). */
  private static final Set<String> RETURNS_DELETED_OBJECT =
      Set.of("Namespace", "Pod", "ResourceQuota", "Service", "ServiceAccount");
  private static final String NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final int MAX_PATCH_RETRIES = 5;

  private final ApiResources resources;
  private final OpenApi openApi;
  private final ObjectStore store;
  private final Admission admission;
  private final FieldManager fieldManager;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  Registry(ApiResources resources, OpenApi openApi, ObjectStore store, Admission admission,
      FieldManager fieldManager, Clock clock) {
    this.resources = resources;
    this.openApi = openApi;
    this.store = store;
    this.admission = admission;
    this.fieldManager = fieldManager;
    this.clock = clock;
  }

  ObjectStore store() {
    return store;
  }

  ApiResources resources() {
    return resources;
  }

  Instant now() {
    return clock.instant();
  }

  ObjectNode get(ResourceType type, String namespace, String name) {
    ObjectNode object = store.get(type, namespace, name);
    if (object == null) {
      throw ApiException.notFound(type, name);
    }
    return object;
  }

  // ---- list ----------------------------------------------------------------------------------

  /** A page of a list: the items, the revision, and where the next page starts. */
  record Page(List<ObjectNode> items, long revision, String continueToken, Long remaining) {}

  Page list(ResourceType type, String namespace, String labelSelector, String fieldSelector,
      Long limit, String continueToken) {
    Predicate<ObjectNode> labels = Selectors.labels(labelSelector);
    Predicate<ObjectNode> fields = Selectors.fields(fieldSelector, type);
    ContinueToken from = continueToken == null || continueToken.isEmpty()
        ? null : ContinueToken.parse(continueToken, store.revision());
    ObjectStore.Snapshot snapshot = store.list(type, namespace);
    List<ObjectNode> matching = new ArrayList<>();
    for (ObjectNode item : snapshot.items()) {
      if (from != null && key(item).compareTo(from.start()) < 0) {
        continue;
      }
      if (labels.test(item) && fields.test(item)) {
        matching.add(item);
      }
    }
    long revision = from != null ? from.revision() : snapshot.revision();
    if (limit != null && limit > 0 && matching.size() > limit) {
      List<ObjectNode> page = matching.subList(0, limit.intValue());
      ObjectNode last = page.get(page.size() - 1);
      String next = new ContinueToken(revision, key(last) + "\u0000").encode();
      // The real server only counts what is left when no selector had to be evaluated.
      Long remaining = labelSelector == null && fieldSelector == null
          ? (long) (matching.size() - page.size()) : null;
      return new Page(List.copyOf(page), revision, next, remaining);
    }
    return new Page(matching, revision, null, null);
  }

  private static String key(ObjectNode object) {
    return ObjectStore.key(Json.text(object, "metadata", "namespace"),
        Json.text(object, "metadata", "name"));
  }

  // ---- create --------------------------------------------------------------------------------

  Result create(ResourceType type, String namespace, ObjectNode body, WriteOptions options) {
    return create(type, namespace, body, options, false);
  }

  /** {@code applied}: the body came from server-side apply, which already tracked its fields. */
  private Result create(ResourceType type, String namespace, ObjectNode body, WriteOptions options,
      boolean applied) {
    ObjectNode object = body.deepCopy();
    checkTypeMeta(type, object);
    ObjectNode metadata = Json.with(object, "metadata");
    if (type.namespaced()) {
      String bodyNamespace = Json.text(metadata, "namespace");
      if (bodyNamespace != null && !bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
        throw ApiException.badRequest(
            "the namespace of the provided object does not match the namespace sent on the request");
      }
      metadata.put("namespace", namespace);
    } else {
      metadata.remove("namespace");
    }
    String name = Json.text(metadata, "name");
    String generateName = Json.text(metadata, "generateName");
    if ((name == null || name.isEmpty()) && generateName != null && !generateName.isEmpty()) {
      metadata.put("name", generateName + randomSuffix());
    }
    String resourceVersion = Json.text(metadata, "resourceVersion");
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      throw new ApiException(500, "InternalError",
          "Internal error occurred: resourceVersion should not be set on objects to be created", null);
    }
    // The real server's order: decode (prune) and default, track fields, then the strategy and
    // admission (status reset, allocations, injected volumes), then validation.
    List<String> warnings = admission.prune(type, object, options.fieldValidation());
    Instant now = clock.instant();
    admission.defaults(type, object);
    if (!applied) {
      object = fieldManager.update(type, null, object, options.fieldManager(), null, now);
      metadata = (ObjectNode) object.get("metadata");
    }
    for (String field : List.of("uid", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "selfLink", "generation")) {
      metadata.remove(field);
    }
    admission.prepareForCreate(type, object);
    admission.validateCreate(type, object);
    if (type.namespaced()) {
      admission.checkNamespaceAcceptsContent(namespace);
    }
    ResourceQuotas.admit(this, type, namespace, object);
    metadata.put("uid", UUID.randomUUID().toString());
    metadata.put("creationTimestamp", Json.time(now));
    if (GENERATION_KINDS.contains(type.kind())) {
      metadata.put("generation", 1);
    }
    object = canonicalMetadata(object);
    if (options.dryRun()) {
      return new Result(object, 201, warnings);
    }
    ObjectNode stored = store.create(type, object);
    return new Result(stored, 201, warnings);
  }

  private String randomSuffix() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(NAME_SUFFIX_ALPHABET.charAt(random.nextInt(NAME_SUFFIX_ALPHABET.length())));
    }
    return suffix.toString();
  }

  private void checkTypeMeta(ResourceType type, ObjectNode object) {
    String apiVersion = Json.text(object, "apiVersion");
    String kind = Json.text(object, "kind");
    if (apiVersion == null || apiVersion.isEmpty()) {
      object.put("apiVersion", type.groupVersion());
    } else if (!apiVersion.equals(type.groupVersion())) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + type.groupVersion() + ")");
    }
    if (kind == null || kind.isEmpty()) {
      object.put("kind", type.kind());
    } else if (!kind.equals(type.kind())) {
      throw ApiException.badRequest(kind + " in version \"" + type.version()
          + "\" cannot be handled as a " + type.kind() + ": the kind in the data (" + kind
          + ") does not match the expected kind (" + type.kind() + ")");
    }
    // kind and apiVersion lead, as Go's struct order puts TypeMeta first.
    JsonNode k = object.remove("kind");
    JsonNode v = object.remove("apiVersion");
    ObjectNode rest = object.deepCopy();
    object.removeAll();
    object.set("kind", k);
    object.set("apiVersion", v);
    object.setAll(rest);
  }

  // ---- update --------------------------------------------------------------------------------

  Result update(ResourceType type, String namespace, String name, ObjectNode body,
      String subresource, WriteOptions options) {
    ObjectNode object = body.deepCopy();
    checkTypeMeta(type, object);
    ObjectNode metadata = Json.with(object, "metadata");
    String bodyName = Json.text(metadata, "name");
    if (bodyName != null && !bodyName.isEmpty() && !bodyName.equals(name)) {
      throw ApiException.badRequest("the name of the object (" + bodyName
          + ") does not match the name on the URL (" + name + ")");
    }
    if (type.namespaced()) {
      String bodyNamespace = Json.text(metadata, "namespace");
      if (bodyNamespace != null && !bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
        throw ApiException.badRequest(
            "the namespace of the provided object does not match the namespace sent on the request");
      }
    }
    ObjectNode current = get(type, namespace, name);
    String expected = Json.text(metadata, "resourceVersion");
    if (expected == null || expected.isEmpty()) {
      expected = Json.text(current, "metadata", "resourceVersion");
    }
    return write(type, current, object, expected, subresource, options, null);
  }

  /**
   * The common tail of update and patch: keep what the subresource may not change, default,
   * validate, bump generation, track fields, and store unless nothing changed.
   */
  private Result write(ResourceType type, ObjectNode current, ObjectNode proposed,
      String expectedVersion, String subresource, WriteOptions options, ObjectNode applied) {
    String currentVersion = Json.text(current, "metadata", "resourceVersion");
    if (!currentVersion.equals(expectedVersion)) {
      throw ApiException.conflict(type, Json.text(current, "metadata", "name"),
          "the object has been modified; please apply your changes to the latest version and try again");
    }
    Instant now = clock.instant();
    List<String> warnings;
    ObjectNode object;
    if (applied != null) {
      warnings = List.of();
      object = fieldManager.apply(type, current, applied, options.fieldManager(), options.force(),
          subresource, now);
      admission.prune(type, object, "Ignore");
      admission.defaults(type, object);
    } else {
      warnings = admission.prune(type, proposed, options.fieldValidation());
      admission.defaults(type, proposed);
      object = fieldManager.update(type, current, proposed, options.fieldManager(), subresource, now);
    }
    // The strategy: what the subresource may not change, and what the server owns, come back.
    JsonNode managedFields = Json.at(object, "metadata", "managedFields");
    object = scopeToSubresource(type, current, object, subresource);
    ObjectNode metadata = Json.with(object, "metadata");
    if (managedFields != null) {
      metadata.set("managedFields", managedFields);
    } else {
      metadata.remove("managedFields");
    }
    ObjectNode currentMetadata = (ObjectNode) current.get("metadata");
    for (String field : List.of("uid", "creationTimestamp", "namespace", "name",
        "deletionTimestamp", "deletionGracePeriodSeconds", "generation")) {
      JsonNode value = currentMetadata.get(field);
      if (value == null) {
        metadata.remove(field);
      } else {
        metadata.set(field, value);
      }
    }
    metadata.put("resourceVersion", currentVersion);
    if ("status".equals(subresource)) {
      admission.validateStatusUpdate(type, object, current);
    } else {
      admission.prepareForUpdate(type, object, current);
      admission.validateUpdate(type, object, current);
    }
    if (GENERATION_KINDS.contains(type.kind()) && !spec(object).equals(spec(current))) {
      metadata.put("generation", currentMetadata.path("generation").asLong(1) + 1);
    }
    object = canonicalMetadata(object);
    if (object.equals(current)) {
      return new Result(current, 200, warnings);
    }
    if (options.dryRun()) {
      return new Result(object, 200, warnings);
    }
    if (metadata.has("deletionTimestamp") && finalizers(object).isEmpty()
        && object.path("spec").path("finalizers").isEmpty()) {
      // The last finalizer is gone from an object that is being deleted: it goes now.
      store.update(type, object, currentVersion);
      ObjectNode deleted = store.delete(type, Json.text(object, "metadata", "namespace"),
          Json.text(object, "metadata", "name"), null);
      return new Result(deleted, 200, warnings);
    }
    return new Result(store.update(type, object, currentVersion), 200, warnings);
  }

  /** The scale subresource: only spec.replicas changes, tracked as a "scale" write. */
  Result scale(ResourceType type, String namespace, String name, int replicas, WriteOptions options) {
    ObjectNode current = get(type, namespace, name);
    ObjectNode updated = current.deepCopy();
    Json.with(updated, "spec").put("replicas", replicas);
    return write(type, current, updated, Json.text(current, "metadata", "resourceVersion"), "scale",
        options, null);
  }

  /**
   * For kinds with a status subresource, a write to the main resource keeps the old status and
   * a write to /status keeps everything but the status (and, like the real status strategies,
   * the labels, annotations and finalizers of the old object).
   */
  private ObjectNode scopeToSubresource(ResourceType type, ObjectNode current, ObjectNode proposed,
      String subresource) {
    if (!type.hasSubresource("status")) {
      return proposed;
    }
    if (subresource == null || subresource.equals("scale")) {
      ObjectNode object = proposed.deepCopy();
      JsonNode status = current.get("status");
      if (status == null) {
        object.remove("status");
      } else {
        object.set("status", status.deepCopy());
      }
      return object;
    }
    if (subresource.equals("status")) {
      ObjectNode object = current.deepCopy();
      JsonNode status = proposed.get("status");
      if (status == null) {
        object.remove("status");
      } else {
        object.set("status", status.deepCopy());
      }
      // The deployment and replica set status strategies keep the writer's metadata (the
      // deployment controller writes its revision annotation with its conditions), except a
      // deployment's labels.
      if ((type.kind().equals("Deployment") || type.kind().equals("ReplicaSet"))
          && proposed.get("metadata") instanceof ObjectNode written) {
        ObjectNode metadata = written.deepCopy();
        if (type.kind().equals("Deployment")) {
          JsonNode labels = current.path("metadata").get("labels");
          if (labels == null) {
            metadata.remove("labels");
          } else {
            metadata.set("labels", labels.deepCopy());
          }
        }
        object.set("metadata", metadata);
      }
      JsonNode managedFields = Json.at(proposed, "metadata", "managedFields");
      if (managedFields != null) {
        ((ObjectNode) object.get("metadata")).set("managedFields", managedFields.deepCopy());
      }
      return object;
    }
    return proposed;
  }

  /** Everything but metadata and status: what a generation counts. */
  private static ObjectNode spec(ObjectNode object) {
    ObjectNode spec = object.deepCopy();
    spec.remove("metadata");
    spec.remove("status");
    spec.remove("kind");
    spec.remove("apiVersion");
    return spec;
  }

  /** Orders metadata fields as Go's ObjectMeta struct does, so responses read like the real ones. */
  private static final List<String> METADATA_ORDER = List.of("name", "generateName", "namespace",
      "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
      "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
      "managedFields");

  static ObjectNode canonicalMetadata(ObjectNode object) {
    JsonNode metadata = object.get("metadata");
    if (!(metadata instanceof ObjectNode fields)) {
      return object;
    }
    ObjectNode ordered = Json.object();
    for (String name : METADATA_ORDER) {
      JsonNode value = fields.get(name);
      if (value != null && !value.isNull()) {
        ordered.set(name, value);
      }
    }
    fields.properties().iterator().forEachRemaining(e -> {
      if (!ordered.has(e.getKey()) && !e.getValue().isNull()) {
        ordered.set(e.getKey(), e.getValue());
      }
    });
    object.set("metadata", ordered);
    return object;
  }

  // ---- patch ---------------------------------------------------------------------------------

  Result patch(ResourceType type, String namespace, String name, String patchType,
      JsonNode patch, String subresource, WriteOptions options) {
    for (int attempt = 0; ; attempt++) {
      ObjectNode current = store.get(type, namespace, name);
      try {
        if (current == null) {
          if (!patchType.equals("application/apply-patch+yaml")) {
            throw ApiException.notFound(type, name);
          }
          return applyCreate(type, namespace, name, patch, options);
        }
        String currentVersion = Json.text(current, "metadata", "resourceVersion");
        ObjectNode patched;
        ObjectNode applied = null;
        switch (patchType) {
          case "application/json-patch+json" -> patched = Patches.jsonPatch(current, patch);
          case "application/merge-patch+json" -> patched = Patches.mergePatch(current, patch);
          case "application/strategic-merge-patch+json" ->
              patched = Patches.strategicMerge(current, patch, schema(type));
          case "application/apply-patch+yaml" -> {
            applied = checkApplied(type, patch, name, namespace);
            patched = current.deepCopy();
          }
          default -> throw new ApiException(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types include: "
                  + "application/json-patch+json, application/merge-patch+json, "
                  + "application/apply-patch+yaml, application/strategic-merge-patch+json", null);
        }
        if (applied == null) {
          String patchedName = Json.text(patched, "metadata", "name");
          if (patchedName != null && !patchedName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + patchedName
                + ") does not match the name on the URL (" + name + ")");
          }
          String patchedVersion = Json.text(patched, "metadata", "resourceVersion");
          if (patchedVersion != null && !patchedVersion.isEmpty()
              && !patchedVersion.equals(currentVersion)) {
            // A resourceVersion in the patch is a precondition, as on the real server.
            throw ApiException.conflict(type, name,
                "the object has been modified; please apply your changes to the latest version and try again");
          }
        }
        try {
          return write(type, current, patched, currentVersion, subresource, options, applied);
        } catch (ApiException e) {
          int strict = e.code == 400 ? e.getMessage().indexOf(Admission.STRICT_DECODING) : -1;
          if (strict < 0 || applied != null) {
            throw e;
          }
          throw invalidPatch(patchType, patch, patched, e.getMessage().substring(strict));
        }
      } catch (ApiException e) {
        boolean storeRace = e.code == 409 && "Conflict".equals(e.reason)
            && e.getMessage().contains("the object has been modified")
            && current != null && store.get(type, namespace, name) != null
            && !Json.text(store.get(type, namespace, name), "metadata", "resourceVersion")
                .equals(Json.text(current, "metadata", "resourceVersion"));
        if (!storeRace || attempt >= MAX_PATCH_RETRIES) {
          throw e;
        }
      }
    }
  }

  /**
   * A patch whose result fails strict decoding is refused as an invalid "patch" field, which
   * the real server shows as the patch (strategic merge) or the patched object (the others).
   */
  private static ApiException invalidPatch(String patchType, JsonNode patch, ObjectNode patched,
      String error) {
    String value = patchType.equals("application/strategic-merge-patch+json")
        ? GoValues.format(patch) : Json.string(GoValues.sortedObjects(patched));
    ApiException.Cause cause = Validation.invalid("patch", value, error);
    return new ApiException(422, "Invalid", " \"\" is invalid: patch: " + cause.message(),
        ApiException.details(null, null, null, List.of(cause)));
  }

  /** Server-side apply of an object that does not exist yet creates it, owned by the applier. */
  private Result applyCreate(ResourceType type, String namespace, String name, JsonNode patch,
      WriteOptions options) {
    ObjectNode applied = checkApplied(type, patch, name, namespace);
    ObjectNode object = fieldManager.apply(type, null, applied, options.fieldManager(),
        options.force(), null, clock.instant());
    return create(type, namespace, object, options, true);
  }

  /** The checks kube-apiserver makes on an applied configuration besides the field manager's. */
  private ObjectNode checkApplied(ResourceType type, JsonNode patch, String name, String namespace) {
    if (!(patch instanceof ObjectNode applied)) {
      throw ApiException.badRequest("error decoding YAML: json: cannot unmarshal into Go value"
          + " of type map[string]interface {}");
    }
    String appliedName = Json.text(applied, "metadata", "name");
    if (appliedName == null || appliedName.isEmpty()) {
      throw ApiException.badRequest("the name of the object (" + name
          + " based on URL) was undeterminable: name must be provided");
    }
    if (!appliedName.equals(name)) {
      throw ApiException.badRequest("the name of the object (" + appliedName
          + ") does not match the name on the URL (" + name + ")");
    }
    String appliedNamespace = Json.text(applied, "metadata", "namespace");
    if (type.namespaced() && appliedNamespace != null && !appliedNamespace.isEmpty()
        && !appliedNamespace.equals(namespace)) {
      throw ApiException.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    return applied;
  }

  Schema schema(ResourceType type) {
    return openApi.kind(type.group(), type.version(), type.kind());
  }

  /**
   * The pods/binding subresource: the scheduler's write that sets spec.nodeName and the
   * PodScheduled condition in one step. A bound pod cannot be bound again.
   */
  Result bind(String namespace, String name, String node, WriteOptions options) {
    ResourceType pods = resources.find("", "v1", "pods").orElseThrow();
    ObjectNode current = get(pods, namespace, name);
    String bound = Json.text(current, "spec", "nodeName");
    if (bound != null && !bound.isEmpty()) {
      throw ApiException.conflict(pods, name, "pod " + name + " is already assigned to node \"" + bound + "\"");
    }
    if (current.path("metadata").has("deletionTimestamp")) {
      throw ApiException.conflict(pods, name, "pod " + name + " is being deleted, cannot be assigned to a host");
    }
    ObjectNode updated = current.deepCopy();
    Json.with(updated, "spec").put("nodeName", node);
    ArrayNode conditions = Json.with(updated, "status").has("conditions")
        ? (ArrayNode) updated.path("status").get("conditions") : ((ObjectNode) updated.get("status")).putArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if (conditions.get(i).path("type").asText().equals("PodScheduled")) {
        conditions.remove(i);
      }
    }
    ObjectNode scheduled = conditions.addObject();
    scheduled.putNull("lastProbeTime");
    scheduled.put("lastTransitionTime", Json.time(clock.instant()));
    scheduled.put("status", "True");
    scheduled.put("type", "PodScheduled");
    ObjectNode withFields = fieldManager.update(pods, current, updated, options.fieldManager(), "binding", clock.instant());
    canonicalMetadata(withFields);
    return new Result(store.update(pods, withFields, Json.text(current, "metadata", "resourceVersion")), 201, List.of());
  }

  // ---- delete --------------------------------------------------------------------------------

  Result delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    ObjectNode current = get(type, namespace, name);
    ObjectNode metadata = (ObjectNode) current.get("metadata");
    if (options.preconditionUid() != null
        && !options.preconditionUid().equals(Json.text(metadata, "uid"))) {
      throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: "
          + options.preconditionUid() + ", UID in object meta: " + Json.text(metadata, "uid"));
    }
    if (options.preconditionResourceVersion() != null
        && !options.preconditionResourceVersion().equals(Json.text(metadata, "resourceVersion"))) {
      throw ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
          + options.preconditionResourceVersion() + ", ResourceVersion in object meta: "
          + Json.text(metadata, "resourceVersion"));
    }
    if (type.kind().equals("Namespace")) {
      return deleteNamespace(type, current, options);
    }
    String policy = propagationPolicy(type, options);
    List<String> finalizers = finalizers(current);
    List<String> wanted = new ArrayList<>(finalizers);
    if (policy.equals("Orphan") && !wanted.contains("orphan")) {
      wanted.add("orphan");
    } else if (policy.equals("Foreground") && !wanted.contains("foregroundDeletion")) {
      wanted.add("foregroundDeletion");
    }
    long grace = gracePeriod(type, current, options);
    boolean graceful = grace > 0;
    if (metadata.has("deletionTimestamp")) {
      // Already being deleted: a shorter grace period may still speed it up; nothing else.
      if (!graceful && type.kind().equals("Pod") && finalizers.isEmpty()) {
        return deleted(type, store.delete(type, namespace, name, null), options.dryRun());
      }
      return new Result(current, 202, List.of());
    }
    if (wanted.isEmpty() && !graceful) {
      if (options.dryRun()) {
        return deleted(type, current, true);
      }
      return deleted(type, store.delete(type, namespace, name, null), false);
    }
    ObjectNode terminating = current.deepCopy();
    ObjectNode terminatingMetadata = (ObjectNode) terminating.get("metadata");
    Instant now = clock.instant();
    terminatingMetadata.put("deletionTimestamp", Json.time(now.plusSeconds(grace)));
    terminatingMetadata.put("deletionGracePeriodSeconds", grace);
    if (!wanted.equals(finalizers)) {
      ArrayNode list = terminatingMetadata.putArray("finalizers");
      wanted.forEach(list::add);
    }
    if (terminatingMetadata.has("generation")) {
      terminatingMetadata.put("generation", terminatingMetadata.get("generation").asLong() + 1);
    }
    canonicalMetadata(terminating);
    if (options.dryRun()) {
      return new Result(terminating, 200, List.of());
    }
    ObjectNode stored = store.update(type, terminating, Json.text(metadata, "resourceVersion"));
    boolean accepted = Boolean.FALSE.equals(options.orphanDependents())
        || "Foreground".equals(options.propagationPolicy());
    return new Result(stored, accepted ? 202 : 200, List.of());
  }

  /**
   * A namespace is not deleted at once: it turns Terminating, the namespace controller empties
   * it, then {@link #finalizeNamespace} removes its last finalizer and it is gone.
   */
  private Result deleteNamespace(ResourceType type, ObjectNode current, DeleteOptions options) {
    String name = Json.text(current, "metadata", "name");
    if (current.path("metadata").has("deletionTimestamp")) {
      throw ApiException.conflict(type, name, "The system is ensuring all content is removed from"
          + " this namespace.  Upon completion, this namespace will automatically be purged by the system.");
    }
    if (current.path("spec").path("finalizers").isEmpty() && finalizers(current).isEmpty()) {
      return options.dryRun() ? new Result(current, 200, List.of())
          : new Result(store.delete(type, null, name, null), 200, List.of());
    }
    ObjectNode terminating = current.deepCopy();
    ((ObjectNode) terminating.get("metadata")).put("deletionTimestamp", Json.time(clock.instant()));
    ((ObjectNode) terminating.get("metadata")).put("deletionGracePeriodSeconds", 0);
    Json.with(terminating, "status").put("phase", "Terminating");
    canonicalMetadata(terminating);
    if (options.dryRun()) {
      return new Result(terminating, 200, List.of());
    }
    return new Result(store.update(type, terminating, Json.text(current, "metadata", "resourceVersion")),
        200, List.of());
  }

  /** The namespaces/finalize subresource: only spec.finalizers changes; an empty list ends it. */
  Result finalizeNamespace(ObjectNode namespace, WriteOptions options) {
    ResourceType type = resources.find("", "v1", "namespaces").orElseThrow();
    String name = Json.text(namespace, "metadata", "name");
    ObjectNode current = get(type, null, name);
    ObjectNode updated = current.deepCopy();
    Json.with(updated, "spec").set("finalizers", namespace.path("spec").path("finalizers").deepCopy());
    if (updated.path("metadata").has("deletionTimestamp") && updated.path("spec").path("finalizers").isEmpty()
        && finalizers(updated).isEmpty()) {
      store.update(type, updated, Json.text(current, "metadata", "resourceVersion"));
      return new Result(store.delete(type, null, name, null), 200, List.of());
    }
    return new Result(store.update(type, updated, Json.text(current, "metadata", "resourceVersion")),
        200, List.of());
  }

  /** The answer to an immediate delete: the object for some kinds, a Status for the rest. */
  private Result deleted(ResourceType type, ObjectNode object, boolean dryRun) {
    if (RETURNS_DELETED_OBJECT.contains(type.kind())) {
      return new Result(object, 200, List.of());
    }
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    ObjectNode details = status.putObject("details");
    details.put("name", Json.text(object, "metadata", "name"));
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.resource());
    details.put("uid", Json.text(object, "metadata", "uid"));
    return new Result(status, 200, List.of());
  }

  private static String propagationPolicy(ResourceType type, DeleteOptions options) {
    if (options.propagationPolicy() != null) {
      return options.propagationPolicy();
    }
    if (options.orphanDependents() != null) {
      return options.orphanDependents() ? "Orphan" : "Background";
    }
    return "Background";
  }

  /** Pods on a node get a grace period for the kubelet to stop them; everything else goes now. */
  private static long gracePeriod(ResourceType type, ObjectNode current, DeleteOptions options) {
    if (!type.kind().equals("Pod")) {
      return 0;
    }
    String node = Json.text(current, "spec", "nodeName");
    String phase = Json.text(current, "status", "phase");
    if (node == null || node.isEmpty() || "Succeeded".equals(phase) || "Failed".equals(phase)) {
      return 0;
    }
    if (options.gracePeriodSeconds() != null) {
      return Math.max(0, options.gracePeriodSeconds());
    }
    JsonNode spec = Json.at(current, "spec", "terminationGracePeriodSeconds");
    return spec == null ? 30 : Math.max(0, spec.asLong());
  }

  static List<String> finalizers(ObjectNode object) {
    List<String> names = new ArrayList<>();
    JsonNode list = Json.at(object, "metadata", "finalizers");
    if (list != null) {
      list.forEach(f -> names.add(f.asText()));
    }
    return names;
  }

  Page deleteCollection(ResourceType type, String namespace, String labelSelector,
      String fieldSelector, DeleteOptions options) {
    Page page = list(type, namespace, labelSelector, fieldSelector, null, null);
    List<ObjectNode> deleted = new ArrayList<>();
    for (ObjectNode item : page.items()) {
      try {
        Result result = delete(type, Json.text(item, "metadata", "namespace"),
            Json.text(item, "metadata", "name"), options);
        deleted.add(result.object().path("kind").asText().equals("Status") ? item : result.object());
      } catch (ApiException e) {
        if (e.code != 404) {
          throw e;
        }
      }
    }
    deleted.sort(Comparator.comparing(Registry::key));
    return new Page(deleted, store.revision(), null, null);
  }

  /** The continue token of a paged list: base64 JSON with the revision and the next key. */
  record ContinueToken(long revision, String start) {
    String encode() {
      ObjectNode token = Json.object();
      token.put("v", "meta.k8s.io/v1");
      token.put("rv", revision);
      token.put("start", start);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(token));
    }

    static ContinueToken parse(String text, long currentRevision) {
      try {
        JsonNode token = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(text));
        if (!token.path("v").asText().equals("meta.k8s.io/v1") || !token.has("start")) {
          throw new IllegalArgumentException("unknown token version");
        }
        return new ContinueToken(token.path("rv").asLong(currentRevision), token.path("start").asText());
      } catch (Exception e) {
        throw new ApiException(400, "BadRequest", "continue key is not valid: " + e.getMessage(), null);
      }
    }
  }
}
