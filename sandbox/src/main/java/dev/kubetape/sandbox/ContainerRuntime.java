package dev.kubetape.sandbox;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the simulated kubelet's container runtime remembers: for each container of each pod,
 * its current run and the one before (what {@code kubectl logs --previous} shows), with the
 * lines each run printed. Followers of a run ({@code logs -f}) hear new lines and its end.
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

  private final Map<String, Deque<Run>> runs = new ConcurrentHashMap<>();

  private static String key(String podUid, String container) {
    return podUid + "/" + container;
  }

  /** Starts a new run; the old current one becomes "previous". */
  Run start(String podUid, String container, Instant now) {
    Run run = new Run(now);
    Deque<Run> history = runs.computeIfAbsent(key(podUid, container), k -> new ArrayDeque<>());
    synchronized (history) {
      history.addFirst(run);
      while (history.size() > 2) {
        history.removeLast();
      }
    }
    return run;
  }

  Run current(String podUid, String container) {
    Deque<Run> history = runs.get(key(podUid, container));
    if (history == null) {
      return null;
    }
    synchronized (history) {
      return history.peekFirst();
    }
  }

  Run previous(String podUid, String container) {
    Deque<Run> history = runs.get(key(podUid, container));
    if (history == null) {
      return null;
    }
    synchronized (history) {
      return history.size() < 2 ? null : history.peekLast();
    }
  }

  /** Forgets a deleted pod's containers. */
  void forget(String podUid) {
    runs.keySet().removeIf(k -> k.startsWith(podUid + "/"));
  }
}
