package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubetape.proxy.Exchange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Decides what is a rollout and how it ends, from the proxy's deploy requests and the watched
 * versions of Deployments, ReplicaSets, Pods and Events, and writes all of it to the archive,
 * each record tied to its rollout.
 *
 * <p>A rollout is what the deployment controller calls one: a new value of the Deployment's
 * revision annotation, which it bumps exactly when the pod template changed (a new template,
 * {@code rollout restart}, {@code rollout undo}), never for scaling. So a request through the
 * proxy is not taken at its word: it waits ("pending") until the watch shows what the controller
 * made of it. If the revision went up, the request started the rollout, and its user is the
 * rollout's; if the controller observed the request's generation without a new revision, it was
 * a scale or a no-op, recorded on the current rollout. A new revision that no request explains
 * came from another client (a GitOps controller, a colleague without kubetape): a rollout "not
 * via kubetape", unless the request shows up a moment later (the tap and the watch race).
 *
 * <p>Verdicts: succeeded when the controller observed the change and every replica is updated
 * and available (as {@code kubectl rollout status} decides); failed when the Deployment's
 * Progressing condition says ProgressDeadlineExceeded, with the cause found in its new pods
 * ({@link Troubles}); superseded by the next revision; abandoned when the Deployment is deleted
 * or nothing moved for {@code abandonAfter}.
 *
 * <p>Not thread-safe: the recorder calls it on its one thread.
 */
final class RolloutTracker {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A request the watch has not explained by then is recorded as it stands. */
  private static final Duration PENDING_LIMIT = Duration.ofSeconds(60);
  /**
   * How long a rollout's pods are still followed after it ended: the bootstrap and the first
   * minutes are the evidence; a long-lived pod is not followed for its whole life.
   */
  static final Duration LOGS_AFTER_END = Duration.ofMinutes(5);
  /** How far apart a request and the revision it explains may be seen. */
  private static final Duration LATE_REQUEST = Duration.ofMinutes(2);

  private final ArchiveWriter writer;
  private final Redactor redactor;
  private final Duration abandonAfter;
  private final ContainerLogs logs;
  private final Consumer<String> watchNamespace;
  private String upstreamUser;

  private final Map<String, Deployment> deployments = new HashMap<>();
  /** ReplicaSet uid to its owner and revision. */
  private final Map<String, Owner> replicaSets = new HashMap<>();
  /** Pod uid to its ReplicaSet's uid. */
  private final Map<String, String> pods = new HashMap<>();
  private final Set<String> usedIds = new HashSet<>();
  /** Ended rollouts whose log follows are still to be settled, with when to settle them. */
  private final Map<String, Instant> unsettledLogs = new HashMap<>();

  private record Owner(String deploymentUid, int revision) {}

  /** A deploy request seen through the proxy, waiting for the watch to say what it did. */
  private record Pending(Exchange exchange, Identity identity, JsonNode request, long generation,
      int revisionBefore) {}

  private static final class Deployment {
    final String uid;
    final String namespace;
    final String name;
    /** The highest revision seen; -1 before the first version. */
    int revision = -1;
    long observedGeneration;
    Rollout current;
    Troubles troubles = new Troubles();
    String progress = "";
    final List<Pending> pending = new ArrayList<>();

    Deployment(String uid, String namespace, String name) {
      this.uid = uid;
      this.namespace = namespace;
      this.name = name;
    }
  }

  RolloutTracker(ArchiveWriter writer, Redactor redactor, Duration abandonAfter, ContainerLogs logs,
      Consumer<String> watchNamespace) {
    this.writer = writer;
    this.redactor = redactor;
    this.abandonAfter = abandonAfter;
    this.logs = logs;
    this.watchNamespace = watchNamespace;
  }

  /** The user of kubetape's upstream credentials, once the API server said who that is. */
  void upstreamUser(String user) {
    upstreamUser = user;
  }

