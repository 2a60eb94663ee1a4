package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One pod on one simulated node, synced the way the kubelet's pod worker syncs it: mount the
 * volumes, set up the sandbox (the pod gets its IP), then start the init containers one by one
 * and the containers in order, each through pull ({@code Pulling}/{@code Pulled}, or
 * {@code ErrImagePull} and the image back-off), configuration ({@code CreateContainerConfigError})
 * and {@code Created}/{@code Started}. A container then runs as its catalog entry says: it prints
 * its log lines while it starts, may exit or be OOM-killed, and is probed; a container that exits
 * is restarted with the crash-loop back-off. A sync that fails is retried after 10 s, like the
 * kubelet's. Deleting the pod stops its containers within the grace period ({@code Killing}).
 * Owned by the controller thread.
 */
final class PodWorker {
  private static final Registry.WriteOptions KUBELET = Registry.WriteOptions.of("kubelet");
  /** How soon a failed sync is retried (the kubelet's backOffPeriod, without jitter). */
  private static final Duration RESYNC_ON_ERROR = Duration.ofSeconds(10);
  /** Creating the pod sandbox and its network. */
  private static final Duration SANDBOX_SETUP = Duration.ofMillis(800);
  /** From a change in the runtime (an exit, a new sandbox) to the pod worker acting on it. */
  private static final Duration PLEG_RELIST = Duration.ofSeconds(1);
  /** The volume manager's retry of a failed mount: 500 ms doubling to about two minutes. */
  private static final Duration MOUNT_RETRY_MAX = Duration.ofSeconds(122);
  /** What a catalog line's ${time} becomes: the time format of Spring Boot 3's console log. */
  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  private enum Step { NOTHING, STARTED, FAILED, WAIT }

  private final Kubelet kubelet;
  private final Kubelet.Node node;
  private final String uid;
  private final String namespace;
  private final String name;
  private ObjectNode pod;
  private final List<PodContainer> containers = new ArrayList<>();
  private final PodStatusGenerator statuses;
  private final Instant startTime;
  private boolean volumesReady;
  private Duration mountRetry = Duration.ZERO;
  private boolean sandboxRequested;
  private boolean sandboxReady;
  private String podIp;
  /** The last pull error of each image, which the ImagePullBackOff message repeats. */
  private final Map<String, String> lastPullError = new HashMap<>();
  /** A sync pass that waits on a pull; syncs asked for meanwhile run when it ends. */
  private boolean passRunning;
  private boolean syncAgain;
  private ScheduledFuture<?> resync;
  private boolean terminating;
  private boolean terminal;
  private boolean gone;

  PodWorker(Kubelet kubelet, Kubelet.Node node, ObjectNode pod) {
    this.kubelet = kubelet;
    this.node = node;
    this.pod = pod;
    this.uid = Json.text(pod, "metadata", "uid");
    this.namespace = Json.text(pod, "metadata", "namespace");
    this.name = Json.text(pod, "metadata", "name");
    this.statuses = new PodStatusGenerator(pod.path("status"));
    this.startTime = kubelet.clock.now();
    for (JsonNode container : pod.path("spec").path("initContainers")) {
      containers.add(new PodContainer(container.path("name").asText(), true, container));
    }
    for (JsonNode container : pod.path("spec").path("containers")) {
      containers.add(new PodContainer(container.path("name").asText(), false, container));
    }
  }

  // ---- what the kubelet tells the worker -----------------------------------------------------

  /** The pod was bound to this node: admit it and start syncing. */
  void admit() {
    writeStatus();
    sync();
  }

