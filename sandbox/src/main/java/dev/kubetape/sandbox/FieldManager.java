package dev.kubetape.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubetape.sandbox.FieldSet.Element;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Server-side apply and {@code metadata.managedFields}, as kube-apiserver 1.34 does them
 * (k8s.io/apimachinery's managedfields package on top of structured-merge-diff v6).
 *
 * <p>Every write records who set which fields. {@link #update} is called for creates, updates
 * and JSON/merge/strategic patches, with the object as decoded and defaulted, before admission
 * plugins and the strategy's PrepareForCreate/PrepareForUpdate change it (the real server runs
 * the field manager at that point, so fields added by admission, such as the service-account
 * token volume, belong to no one). {@link #apply} merges an apply configuration into the live
 * object by the schema; the caller then defaults the result, runs the strategy and validation,
 * and checks the name against the URL ("the name of the object (...) does not match the name on
 * the URL (...)", or "... was undeterminable: name must be provided"), as the real handler does
 * after the field manager.
 *
 * <p>Quirks of the real server kept on purpose, because clients see them: an empty
 * {@code managedFields} list sent by a client resets tracking just like {@code [{}]}; an object
 * without managedFields is not tracked by updates again until someone applies to it (then a
 * "before-first-apply" entry takes the existing fields); a new applier whose configuration
 * changes nothing gets an entry without {@code time}; writes through {@code /scale} leave an entry
 * without {@code time}, and can leave two entries with the same manager.
 */
final class FieldManager {
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final int MAX_UPDATE_MANAGERS = 10;
  private static final long ANNOTATIONS_SIZE_LIMIT = 256 * 1024;
  /** The placeholder the real server uses while it works out what the current update changed. */
  private static final String CURRENT_OPERATION = "current-operation";
  private static final String SCALE_VERSION = "autoscaling/v1";
  private static final List<Element> REPLICAS = List.of(new FieldSet.Field("spec"), new FieldSet.Field("replicas"));

  /** Fields nobody owns: they identify the object or are maintained by the server. */
  private static final FieldSet NEVER_OWNED = FieldSet.of(List.of(
      path("apiVersion"), path("kind"), path("metadata"), path("metadata", "name"),
      path("metadata", "namespace"), path("metadata", "creationTimestamp"),
      path("metadata", "selfLink"), path("metadata", "uid"), path("metadata", "clusterName"),
      path("metadata", "generation"), path("metadata", "managedFields"),
      path("metadata", "resourceVersion")));

  /**
   * The zero value of each served kind as the real server's field manager sees it (its Go struct
   * with nothing set, read by reflection): the "live" object of a create. Structs that are not
   * pointers are present, so their fields are owned without the struct itself ({@code f:spec}
   * has no {@code "."}), and fields without omitempty hold their zero value.
   */
  private static final Map<String, String> ZERO_OBJECTS = Map.ofEntries(
      Map.entry("v1/Event", "{\"eventTime\":null,\"firstTimestamp\":null,\"involvedObject\":{},"
          + "\"lastTimestamp\":null,\"metadata\":{},\"reportingComponent\":\"\","
          + "\"reportingInstance\":\"\",\"source\":{}}"),
      Map.entry("v1/Namespace", "{\"metadata\":{},\"spec\":{},\"status\":{}}"),
      Map.entry("v1/Node", "{\"metadata\":{},\"spec\":{},\"status\":{\"daemonEndpoints\":"
          + "{\"kubeletEndpoint\":{\"Port\":0}},\"nodeInfo\":{\"architecture\":\"\",\"bootID\":\"\","
          + "\"containerRuntimeVersion\":\"\",\"kernelVersion\":\"\",\"kubeProxyVersion\":\"\","
          + "\"kubeletVersion\":\"\",\"machineID\":\"\",\"operatingSystem\":\"\",\"osImage\":\"\","
          + "\"systemUUID\":\"\"}}}"),
      Map.entry("v1/Pod", "{\"metadata\":{},\"spec\":{\"containers\":null},\"status\":{}}"),
      Map.entry("v1/ResourceQuota", "{\"metadata\":{},\"spec\":{},\"status\":{}}"),
      Map.entry("v1/Service", "{\"metadata\":{},\"spec\":{},\"status\":{\"loadBalancer\":{}}}"),
      Map.entry("apps/v1/ControllerRevision", "{\"data\":null,\"metadata\":{},\"revision\":0}"),
      Map.entry("apps/v1/Deployment", "{\"metadata\":{},\"spec\":{\"selector\":null,\"strategy\":{},"
          + "\"template\":{\"metadata\":{},\"spec\":{\"containers\":null}}},\"status\":{}}"),
      Map.entry("apps/v1/ReplicaSet", "{\"metadata\":{},\"spec\":{\"selector\":null,\"template\":"
          + "{\"metadata\":{},\"spec\":{\"containers\":null}}},\"status\":{\"replicas\":0}}"),
      Map.entry("events.k8s.io/v1/Event", "{\"deprecatedFirstTimestamp\":null,"
          + "\"deprecatedLastTimestamp\":null,\"deprecatedSource\":{},\"eventTime\":null,"
          + "\"metadata\":{},\"regarding\":{}}"),
      Map.entry("discovery.k8s.io/v1/EndpointSlice",
          "{\"addressType\":\"\",\"endpoints\":null,\"metadata\":{},\"ports\":null}"));

  private final OpenApi openApi;
  private final Map<String, Shape> shapes = new ConcurrentHashMap<>();

  FieldManager(OpenApi openApi) {
    this.openApi = openApi;
  }

  /**
   * After a non-apply write by {@code manager}: returns {@code updated} with managedFields
   * recomputed. {@code live} is null on create. For {@code subresource} "scale", {@code live} and
   * {@code updated} are the parent objects (before and after the new replicas); "binding" leaves
   * managedFields as they were, as the real pod binding does.
   */
  ObjectNode update(ResourceType type, ObjectNode live, ObjectNode updated, String manager,
      String subresource, Instant now) {
    String sub = subresource == null ? "" : subresource;
    if (sub.equals("scale")) {
      return updateScale(type, live, updated, manager, now);
    }
    ObjectNode result = updated.deepCopy();
    if (sub.equals("binding")) {
      // The real binding writes the pod directly: nodeName and the PodScheduled condition are nobody's.
      removeManagedFields(result);
      JsonNode entries = live == null ? null : Json.at(live, "metadata", "managedFields");
      if (entries != null && !entries.isNull()) {
        Json.with(result, "metadata").set("managedFields", entries.deepCopy());
      }
      return result;
    }
    boolean creating = live == null;
    Managed managed = managedForUpdate(live, updated, !sub.isEmpty());
    removeManagedFields(result);
    if (managed.fields.isEmpty() && !creating) {
      return result; // the real server stops tracking objects whose managedFields were reset
    }
    Shape shape = shape(type);
    ObjectNode before = creating ? zeroObject(type) : withoutManagedFields(live);
    recordUpdate(shape, before, result, managed, manager, sub, type.groupVersion(),
        resetFilter(type, sub), now);
    setManagedFields(result, managed);
    if (!creating) {
      keepTimesOfNoOpWrite(live, result);
    }
    return result;
  }

  /**
   * Server-side apply of {@code applied} (the parsed apply configuration) by {@code manager}.
   * Returns the merged object with managedFields, not yet defaulted.
   *
   * @throws ApiException 409 on conflicts unless {@code force}; 400 for a wrong apiVersion/kind
   *     or managedFields in the configuration; 500 for a configuration that does not fit the
   *     schema, with the real server's messages
   */
  ObjectNode apply(ResourceType type, ObjectNode live, ObjectNode applied, String manager,
      boolean force, String subresource, Instant now) {
    String sub = subresource == null ? "" : subresource;
    String version = type.groupVersion();
    String appliedKind = groupVersionKind(Json.text(applied, "apiVersion"), Json.text(applied, "kind"));
    if (!appliedKind.equals(groupVersionKind(version, type.kind()))) {
      throw ApiException.badRequest("invalid object type: " + appliedKind);
    }
    Managed managed;
    try {
      managed = live == null ? new Managed() : Managed.decode(live.path("metadata").get("managedFields"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(500, "", "failed to decode managed fields: " + e.getMessage(), null);
    }
    boolean creating = live == null;
    ObjectNode before = creating ? zeroObject(type) : withoutManagedFields(live);
    String who = manager == null || manager.isEmpty() ? "unknown" : manager;
    ApplyRequest request = new ApplyRequest(type, shape(type), before, applied, who, sub,
        resetFilter(type, sub), now);
    Applied outcome;
    try {
      outcome = applyOnce(request, managed, force);
    } catch (Conflicts conflicts) {
      outcome = applyDespiteClientSideApplyConflicts(request, managed, conflicts);
    }
    ObjectNode result = outcome.object() instanceof ObjectNode merged ? merged : before.deepCopy();
    stripNulls(result);
    if (who.equals("kubectl") && hasLastApplied(result)) {
      setLastApplied(result, lastAppliedOf(applied));
    }
    setManagedFields(result, outcome.managed());
    if (!creating) {
      keepTimesOfNoOpWrite(live, result);
    }
    return putTypeMetaFirst(result);
  }

  // ---- apply ----

  private record ApplyRequest(ResourceType type, Shape shape, ObjectNode live, ObjectNode applied,
      String manager, String subresource, UnaryOperator<FieldSet> reset, Instant now) {}

  private record Applied(JsonNode object, Managed managed) {}

  /**
   * kubectl upgrades objects from client-side apply: conflicts on fields whose value still
   * matches the last-applied-configuration annotation are the ones client-side apply set, so the
   * real server lets the "kubectl" manager take them over, and reports only the rest.
   */
  private Applied applyDespiteClientSideApplyConflicts(ApplyRequest request, Managed managed,
      Conflicts conflicts) {
    if (!request.manager().equals("kubectl")) {
      throw conflicts.toApiException();
    }
    FieldSet allowed = fieldsSetByClientSideApply(request);
    if (allowed == null) {
      throw conflicts.toApiException();
    }
    List<Conflict> remaining = conflicts.list.stream().filter(c -> !allowed.has(c.path())).toList();
    if (!remaining.isEmpty()) {
      throw new Conflicts(remaining).toApiException();
    }
    return applyOnce(request, managed, true);
  }

  private FieldSet fieldsSetByClientSideApply(ApplyRequest request) {
    String text = Json.text(request.live(), "metadata", "annotations", LAST_APPLIED);
    if (text == null || text.isEmpty()) {
      return null;
    }
    JsonNode lastApplied;
    try {
      lastApplied = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (lastApplied == null || !lastApplied.isObject()
        || !request.type().groupVersion().equals(Json.text(lastApplied, "apiVersion"))) {
      return null;
    }
    if (!Typed.validate(lastApplied, request.shape()).isEmpty()) {
      return null;
    }
    FieldSet set = Typed.toFieldSet(lastApplied, request.shape());
    Comparison differences = Typed.compare(lastApplied, request.live(), request.shape());
    return set.difference(differences.modified()).difference(differences.added())
        .difference(differences.removed());
  }

  private Applied applyOnce(ApplyRequest request, Managed original, boolean force) {
    Managed managed = original.copy();
    String version = request.type().groupVersion();
    if (managed.fields.isEmpty()) {
      // Fields set before anyone applied are given to a manager of their own, so that appliers
      // conflict with them instead of silently taking them.
      recordUpdate(request.shape(), zeroObject(request.type()), request.live(), managed,
          "before-first-apply", request.subresource(), version, request.reset(), request.now());
    }
    String id = Manager.identifier(request.manager(), "Apply", "", request.subresource());
    JsonNode sentManagedFields = Json.at(request.applied(), "metadata", "managedFields");
    if (sentManagedFields != null && sentManagedFields.isArray()) {
      throw ApiException.badRequest("metadata.managedFields must be nil");
    }
    List<String> errors = Typed.validate(request.applied(), request.shape());
    if (!errors.isEmpty()) {
      throw new ApiException(500, "", "failed to create typed patch object ("
          + Optional.ofNullable(Json.text(request.applied(), "metadata", "namespace")).orElse("") + "/"
          + Optional.ofNullable(Json.text(request.applied(), "metadata", "name")).orElse("") + "; "
          + groupVersionKind(version, request.type().kind()) + "): " + validationMessage(errors), null);
    }
    managed.dropOtherVersions(version);
    JsonNode merged = Typed.merge(request.live(), request.applied(), request.shape());
    Owned last = managed.fields.get(id);
    FieldSet applied = request.reset().apply(Typed.toFieldSet(request.applied(), request.shape()));
    managed.fields.put(id, new Owned(applied, version, true));
    JsonNode result = prune(merged, managed, last, request.shape(), version);
    Comparison changes = Typed.compare(request.live(), result, request.shape()).filter(request.reset());
    takeOwnership(changes, managed, id, force, version);
    boolean changed = !Typed.equal(request.live(), result);
    stripNeverOwned(managed, id);
    if (changed) {
      managed.times.put(id, request.now());
    }
    return new Applied(changed ? result : null, managed);
  }

  /**
   * Removes what this manager applied last time and omits now, unless another manager owns it
   * (or it was never this manager's).
   */
  private static JsonNode prune(JsonNode merged, Managed managed, Owned last, Shape shape, String version) {
    if (last == null || last.set().isEmpty() || !last.apiVersion().equals(version)) {
      return merged;
    }
    JsonNode pruned = Typed.remove(merged, Typed.withNamedFields(last.set(), shape), shape);
    FieldSet owned = new FieldSet();
    for (Owned o : managed.fields.values()) {
      if (o.apiVersion().equals(version)) {
        owned = owned.union(o.set());
      }
    }
    FieldSet mergedSet = Typed.withNamedFields(Typed.toFieldSet(merged, shape), shape);
    FieldSet prunedSet = Typed.withNamedFields(Typed.toFieldSet(pruned, shape), shape);
    pruned = Typed.remove(merged, mergedSet.difference(
        prunedSet.union(Typed.withNamedFields(owned, shape))), shape);
    prunedSet = Typed.withNamedFields(Typed.toFieldSet(pruned, shape), shape);
    FieldSet dangling = mergedSet.difference(prunedSet)
        .intersection(Typed.withNamedFields(last.set(), shape));
    return Typed.remove(merged, dangling, shape);
  }

  // ---- update ----

  /** Gives {@code manager} what changed between {@code before} and {@code after}; others lose it. */
  private static void recordUpdate(Shape shape, JsonNode before, JsonNode after, Managed managed,
      String manager, String subresource, String version, UnaryOperator<FieldSet> reset, Instant now) {
    String who = manager == null || manager.isEmpty() ? "unknown" : manager;
    String id = Manager.identifier(who, "Update", version, subresource);
    managed.dropOtherVersions(version);
    Comparison changes = Typed.compare(before, withoutManagedFields(after), shape).filter(reset);
    takeOwnership(changes, managed, CURRENT_OPERATION, true, version);
    FieldSet gained = reset.apply(changes.modified().union(changes.added()));
    if (!gained.isEmpty()) {
      managed.fields.put(CURRENT_OPERATION, new Owned(gained, version, false));
    }
    stripNeverOwned(managed, CURRENT_OPERATION);
    Owned current = managed.fields.remove(CURRENT_OPERATION);
    if (current != null) {
      Owned previous = managed.fields.get(id);
      FieldSet set = previous == null ? current.set() : current.set().union(previous.set());
      managed.fields.put(id, new Owned(set, current.apiVersion(), false));
      managed.times.put(id, now);
    }
    capUpdateManagers(managed);
  }

  /**
   * Other managers lose the fields that changed (the conflicts, refused unless {@code force})
   * and the fields that were removed; managers left with nothing are dropped.
   */
  private static void takeOwnership(Comparison changes, Managed managed, String workflow,
      boolean force, String version) {
    FieldSet changed = changes.modified().union(changes.added());
    List<Conflict> conflicts = new ArrayList<>();
    Map<String, FieldSet> lost = new LinkedHashMap<>();
    for (String id : new TreeSet<>(managed.fields.keySet())) {
      Owned owned = managed.fields.get(id);
      if (id.equals(workflow) || !owned.apiVersion().equals(version)) {
        continue;
      }
      FieldSet taken = owned.set().intersection(changed);
      taken.forEachPath(path -> conflicts.add(new Conflict(id, path)));
      lost.put(id, taken);
    }
    if (!force && !conflicts.isEmpty()) {
      throw new Conflicts(conflicts);
    }
    lost.forEach((id, taken) -> {
      Owned owned = managed.fields.get(id);
      managed.fields.put(id, new Owned(owned.set().difference(taken).difference(changes.removed()),
          owned.apiVersion(), owned.applied()));
    });
    managed.fields.values().removeIf(o -> o.set().isEmpty());
  }

  private static void stripNeverOwned(Managed managed, String id) {
    Owned owned = managed.fields.get(id);
    if (owned == null) {
      return;
    }
    FieldSet rest = owned.set().difference(NEVER_OWNED);
    if (rest.isEmpty()) {
      managed.fields.remove(id);
    } else {
      managed.fields.put(id, new Owned(rest, owned.apiVersion(), owned.applied()));
    }
  }

  /**
   * Keeps at most ten entries from updates: the oldest are merged into an "ancient-changes"
   * entry per apiVersion, as the real server does so that many controllers cannot bloat objects.
   */
  private static void capUpdateManagers(Managed managed) {
    List<String> updaters = new ArrayList<>();
    managed.fields.forEach((id, owned) -> {
      if (!owned.applied()) {
        updaters.add(id);
      }
    });
    if (updaters.size() <= MAX_UPDATE_MANAGERS) {
      return;
    }
    updaters.sort(Comparator.comparingLong((String id) -> seconds(managed.times.get(id)))
        .thenComparing(FieldSet::compareStrings));
    Map<String, String> firstOfVersion = new HashMap<>();
    int length = updaters.size();
    for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
      String id = updaters.get(i);
      Owned owned = managed.fields.get(id);
      Instant time = managed.times.get(id);
      String bucket = Manager.identifier("ancient-changes", "Update", owned.apiVersion(), "");
      String first = firstOfVersion.get(owned.apiVersion());
      if (first == null) {
        firstOfVersion.put(owned.apiVersion(), id);
        continue;
      }
      if (!managed.fields.containsKey(bucket)) {
        managed.fields.put(bucket, managed.fields.remove(first));
      }
      managed.fields.put(bucket, new Owned(owned.set().union(managed.fields.get(bucket).set()),
          owned.apiVersion(), owned.applied()));
      managed.fields.remove(id);
      length--;
      putTime(managed, bucket, time);
    }
  }

  private static void putTime(Managed managed, String id, Instant time) {
    if (time == null) {
      managed.times.remove(id);
    } else {
      managed.times.put(id, time);
    }
  }

  /**
   * Which managedFields an update starts from: a subresource write always keeps the live ones;
   * a main-resource write takes those the client sent ({@code []} or {@code [{}]} reset them),
   * unless they are missing or invalid.
   */
  private static Managed managedForUpdate(ObjectNode live, ObjectNode updated, boolean subresource) {
    JsonNode liveEntries = live == null ? null : live.path("metadata").get("managedFields");
    if (!subresource) {
      JsonNode sent = updated.path("metadata").get("managedFields");
      if (sent != null && sent.isArray() && isReset(sent)) {
        return new Managed();
      }
      try {
        Managed fromClient = Managed.decode(sent);
        if (!fromClient.fields.isEmpty()) {
          return fromClient;
        }
      } catch (IllegalArgumentException e) {
        // as the real server: managedFields it cannot read are ignored, not an error
      }
    }
    return decodeOrEmpty(liveEntries);
  }

  private static Managed decodeOrEmpty(JsonNode entries) {
    try {
      return Managed.decode(entries);
    } catch (IllegalArgumentException e) {
      return new Managed();
    }
  }

  private static boolean isReset(JsonNode entries) {
    if (entries.isEmpty()) {
      return true;
    }
    if (entries.size() != 1 || !entries.get(0).isObject()) {
      return false;
    }
    JsonNode entry = entries.get(0);
    for (String field : List.of("manager", "operation", "apiVersion", "fieldsType", "subresource")) {
      JsonNode value = entry.get(field);
      if (value != null && !value.isNull() && !(value.isTextual() && value.textValue().isEmpty())) {
        return false;
      }
    }
    for (String field : List.of("time", "fieldsV1")) {
      JsonNode value = entry.get(field);
      if (value != null && !value.isNull()) {
        return false;
      }
    }
    return true;
  }

  // ---- scale ----

  /**
   * A write through {@code /scale}: the real server shows the Scale object the entries that own
   * the replicas, tracks the Scale update, then maps the entries back onto the parent. Entries
   * from updates never match on the way back (their identity names autoscaling/v1), so they
   * lose the replicas and the Scale entries come back without a time.
   */
  private ObjectNode updateScale(ResourceType type, ObjectNode live, ObjectNode updated, String manager,
      Instant now) {
    ObjectNode result = updated.deepCopy();
    removeManagedFields(result);
    String version = type.groupVersion();
    Managed parent = decodeOrEmpty(live == null ? null : live.path("metadata").get("managedFields"));
    Managed scale = new Managed();
    parent.fields.forEach((id, owned) -> {
      if (owned.apiVersion().equals(version) && owned.set().has(REPLICAS)) {
        String scaleId = Manager.withApiVersion(id, SCALE_VERSION);
        scale.fields.put(scaleId, new Owned(FieldSet.of(List.of(REPLICAS)), SCALE_VERSION, owned.applied()));
      }
    });
    if (!scale.fields.isEmpty()) {
      JsonNode before = scaleReplicas(live);
      JsonNode after = scaleReplicas(updated);
      // The Scale's spec is a struct, present on both sides even when replicas is not.
      ObjectNode scaleBefore = Json.object();
      ObjectNode scaleAfter = Json.object();
      ObjectNode specBefore = scaleBefore.putObject("spec");
      ObjectNode specAfter = scaleAfter.putObject("spec");
      if (before != null) {
        specBefore.set("replicas", before);
      }
      if (after != null) {
        specAfter.set("replicas", after);
      }
      recordUpdate(Shape.DEDUCED, scaleBefore, scaleAfter, scale, manager, "scale", SCALE_VERSION,
          UnaryOperator.identity(), now);
    }
    Managed merged = new Managed();
    parent.fields.forEach((id, owned) -> {
      if (!owned.apiVersion().equals(version)) {
        return;
      }
      if (!owned.set().has(REPLICAS)) {
        merged.put(id, owned, parent.times.get(id));
      } else if (scale.fields.containsKey(id)) {
        merged.put(id, owned, parent.times.get(id));
        scale.fields.remove(id);
      } else {
        FieldSet rest = owned.set().difference(FieldSet.of(List.of(REPLICAS)));
        if (!rest.isEmpty()) {
          merged.put(id, new Owned(rest, owned.apiVersion(), owned.applied()), parent.times.get(id));
        }
      }
    });
    scale.fields.forEach((id, owned) -> {
      if (owned.set().has(REPLICAS)) {
        merged.put(id, new Owned(FieldSet.of(List.of(REPLICAS)), version, owned.applied()),
            parent.times.get(id));
      }
    });
    setManagedFields(result, merged);
    if (live != null) {
      keepTimesOfNoOpWrite(live, result);
    }
    return result;
  }

  /** The Scale object's spec.replicas: an int32 with omitempty, so 0 is absent. */
  private static JsonNode scaleReplicas(ObjectNode parent) {
    JsonNode replicas = parent == null ? null : Json.at(parent, "spec", "replicas");
    if (replicas == null || replicas.isNull() || replicas.isNumber() && replicas.asLong() == 0) {
      return null;
    }
    return replicas;
  }

  // ---- what each strategy resets ----

  /**
   * The fields a write may not change, from each resource strategy's GetResetFields: status on
   * the main resource, spec (and a little metadata) on /status; ephemeralcontainers and resize
   * only see their own part of the pod spec.
   */
  private static UnaryOperator<FieldSet> resetFilter(ResourceType type, String subresource) {
    String resource = type.qualifiedResource();
    boolean hasStatus = switch (resource) {
      case "deployments.apps", "replicasets.apps", "pods", "services", "namespaces", "nodes",
          "resourcequotas" -> true;
      default -> false;
    };
    if (!hasStatus) {
      return UnaryOperator.identity();
    }
    return switch (subresource) {
      case "", "finalize" -> exclude(path("status"));
      case "status" -> switch (resource) {
        case "deployments.apps" -> exclude(path("spec"), path("metadata", "labels"));
        case "pods" -> exclude(path("spec"), path("metadata", "deletionTimestamp"),
            path("metadata", "ownerReferences"));
        default -> exclude(path("spec"));
      };
      case "ephemeralcontainers" -> include(FieldSet.Pattern.prefix(
          new FieldSet.Field("spec"), new FieldSet.Field("ephemeralContainers")));
      case "resize" -> include(FieldSet.Pattern.anyOf(
          FieldSet.Pattern.prefix(new FieldSet.Field("spec"), new FieldSet.Field("containers"), null,
              new FieldSet.Field("resources")),
          FieldSet.Pattern.prefix(new FieldSet.Field("spec"), new FieldSet.Field("containers"), null,
              new FieldSet.Field("resizePolicy")),
          FieldSet.Pattern.prefix(new FieldSet.Field("spec"), new FieldSet.Field("initContainers"), null,
              new FieldSet.Field("resources")),
          FieldSet.Pattern.prefix(new FieldSet.Field("spec"), new FieldSet.Field("initContainers"), null,
              new FieldSet.Field("resizePolicy"))));
      default -> UnaryOperator.identity();
    };
  }

  @SafeVarargs
  private static UnaryOperator<FieldSet> exclude(List<Element>... paths) {
    FieldSet excluded = FieldSet.of(List.of(paths));
    return set -> set.recursiveDifference(excluded);
  }

  private static UnaryOperator<FieldSet> include(FieldSet.Pattern pattern) {
    return set -> set.filterIncludeMatches(pattern);
  }

  // ---- client-side apply's annotation ----

  private static boolean hasLastApplied(ObjectNode object) {
    String value = Json.text(object, "metadata", "annotations", LAST_APPLIED);
    return value != null && !value.isEmpty();
  }

  /** The configuration as kubectl's annotation holds it: Go's JSON of the map, with a newline. */
  private static String lastAppliedOf(ObjectNode applied) {
    ObjectNode copy = applied.deepCopy();
    if (copy.path("metadata").path("annotations") instanceof ObjectNode annotations) {
      annotations.remove(LAST_APPLIED);
    }
    return FieldSet.goJson(copy) + "\n";
  }

  private static void setLastApplied(ObjectNode object, String value) {
    ObjectNode annotations = Json.with(Json.with(object, "metadata"), "annotations");
    annotations.put(LAST_APPLIED, value);
    long size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length
          + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > ANNOTATIONS_SIZE_LIMIT) {
      annotations.remove(LAST_APPLIED);
    }
  }

  // ---- managedFields on the object ----

  /**
   * A write that changes nothing but the times in managedFields keeps the old times, so that it
   * does not produce a new resourceVersion (the real handler's equality check).
   */
  private static void keepTimesOfNoOpWrite(ObjectNode live, ObjectNode result) {
    JsonNode before = Json.at(live, "metadata", "managedFields");
    JsonNode after = Json.at(result, "metadata", "managedFields");
    if (before == null || after == null || !before.isArray() || !after.isArray()
        || before.size() != after.size() || after.isEmpty()) {
      return;
    }
    boolean timesChanged = false;
    for (int i = 0; i < after.size(); i++) {
      if (!after.get(i).path("time").equals(before.get(i).path("time"))) {
        timesChanged = true;
      }
      ObjectNode a = ((ObjectNode) after.get(i)).deepCopy();
      JsonNode b = before.get(i).deepCopy();
      a.remove("time");
      if (b instanceof ObjectNode bo) {
        bo.remove("time");
      }
      if (!a.equals(b)) {
        return;
      }
    }
    if (!timesChanged || !Typed.equal(withoutManagedFields(live), withoutManagedFields(result))) {
      return;
    }
    for (int i = 0; i < after.size(); i++) {
      ObjectNode entry = (ObjectNode) after.get(i);
      JsonNode time = before.get(i).get("time");
      entry.remove("time");
      ObjectNode reordered = Json.object();
      entry.properties().iterator().forEachRemaining(e -> {
        if (e.getKey().equals("fieldsType") && time != null) {
          reordered.set("time", time);
        }
        reordered.set(e.getKey(), e.getValue());
      });
      entry.removeAll();
      entry.setAll(reordered);
    }
  }

  private static void setManagedFields(ObjectNode object, Managed managed) {
    ObjectNode metadata = Json.with(object, "metadata");
    metadata.remove("managedFields");
    ArrayNode entries = managed.encode();
    if (entries != null) {
      metadata.set("managedFields", entries);
    }
  }

  private static void removeManagedFields(ObjectNode object) {
    if (object.get("metadata") instanceof ObjectNode metadata) {
      metadata.remove("managedFields");
    }
  }

  private static ObjectNode withoutManagedFields(JsonNode object) {
    ObjectNode copy = (ObjectNode) object.deepCopy();
    removeManagedFields(copy);
    return copy;
  }

  private ObjectNode zeroObject(ResourceType type) {
    String json = ZERO_OBJECTS.getOrDefault(type.groupVersion() + "/" + type.kind(), "{\"metadata\":{}}");
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a zero object does not parse: " + json, e);
    }
  }

  private Shape shape(ResourceType type) {
    return shapes.computeIfAbsent(type.groupVersion() + "/" + type.kind(), k -> {
      Schema schema = openApi.kind(type.group(), type.version(), type.kind());
      return schema == null ? Shape.DEDUCED : Shape.of(schema);
    });
  }

  /** Nulls left by the merge or pruning stand for unset fields, as in the real server's Go structs. */
  private static void stripNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
        if (it.next().getValue().isNull()) {
          it.remove();
        }
      }
      object.forEach(FieldManager::stripNulls);
    } else if (node instanceof ArrayNode array) {
      array.forEach(FieldManager::stripNulls);
    }
  }

  private static ObjectNode putTypeMetaFirst(ObjectNode object) {
    ObjectNode ordered = Json.object();
    for (String field : List.of("apiVersion", "kind", "metadata")) {
      if (object.has(field)) {
        ordered.set(field, object.get(field));
      }
    }
    object.properties().iterator().forEachRemaining(e -> {
      if (!ordered.has(e.getKey())) {
        ordered.set(e.getKey(), e.getValue());
      }
    });
    return ordered;
  }

  /** How Go prints a GroupVersionKind: "apps/v1, Kind=Deployment", "/v1, Kind=ConfigMap". */
  private static String groupVersionKind(String apiVersion, String kind) {
    String group = "";
    String version = "";
    if (apiVersion != null && !apiVersion.isEmpty()) {
      String[] parts = apiVersion.split("/", -1);
      if (parts.length == 1) {
        version = parts[0];
      } else if (parts.length == 2) {
        group = parts[0];
        version = parts[1];
      }
    }
    return group + "/" + version + ", Kind=" + (kind == null ? "" : kind);
  }

  private static String validationMessage(List<String> errors) {
    if (errors.size() == 1) {
      return errors.get(0);
    }
    return "errors:\n  " + String.join("\n  ", errors);
  }

  private static long seconds(Instant time) {
    return time == null ? 0 : time.getEpochSecond();
  }

  private static List<Element> path(String... fields) {
    List<Element> path = new ArrayList<>();
    for (String field : fields) {
      path.add(new FieldSet.Field(field));
    }
    return List.copyOf(path);
  }

  // ---- managers ----

  /** The fields one manager owns, at the apiVersion it used; {@code applied} for "Apply" entries. */
  private record Owned(FieldSet set, String apiVersion, boolean applied) {}

  /**
   * The entries of managedFields, keyed by manager identity: the JSON of manager, operation,
   * apiVersion (for updates only, so an applier stays one entry across versions) and subresource.
   */
  private static final class Managed {
    final Map<String, Owned> fields = new LinkedHashMap<>();
    final Map<String, Instant> times = new HashMap<>();

    Managed copy() {
      Managed copy = new Managed();
      copy.fields.putAll(fields);
      copy.times.putAll(times);
      return copy;
    }

    void put(String id, Owned owned, Instant time) {
      fields.put(id, owned);
      putTime(this, id, time);
    }

    /**
     * Entries at another version of the same group cannot be converted (the sandbox serves one
     * version per group), and the real server drops entries at versions it does not serve.
     */
    void dropOtherVersions(String version) {
      String group = version.contains("/") ? version.substring(0, version.indexOf('/')) : "";
      fields.values().removeIf(o -> {
        String other = o.apiVersion();
        String otherGroup = other.contains("/") ? other.substring(0, other.indexOf('/')) : "";
        return otherGroup.equals(group) && !other.equals(version);
      });
    }

    static Managed decode(JsonNode entries) {
      Managed managed = new Managed();
      if (entries == null || entries.isNull()) {
        return managed;
      }
      if (!entries.isArray()) {
        throw new IllegalArgumentException("managedFields must be a list");
      }
      for (int i = 0; i < entries.size(); i++) {
        JsonNode entry = entries.get(i);
        if (!entry.isObject()) {
          throw new IllegalArgumentException("managedFields entry " + i + " is not an object");
        }
        String operation = entry.path("operation").asText("");
        if (!operation.equals("Apply") && !operation.equals("Update")) {
          throw new IllegalArgumentException("operation must be `Apply` or `Update`");
        }
        String apiVersion = entry.path("apiVersion").asText("");
        if (apiVersion.isEmpty()) {
          throw new IllegalArgumentException("apiVersion must not be empty");
        }
        String fieldsType = entry.path("fieldsType").asText("");
        if (fieldsType.isEmpty()) {
          throw new IllegalArgumentException("missing fieldsType in managed fields entry " + i);
        }
        if (!fieldsType.equals("FieldsV1")) {
          throw new IllegalArgumentException("invalid fieldsType " + FieldSet.goQuote(fieldsType)
              + " in managed fields entry " + i);
        }
        Instant time = null;
        JsonNode timeNode = entry.get("time");
        if (timeNode != null && !timeNode.isNull()) {
          try {
            time = OffsetDateTime.parse(timeNode.asText()).toInstant();
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid time in managed fields entry " + i, e);
          }
        }
        String id = Manager.identifier(entry.path("manager").asText(""), operation,
            operation.equals("Apply") ? "" : apiVersion, entry.path("subresource").asText(""));
        FieldSet set = FieldSet.fromFieldsV1(entry.get("fieldsV1"));
        managed.fields.put(id, new Owned(set, apiVersion, operation.equals("Apply")));
        putTime(managed, id, time);
      }
      return managed;
    }

    /** The entries in the real server's order: Apply before Update, then by time, manager, apiVersion, subresource. */
    ArrayNode encode() {
      if (fields.isEmpty()) {
        return null;
      }
      record Encoded(String operation, long seconds, String manager, String apiVersion,
          String subresource, ObjectNode entry) {}
      List<Encoded> encoded = new ArrayList<>();
      fields.forEach((id, owned) -> {
        JsonNode who = Manager.parse(id);
        String manager = who.path("manager").asText("");
        String operation = owned.applied() ? "Apply" : who.path("operation").asText("");
        String subresource = who.path("subresource").asText("");
        Instant time = times.get(id);
        ObjectNode entry = Json.object();
        if (!manager.isEmpty()) {
          entry.put("manager", manager);
        }
        if (!operation.isEmpty()) {
          entry.put("operation", operation);
        }
        if (!owned.apiVersion().isEmpty()) {
          entry.put("apiVersion", owned.apiVersion());
        }
        if (time != null) {
          entry.put("time", Json.time(time));
        }
        entry.put("fieldsType", "FieldsV1");
        entry.set("fieldsV1", owned.set().toFieldsV1());
        if (!subresource.isEmpty()) {
          entry.put("subresource", subresource);
        }
        encoded.add(new Encoded(operation, seconds(time), manager, owned.apiVersion(), subresource, entry));
      });
      encoded.sort(Comparator.comparing(Encoded::operation, FieldSet::compareStrings)
          .thenComparingLong(Encoded::seconds)
          .thenComparing(Encoded::manager, FieldSet::compareStrings)
          .thenComparing(Encoded::apiVersion, FieldSet::compareStrings)
          .thenComparing(Encoded::subresource, FieldSet::compareStrings));
      ArrayNode out = Json.array();
      encoded.forEach(e -> out.add(e.entry()));
      return out;
    }
  }

  /** Manager identities, written as the real server writes them (Go's JSON of the entry's identifying fields). */
  private static final class Manager {
    private Manager() {}

    static String identifier(String manager, String operation, String apiVersion, String subresource) {
      StringBuilder out = new StringBuilder("{");
      appendField(out, "manager", manager);
      appendField(out, "operation", operation);
      appendField(out, "apiVersion", apiVersion);
      appendField(out, "subresource", subresource);
      return out.append('}').toString();
    }

    private static void appendField(StringBuilder out, String name, String value) {
      if (value == null || value.isEmpty()) {
        return;
      }
      if (out.length() > 1) {
        out.append(',');
      }
      out.append('"').append(name).append("\":");
      FieldSet.goString(out, value);
    }

    static JsonNode parse(String id) {
      try {
        return Json.MAPPER.readTree(id);
      } catch (JsonProcessingException e) {
        return Json.object().put("manager", id);
      }
    }

    /** The identity an entry gets once re-read at another apiVersion (appliers keep theirs). */
    static String withApiVersion(String id, String apiVersion) {
      JsonNode who = parse(id);
      String operation = who.path("operation").asText("");
      return identifier(who.path("manager").asText(""), operation,
          operation.equals("Apply") ? "" : apiVersion, who.path("subresource").asText(""));
    }

    /** How conflict messages name a manager: {@code "kubectl-create" using apps/v1}. */
    static String describe(String id) {
      JsonNode who = parse(id);
      StringBuilder out = new StringBuilder(FieldSet.goQuote(who.path("manager").asText("")));
      String subresource = who.path("subresource").asText("");
      if (!subresource.isEmpty()) {
        out.append(" with subresource ").append(FieldSet.goQuote(subresource));
      }
      if (who.path("operation").asText("").equals("Update")) {
        out.append(" using ").append(who.path("apiVersion").asText(""));
      }
      return out.toString();
    }
  }

  private record Conflict(String manager, List<Element> path) {}

  /** Fields another manager owns and this apply would change. */
  private static final class Conflicts extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<Conflict> list;

    Conflicts(List<Conflict> list) {
      super(null, null, false, false);
      this.list = List.copyOf(list);
    }

    ApiException toApiException() {
      List<ApiException.Cause> causes = new ArrayList<>();
      for (Conflict c : list) {
        causes.add(new ApiException.Cause("FieldManagerConflict",
            "conflict with " + Manager.describe(c.manager()), FieldSet.describe(c.path())));
      }
      String message;
      if (list.size() == 1) {
        message = "Apply failed with 1 conflict: conflict with " + Manager.describe(list.get(0).manager())
            + ": " + FieldSet.describe(list.get(0).path());
      } else {
        Map<String, List<String>> byManager = new TreeMap<>(FieldSet::compareStrings);
        for (Conflict c : list) {
          byManager.computeIfAbsent(c.manager(), m -> new ArrayList<>()).add(FieldSet.describe(c.path()));
        }
        List<String> lines = new ArrayList<>();
        byManager.forEach((manager, paths) -> {
          lines.add("conflicts with " + Manager.describe(manager) + ":");
          paths.forEach(p -> lines.add("- " + p));
        });
        message = "Apply failed with " + list.size() + " conflicts: " + String.join("\n", lines);
      }
      return new ApiException(409, "Conflict", message, ApiException.details(null, null, null, causes));
    }
  }

  // ---- the object's shape, as structured-merge-diff reads the schema ----

  /** What one changed between two objects: fields removed, modified and added by the second. */
  private record Comparison(FieldSet removed, FieldSet modified, FieldSet added) {
    Comparison filter(UnaryOperator<FieldSet> reset) {
      return new Comparison(reset.apply(removed), reset.apply(modified), reset.apply(added));
    }
  }

  /**
   * One position of an object as schemaconv converts the OpenAPI schema for structured-merge-diff:
   * which kinds of value it takes (scalar, list, map) and how lists and maps merge. Free-form
   * positions (RawExtension, objects without properties) are "untyped": atomic, or deduced from
   * the value.
   */
  private static final class Shape {
    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private static final String RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";
    private static final String TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    private static final String MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";

    static final Shape UNTYPED_ATOMIC = new Shape(null, "untyped", true, true, List.of(), true, true);
    static final Shape DEDUCED = new Shape(null, "untyped", true, true, List.of(), true, false);

    /** "numeric", "string", "boolean", "untyped", or null when scalars do not fit here. */
    final String scalar;
    final boolean list;
    final boolean listAtomic;
    /** The list-map keys; empty for a set (an associative list of scalars). */
    final List<String> keys;
    final boolean map;
    final boolean mapAtomic;
    private final Schema schema;
    private final Map<String, Optional<Shape>> fields = new ConcurrentHashMap<>();

    private Shape(Schema schema, String scalar, boolean list, boolean listAtomic, List<String> keys,
        boolean map, boolean mapAtomic) {
      this.schema = schema;
      this.scalar = scalar;
      this.list = list;
      this.listAtomic = listAtomic;
      this.keys = keys;
      this.map = map;
      this.mapAtomic = mapAtomic;
    }

    static Shape of(Schema schema) {
      String name = schema.typeName();
      if (QUANTITY.equals(name)) {
        return new Shape(schema, "untyped", false, true, List.of(), false, true);
      }
      if (RAW_EXTENSION.equals(name)) {
        return UNTYPED_ATOMIC;
      }
      String type = schema.type();
      if (type == null) {
        return new Shape(schema, "untyped", true, listAtomic(schema), listKeys(schema), true,
            "atomic".equals(schema.mapType()));
      }
      return switch (type) {
        case "object" -> new Shape(schema, null, false, true, List.of(), true, "atomic".equals(schema.mapType()));
        case "array" -> new Shape(schema, null, true, listAtomic(schema), listKeys(schema), false, true);
        case "integer", "number" -> new Shape(schema, "numeric", false, true, List.of(), false, true);
        case "boolean" -> new Shape(schema, "boolean", false, true, List.of(), false, true);
        case "string" -> new Shape(schema, TIME.equals(name) || MICRO_TIME.equals(name) ? "untyped" : "string",
            false, true, List.of(), false, true);
        default -> new Shape(schema, "untyped", false, true, List.of(), false, true);
      };
    }

    /** Lists without x-kubernetes-list-type fall back to their patch strategy, as schemaconv does. */
    private static boolean listAtomic(Schema schema) {
      String listType = schema.listType();
      if (listType != null) {
        return !listType.equals("set") && !listType.equals("map");
      }
      String strategy = schema.patchStrategy();
      return !("merge".equals(strategy) || "merge,retainKeys".equals(strategy));
    }

    private static List<String> listKeys(Schema schema) {
      String listType = schema.listType();
      if (listType != null) {
        return listType.equals("map") ? schema.listMapKeys() : List.of();
      }
      String key = schema.patchMergeKey();
      return key == null || listAtomic(schema) ? List.of() : List.of(key);
    }

    int atoms() {
      return (map ? Typed.MAP : 0) | (scalar != null ? Typed.SCALAR : 0) | (list ? Typed.LIST : 0);
    }

    boolean declares(String name) {
      return field(name) != null;
    }

    /** A declared field's shape, or null. */
    Shape field(String name) {
      if (schema == null || !map) {
        return null;
      }
      return fields.computeIfAbsent(name, n -> {
        Schema property = schema.property(n);
        return Optional.ofNullable(property == null ? null : of(property));
      }).orElse(null);
    }

    /** The shape of a map's other keys: additionalProperties, deduced, or null when not allowed. */
    Shape mapElement() {
      if (schema == null) {
        return mapAtomic ? UNTYPED_ATOMIC : DEDUCED;
      }
      Schema values = schema.additionalProperties();
      if (values != null) {
        return of(values);
      }
      return !schema.hasProperties() || schema.preservesUnknownFields() ? DEDUCED : null;
    }

    /** The shape of the value at {@code key} of a map, as lenient as merging live objects needs. */
    Shape child(String key) {
      Shape declared = field(key);
      if (declared != null) {
        return declared;
      }
      Shape element = mapElement();
      return element != null ? element : UNTYPED_ATOMIC;
    }

    Shape listElement() {
      Schema items = schema == null ? null : schema.items();
      return items == null ? UNTYPED_ATOMIC : of(items);
    }

    /** The schema default of a list-map key field (ports' protocol is "TCP"), or null. */
    JsonNode keyDefault(String key) {
      Schema items = schema == null ? null : schema.items();
      Schema property = items == null ? null : items.property(key);
      return property == null ? null : property.defaultValue();
    }
  }

  /**
   * The walks structured-merge-diff makes over typed values: validate, list the fields set,
   * compare, merge and remove. Absent values are Java nulls, explicit JSON nulls are NullNodes;
   * the two differ here as they do in Go.
   */
  private static final class Typed {
    static final int MAP = 1;
    static final int SCALAR = 2;
    static final int LIST = 4;

    private Typed() {}

    /** Which of the shape's forms a value takes; all of them when it fits none (then it fails later). */
    static int deduce(Shape shape, JsonNode value) {
      if (value != null) {
        if ((value.isNumber() || value.isTextual() || value.isBoolean()) && shape.scalar != null) {
          return SCALAR;
        }
        if (value.isArray() && shape.list) {
          return LIST;
        }
        if (value.isObject() && shape.map) {
          return MAP;
        }
      }
      return shape.atoms();
    }

    /** The element a list item is known by: its key fields (with schema defaults) or, in a set, itself. */
    static Element itemElement(Shape list, JsonNode item) {
      if (!list.keys.isEmpty()) {
        if (item == null || item.isNull()) {
          throw new IllegalArgumentException("associative list with keys may not have a null element");
        }
        if (!item.isObject()) {
          throw new IllegalArgumentException("associative list with keys may not have non-map elements");
        }
        List<FieldSet.KeyField> fields = new ArrayList<>();
        for (String key : list.keys) {
          JsonNode value = item.get(key);
          if (value == null) {
            value = list.keyDefault(key);
          }
          if (value != null) {
            fields.add(new FieldSet.KeyField(key, value));
          }
        }
        if (fields.isEmpty()) {
          List<String> quoted = list.keys.stream().map(FieldSet::goQuote).toList();
          throw new IllegalArgumentException("associative list with keys has an element that omits all key fields ["
              + String.join(" ", quoted) + "] (and doesn't have default values for any key fields)");
        }
        return new FieldSet.Key(fields);
      }
      if (item.isObject()) {
        throw new IllegalArgumentException("associative list without keys has an element that's a map type");
      }
      if (item.isArray()) {
        throw new IllegalArgumentException("not supported: associative list with lists as elements");
      }
      if (item.isNull()) {
        throw new IllegalArgumentException("associative list without keys has an element that's an explicit null");
      }
      return new FieldSet.Value(item);
    }

    // -- validate --

    /** The schema errors of an apply configuration, each prefixed with its path, as the real server words them. */
    static List<String> validate(JsonNode value, Shape shape) {
      List<String> errors = new ArrayList<>();
      validate(value, shape, "", errors);
      return errors;
    }

    private static void validate(JsonNode value, Shape shape, String path, List<String> errors) {
      int atom = deduce(shape, value);
      if ((atom & MAP) != 0) {
        if (value.isNull()) {
          return;
        }
        if (!value.isObject()) {
          errors.add(at(path, "expected map, got " + goPointer(value)));
          return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          Shape child = shape.field(field.getKey());
          if (child == null) {
            child = shape.mapElement();
          }
          if (child == null) {
            errors.add(at(path + "." + field.getKey(), "field not declared in schema"));
            return;
          }
          validate(field.getValue(), child, path + "." + field.getKey(), errors);
        }
      } else if ((atom & SCALAR) != 0) {
        String problem = scalarProblem(shape.scalar, value);
        if (problem != null) {
          errors.add(at(path, problem));
        }
      } else if ((atom & LIST) != 0) {
        if (value.isNull()) {
          return;
        }
        if (!value.isArray()) {
          errors.add(at(path, "expected list, got " + goPointer(value)));
          return;
        }
        boolean associative = !shape.listAtomic;
        TreeSet<Element> seen = new TreeSet<>();
        Shape element = shape.listElement();
        for (int i = 0; i < value.size(); i++) {
          Element pe;
          if (!associative) {
            pe = new FieldSet.Index(i);
          } else {
            try {
              pe = itemElement(shape, value.get(i));
            } catch (IllegalArgumentException e) {
              errors.add(at(path, "element " + i + ": " + e.getMessage()));
              return;
            }
            if (!seen.add(pe)) {
              errors.add(at(path, "duplicate entries for key " + pe.describe()));
            }
          }
          validate(value.get(i), element, path + pe.describe(), errors);
        }
      }
    }

    private static String scalarProblem(String type, JsonNode v) {
      if (v == null || v.isNull()) {
        return null;
      }
      return switch (type) {
        case "numeric" -> v.isNumber() ? null : "expected numeric (int or float), got " + goType(v);
        case "string" -> v.isTextual() ? null
            : "expected string, got &value.valueUnstructured{Value:" + goSyntax(v) + "}";
        case "boolean" -> v.isBoolean() ? null : "expected boolean, got " + goPointer(v);
        default -> v.isNumber() || v.isTextual() || v.isBoolean() ? null
            : "expected any scalar, got " + goPointer(v);
      };
    }

    private static String at(String path, String message) {
      return path.isEmpty() ? message : path + ": " + message;
    }

    /** Go's %T of a decoded JSON value. */
    private static String goType(JsonNode v) {
      if (v.isTextual()) {
        return "string";
      }
      if (v.isBoolean()) {
        return "bool";
      }
      if (v.isIntegralNumber()) {
        return "int64";
      }
      if (v.isNumber()) {
        return "float64";
      }
      if (v.isArray()) {
        return "[]interface {}";
      }
      if (v.isObject()) {
        return "map[string]interface {}";
      }
      return "<nil>";
    }

    /** Go's %v of a pointer to structured-merge-diff's value wrapper: {@code &{x}}. */
    private static String goPointer(JsonNode v) {
      return "&{" + goPlain(v) + "}";
    }

    /** Go's %v of a decoded JSON value. */
    private static String goPlain(JsonNode v) {
      if (v == null || v.isNull()) {
        return "<nil>";
      }
      if (v.isTextual()) {
        return v.textValue();
      }
      if (v.isIntegralNumber()) {
        return v.bigIntegerValue().toString();
      }
      if (v.isNumber()) {
        return FieldSet.goFloat(v.doubleValue(), false);
      }
      if (v.isBoolean()) {
        return Boolean.toString(v.booleanValue());
      }
      List<String> parts = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(item -> parts.add(goPlain(item)));
        return "[" + String.join(" ", parts) + "]";
      }
      for (String key : FieldSet.sortedKeys(v)) {
        parts.add(key + ":" + goPlain(v.get(key)));
      }
      return "map[" + String.join(" ", parts) + "]";
    }

    /** Go's %#v of a decoded JSON value. */
    private static String goSyntax(JsonNode v) {
      if (v == null || v.isNull()) {
        return "interface {}(nil)";
      }
      if (v.isTextual()) {
        return FieldSet.goQuote(v.textValue());
      }
      if (v.isIntegralNumber()) {
        return v.bigIntegerValue().toString();
      }
      if (v.isNumber()) {
        return FieldSet.goFloat(v.doubleValue(), false);
      }
      if (v.isBoolean()) {
        return Boolean.toString(v.booleanValue());
      }
      List<String> parts = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(item -> parts.add(goSyntax(item)));
        return "[]interface {}{" + String.join(", ", parts) + "}";
      }
      for (String key : FieldSet.sortedKeys(v)) {
        parts.add(FieldSet.goQuote(key) + ":" + goSyntax(v.get(key)));
      }
      return "map[string]interface {}{" + String.join(", ", parts) + "}";
    }

    // -- the fields a value sets --

    /**
     * The fields a value sets: every scalar, every list item and map entry, atomic values as a
     * whole, and struct fields only when they are null or an empty object (a non-empty struct is
     * owned through its fields).
     */
    static FieldSet toFieldSet(JsonNode value, Shape shape) {
      FieldSet set = new FieldSet();
      toFieldSet(value, shape, new ArrayList<>(), set);
      return set;
    }

    private static void toFieldSet(JsonNode value, Shape shape, List<Element> path, FieldSet out) {
      int atom = deduce(shape, value);
      if ((atom & MAP) != 0) {
        if (shape.mapAtomic) {
          out.insert(path);
          return;
        }
        if (value == null || !value.isObject()) {
          return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          path.add(new FieldSet.Field(field.getKey()));
          JsonNode child = field.getValue();
          toFieldSet(child, shape.child(field.getKey()), path, out);
          if (child.isNull() || child.isObject() && child.isEmpty() || !shape.declares(field.getKey())) {
            out.insert(path);
          }
          path.remove(path.size() - 1);
        }
      } else if ((atom & SCALAR) != 0) {
        out.insert(path);
      } else if ((atom & LIST) != 0) {
        if (shape.listAtomic) {
          out.insert(path);
          return;
        }
        if (value == null || !value.isArray()) {
          return;
        }
        TreeSet<Element> seen = new TreeSet<>();
        TreeSet<Element> duplicates = new TreeSet<>();
        List<Element> elements = new ArrayList<>();
        for (JsonNode item : value) {
          Element pe = safeItemElement(shape, item);
          elements.add(pe);
          if (pe != null && !seen.add(pe) && duplicates.add(pe)) {
            path.add(pe);
            out.insert(path);
            path.remove(path.size() - 1);
          }
        }
        Shape element = shape.listElement();
        for (int i = 0; i < value.size(); i++) {
          Element pe = elements.get(i);
          if (pe == null || duplicates.contains(pe)) {
            continue;
          }
          path.add(pe);
          toFieldSet(value.get(i), element, path, out);
          out.insert(path);
          path.remove(path.size() - 1);
        }
      }
    }

    private static Element safeItemElement(Shape list, JsonNode item) {
      try {
        return itemElement(list, item);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    /** Adds, as members, the struct fields on the way to each path (a set made of a.b.c also owns a). */
    static FieldSet withNamedFields(FieldSet set, Shape shape) {
      FieldSet out = new FieldSet();
      set.members().forEach(out::addMember);
      set.children().forEach((element, child) -> {
        Shape childShape = null;
        if (shape != null && element instanceof FieldSet.Field field && shape.map) {
          if (shape.declares(field.name())) {
            out.addMember(element);
          }
          childShape = shape.field(field.name());
          if (childShape == null) {
            childShape = shape.mapElement();
          }
        } else if (shape != null && element instanceof FieldSet.Key && shape.list) {
          childShape = shape.listElement();
        }
        FieldSet named = withNamedFields(child, childShape);
        FieldSet target = out.child(element);
        named.members().forEach(target::addMember);
        named.children().forEach((e, c) -> mergeInto(target.child(e), c));
      });
      return out;
    }

    private static void mergeInto(FieldSet target, FieldSet source) {
      source.members().forEach(target::addMember);
      source.children().forEach((e, c) -> mergeInto(target.child(e), c));
    }

    // -- compare --

    static Comparison compare(JsonNode lhs, JsonNode rhs, Shape shape) {
      Comparison out = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
      compare(lhs, rhs, shape, new ArrayList<>(), out);
      return out;
    }

    private static void compare(JsonNode lhs, JsonNode rhs, Shape shape, List<Element> path, Comparison out) {
      int left = deduce(shape, lhs);
      int right = deduce(shape, rhs);
      boolean inLeaf;
      if (rhs == null) {
        inLeaf = compareAs(left, lhs, rhs, shape, path, out);
      } else if (lhs == null || left == right) {
        inLeaf = compareAs(right, lhs, rhs, shape, path, out);
      } else {
        compareAs(left, lhs, rhs, shape, path, out);
        inLeaf = compareAs(right, lhs, rhs, shape, path, out);
      }
      if (!inLeaf) {
        if (lhs == null) {
          out.added().insert(path);
        } else if (rhs == null) {
          out.removed().insert(path);
        }
      }
    }

    /** Returns whether the position was compared as a leaf (scalar, atomic, or empty on both sides). */
    private static boolean compareAs(int atom, JsonNode lhs, JsonNode rhs, Shape shape, List<Element> path,
        Comparison out) {
      if ((atom & MAP) != 0) {
        ObjectNode l = lhs instanceof ObjectNode o ? o : null;
        ObjectNode r = rhs instanceof ObjectNode o ? o : null;
        if (shape.mapAtomic || (l == null || l.isEmpty()) && (r == null || r.isEmpty())) {
          return compareLeaf(lhs, rhs, path, out);
        }
        List<String> keys = new ArrayList<>();
        if (l != null) {
          l.fieldNames().forEachRemaining(keys::add);
        }
        if (r != null) {
          r.fieldNames().forEachRemaining(k -> {
            if (l == null || !l.has(k)) {
              keys.add(k);
            }
          });
        }
        for (String key : keys) {
          path.add(new FieldSet.Field(key));
          compare(l == null ? null : l.get(key), r == null ? null : r.get(key), shape.child(key), path, out);
          path.remove(path.size() - 1);
        }
        return false;
      }
      if ((atom & SCALAR) != 0) {
        return compareLeaf(lhs, rhs, path, out);
      }
      if ((atom & LIST) != 0) {
        ArrayNode l = lhs instanceof ArrayNode a ? a : null;
        ArrayNode r = rhs instanceof ArrayNode a ? a : null;
        if (shape.listAtomic || (l == null || l.isEmpty()) && (r == null || r.isEmpty())) {
          return compareLeaf(lhs, rhs, path, out);
        }
        compareListItems(shape, l, r, path, out);
        return false;
      }
      return false;
    }

    private static boolean compareLeaf(JsonNode lhs, JsonNode rhs, List<Element> path, Comparison out) {
      if (lhs == null) {
        out.added().insert(path);
      } else if (rhs == null) {
        out.removed().insert(path);
      } else if (!equal(lhs, rhs)) {
        out.modified().insert(path);
      }
      return true;
    }

    private static void compareListItems(Shape shape, ArrayNode lhs, ArrayNode rhs, List<Element> path,
        Comparison out) {
      List<Element> order = new ArrayList<>();
      Map<Element, List<JsonNode>> left = new TreeMap<>();
      Map<Element, List<JsonNode>> right = new TreeMap<>();
      if (lhs != null) {
        for (JsonNode item : lhs) {
          Element pe = safeItemElement(shape, item);
          if (pe != null && left.computeIfAbsent(pe, e -> new ArrayList<>()).add(item)
              && left.get(pe).size() == 1) {
            order.add(pe);
          }
        }
      }
      if (rhs != null) {
        for (JsonNode item : rhs) {
          Element pe = safeItemElement(shape, item);
          if (pe == null) {
            continue;
          }
          List<JsonNode> items = right.computeIfAbsent(pe, e -> new ArrayList<>());
          items.add(item);
          if (items.size() == 1 && !left.containsKey(pe)) {
            order.add(pe);
          }
        }
      }
      Shape element = shape.listElement();
      for (Element pe : order) {
        List<JsonNode> l = left.getOrDefault(pe, List.of());
        List<JsonNode> r = right.getOrDefault(pe, List.of());
        path.add(pe);
        if (l.size() <= 1 && r.size() <= 1) {
          compare(l.isEmpty() ? null : l.get(0), r.isEmpty() ? null : r.get(0), element, path, out);
        } else if (l.size() >= 2 && r.size() >= 2) {
          boolean same = l.size() == r.size();
          for (int i = 0; same && i < l.size(); i++) {
            same = equal(l.get(i), r.get(i));
          }
          if (!same) {
            out.modified().insert(path);
          }
        } else if (l.size() >= 2) {
          if (!r.isEmpty()) {
            compare(null, r.get(0), element, path, out);
          }
          out.removed().insert(path);
        } else {
          if (!l.isEmpty()) {
            compare(l.get(0), null, element, path, out);
          }
          out.added().insert(path);
        }
        path.remove(path.size() - 1);
      }
    }

    /** structured-merge-diff's value equality: numbers compare by value, maps ignore key order. */
    static boolean equal(JsonNode a, JsonNode b) {
      if (a == null || b == null) {
        return a == b;
      }
      if (a.isNumber() && b.isNumber()) {
        if (a.isIntegralNumber() && b.isIntegralNumber()) {
          return a.bigIntegerValue().equals(b.bigIntegerValue());
        }
        return a.doubleValue() == b.doubleValue();
      }
      if (a.isArray() && b.isArray()) {
        if (a.size() != b.size()) {
          return false;
        }
        for (int i = 0; i < a.size(); i++) {
          if (!equal(a.get(i), b.get(i))) {
            return false;
          }
        }
        return true;
      }
      if (a.isObject() && b.isObject()) {
        if (a.size() != b.size()) {
          return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = a.properties().iterator(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!equal(e.getValue(), b.get(e.getKey()))) {
            return false;
          }
        }
        return true;
      }
      if (a.isNull() || b.isNull()) {
        return a.isNull() && b.isNull();
      }
      return a.getNodeType() == b.getNodeType() && a.asText().equals(b.asText());
    }

    // -- merge --

    /** The configuration merged into the live object: its values win, lists and maps merge by the schema. */
    static JsonNode merge(JsonNode lhs, JsonNode rhs, Shape shape) {
      // When both sides are present the configuration's form decides; the live form's pass only
      // produces errors, and the live object has none.
      return mergeAs(rhs == null ? deduce(shape, lhs) : deduce(shape, rhs), lhs, rhs, shape);
    }

    private static JsonNode mergeAs(int atom, JsonNode lhs, JsonNode rhs, Shape shape) {
      if ((atom & MAP) != 0) {
        ObjectNode l = lhs instanceof ObjectNode o ? o : null;
        ObjectNode r = rhs instanceof ObjectNode o ? o : null;
        if (shape.mapAtomic || (l == null || l.isEmpty()) && (r == null || r.isEmpty())) {
          return rhs != null ? rhs.deepCopy() : lhs == null ? null : lhs.deepCopy();
        }
        ObjectNode out = Json.object();
        List<String> keys = new ArrayList<>();
        if (l != null) {
          l.fieldNames().forEachRemaining(keys::add);
        }
        if (r != null) {
          r.fieldNames().forEachRemaining(k -> {
            if (l == null || !l.has(k)) {
              keys.add(k);
            }
          });
        }
        if (!hasDeclaredFields(shape)) {
          keys.sort(FieldSet::compareStrings); // a Go map: written with sorted keys
        }
        for (String key : keys) {
          JsonNode child = merge(l == null ? null : l.get(key), r == null ? null : r.get(key), shape.child(key));
          if (child != null) {
            out.set(key, child);
          }
        }
        return out.isEmpty() ? null : out;
      }
      if ((atom & SCALAR) != 0) {
        return rhs != null ? rhs.deepCopy() : lhs == null ? null : lhs.deepCopy();
      }
      if ((atom & LIST) != 0) {
        ArrayNode l = lhs instanceof ArrayNode a ? a : null;
        ArrayNode r = rhs instanceof ArrayNode a ? a : null;
        if (shape.listAtomic || (l == null || l.isEmpty()) && (r == null || r.isEmpty())) {
          return rhs != null ? rhs.deepCopy() : lhs == null ? null : lhs.deepCopy();
        }
        return mergeListItems(shape, l, r);
      }
      return rhs != null ? rhs.deepCopy() : lhs == null ? null : lhs.deepCopy();
    }

    private static boolean hasDeclaredFields(Shape shape) {
      return shape.schema != null && shape.schema.hasProperties();
    }

    private record Indexed(List<Element> elements, Map<Element, JsonNode> observed, boolean failed) {}

    private static Indexed index(Shape shape, ArrayNode list, boolean allowDuplicates) {
      List<Element> elements = new ArrayList<>();
      Map<Element, JsonNode> observed = new TreeMap<>();
      boolean failed = false;
      if (list != null) {
        for (JsonNode item : list) {
          Element pe = safeItemElement(shape, item);
          if (pe == null) {
            failed = true;
            continue;
          }
          if (observed.containsKey(pe)) {
            if (!allowDuplicates) {
              failed = true;
              continue;
            }
            observed.put(pe, NullNode.getInstance()); // duplicates are not merged with the new value
          } else {
            observed.put(pe, item);
          }
          elements.add(pe);
        }
      }
      return new Indexed(elements, observed, failed);
    }

    /**
     * Merges list items by key. The result keeps the live order for items the configuration does
     * not mention and the configuration's order for the items it does, interleaved as the real
     * server interleaves them.
     */
    private static JsonNode mergeListItems(Shape shape, ArrayNode lhs, ArrayNode rhs) {
      Indexed right = index(shape, rhs, false);
      Indexed left = index(shape, lhs, true);
      if (right.failed() || left.failed()) {
        return null; // as in the real merge, which drops a list it cannot index
      }
      Shape element = shape.listElement();
      Deque<Element> shared = new ArrayDeque<>();
      for (Element pe : right.elements()) {
        if (left.observed().containsKey(pe)) {
          shared.add(pe);
        }
      }
      Element nextShared = shared.poll();
      TreeSet<Element> mergedRight = new TreeSet<>();
      ArrayNode out = Json.array();
      List<Element> l = left.elements();
      List<Element> r = right.elements();
      int li = 0;
      int ri = 0;
      while (li < l.size() || ri < r.size()) {
        if (li < l.size() && ri < r.size()) {
          Element pe = l.get(li);
          if (pe.compareTo(r.get(ri)) == 0) {
            mergedRight.add(pe);
            addMerged(out, merge(left.observed().get(pe), right.observed().get(pe), element));
            li++;
            ri++;
            nextShared = shared.poll();
            continue;
          }
          if (right.observed().containsKey(pe) && nextShared != null && nextShared.compareTo(pe) != 0) {
            li++;
            continue;
          }
        }
        if (li < l.size()) {
          Element pe = l.get(li);
          if (!right.observed().containsKey(pe)) {
            addMerged(out, merge(lhs.get(li), null, element));
            li++;
            continue;
          } else if (mergedRight.contains(pe)) {
            li++;
          }
        }
        if (ri < r.size()) {
          Element pe = r.get(ri);
          mergedRight.add(pe);
          addMerged(out, merge(left.observed().get(pe), right.observed().get(pe), element));
          ri++;
          if (nextShared != null && nextShared.compareTo(pe) == 0) {
            nextShared = shared.poll();
          }
        }
      }
      return out.isEmpty() ? null : out;
    }

    private static void addMerged(ArrayNode out, JsonNode item) {
      if (item != null) {
        out.add(item);
      }
    }

    // -- remove --

    /**
     * The value without the given fields. A map or list emptied on the way becomes null, as in
     * structured-merge-diff (the null then stands for "unset").
     */
    static JsonNode remove(JsonNode value, FieldSet toRemove, Shape shape) {
      int atom = deduce(shape, value);
      if ((atom & MAP) != 0) {
        if (!(value instanceof ObjectNode object) || object.isEmpty() || shape.mapAtomic) {
          return NullNode.getInstance();
        }
        ObjectNode out = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          Element pe = new FieldSet.Field(field.getKey());
          if (toRemove.has(List.of(pe))) {
            continue;
          }
          FieldSet below = toRemove.withPrefix(pe);
          JsonNode child = field.getValue();
          if (!below.isEmpty()) {
            child = remove(child, below, shape.child(field.getKey()));
          }
          out.set(field.getKey(), child);
        }
        return out.isEmpty() ? NullNode.getInstance() : out;
      }
      if ((atom & SCALAR) != 0) {
        return value;
      }
      if ((atom & LIST) != 0) {
        if (!(value instanceof ArrayNode array) || array.isEmpty() || shape.listAtomic) {
          return NullNode.getInstance();
        }
        ArrayNode out = Json.array();
        Shape element = shape.listElement();
        for (JsonNode item : array) {
          Element pe = safeItemElement(shape, item);
          if (pe != null) {
            if (toRemove.has(List.of(pe))) {
              continue;
            }
            FieldSet below = toRemove.withPrefix(pe);
            if (!below.isEmpty()) {
              item = remove(item, below, element);
            }
          }
          out.add(item);
        }
        return out.isEmpty() ? NullNode.getInstance() : out;
      }
      return NullNode.getInstance();
    }
  }
}