  /** Takes up the rollouts a previous run left, newest state of each; watches their namespaces again. */
  void resume(List<Rollout> rollouts) {
    for (Rollout rollout : rollouts) {
      usedIds.add(rollout.id);
      if (rollout.uid != null && rollout.revision > 0) {
        Deployment deployment = deployment(rollout.uid, rollout.namespace, rollout.name);
        if (deployment.current == null || rollout.revision > deployment.current.revision) {
          deployment.current = rollout;
        }
        deployment.revision = Math.max(deployment.revision, rollout.revision);
      }
      watchNamespace.accept(rollout.namespace);
    }
  }

  List<Rollout> progressing() {
    return deployments.values().stream().map(d -> d.current)
        .filter(rollout -> rollout != null && rollout.progressing()).toList();
  }

  // ---- requests through the proxy

  void exchange(Exchange exchange) {
    if (!exchange.mutating() || (exchange.requestBody() == null && exchange.responseBody() == null
        && !"deployments".equals(exchange.resource()))) {
      return;
    }
    if (exchange.query() != null && exchange.query().contains("dryRun=")) {
      return; // kubectl diff, --dry-run=server: nothing was deployed
    }
    Identity identity = Identity.of(exchange, upstreamUser);
    Redactor.Redacted request = redactor.text(exchange.requestBody(), exchange.resource());
    Redactor.Redacted response = redactor.text(exchange.responseBody(), exchange.resource());
    Set<String> secrets = new HashSet<>(request.secrets());
    secrets.addAll(response.secrets());
    ObjectNode bodies = JSON.createObjectNode();
    bodies.set("request", request.body());
    bodies.set("response", response.body());
    String namespace = exchange.namespace();
    boolean deploy = "deployments".equals(exchange.resource()) && namespace != null;
    if (!deploy || exchange.subresource() != null || exchange.verb().startsWith("delete")) {
      Deployment target = deploy ? byName(namespace, exchange.name()) : null;
      writeRequest(exchange, identity, bodies, secrets, target == null || target.current == null ? null
          : target.current.id, null);
      return;
    }
    watchNamespace.accept(namespace);
    if (exchange.statusCode() >= 400 && staleWrite(response.body())) {
      // An optimistic-concurrency conflict, which kubectl, helm and controllers retry by themselves.
      writeRequest(exchange, identity, bodies, secrets, null, "Conflict");
      return;
    }
    if (exchange.statusCode() >= 400) {
      rejected(exchange, identity, bodies, secrets, response.body());
      return;
    }
    ObjectVersion stored = new ObjectVersion(response.body() == null ? JSON.createObjectNode() : response.body());
    if (stored.uid() == null) {
      writeRequest(exchange, identity, bodies, secrets, null, null);
      return;
    }
    Deployment deployment = deployment(stored.uid(), namespace, stored.name());
    Pending pending = new Pending(exchange, identity, bodies, stored.generation(), stored.revision());
    Rollout current = deployment.current;
    if (current != null && current.revision > pending.revisionBefore() && current.generation >= pending.generation()
        && current.request == null && Duration.between(exchange.time(), current.startedAt).abs()
            .compareTo(LATE_REQUEST) < 0) {
      // The watch saw the new revision first: this request explains it after all.
      current.identity = identity;
      current.request = bodies;
      write(current, exchange.time());
      writeRequest(pending, current.id);
    } else if (deployment.revision >= 0 && deployment.observedGeneration >= pending.generation()
        && deployment.revision <= pending.revisionBefore()) {
      writeRequest(pending, current == null ? null : current.id);
    } else {
      deployment.pending.add(pending);
    }
  }

  private static boolean staleWrite(JsonNode status) {
    return status != null && status.path("code").asInt() == 409
        && status.path("message").asText("").contains("the object has been modified");
  }