  /** The pod object changed: a new image for a container means restarting it. */
  void updated(ObjectNode latest) {
    pod = latest;
    if (terminating || gone) {
      return;
    }
    boolean changed = false;
    for (PodContainer container : containers) {
      JsonNode spec = find(latest, container);
      if (spec == null) {
        continue;
      }
      boolean imageChanged = !spec.path("image").equals(container.spec.path("image"));
      container.spec = spec;
      if (!imageChanged) {
        continue;
      }
      // The back-off is per container definition: a new one starts without waiting.
      changed = true;
      node.restarts.forget(backoffKey(container));
      if (container.running()) {
        stop(container, "Container " + container.name + " definition changed, will be restarted",
            gracePeriod());
      }
    }
    if (changed) {
      sync();
    }
  }

  /** The pod is being deleted: stop its containers within the grace period, then remove it. */
  void terminate(ObjectNode latest) {
    pod = latest;
    if (terminating || gone) {
      return;
    }
    terminating = true;
    cancelResync();
    long grace = latest.path("metadata").path("deletionGracePeriodSeconds").asLong(30);
    boolean any = false;
    for (PodContainer container : containers) {
      container.pulling = false;
      if (container.running()) {
        any = true;
        stop(container, "Stopping container " + container.name, Duration.ofSeconds(grace));
      }
    }
    if (!any) {
      kubelet.loop.after(Duration.ofMillis(300), "removing pod " + key(), this::finishTermination);
    }
  }

  /** The pod is gone from the API: forget everything, release the IP. */
  void removed() {
    gone = true;
    cancelResync();
    for (PodContainer container : containers) {
      if (container.current != null) {
        container.current.cancelTimers();
        if (container.current.running()) {
          container.current.logs.finish(137);
        }
      }
    }
    kubelet.runtime.forget(uid);
    if (podIp != null && !podIp.equals(node.hostIp)) {
      node.releaseIp(podIp);
    }
  }

  // ---- the sync loop -------------------------------------------------------------------------

  private void requestSync(Duration after) {
    if (gone || terminating) {
      return;
    }
    // A pending sync that comes sooner (or is due and about to run) will do.
    if (resync != null && !resync.isDone()
        && resync.getDelay(TimeUnit.NANOSECONDS) <= after.toNanos() / kubelet.clock.timeScale()) {
      return;
    }
    cancelResync();
    ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
    self[0] = kubelet.loop.after(after, "syncing pod " + key(), () -> {
      if (resync == self[0]) {
        resync = null;
      }
      sync();
    });
    resync = self[0];
  }

  private void cancelResync() {
    if (resync != null) {
      resync.cancel(false);
      resync = null;
    }
  }

  void sync() {
    if (gone || terminating || terminal) {
      return;
    }
    if (passRunning) {
      syncAgain = true;
      return;
    }
    ObjectNode latest = kubelet.registry.store().get(kubelet.pods, namespace, name);
    if (latest == null || !uid.equals(Json.text(latest, "metadata", "uid"))) {
      return;
    }
    pod = latest;
    if (!volumesReady) {
      String problem = kubelet.config.mountError(pod);
      if (problem != null) {
        podEvent("Warning", "FailedMount", problem);
        mountRetry = mountRetry.isZero() ? Duration.ofMillis(500) : mountRetry.multipliedBy(2);
        if (mountRetry.compareTo(MOUNT_RETRY_MAX) > 0) {
          mountRetry = MOUNT_RETRY_MAX;
        }
        requestSync(mountRetry);
        writeStatus();
        return;
      }
      volumesReady = true;
    }
    if (!sandboxReady) {
      if (!sandboxRequested) {
        sandboxRequested = true;
        kubelet.loop.after(SANDBOX_SETUP, "creating sandbox of pod " + key(), () -> {
          if (gone) {
            return;
          }
          sandboxReady = true;
          // A pod on the host's network has the node's address; others get one from the pod CIDR.
          podIp = pod.path("spec").path("hostNetwork").asBoolean(false) ? node.hostIp : node.allocateIp();
          writeStatus();
          sync();
          // The PLEG notices the new sandbox a moment later and syncs the pod again: this is
          // when a failed first pull turns into ImagePullBackOff.
          requestSync(PLEG_RELIST);
        });
      }
      return;
    }
    pass(plan(), 0);
  }

