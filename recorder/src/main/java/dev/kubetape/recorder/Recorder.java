package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubetape.proxy.Exchange;
import dev.kubetape.proxy.Tap;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kubetape's flight recorder: hears every deploy through the proxy's {@link Tap}, watches the
 * namespaces deploys go to, follows the new pods' logs, and keeps all of it in the archive.
 *
 * <p>Everything the recorder decides happens on one thread of its own, fed by a bounded queue:
 * the proxy's tap never waits (what does not fit is counted and dropped, kubectl is never
 * slowed), while the watches do wait, so a busy archive slows the recorder's own watch streams
 * rather than losing what they carry. Its own requests (lists, watches, logs) go straight to the
 * API server with the upstream credentials, never through the proxy, so it never records itself.
 */
public final class Recorder implements Tap, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Recorder.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int QUEUE = 100_000;
  private static final Duration TICK = Duration.ofSeconds(5);
  private static final long LOG_HEAD_BYTES = 64 * 1024;
  private static final long LOG_TAIL_BYTES = 256 * 1024;

  private final LuceneArchive archive;
  private final ArchiveWriter writer;
  private final KubeApi api;
  private final ContainerLogs logs;
  private final RolloutTracker tracker;
  private final Clock clock = Clock.systemUTC();
  private final BlockingQueue<Runnable> work = new ArrayBlockingQueue<>(QUEUE);
  private final Map<String, NamespaceWatch> watches = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong watchGaps = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  private Recorder(RecorderConfig config) throws IOException {
    Files.createDirectories(config.archive());
    archive = LuceneArchive.open(config.archive(), config.retention());
    try {
      writer = new ArchiveWriter(archive, clock, Duration.ofMinutes(1));
      api = KubeApi.connect(config.upstreamKubeconfig(), config.context());
      logs = new ContainerLogs(api, writer, clock, LOG_HEAD_BYTES, LOG_TAIL_BYTES);
      tracker = new RolloutTracker(writer, Redactor.open(config.archive(), config.secretNames()),
          config.abandonAfter(), logs, this::watch);
    } catch (IOException | RuntimeException e) {
      archive.close();
      throw e;
    }
    tracker.resume(Rollout.latestRecords(archive).stream().map(Rollout::fromRecord).toList());
    thread = Thread.ofPlatform().name("kubetape-recorder").start(this::run);
    Thread.ofVirtual().name("kubetape-whoami").start(this::askWhoAmI);
  }

  /** Opens the archive, takes up the rollouts a previous run left in progress, and starts listening. */
  public static Recorder start(RecorderConfig config) throws IOException {
    return new Recorder(config);
  }

  /** The archive the recorder writes, for readers in the same process. */
  public Archive archive() {
    return archive;
  }

  /** Called on the proxy's tap thread: queues deploy-shaped exchanges, never waits. */
  @Override
  public void exchange(Exchange exchange) {
    if (!exchange.mutating() || closed) {
      return;
    }
    if (!work.offer(() -> tracker.exchange(exchange)) && dropped.getAndIncrement() % 1000 == 0) {
      logger.warn("the recorder is behind: {} requests dropped so far, the last {} {}", dropped.get(),
          exchange.verb(), exchange.path());
    }
  }

  /** Why recording is stopped (a full disk, say), or null while it works. */
  public String problem() {
    return writer.problem();
  }

  /**
   * What the recorder kept and what it lost, for the proxy's {@code /metrics}: a gap in the
   * recording (a full disk, a recorder that fell behind, a watch that had to relist) shows here
   * as well as in the log and in the archive.
   */
  @Override
  public String metrics() {
    StringBuilder text = new StringBuilder();
    Instant stoppedSince = writer.stoppedSince();
    metric(text, "kubetape_recorder_records_total", "counter", "Records written to the archive.",
        writer.appended.get());
    metric(text, "kubetape_recorder_records_lost_total", "counter",
        "Records lost because the archive could not be written (a full disk, most likely).", writer.failed.get());
    metric(text, "kubetape_recorder_stopped", "gauge",
        "1 while recording is stopped because the archive cannot be written, else 0.", stoppedSince == null ? 0 : 1);
    metric(text, "kubetape_recorder_stopped_since_seconds", "gauge",
        "When recording stopped (Unix time), 0 while it works.", stoppedSince == null ? 0 : stoppedSince.getEpochSecond());
    metric(text, "kubetape_recorder_gaps_total", "counter",
        "Stretches of lost records that ended (each is a gap record in the archive).", writer.gaps.get());
    metric(text, "kubetape_recorder_requests_dropped_total", "counter",
        "Deploy requests not recorded because the recorder was behind.", dropped.get());
    metric(text, "kubetape_recorder_watch_gaps_total", "counter",
        "Watches that had to list again and may have missed changes meanwhile (410 Gone).", watchGaps.get());
    return text.toString();
  }

  private static void metric(StringBuilder text, String name, String type, String help, long value) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n')
        .append(name).append(' ').append(value).append('\n');
  }

  private void run() {
    Instant nextTick = clock.instant().plus(TICK);
    while (!closed || !work.isEmpty()) {
      try {
        Runnable task = work.poll(TICK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (task != null) {
          task.run();
        }
        if (!clock.instant().isBefore(nextTick)) {
          tracker.tick(clock.instant());
          nextTick = clock.instant().plus(TICK);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // One bad object must not stop the recording of everything after it.
        logger.error("the recorder could not handle a change; carrying on", e);
      }
    }
  }

  private void submit(Runnable task) {
    try {
      work.put(task);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts watching a namespace, once; called on the recorder thread. */
  private void watch(String namespace) {
    if (closed || watches.containsKey(namespace)) {
      return;
    }
    watches.put(namespace, new NamespaceWatch(api, namespace, new Informer.Listener() {
      @Override
      public void version(WatchEvent event) {
        submit(() -> tracker.version(event));
      }

      @Override
      public void gap(WatchedKind kind, String ns, Instant from, Instant to, String why) {
        watchGaps.incrementAndGet();
        submit(() -> tracker.gap(kind, ns, from, to, why));
      }
    }, clock));
  }

  /** Who kubetape's upstream credentials are, as the API server sees them (a SelfSubjectReview). */
  private void askWhoAmI() {
    try {
      JsonNode review = api.post("/apis/authentication.k8s.io/v1/selfsubjectreviews", JSON.createObjectNode()
          .put("apiVersion", "authentication.k8s.io/v1").put("kind", "SelfSubjectReview"));
      String user = review.path("status").path("userInfo").path("username").asText(null);
      submit(() -> tracker.upstreamUser(user));
    } catch (IOException e) {
      logger.warn("could not ask {} who kubetape's upstream credentials are ({}); deploys without --as are"
          + " recorded with the user 'unknown'", api.server(), e.getMessage());
    }
  }

  /** Stops watching, writes what is still held (log tails, pending requests), commits the archive. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    watches.values().forEach(NamespaceWatch::close);
    logs.close();
    submit(tracker::flush);
    closed = true;
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    api.close();
    archive.close();
  }
}