  /** A deploy the API server refused: a failed attempt, with its message. */
  private void rejected(Exchange exchange, Identity identity, ObjectNode bodies, Set<String> secrets,
      JsonNode status) {
    String name = exchange.name() != null ? exchange.name()
        : bodies.path("request").path("metadata").path("name").asText("unnamed");
    String message = redactor.scrub(status == null ? "the API server answered " + exchange.statusCode()
        : status.path("message").asText("the API server answered " + exchange.statusCode()), secrets);
    String reason = message.contains("admission webhook") ? "AdmissionWebhookDenied"
        : status == null ? null : status.path("reason").asText(null);
    Rollout rollout = new Rollout(uniqueId(exchange.namespace() + "/" + name + "#rejected-"
        + exchange.time().toEpochMilli()), exchange.namespace(), name, null, 0, 0, exchange.time());
    rollout.identity = identity;
    rollout.request = bodies;
    JsonNode sent = bodies.path("request");
    rollout.images = new ObjectVersion(sent.has("spec") ? sent : JSON.createObjectNode()).images();
    rollout.git = GitAnnotations.of(sent);
    rollout.end(Rollout.Status.FAILED, reason == null ? "Rejected" : reason,
        "the API server rejected the " + exchange.verb() + " (" + exchange.statusCode() + "): " + message,
        exchange.time());
    write(rollout, exchange.time());
    writeRequest(exchange, identity, bodies, secrets, rollout.id, reason);
  }

  // ---- what the watches deliver

  void version(WatchEvent event) {
    switch (event.kind()) {
      case DEPLOYMENT -> deployment(event);
      case REPLICA_SET -> replicaSet(event);
      case POD -> pod(event);
      case EVENT -> event(event);
    }
  }

  void gap(WatchedKind kind, String namespace, Instant from, Instant to, String why) {
    writer.append(new ArchiveRecord(to, "gap", kind.kind, namespace, null, null, null, null, "WatchGap",
        "changes of " + kind.plural() + " in " + namespace + " between " + from + " and " + to
            + " may be missing: " + why, Map.of(), List.of(), null));
  }

  private void deployment(WatchEvent event) {
    ObjectVersion version = new ObjectVersion(event.object());
    Deployment deployment = deployment(version.uid(), version.namespace(), version.name());
    int revision = version.revision();
    if (deployment.revision < 0) {
      // First sight: a new object starts from nothing; one already there from what a request
      // said it was, else from where it stands (its past is not ours to record).
      deployment.revision = event.type().equals("ADDED") ? 0 : deployment.pending.stream()
          .mapToInt(Pending::revisionBefore).min().orElse(revision);
    }
    if (revision > deployment.revision && !event.deleted()) {
      start(deployment, version, event.received());
    }
    deployment.revision = Math.max(deployment.revision, revision);
    deployment.observedGeneration = version.observedGeneration();
    for (var it = deployment.pending.iterator(); it.hasNext(); ) {
      Pending pending = it.next();
      if (pending.generation() <= version.observedGeneration()) {
        it.remove(); // observed without a new revision: a scale or a no-op
        writeRequest(pending, deployment.current == null ? null : deployment.current.id);
      }
    }
    writeObject(event, version, deployment.current);
    Rollout rollout = deployment.current;
    if (rollout == null) {
      return;
    }
    if (event.deleted()) {
      if (rollout.end(Rollout.Status.ABANDONED, "DeploymentDeleted", "the deployment was deleted while rolling out",
          event.received())) {
        write(rollout, event.received());
      }
      deployments.remove(deployment.uid);
      return;
    }
    if (revision == rollout.revision) {
      verdict(deployment, version, event.received());
    }
  }

  private void start(Deployment deployment, ObjectVersion version, Instant now) {
    int revision = version.revision();
    List<Pending> causes = new ArrayList<>();
    for (var it = deployment.pending.iterator(); it.hasNext(); ) {
      Pending pending = it.next();
      if (pending.revisionBefore() < revision && pending.generation() <= version.generation()) {
        causes.add(pending);
        it.remove();
      }
    }
    Rollout previous = deployment.current;
    if (previous != null && previous.end(Rollout.Status.SUPERSEDED, null,
        "superseded by revision " + revision + " before it finished", now)) {
      write(previous, now);
    }
    Pending cause = causes.isEmpty() ? null : causes.getLast();
    Rollout rollout = new Rollout(uniqueId(Rollout.id(deployment.namespace, deployment.name, revision)),
        deployment.namespace, deployment.name, deployment.uid, revision, version.generation(),
        cause == null ? now : cause.exchange().time());
    rollout.identity = cause == null ? Identity.notViaKubetape() : cause.identity();
    rollout.request = cause == null ? null : cause.request();
    rollout.images = version.images();
    rollout.git = GitAnnotations.of(version.object());
    rollout.changeCause = version.annotation("kubernetes.io/change-cause");
    rollout.message = "revision " + revision + " of " + deployment.name + ": " + String.join(", ", rollout.images)
        + (rollout.changeCause == null ? "" : " (" + rollout.changeCause + ")");
    deployment.current = rollout;
    deployment.troubles = new Troubles();
    deployment.progress = "";
    write(rollout, rollout.startedAt);
    causes.forEach(pending -> writeRequest(pending, rollout.id));
  }