  /** What to start in this pass: the next init container, or every container that should run. */
  private List<PodContainer> plan() {
    List<PodContainer> plan = new ArrayList<>();
    for (PodContainer container : containers) {
      if (!container.init) {
        continue;
      }
      if (container.sidecar()) {
        if (container.running() && container.started) {
          continue;
        }
        if (!container.running()) {
          plan.add(container);
        }
        return plan;
      }
      if (container.exited() && container.current.exitCode == 0) {
        continue;
      }
      if (!container.running()) {
        plan.add(container);
      }
      return plan;
    }
    for (PodContainer container : containers) {
      if (!container.init && !container.running()) {
        plan.add(container);
      }
    }
    return plan;
  }

  /**
   * Works through the plan; a pull suspends the pass, which goes on when the pull ends. A sync
   * that fails on the way is retried later, as the pod worker retries a failed sync.
   */
  private void pass(List<PodContainer> plan, int from) {
    passRunning = true;
    boolean suspended = false;
    try {
      for (int i = from; i < plan.size(); i++) {
        PodContainer container = plan.get(i);
        Step step = step(container, plan, i);
        if (step == Step.WAIT) {
          suspended = true;
          writeStatus();
          return;
        }
        if (step == Step.STARTED && container.init && !container.sidecar()) {
          break;
        }
      }
    } catch (RuntimeException e) {
      requestSync(RESYNC_ON_ERROR);
      throw e;
    } finally {
      if (!suspended) {
        passRunning = false;
      }
    }
    writeStatus();
    if (syncAgain) {
      syncAgain = false;
      sync();
    }
  }

  private Step step(PodContainer container, List<PodContainer> plan, int index) {
    if (container.pulling) {
      return Step.WAIT;
    }
    if (container.exited()) {
      if (!shouldRestart(container)) {
        return Step.NOTHING;
      }
      String key = backoffKey(container);
      Duration now = kubelet.clock.elapsed();
      PodContainer.Run last = container.current;
      if (node.restarts.inBackoffSince(key, last.finishedSim, now)) {
        Duration delay = node.restarts.get(key);
        container.waitingReason = "CrashLoopBackOff";
        container.waitingMessage = "back-off " + goDuration(delay) + " restarting failed container="
            + container.name + " pod=" + formatPod();
        containerEvent(container, "Warning", "BackOff", "Back-off restarting failed container "
            + container.name + " in pod " + formatPod());
        Duration remaining = last.finishedSim.plus(delay).minus(now);
        requestSync(remaining.compareTo(RESYNC_ON_ERROR) < 0 ? remaining.plusMillis(10) : RESYNC_ON_ERROR);
        return Step.FAILED;
      }
      node.restarts.next(key, last.finishedSim, now);
    }
    return ensureImage(container, plan, index);
  }

  private boolean shouldRestart(PodContainer container) {
    if (container.sidecar()) {
      return true;
    }
    String policy = pod.path("spec").path("restartPolicy").asText("Always");
    return switch (policy) {
      case "Always" -> true;
      case "OnFailure" -> container.current.exitCode != 0;
      default -> false;
    };
  }

  // ---- image ---------------------------------------------------------------------------------

