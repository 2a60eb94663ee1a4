package dev.kubetape.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the simulated kubelet's container runtime remembers: every run of every container, by
 * container ID, with the lines it printed. The pod's status says which run is current and which
 * ended last ({@code lastState}), as the kubelet picks logs by them. Followers of a run
 * ({@code logs -f}) hear new lines and its end.
 */
final class ContainerRuntime {
  record LogLine(Instant time, String text) {}

  /** One run of a container process. Lines are appended by the kubelet and read by log requests. */
  static final class Run {
    final Instant started;
    private final List<LogLine> lines = new CopyOnWriteArrayList<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private volatile boolean finished;
    private volatile int exitCode;

    Run(Instant started) {
      this.started = started;
    }

    List<LogLine> lines() {
      return lines;
    }

    boolean finished() {
      return finished;
    }

    int exitCode() {
      return exitCode;
    }

    synchronized void print(Instant time, String text) {
      LogLine line = new LogLine(time, text);
      lines.add(line);
      followers.forEach(f -> f.onLine.accept(line));
    }

    synchronized void finish(int code) {
      exitCode = code;
      finished = true;
      followers.forEach(f -> f.onEnd.run());
      followers.clear();
    }

    /** Hands over the lines so far and subscribes to the rest, with none lost in between. */
    synchronized Runnable follow(Consumer<List<LogLine>> existing, Consumer<LogLine> onLine, Runnable onEnd) {
      existing.accept(new ArrayList<>(lines));
      if (finished) {
        onEnd.run();
        return () -> { };
      }
      Follower follower = new Follower(onLine, onEnd);
      followers.add(follower);
      return () -> followers.remove(follower);
    }

    private record Follower(Consumer<LogLine> onLine, Runnable onEnd) {}
  }

  /** Every container run by its container ID ("containerd://..."), as the pod status names it. */
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  /** The container IDs of each pod, to forget them with the pod. */
  private final Map<String, List<String>> byPod = new ConcurrentHashMap<>();

  /** Starts a new run of a container of a pod. */
  Run start(String podUid, String containerId, Instant now) {
    Run run = new Run(now);
    runs.put(containerId, run);
    byPod.computeIfAbsent(podUid, k -> new CopyOnWriteArrayList<>()).add(containerId);
    return run;
  }

  /** The run a container ID names, or null when this runtime never ran it. */
  Run run(String containerId) {
    return containerId == null ? null : runs.get(containerId);
  }

  /** Forgets a deleted pod's containers. */
  void forget(String podUid) {
    List<String> ids = byPod.remove(podUid);
    if (ids != null) {
      ids.forEach(runs::remove);
    }
  }
}