  private void verdict(Deployment deployment, ObjectVersion version, Instant now) {
    Rollout rollout = deployment.current;
    deployment.troubles.deployment(version);
    String progress = version.status("updatedReplicas") + "/" + version.status("readyReplicas") + "/"
        + version.status("availableReplicas");
    if (!progress.equals(deployment.progress)) {
      deployment.progress = progress;
      rollout.lastProgress = now;
    }
    if (!rollout.progressing() || version.observedGeneration() < rollout.generation) {
      return;
    }
    if (version.deadlineExceeded()) {
      String cause = deployment.troubles.cause();
      String message = cause != null ? deployment.troubles.message(cause)
          : version.condition("Progressing").path("message").asText("");
      rollout.end(Rollout.Status.FAILED, cause != null ? cause : "ProgressDeadlineExceeded", message, now);
      write(rollout, now);
    } else if (version.rolledOut()) {
      rollout.end(Rollout.Status.SUCCEEDED, null, version.status("availableReplicas") + " of "
          + version.specReplicas() + " replicas updated and available", now);
      write(rollout, now);
    }
  }

  private void replicaSet(WatchEvent event) {
    ObjectVersion version = new ObjectVersion(event.object());
    String owner = version.controllerUid("Deployment");
    if (owner != null) {
      replicaSets.put(version.uid(), new Owner(owner, version.revision()));
    }
    Deployment deployment = owner == null ? null : deployments.get(owner);
    writeObject(event, version, deployment == null ? null : deployment.current);
    if (event.deleted()) {
      replicaSets.remove(version.uid());
    }
  }

  private void pod(WatchEvent event) {
    ObjectVersion pod = new ObjectVersion(event.object());
    String replicaSet = pod.controllerUid("ReplicaSet");
    if (replicaSet != null) {
      pods.put(pod.uid(), replicaSet);
    }
    Deployment deployment = owningDeployment(replicaSet, pod.namespace(), pod.controllerName("ReplicaSet"));
    Rollout rollout = deployment == null ? null : deployment.current;
    writeObject(event, pod, rollout);
    if (rollout != null && ofNewReplicaSet(replicaSet, rollout, pod.object())) {
      deployment.troubles.pod(pod);
      if (logs != null && followsLogs(rollout, event.received()) && !event.deleted()) {
        logs.observe(pod, rollout.id);
      }
    }
    if (event.deleted()) {
      pods.remove(pod.uid());
      if (logs != null) {
        logs.forget(pod.uid());
      }
    }
  }