  private Step ensureImage(PodContainer container, List<PodContainer> plan, int index) {
    String image = container.spec.path("image").asText();
    String policy = container.spec.path("imagePullPolicy").asText("IfNotPresent");
    boolean present = node.images.present(image);
    if (present && !policy.equals("Always")) {
      containerEvent(container, "Normal", "Pulled",
          "Container image \"" + image + "\" already present on machine");
      return create(container);
    }
    if (policy.equals("Never")) {
      String message = "Container image \"" + image + "\" is not present with pull policy of Never";
      containerEvent(container, "Warning", "ErrImageNeverPull", message);
      containerEvent(container, "Warning", "Failed", "Error: ErrImageNeverPull");
      setWaiting(container, "ErrImageNeverPull", message);
      requestSync(RESYNC_ON_ERROR);
      return Step.FAILED;
    }
    String pullKey = uid + "_" + image;
    Duration now = kubelet.clock.elapsed();
    if (node.pulls.inBackoffSinceUpdate(pullKey, now)) {
      String message = "Back-off pulling image \"" + image + "\"";
      containerEvent(container, "Normal", "BackOff", message);
      containerEvent(container, "Warning", "Failed", "Error: ImagePullBackOff");
      String previous = lastPullError.get(pullKey);
      setWaiting(container, "ImagePullBackOff", previous == null ? message : message + ": " + previous);
      requestSync(RESYNC_ON_ERROR);
      return Step.FAILED;
    }
    lastPullError.remove(pullKey);
    containerEvent(container, "Normal", "Pulling", "Pulling image \"" + image + "\"");
    container.pulling = true;
    node.images.pull(image, result -> {
      if (!container.pulling || gone || terminating) {
        return;
      }
      container.pulling = false;
      boolean started;
      try {
        started = pulled(container, result, pullKey);
      } catch (RuntimeException e) {
        passRunning = false;
        requestSync(RESYNC_ON_ERROR);
        throw e;
      }
      // An init container holds back the rest until it has completed (a sidecar: started).
      boolean holdsBack = container.init && (!started || !container.sidecar());
      pass(plan, holdsBack ? plan.size() : index + 1);
    });
    return Step.WAIT;
  }

  /** A pull ended: start the container, or record the failure. True when the container started. */
  private boolean pulled(PodContainer container, ImagePuller.Result result, String pullKey) {
    String image = result.reference();
    if (result.succeeded()) {
      containerEvent(container, "Normal", "Pulled", "Successfully pulled image \"" + image
          + "\" in " + goDuration(result.pull()) + " (" + goDuration(result.total())
          + " including waiting). Image size: " + result.sizeBytes() + " bytes.");
      return create(container) == Step.STARTED;
    }
    containerEvent(container, "Warning", "Failed",
        "Failed to pull image \"" + image + "\": " + result.error());
    Duration failedAt = kubelet.clock.elapsed();
    node.pulls.next(pullKey, failedAt, failedAt);
    lastPullError.put(pullKey, "ErrImagePull: " + result.error());
    containerEvent(container, "Warning", "Failed", "Error: ErrImagePull");
    setWaiting(container, "ErrImagePull", result.error());
    requestSync(RESYNC_ON_ERROR);
    return false;
  }

  // ---- create and start ----------------------------------------------------------------------

  private Step create(PodContainer container) {
    String problem = kubelet.config.environmentError(pod, container.spec);
    if (problem != null) {
      containerEvent(container, "Warning", "Failed", "Error: " + problem);
      setWaiting(container, "CreateContainerConfigError", problem);
      requestSync(RESYNC_ON_ERROR);
      return Step.FAILED;
    }
    String image = container.spec.path("image").asText();
    ImageCatalog.Image behaviour = kubelet.catalog.find(image).orElse(null);
    if (behaviour == null) {
      // Present on the node yet gone from the catalog (a catalog without it): nothing to run.
      setWaiting(container, "ErrImagePull", ImagePuller.notFound(image));
      return Step.FAILED;
    }
    containerEvent(container, "Normal", "Created", "Created container: " + container.name);
    containerEvent(container, "Normal", "Started", "Started container " + container.name);
    Instant now = kubelet.clock.now();
    int attempt = container.current == null ? 0 : container.current.attempt + 1;
    String id = containerId();
    PodContainer.Run run = new PodContainer.Run(id, attempt,
        ImageCatalog.normalize(image), ImageCatalog.repository(image) + "@" + ImageCatalog.digest(image),
        now, kubelet.clock.elapsed(), kubelet.runtime.start(uid, "containerd://" + id, now), behaviour);
    if (container.current != null) {
      container.previous = container.current;
    }
    container.current = run;
    container.clearWaiting();
    container.resetProbes();
    boolean startupProbe = Probe.of(Probe.Kind.STARTUP, container.spec) != null;
    container.started = !startupProbe;
    container.ready = container.started && Probe.of(Probe.Kind.READINESS, container.spec) == null;
    runProcess(container, run);
    if (startupProbe) {
      scheduleProbe(container, run, Probe.of(Probe.Kind.STARTUP, container.spec), true);
    } else {
      scheduleProbes(container, run);
    }
    return Step.STARTED;
  }

