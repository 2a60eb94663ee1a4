package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs of the containers of a rollout's new pods, captured before Kubernetes throws them
 * away: every run of every container is followed from its start ({@code logs -f}), and after
 * each restart the run that ended is fetched again as {@code --previous}, each within the
 * bounds of a {@link LogRun}. Text is written as "log" records: the head every half second
 * while it grows, the tail when the run ends.
 *
 * <p>{@link #observe} is called on the recorder thread; each follow runs on a virtual thread.
 */
final class ContainerLogs implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ContainerLogs.class);
  private static final int FOLLOW_ATTEMPTS = 3;

  private final KubeApi api;
  private final ArchiveWriter writer;
  private final Clock clock;
  private final long headBytes;
  private final long tailBytes;
  /** Pod uid to the runs (container IDs) already followed and fetched; recorder thread only. */
  private final Map<String, Set<String>> followed = new HashMap<>();
  private final Map<String, Set<String>> fetchedPrevious = new HashMap<>();
  /** Runs being followed, for the periodic head flush and for close. */
  private final Map<Follow, Boolean> active = new ConcurrentHashMap<>();
  /** The open stream of each run being read, so that a settled rollout's follows can be ended. */
  private final Map<Follow, InputStream> streams = new ConcurrentHashMap<>();
  private final Set<String> settled = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService flusher;
  private volatile boolean closed;

  /** Where a run's text belongs. */
  private record Follow(String namespace, String pod, String podUid, String container, String runId,
      String image, String node, String rolloutId, boolean previous, LogRun run) {}

  ContainerLogs(KubeApi api, ArchiveWriter writer, Clock clock, long headBytes, long tailBytes) {
    this.api = api;
    this.writer = writer;
    this.clock = clock;
    this.headBytes = headBytes;
    this.tailBytes = tailBytes;
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
        .name("kubetape-log-flush").daemon(true).unstarted(r));
    flusher.scheduleWithFixedDelay(this::flushHeads, 500, 500, TimeUnit.MILLISECONDS);
  }

  /** A version of a pod of a rollout's new ReplicaSet: starts what its container statuses call for. */
  void observe(ObjectVersion pod, String rolloutId) {
    if (closed || settled.contains(rolloutId)) {
      return;
    }
    String uid = pod.uid();
    Set<String> runs = followed.computeIfAbsent(uid, u -> new HashSet<>());
    Set<String> previous = fetchedPrevious.computeIfAbsent(uid, u -> new HashSet<>());
    String node = pod.object().path("spec").path("nodeName").asText(null);
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode status : pod.object().path("status").path(list)) {
        String container = status.path("name").asText();
        String image = status.path("image").asText(null);
        JsonNode state = status.path("state");
        String current = state.has("running") ? status.path("containerID").asText("")
            : state.path("terminated").path("containerID").asText("");
        if (!current.isEmpty() && runs.add(current)) {
          start(new Follow(pod.namespace(), pod.name(), uid, container, current, image, node, rolloutId, false,
              new LogRun(headBytes, tailBytes)));
        }
        String last = status.path("lastState").path("terminated").path("containerID").asText("");
        if (!last.isEmpty() && previous.add(last)) {
          start(new Follow(pod.namespace(), pod.name(), uid, container, last, image, node, rolloutId, true,
              new LogRun(headBytes, tailBytes)));
        }
      }
    }
  }

  /**
   * The rollout is over and its early logs are kept: its follows end (each writing its tail) and
   * no new ones start, so that long-lived pods are not followed for their whole life.
   */
  void settle(String rolloutId) {
    settled.add(rolloutId);
    streams.forEach((follow, stream) -> {
      if (follow.rolloutId().equals(rolloutId)) {
        closeQuietly(stream);
      }
    });
  }

  private static void closeQuietly(InputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // Ending it was the point.
    }
  }

  /** The pod is gone: its follows end by themselves; what is known of it can go. */
  void forget(String podUid) {
    followed.remove(podUid);
    fetchedPrevious.remove(podUid);
  }

  private void start(Follow follow) {
    active.put(follow, true);
    Thread.ofVirtual().name("kubetape-logs-" + follow.pod() + "-" + follow.container()).start(() -> {
      try {
        read(follow);
      } finally {
        active.remove(follow);
        streams.remove(follow);
        write(follow, follow.run().finish());
      }
    });
  }

  private void read(Follow follow) {
    String base = "/api/v1/namespaces/" + follow.namespace() + "/pods/" + follow.pod() + "/log?container="
        + URLEncoder.encode(follow.container(), StandardCharsets.UTF_8) + "&timestamps=true"
        + (follow.previous() ? "&previous=true" : "&follow=true");
    Instant lastLine = null;
    for (int attempt = 1; attempt <= FOLLOW_ATTEMPTS && !ended(follow); attempt++) {
      String path = lastLine == null ? base : base + "&sinceTime=" + lastLine;
      try (InputStream in = api.stream(path);
           BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        streams.put(follow, in);
        if (ended(follow)) {
          return; // settled while the request was on its way
        }
        for (String line; (line = lines.readLine()) != null; ) {
          int space = line.indexOf(' ');
          Instant at = null;
          String text = line;
          if (space > 0) {
            try {
              at = Instant.parse(line.substring(0, space));
              text = line.substring(space + 1);
            } catch (DateTimeParseException notATimestamp) {
              // Not the kubelet's prefix: the whole line is text.
            }
          }
          if (at != null && lastLine != null && !at.isAfter(lastLine) && attempt > 1) {
            continue; // already read before the stream broke
          }
          if (at != null) {
            lastLine = at;
          }
          follow.run().line(at != null ? at : clock.instant(), text);
        }
        return;
      } catch (KubeApi.Failure e) {
        // 400: the container has not started, or its run is gone; nothing more to read.
        if (e.code() != 400 && e.code() != 404) {
          logger.debug("reading the logs of {}/{} failed: {}", follow.pod(), follow.container(), e.getMessage());
        }
        return;
      } catch (IOException e) {
        if (ended(follow)) {
          return;
        }
        logger.debug("the log stream of {}/{} broke ({}); attempt {} of {}", follow.pod(), follow.container(),
            e.getMessage(), attempt, FOLLOW_ATTEMPTS);
        try {
          Thread.sleep(500L * attempt);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private boolean ended(Follow follow) {
    return closed || settled.contains(follow.rolloutId());
  }

  private void flushHeads() {
    for (Follow follow : active.keySet()) {
      LogRun.Chunk head = follow.run().takeHead();
      if (head != null) {
        write(follow, List.of(head));
      }
    }
  }

  private void write(Follow follow, List<LogRun.Chunk> chunks) {
    for (LogRun.Chunk chunk : chunks) {
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("container", follow.container());
      attributes.put("containerID", follow.runId());
      attributes.put("part", chunk.part());
      attributes.put("previous", Boolean.toString(follow.previous()));
      if (follow.node() != null) {
        attributes.put("node", follow.node());
      }
      if (chunk.cutBytes() > 0) {
        attributes.put("cutBytes", Long.toString(chunk.cutBytes()));
      }
      String summary = (follow.previous() ? "previous run of " : "") + follow.pod() + "/" + follow.container()
          + ": " + lastLine(chunk.text());
      writer.append(new ArchiveRecord(chunk.time(), "log", "Pod", follow.namespace(), follow.pod(),
          follow.podUid(), follow.rolloutId(), null, null, summary, attributes,
          follow.image() == null ? List.of() : List.of(follow.image()), chunk.text()));
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        String line = lines[i].strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
      }
    }
    return "";
  }

  /** Stops following and writes what every run still holds. */
  @Override
  public void close() {
    closed = true;
    flusher.shutdown();
    for (Follow follow : active.keySet()) {
      write(follow, follow.run().finish());
    }
  }
}