  private void event(WatchEvent watched) {
    JsonNode event = watched.object();
    JsonNode involved = event.path("involvedObject");
    String uid = involved.path("uid").asText("");
    String namespace = event.path("metadata").path("namespace").asText(null);
    String name = involved.path("name").asText(null);
    Deployment deployment;
    boolean aboutNew;
    switch (involved.path("kind").asText("")) {
      case "Deployment" -> {
        deployment = deployments.get(uid);
        aboutNew = false;
      }
      case "ReplicaSet" -> {
        deployment = owningDeployment(uid, namespace, name);
        aboutNew = deployment != null && deployment.current != null && ofNewReplicaSet(uid, deployment.current, null);
      }
      case "Pod" -> {
        String replicaSet = pods.get(uid);
        deployment = owningDeployment(replicaSet, namespace, name);
        aboutNew = deployment != null && deployment.current != null
            && ofNewReplicaSet(replicaSet, deployment.current, null);
      }
      default -> {
        deployment = null;
        aboutNew = false;
      }
    }
    Rollout rollout = deployment == null ? null : deployment.current;
    if (aboutNew) {
      deployment.troubles.event(event);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("eventType", event.path("type").asText(""));
    attributes.put("count", Integer.toString(Math.max(1, event.path("count").asInt(1))));
    String source = event.path("source").path("component").asText(event.path("reportingComponent").asText(""));
    if (!source.isEmpty()) {
      attributes.put("source", source);
    }
    if (event.path("source").hasNonNull("host")) {
      attributes.put("node", event.path("source").path("host").asText());
    }
    writer.append(new ArchiveRecord(eventTime(event, watched.received()), "event", involved.path("kind").asText(null),
        namespace, name, uid.isEmpty() ? null : uid, rollout == null ? null : rollout.id, null,
        event.path("reason").asText(null), event.path("message").asText(null), attributes, List.of(),
        event.toString()));
  }

  /** Ends rollouts that stopped moving without reaching a deadline; records requests nobody explained. */
  void tick(Instant now) {
    for (Deployment deployment : deployments.values()) {
      Rollout rollout = deployment.current;
      if (rollout != null && rollout.progressing() && rollout.lastProgress.plus(abandonAfter).isBefore(now)) {
        rollout.end(Rollout.Status.ABANDONED, "NoProgress", "nothing moved for " + abandonAfter.toMinutes()
            + " min and no progress deadline ended it (paused, or the watch lost it)", now);
        write(rollout, now);
      }
    }
    flushPending(now.minus(PENDING_LIMIT));
    for (var it = unsettledLogs.entrySet().iterator(); it.hasNext(); ) {
      var ended = it.next();
      if (ended.getValue().isBefore(now)) {
        it.remove();
        if (logs != null) {
          logs.settle(ended.getKey());
        }
      }
    }
  }

  static boolean followsLogs(Rollout rollout, Instant now) {
    return rollout.progressing() || rollout.status != Rollout.Status.SUPERSEDED && rollout.endedAt != null
        && rollout.endedAt.plus(LOGS_AFTER_END).isAfter(now);
  }

  /** Records the requests still pending, at shutdown: progressing rollouts stay so, to be resumed. */
  void flush() {
    flushPending(Instant.MAX);
  }

  private void flushPending(Instant seenBefore) {
    for (Deployment deployment : deployments.values()) {
      for (var it = deployment.pending.iterator(); it.hasNext(); ) {
        Pending pending = it.next();
        if (pending.exchange().time().isBefore(seenBefore)) {
          it.remove();
          writeRequest(pending, deployment.current == null ? null : deployment.current.id);
        }
      }
    }
  }

  // ---- ownership

  private Deployment deployment(String uid, String namespace, String name) {
    return deployments.computeIfAbsent(uid, u -> new Deployment(u, namespace, name));
  }

  private Deployment byName(String namespace, String name) {
    for (Deployment deployment : deployments.values()) {
      if (deployment.namespace.equals(namespace) && deployment.name.equals(name)) {
        return deployment;
      }
    }
    return null;
  }

  /**
   * The Deployment a ReplicaSet (or a pod of it) belongs to. When the ReplicaSet has not been
   * seen yet (its watch runs beside the pods'), its name tells: NAME-HASH.
   */
  private Deployment owningDeployment(String replicaSetUid, String namespace, String objectName) {
    Owner owner = replicaSetUid == null ? null : replicaSets.get(replicaSetUid);
    if (owner != null) {
      return deployments.get(owner.deploymentUid());
    }
    Deployment best = null;
    for (Deployment deployment : deployments.values()) {
      if (deployment.namespace.equals(namespace) && objectName != null && objectName.startsWith(deployment.name + "-")
          && (best == null || deployment.name.length() > best.name.length())) {
        best = deployment;
      }
    }
    return best;
  }

  /** Whether a ReplicaSet is the rollout's new one; unknown ones are new when their pod was made since it began. */
  private boolean ofNewReplicaSet(String replicaSetUid, Rollout rollout, JsonNode pod) {
    Owner owner = replicaSetUid == null ? null : replicaSets.get(replicaSetUid);
    if (owner != null) {
      return owner.revision() == rollout.revision;
    }
    String created = pod == null ? "" : pod.path("metadata").path("creationTimestamp").asText("");
    return !created.isEmpty() && !Instant.parse(created).isBefore(rollout.startedAt.minusSeconds(1));
  }

  private String uniqueId(String id) {
    String unique = id;
    for (int n = 2; !usedIds.add(unique); n++) {
      unique = id + "-" + n; // a Deployment deleted and made again starts its revisions anew
    }
    return unique;
  }

  // ---- records

  private void write(Rollout rollout, Instant time) {
    writer.append(rollout.record(time));
    if (!rollout.progressing()) {
      // A superseded rollout's pods are being replaced: no more minutes of their logs.
      unsettledLogs.putIfAbsent(rollout.id, rollout.status == Rollout.Status.SUPERSEDED ? rollout.endedAt
          : rollout.endedAt.plus(LOGS_AFTER_END));
    }
  }

  private void writeObject(WatchEvent event, ObjectVersion version, Rollout rollout) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("change", event.type());
    if (version.revision() > 0) {
      attributes.put("revision", Integer.toString(version.revision()));
    }
    String node = version.object().path("spec").path("nodeName").asText("");
    if (!node.isEmpty()) {
      attributes.put("node", node);
    }
    String reason = null;
    if (event.kind() == WatchedKind.POD) {
      String state = version.podState();
      reason = state.equals("Running") || state.equals("Pending") || state.equals("Succeeded") ? null : state;
    }
    writer.append(new ArchiveRecord(event.received(), "object", event.kind().kind, version.namespace(),
        version.name(), version.uid(), rollout == null ? null : rollout.id, null, reason, version.summary(),
        attributes, version.images(), redactor.tree(version.object()).body().toString()));
  }

