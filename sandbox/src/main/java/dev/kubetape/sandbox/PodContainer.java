package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One container of a pod as its kubelet tracks it: the runs the runtime has made of it (the
 * current one and the one before, which is {@code lastState}), why it is waiting when it is
 * (the kubelet's reason cache: ErrImagePull, CrashLoopBackOff, ...), and what its probes last
 * said. Owned by the controller thread.
 */
final class PodContainer {
  /** One run of the container's process: a containerd container. */
  static final class Run {
    final String containerId;
    final int attempt;
    final String image;
    final String imageId;
    final Instant startedAt;
    final Duration startedSim;
    final ContainerRuntime.Run logs;
    final ImageCatalog.Image behaviour;
    final List<ScheduledFuture<?>> timers = new ArrayList<>();
    Instant finishedAt;
    Duration finishedSim;
    int exitCode;
    String reason;
    /** The process has finished starting: its port is open, startup and liveness succeed. */
    boolean up;
    boolean stopping;

    Run(String containerId, int attempt, String image, String imageId, Instant startedAt,
        Duration startedSim, ContainerRuntime.Run logs, ImageCatalog.Image behaviour) {
      this.containerId = containerId;
      this.attempt = attempt;
      this.image = image;
      this.imageId = imageId;
      this.startedAt = startedAt;
      this.startedSim = startedSim;
      this.logs = logs;
      this.behaviour = behaviour;
    }

    boolean running() {
      return finishedAt == null;
    }

    void cancelTimers() {
      timers.forEach(timer -> timer.cancel(false));
      timers.clear();
    }
  }

  /** Consecutive results of one probe of the current run. */
  static final class ProbeState {
    int successes;
    int failures;
  }

  final String name;
  final boolean init;
  JsonNode spec;
  Run current;
  Run previous;
  String waitingReason;
  String waitingMessage;
  /** An image pull for the next run is under way. */
  boolean pulling;
  boolean ready;
  /** Startup finished (no startup probe, or it succeeded). */
  boolean started;
  final ProbeState readiness = new ProbeState();
  final ProbeState liveness = new ProbeState();
  final ProbeState startup = new ProbeState();

  PodContainer(String name, boolean init, JsonNode spec) {
    this.name = name;
    this.init = init;
    this.spec = spec;
  }

  /** Sidecars: init containers with restartPolicy Always, which keep running beside the others. */
  boolean sidecar() {
    return init && "Always".equals(spec.path("restartPolicy").asText(null));
  }

  boolean running() {
    return current != null && current.running();
  }

  boolean exited() {
    return current != null && !current.running();
  }

  void clearWaiting() {
    waitingReason = null;
    waitingMessage = null;
  }

  void resetProbes() {
    readiness.successes = readiness.failures = 0;
    liveness.successes = liveness.failures = 0;
    startup.successes = startup.failures = 0;
  }
}