  private static String containerId() {
    return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
  }

  /** The catalog's process: its log lines while it starts, then being up, or its end. */
  private void runProcess(PodContainer container, PodContainer.Run run) {
    ImageCatalog.Image behaviour = run.behaviour;
    Double end = behaviour.exitAfterSeconds();
    boolean oom = overMemoryLimit(container.spec, behaviour);
    if (oom) {
      end = end == null ? behaviour.startSeconds() : Math.min(end, behaviour.startSeconds());
    }
    double span = end == null ? behaviour.startSeconds() : Math.min(end, behaviour.startSeconds());
    List<List<String>> records = records(behaviour.logs());
    for (int i = 0; i < records.size(); i++) {
      double at = records.size() == 1 ? 0 : span * i / (records.size() - 1);
      List<String> record = records.get(i);
      run.timers.add(kubelet.loop.after(seconds(at), "logging of " + key(), () -> {
        if (run.running() && !run.stopping) {
          Instant now = kubelet.clock.now();
          record.forEach(line -> run.logs.print(now, expand(line)));
        }
      }));
    }
    if (end == null || behaviour.startSeconds() < end) {
      run.timers.add(kubelet.loop.after(seconds(behaviour.startSeconds()), "start of " + key(),
          () -> run.up = true));
    }
    if (end != null) {
      boolean killed = oom && (behaviour.exitAfterSeconds() == null
          || behaviour.startSeconds() <= behaviour.exitAfterSeconds());
      int code = killed ? 137 : behaviour.exitCode();
      String reason = killed ? "OOMKilled" : code == 0 ? "Completed" : "Error";
      run.timers.add(kubelet.loop.after(seconds(end), "exit of " + key(),
          () -> exited(container, run, code, reason)));
    }
  }

  /**
   * A catalog's lines as log records: a record starts at a line with a timestamp and takes the
   * untimed lines after it (a stack trace); lines before the first timestamp (a banner) start
   * the log. Without timestamps at all, every line is a record.
   */
  static List<List<String>> records(List<String> lines) {
    boolean timed = lines.stream().anyMatch(line -> line.contains("${time}"));
    List<List<String>> records = new ArrayList<>();
    for (String line : lines) {
      List<String> last = records.isEmpty() ? null : records.get(records.size() - 1);
      if (last == null || !timed
          || (line.contains("${time}") && last.stream().anyMatch(l -> l.contains("${time}")))) {
        last = new ArrayList<>();
        records.add(last);
      }
      last.add(line);
    }
    return records;
  }

  private static boolean overMemoryLimit(JsonNode spec, ImageCatalog.Image behaviour) {
    JsonNode limit = spec.path("resources").path("limits").get("memory");
    if (behaviour.memoryMi() == null || limit == null) {
      return false;
    }
    double limitBytes = Quantities.parse(limit.asText()).doubleValue();
    return behaviour.memoryMi() * 1024 * 1024 > limitBytes;
  }

  private String expand(String line) {
    return line.replace("${time}", LOG_TIME.format(kubelet.clock.now().truncatedTo(ChronoUnit.MILLIS)))
        .replace("${hostname}", name)
        .replace("${podIP}", podIp == null ? "" : podIp);
  }

