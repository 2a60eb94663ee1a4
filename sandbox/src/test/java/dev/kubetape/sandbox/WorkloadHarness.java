package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The registry with the garbage collector and the two workload controllers, and no scheduler
 * or kubelet: the test plays the kubelet, deciding when each pod becomes ready. Pods stay
 * unscheduled, so a deleted pod goes at once, as one whose kubelet stopped it would.
 */
final class WorkloadHarness implements AutoCloseable {
  static final Registry.WriteOptions USER = Registry.WriteOptions.of("kubectl-client-side-apply");
  private static final Registry.WriteOptions KUBELET = Registry.WriteOptions.of("kubelet");

  final Registry registry;
  final ControllerLoop loop;
  final ResourceType deployments;
  final ResourceType replicaSets;
  final ResourceType pods;
  final ResourceType events;

  WorkloadHarness(double timeScale) {
    ApiResources resources = new ApiResources();
    OpenApi openApi = new OpenApi(resources);
    ObjectStore store = new ObjectStore(100_000);
    Defaults defaults = new Defaults(store, resources);
    Admission admission = new Admission(openApi, store, resources, defaults);
    registry = new Registry(resources, openApi, store, admission, new FieldManager(openApi), Clock.systemUTC());
    deployments = resources.find("apps", "v1", "deployments").orElseThrow();
    replicaSets = resources.find("apps", "v1", "replicasets").orElseThrow();
    pods = resources.find("", "v1", "pods").orElseThrow();
    events = resources.find("", "v1", "events").orElseThrow();
    ObjectNode namespace = Json.object();
    namespace.put("apiVersion", "v1");
    namespace.put("kind", "Namespace");
    namespace.putObject("metadata").put("name", "default");
    registry.create(resources.find("", "v1", "namespaces").orElseThrow(), null, namespace, USER);
    loop = new ControllerLoop(timeScale);
    EventRecorder recorder = new EventRecorder(registry, loop, Duration.ofHours(1));
    ControllerClock clock = new ControllerClock(registry, timeScale);
    new GarbageCollector(registry, loop);
    new ReplicaSetController(registry, loop, recorder, clock);
    new DeploymentController(registry, loop, recorder, clock);
  }

  /** A Deployment of {@code image} with the given rolling-update parameters (ints or "25%"). */
  static ObjectNode deployment(String name, int replicas, Object maxSurge, Object maxUnavailable, String image) {
    ObjectNode d = Json.object();
    d.put("apiVersion", "apps/v1");
    d.put("kind", "Deployment");
    d.putObject("metadata").put("name", name);
    ObjectNode spec = d.putObject("spec");
    spec.put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    if (maxSurge != null || maxUnavailable != null) {
      ObjectNode rolling = spec.putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate");
      rolling.set("maxSurge", Json.MAPPER.valueToTree(maxSurge));
      rolling.set("maxUnavailable", Json.MAPPER.valueToTree(maxUnavailable));
    }
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    ObjectNode container = template.putObject("spec").putArray("containers").addObject();
    container.put("name", "app");
    container.put("image", image);
    return d;
  }

  ObjectNode create(ResourceType type, ObjectNode object) {
    return registry.create(type, "default", object, USER).object();
  }

  ObjectNode get(ResourceType type, String name) {
    return registry.store().get(type, "default", name);
  }

  /** Changes a Deployment as a user would: read, modify, write back. */
  void edit(String name, java.util.function.Consumer<ObjectNode> change) {
    for (int attempt = 0; ; attempt++) {
      ObjectNode d = get(deployments, name).deepCopy();
      change.accept(d);
      try {
        registry.update(deployments, "default", name, d, null, USER);
        return;
      } catch (ApiException e) {
        // The controller wrote the status meanwhile: read again, as kubectl's patch retries.
        if (e.code != 409 || attempt > 5) {
          throw e;
        }
      }
    }
  }

  void setImage(String deployment, String image) {
    edit(deployment, d -> ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("image", image));
  }

  List<ObjectNode> list(ResourceType type) {
    return registry.store().list(type, "default").items();
  }

  /** Active pods (not being deleted), oldest first. */
  List<ObjectNode> activePods() {
    List<ObjectNode> active = new ArrayList<>();
    for (ObjectNode pod : list(pods)) {
      if (ReplicaSetController.active(pod)) {
        active.add(pod);
      }
    }
    active.sort(Comparator.comparing((ObjectNode p) -> Json.text(p, "metadata", "creationTimestamp"))
        .thenComparing(p -> Json.text(p, "metadata", "name")));
    return active;
  }

  /** What the kubelet would report once the pod's containers run and its probe passes. */
  void markReady(ObjectNode pod) {
    ObjectNode updated = pod.deepCopy();
    ObjectNode status = Json.with(updated, "status");
    status.put("phase", "Running");
    ArrayNode conditions = status.putArray("conditions");
    for (String type : List.of("Initialized", "Ready", "ContainersReady")) {
      ObjectNode condition = conditions.addObject();
      condition.put("type", type);
      condition.put("status", "True");
      condition.put("lastTransitionTime", Json.time(registry.now()));
    }
    registry.update(pods, "default", Json.text(pod, "metadata", "name"), updated, "status", KUBELET);
  }

  /** Marks ready every active pod that is not yet. */
  void markAllReady() {
    for (ObjectNode pod : activePods()) {
      if (!ReplicaSetController.ready(pod)) {
        markReady(pod);
      }
    }
  }

  /**
   * Waits until the controllers have nothing left to do: the store stops changing across
   * several passes through the controller loop.
   */
  void settle() {
    long stableSince = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int stablePasses = 0;
    while (stablePasses < 4) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the controllers did not settle within 20 s");
      }
      long before = registry.store().revision();
      CountDownLatch drained = new CountDownLatch(1);
      loop.submit("test settle", drained::countDown);
      try {
        if (!drained.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("the controller loop is stuck");
        }
        Thread.sleep(15);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      long after = registry.store().revision();
      stablePasses = after == before && after == stableSince ? stablePasses + 1 : 0;
      stableSince = after;
    }
  }

  /** Polls (settling in between) until {@code condition} holds. */
  void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Messages of the events with this reason, in the order they were first recorded. */
  List<String> eventMessages(String reason) {
    List<ObjectNode> matching = new ArrayList<>();
    for (ObjectNode event : list(events)) {
      if (reason.equals(event.path("reason").asText())) {
        matching.add(event);
      }
    }
    matching.sort(Comparator.comparing((ObjectNode e) -> Long.parseLong(Json.text(e, "metadata", "resourceVersion"))));
    List<String> messages = new ArrayList<>();
    matching.forEach(e -> messages.add(e.path("message").asText()));
    return messages;
  }

  static JsonNode condition(JsonNode object, String type) {
    for (JsonNode condition : object.path("status").path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return null;
  }

  @Override
  public void close() {
    loop.close();
  }
}