  private void writeRequest(Pending pending, String rolloutId) {
    writeRequest(pending.exchange(), pending.identity(), (ObjectNode) pending.request(), Set.of(), rolloutId, null);
  }

  private void writeRequest(Exchange exchange, Identity identity, ObjectNode bodies, Set<String> secrets,
      String rolloutId, String reason) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("verb", exchange.verb());
    attributes.put("user", identity.user());
    if (identity.client() != null) {
      attributes.put("client", identity.client());
    }
    attributes.put("code", Integer.toString(exchange.statusCode()));
    if (exchange.subresource() != null) {
      attributes.put("subresource", exchange.subresource());
    }
    JsonNode stored = bodies.path("response");
    String uid = stored.path("metadata").path("uid").asText(null);
    String what = exchange.resource() + (exchange.name() == null ? "" : "/" + exchange.name())
        + (exchange.subresource() == null ? "" : "/" + exchange.subresource());
    String message = (identity.client() == null ? "a client" : identity.client()) + " as " + identity.user() + ": "
        + exchange.verb() + " " + what + " answered " + exchange.statusCode();
    bodies.put("query", exchange.query());
    writer.append(new ArchiveRecord(exchange.time(), "request", kindOf(exchange.resource()), exchange.namespace(),
        exchange.name(), uid, rolloutId, null, reason, redactor.scrub(message, secrets), attributes,
        new ObjectVersion(stored.isObject() ? stored : JSON.createObjectNode()).images(), bodies.toString()));
  }

  private static String kindOf(String resource) {
    if (resource == null) {
      return null;
    }
    return switch (resource) {
      case "deployments" -> "Deployment";
      case "replicasets" -> "ReplicaSet";
      case "statefulsets" -> "StatefulSet";
      case "daemonsets" -> "DaemonSet";
      case "pods" -> "Pod";
      case "services" -> "Service";
      case "configmaps" -> "ConfigMap";
      case "secrets" -> "Secret";
      default -> resource;
    };
  }

  private static Instant eventTime(JsonNode event, Instant received) {
    for (JsonNode time : List.of(event.path("series").path("lastObservedTime"), event.path("lastTimestamp"),
        event.path("eventTime"), event.path("firstTimestamp"), event.path("metadata").path("creationTimestamp"))) {
      if (time.isTextual() && !time.asText().isEmpty()) {
        try {
          return Instant.parse(time.asText());
        } catch (java.time.format.DateTimeParseException notRfc3339) {
          // MicroTime with a zone offset Instant cannot read: try the next field.
        }
      }
    }
    return received;
  }
}