  private void exited(PodContainer container, PodContainer.Run run, int code, String reason) {
    if (container.current != run || !run.running()) {
      return;
    }
    run.cancelTimers();
    run.finishedAt = kubelet.clock.now();
    run.finishedSim = kubelet.clock.elapsed();
    run.exitCode = code;
    run.reason = reason;
    run.logs.finish(code);
    container.ready = false;
    container.started = false;
    if (gone) {
      return;
    }
    writeStatus();
    if (terminating) {
      if (containers.stream().noneMatch(PodContainer::running)) {
        finishTermination();
      }
      return;
    }
    requestSync(PLEG_RELIST);
  }

  /**
   * Stops a running container: SIGTERM, the image's stop lines, and its exit once it has shut
   * down, or SIGKILL when the grace period runs out first.
   */
  private void stop(PodContainer container, String message, Duration grace) {
    PodContainer.Run run = container.current;
    containerEvent(container, "Normal", "Killing", message);
    run.cancelTimers();
    run.stopping = true;
    Duration shutdown = seconds(run.behaviour.stopSeconds());
    boolean inTime = shutdown.compareTo(grace) <= 0;
    // The shutdown lines come while the process shuts down, before its exit or the SIGKILL.
    List<List<String>> records = records(run.behaviour.stopLogs());
    Duration window = (inTime ? shutdown : grace).multipliedBy(9).dividedBy(10);
    for (int i = 0; i < records.size(); i++) {
      List<String> record = records.get(i);
      Duration at = records.size() == 1 ? Duration.ZERO
          : window.multipliedBy(i).dividedBy(records.size() - 1);
      run.timers.add(kubelet.loop.after(at, "shutdown logging of " + key(), () -> {
        Instant now = kubelet.clock.now();
        record.forEach(line -> run.logs.print(now, expand(line)));
      }));
    }
    run.timers.add(kubelet.loop.after(inTime ? shutdown : grace, "stopping container of " + key(),
        () -> exited(container, run, inTime ? 143 : 137, "Error")));
  }

  private Duration gracePeriod() {
    return Duration.ofSeconds(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
  }

  private void finishTermination() {
    if (gone || terminal) {
      return;
    }
    terminal = true;
    writeStatus();
    kubelet.registry.delete(kubelet.pods, namespace, name,
        new Registry.DeleteOptions(null, 0L, uid, null, false, null));
  }

  // ---- probes --------------------------------------------------------------------------------

  private void scheduleProbes(PodContainer container, PodContainer.Run run) {
    Probe readiness = Probe.of(Probe.Kind.READINESS, container.spec);
    if (readiness != null) {
      scheduleProbe(container, run, readiness, true);
    }
    Probe liveness = Probe.of(Probe.Kind.LIVENESS, container.spec);
    if (liveness != null) {
      scheduleProbe(container, run, liveness, true);
    }
  }

  private void scheduleProbe(PodContainer container, PodContainer.Run run, Probe probe, boolean first) {
    // The prober runs a readiness probe as soon as a container starts, then every period.
    Duration delay = first ? probe.initialDelay().plusMillis(100) : probe.period();
    run.timers.add(kubelet.loop.after(delay, probe.kind().title + " probe of " + key(),
        () -> probe(container, run, probe)));
  }

  private void probe(PodContainer container, PodContainer.Run run, Probe probe) {
    if (container.current != run || !run.running() || run.stopping || gone || terminating) {
      return;
    }
    String failure = probe.failure(container.spec, podIp, run.up, run.behaviour.ready());
    PodContainer.ProbeState state = switch (probe.kind()) {
      case READINESS -> container.readiness;
      case LIVENESS -> container.liveness;
      case STARTUP -> container.startup;
    };
    if (failure == null) {
      state.successes++;
      state.failures = 0;
      switch (probe.kind()) {
        case READINESS -> {
          if (!container.ready && state.successes >= probe.successThreshold()) {
            container.ready = true;
            writeStatus();
          }
        }
        case STARTUP -> {
          container.started = true;
          container.ready = Probe.of(Probe.Kind.READINESS, container.spec) == null;
          writeStatus();
          scheduleProbes(container, run);
          if (container.init) {
            sync();
          }
          return;
        }
        case LIVENESS -> { }
      }
      scheduleProbe(container, run, probe, false);
      return;
    }
    containerEvent(container, "Warning", "Unhealthy", probe.kind().title + " probe failed: " + failure);
    state.failures++;
    state.successes = 0;
    if (probe.kind() == Probe.Kind.READINESS) {
      if (container.ready && state.failures >= probe.failureThreshold()) {
        container.ready = false;
        writeStatus();
      }
    } else if (state.failures >= probe.failureThreshold()) {
      String what = probe.kind() == Probe.Kind.LIVENESS ? "liveness" : "startup";
      stop(container, "Container " + container.name + " failed " + what + " probe, will be restarted",
          gracePeriod());
      return;
    }
    scheduleProbe(container, run, probe, false);
  }

  // ---- status and events ---------------------------------------------------------------------

  private void setWaiting(PodContainer container, String reason, String message) {
    container.waitingReason = reason;
    container.waitingMessage = message;
  }

  /** Writes the generated status when it differs from the stored one. */
  private void writeStatus() {
    if (gone) {
      return;
    }
    for (int attempt = 0; attempt < 3; attempt++) {
      ObjectNode latest = kubelet.registry.store().get(kubelet.pods, namespace, name);
      if (latest == null || !uid.equals(Json.text(latest, "metadata", "uid"))) {
        return;
      }
      pod = latest;
      ObjectNode status = statuses.generate(new PodStatusGenerator.View(latest, containers,
          sandboxReady, podIp, node.hostIp, startTime, terminal), kubelet.clock.now());
      if (status.equals(latest.path("status"))) {
        return;
      }
      ObjectNode updated = latest.deepCopy();
      updated.set("status", status);
      try {
        kubelet.registry.update(kubelet.pods, namespace, name, updated, "status", KUBELET);
        return;
      } catch (ApiException e) {
        if (e.code != 409) {
          throw e;
        }
      }
    }
  }

  private void containerEvent(PodContainer container, String type, String reason, String message) {
    String field = (container.init ? "spec.initContainers{" : "spec.containers{") + container.name + "}";
    kubelet.events.record(pod, "kubelet", node.name, type, reason, message, field);
  }

  private void podEvent(String type, String reason, String message) {
    kubelet.events.record(pod, "kubelet", node.name, type, reason, message, null);
  }

  // ---- small helpers -------------------------------------------------------------------------

  private JsonNode find(ObjectNode latest, PodContainer container) {
    for (JsonNode spec : latest.path("spec").path(container.init ? "initContainers" : "containers")) {
      if (container.name.equals(spec.path("name").asText())) {
        return spec;
      }
    }
    return null;
  }

  /** The kubelet's key for a container's crash-loop back-off (pod, namespace, UID, container). */
  private String backoffKey(PodContainer container) {
    return name + "_" + namespace + "_" + uid + "_" + container.name;
  }

  /** format.Pod: how the kubelet names a pod in messages. */
  private String formatPod() {
    return name + "_" + namespace + "(" + uid + ")";
  }

  private String key() {
    return namespace + "/" + name;
  }

  private static Duration seconds(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** Go's time.Duration String(), as the kubelet prints durations: "512ms", "1.5s", "5m0s". */
  static String goDuration(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    if (millis < 1000) {
      return millis + "ms";
    }
    long hours = millis / 3_600_000;
    long minutes = millis / 60_000 % 60;
    long secs = millis / 1000 % 60;
    long fraction = millis % 1000;
    StringBuilder text = new StringBuilder();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      text.append(minutes).append('m');
    }
    text.append(secs);
    if (fraction > 0) {
      text.append('.').append(String.format("%03d", fraction).replaceAll("0+$", ""));
    }
    return text.append('s').toString();
  }
}
