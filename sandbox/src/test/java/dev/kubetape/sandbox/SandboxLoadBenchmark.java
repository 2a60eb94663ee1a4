package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark of the sandbox (a main class, not a test): 2,000 concurrent watches over
 * HTTPS and HTTP/2 while the controllers create and then roll 200 pods, against the same run
 * with no watches. Each configuration runs in a fresh JVM (so heap and RSS are its own); the
 * configurations alternate, so a noisy neighbour on the shared machine hurts both alike.
 *
 * <p>One run: start a sandbox in-process; open the watches as informers do (a LIST, then a
 * WATCH from its resourceVersion with bookmarks; 40 per HTTP/2 connection, like processes
 * sharing one); create the Deployments and wait until all are available; change every image
 * (a strategic merge patch, as {@code kubectl set image}) and wait until every rollout is
 * complete as {@code kubectl rollout status} judges it; wait for the store to go quiet, then
 * check that each watch received exactly the events its namespace and selector entitle it to.
 * A quarter-size run first warms up the JIT.
 *
 * <p>Delivery lag runs from the store's write (a store listener registered before any watch
 * notes the time of each revision) to the bytes' arrival at the client. The clients share the
 * process and its two cores, so the lag and the CPU include their part.
 *
 * <p>Run: {@code sandbox/bench/load-bench} (flags there).
 */
public final class SandboxLoadBenchmark {
  private static final String OLD_IMAGE = "registry.example/shop/web:1.4.1";
  private static final String NEW_IMAGE = "registry.example/shop/web:1.4.2";
  private static final List<String> NODES = List.of("node-1", "node-2", "node-3");
  private static final int NAMESPACES = 4;
  /** Watches being opened at once: a few controllers starting, not a thundering herd. */
  private static final int OPENING = 50;

  private SandboxLoadBenchmark() {}

  /** The flags; a phase (one configuration in its own JVM) gets the same ones plus {@code --phase WATCHES}. */
  record Options(List<String> args, int watches, int rounds, double timeScale, int deployments, int replicas,
      int perConnection, String jfr, int phase) {
    static Options parse(String[] args) {
      Map<String, String> flags = new HashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        flags.put(args[i], args[i + 1]);
      }
      java.util.function.BiFunction<String, String, String> flag = flags::getOrDefault;
      return new Options(List.of(args), Integer.parseInt(flag.apply("--watches", "2000")),
          Integer.parseInt(flag.apply("--rounds", "3")), Double.parseDouble(flag.apply("--time-scale", "10")),
          Integer.parseInt(flag.apply("--deployments", "20")), Integer.parseInt(flag.apply("--replicas", "10")),
          Integer.parseInt(flag.apply("--watches-per-connection", "40")), flags.get("--jfr"),
          Integer.parseInt(flag.apply("--phase", "-1")));
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    if (options.phase() < 0) {
      orchestrate(options);
      return;
    }
    new Run(options, options.phase()).measure();
  }

  // ---- the orchestrator: one fresh JVM per configuration, configurations alternating --------

  private static void orchestrate(Options o) throws Exception {
    System.out.printf(Locale.ROOT, "sandbox load benchmark: %d deployments x %d replicas, time scale %s,"
            + " %d watches (%d per HTTP/2 connection) vs none, %d rounds; %d CPUs, JDK %s, load average %s%n",
        o.deployments(), o.replicas(), o.timeScale(), o.watches(), o.perConnection(), o.rounds(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
    Map<Integer, List<ObjectNode>> results = new TreeMap<>();
    for (int round = 1; round <= o.rounds(); round++) {
      for (int watches : round % 2 == 1 ? List.of(0, o.watches()) : List.of(o.watches(), 0)) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (o.jfr() != null && watches > 0) {
          Files.createDirectories(Path.of(o.jfr()));
          command.add("-XX:StartFlightRecording=settings=profile,filename="
              + Path.of(o.jfr(), "round-" + round + "-watches-" + watches + ".jfr"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SandboxLoadBenchmark.class.getName()));
        command.addAll(o.args());
        command.addAll(List.of("--phase", Integer.toString(watches)));
        ObjectNode result = runChild(command);
        results.computeIfAbsent(watches, w -> new ArrayList<>()).add(result);
        log("round %d, %d watches: create %.2f s, rollout %.2f s, lag p99 %.1f ms, missing %d, load %s",
            round, watches, result.path("createSeconds").asDouble(), result.path("rolloutSeconds").asDouble(),
            result.path("lagP99Ms").asDouble(), result.path("missing").asLong(), result.path("loadAverage").asText());
      }
    }
    System.out.println();
    System.out.println(summary(results));
    log("load average at the end: %s", loadAverage());
  }

  private static ObjectNode runChild(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ObjectNode result = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          result = (ObjectNode) Json.MAPPER.readTree(line.substring("RESULT ".length()));
        } else {
          System.out.println("  " + line);
        }
      }
    }
    int exit = process.waitFor();
    if (result == null) {
      throw new IllegalStateException("a phase failed with exit code " + exit);
    }
    return result;
  }

  /** Medians (and ranges) per configuration, as a Markdown table. */
  private static String summary(Map<Integer, List<ObjectNode>> results) {
    String[][] measures = {
        {"create 200 pods -> all available (s)", "createSeconds", "%.2f"},
        {"image change -> all rollouts complete (s)", "rolloutSeconds", "%.2f"},
        {"store changes", "changes", "%,.0f"},
        {"watch events delivered", "delivered", "%,.0f"},
        {"watch bytes delivered (MiB)", "deliveredMiB", "%,.0f"},
        {"events missing", "missing", "%.0f"},
        {"watches not exactly right / disconnected", "wrongOrDisconnected", "%.0f"},
        {"delivery lag p50 (ms)", "lagP50Ms", "%.1f"},
        {"delivery lag p99 (ms)", "lagP99Ms", "%.1f"},
        {"delivery lag max (ms)", "lagMaxMs", "%.0f"},
        {"sandbox event loop delay, max (ms)", "loopLagMaxMs", "%.0f"},
        {"controller queue wait, median (ms)", "controllerWaitMedianMs", "%.1f"},
        {"controller queue wait, max (ms)", "controllerWaitMaxMs", "%.0f"},
        {"CPU, whole process (s)", "cpuSeconds", "%.1f"},
        {"CPU, of which the benchmark's clients (s)", "clientCpuSeconds", "%.1f"},
        {"measured window (s)", "windowSeconds", "%.1f"},
        {"opening the watches (s)", "openSeconds", "%.1f"},
        {"live heap after the rollout (MiB)", "heapLiveMiB", "%.0f"},
        {"heap used, peak (MiB)", "heapPeakMiB", "%.0f"},
        {"RSS at the end (MiB)", "rssMiB", "%.0f"},
    };
    StringBuilder table = new StringBuilder("| measure |");
    results.keySet().forEach(w -> table.append(String.format(Locale.ROOT, " %,d watches |", w)));
    table.append("\n|---|").append("---|".repeat(results.size()));
    for (String[] measure : measures) {
      table.append("\n| ").append(measure[0]).append(" |");
      for (List<ObjectNode> runs : results.values()) {
        double[] v = runs.stream().mapToDouble(r -> r.path(measure[1]).asDouble()).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        table.append(' ').append(String.format(Locale.ROOT, measure[2], median));
        if (v[0] != v[v.length - 1]) {
          table.append(String.format(Locale.ROOT, " (" + measure[2] + "–" + measure[2] + ")", v[0], v[v.length - 1]));
        }
        table.append(" |");
      }
    }
    return table.toString();
  }

  // ---- one configuration, in its own JVM ---------------------------------------------------------

  private record Run(Options options, int watchCount) {

    /** Measures, prints the result and ends the JVM. */
    void measure() throws Exception {
      Path folder = Files.createTempDirectory("kubetape-load-bench-");
      Path kubeconfig = folder.resolve("kubeconfig");
      Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withKubeconfigOut(kubeconfig)
          .withTimeScale(options.timeScale()));
      Api api = Api.fromKubeconfig(kubeconfig, options.perConnection());
      Files.delete(kubeconfig);
      Files.delete(folder);
      Registry registry = (Registry) field(field(sandbox, "server"), "registry");
      ObjectNode result = Json.object().put("watches", watchCount);
      measure(api, new StoreProbe(registry.store()), (ControllerLoop) field(sandbox, "loop"),
          (Vertx) field(sandbox, "vertx"), result);
      System.out.println("RESULT " + Json.string(result.put("loadAverage", loadAverage())));
      System.out.flush();
      // No close: a sandbox that fell behind can take minutes to drain its event loop, and the
      // HTTP clients' threads would keep the JVM alive.
      System.exit(0);
    }

    private void measure(Api api, StoreProbe probe, ControllerLoop controllers, Vertx server, ObjectNode result)
        throws Exception {
      for (int i = 0; i < NAMESPACES; i++) {
        api.create("/api/v1/namespaces", namespace("bench-" + i));
        api.create("/api/v1/namespaces", namespace("quiet-" + i));
      }
      Lags lags = new Lags();
      long openStart = System.nanoTime();
      List<Watcher> watchers = api.openWatches(WatchSpec.mix(watchCount, options.deployments()), probe, lags);
      result.put("openSeconds", seconds(System.nanoTime() - openStart));
      log("%d watches open after %.1f s", watchers.size(), seconds(System.nanoTime() - openStart));

      // A quarter-size cycle first, watched too, so that the measured one runs compiled code as
      // a sandbox that has been up a while does. (A second sandbox in the same JVM is no
      // substitute: its first request hung there after the first one closed with watches open.)
      cycle(api, probe, "warm-", Math.max(1, options.deployments() / 4));
      probe.awaitQuiet(1_000);
      lags.reset();
      long deliveredBefore = watchers.stream().mapToLong(w -> w.events).sum();
      long bytesBefore = watchers.stream().mapToLong(w -> w.bytes).sum();

      Sampler sampler = new Sampler(controllers, server);
      Thread.ofPlatform().daemon().name("bench-sampler").start(sampler);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuStart = os.getProcessCpuTime();
      long clientCpuStart = api.cpuNanos();
      long windowStart = System.nanoTime();
      int changesBefore = probe.changes().size();
      double[] durations = cycle(api, probe, "web-", options.deployments());
      sampler.stop();
      result.put("createSeconds", durations[0]).put("rolloutSeconds", durations[1]);

      probe.awaitQuiet(2_000);
      result.put("cpuSeconds", seconds(os.getProcessCpuTime() - cpuStart))
          .put("clientCpuSeconds", seconds(api.cpuNanos() - clientCpuStart))
          .put("windowSeconds", seconds(System.nanoTime() - windowStart));
      List<StoreProbe.Seen> changes = probe.changes();
      result.put("changes", changes.size() - changesBefore);
      Map<String, List<StoreProbe.Seen>> byResource = changes.stream()
          .collect(Collectors.groupingBy(c -> c.resource().group() + "/" + c.resource().resource()));
      Map<Watcher, Expected> expected = new HashMap<>();
      watchers.forEach(w -> expected.put(w, Expected.of(w, byResource.getOrDefault(w.spec.group() + "/" + w.spec.resource(), List.of()))));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (System.nanoTime() < deadline && expected.entrySet().stream()
          .anyMatch(e -> !e.getKey().ended && e.getKey().lastRevision < e.getValue().last())) {
        Thread.sleep(20);
      }

      long missing = 0;
      int wrong = 0;
      for (Map.Entry<Watcher, Expected> entry : expected.entrySet()) {
        Watcher w = entry.getKey();
        Expected e = entry.getValue();
        long last = w.lastRevision; // read first: it publishes the counters written before it
        missing += Math.max(0, e.count() - w.events);
        if (w.ended || w.errors > 0 || w.events != e.count() || w.revisionSum != e.revisionSum() || last != e.last()) {
          wrong++;
        }
      }
      result.put("delivered", watchers.stream().mapToLong(w -> w.events).sum() - deliveredBefore)
          .put("deliveredMiB", (watchers.stream().mapToLong(w -> w.bytes).sum() - bytesBefore) >> 20)
          .put("missing", missing)
          .put("wrongOrDisconnected", wrong)
          .put("lagP50Ms", lags.percentile(0.50) / 1e6)
          .put("lagP99Ms", lags.percentile(0.99) / 1e6)
          .put("lagMaxMs", lags.percentile(1) / 1e6)
          .put("loopLagMaxMs", sampler.loopLagMax.get() / 1e6)
          .put("controllerWaitMedianMs", sampler.controllerWaitMedian() / 1e6)
          .put("controllerWaitMaxMs", sampler.controllerWaitMax.get() / 1e6)
          .put("heapPeakMiB", sampler.heapPeak >> 20);
      System.gc();
      result.put("heapLiveMiB", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20)
          .put("rssMiB", rssBytes() >> 20);
      if (wrong > 0) {
        log("%d watches did not receive exactly their events (%d missing) or were disconnected", wrong, missing);
      }
    }

    /**
     * Creates {@code count} Deployments and waits until all are available, then changes every
     * image (as {@code kubectl set image}) and waits until every rollout is complete; returns
     * both durations in seconds.
     */
    private double[] cycle(Api api, StoreProbe probe, String prefix, int count) throws InterruptedException {
      probe.expect(OLD_IMAGE);
      long createStart = System.nanoTime();
      List<CompletableFuture<Reply>> creates = new ArrayList<>();
      for (int d = 0; d < count; d++) {
        creates.add(api.send("POST", "/apis/apps/v1/namespaces/" + namespaceOf(d) + "/deployments",
            "application/json", Json.bytes(deployment(prefix + d, namespaceOf(d), options.replicas()))));
      }
      expectSuccess(creates);
      double create = seconds(probe.awaitRolledOut(prefix, count) - createStart);
      probe.awaitQuiet(1_000);

      probe.expect(NEW_IMAGE);
      long rolloutStart = System.nanoTime();
      byte[] patch = ("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\""
          + NEW_IMAGE + "\"}]}}}}").getBytes(StandardCharsets.UTF_8);
      List<CompletableFuture<Reply>> patches = new ArrayList<>();
      for (int d = 0; d < count; d++) {
        patches.add(api.send("PATCH", "/apis/apps/v1/namespaces/" + namespaceOf(d) + "/deployments/" + prefix + d,
            "application/strategic-merge-patch+json", patch));
      }
      expectSuccess(patches);
      double rollout = seconds(probe.awaitRolledOut(prefix, count) - rolloutStart);
      log("%d deployments %s*: available after %.2f s, rolled out after %.2f s", count, prefix, create, rollout);
      return new double[] {create, rollout};
    }
  }

  private static void expectSuccess(List<CompletableFuture<Reply>> requests) {
    for (CompletableFuture<Reply> request : requests) {
      Reply reply = request.join();
      if (reply.status() >= 300) {
        throw new IllegalStateException("a request failed: " + reply.status() + " " + reply.body());
      }
    }
  }

  private static String namespaceOf(int deployment) {
    return "bench-" + deployment % NAMESPACES;
  }

  private static ObjectNode namespace(String name) {
    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    ns.putObject("metadata").put("name", name);
    return ns;
  }

  /** A web Deployment as people write them: requests, a port, a readiness probe. */
  private static ObjectNode deployment(String name, String namespace, int replicas) {
    ObjectNode d = Json.object().put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", name).put("namespace", namespace).putObject("labels").put("app", name);
    ObjectNode spec = d.putObject("spec").put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name).put("tier", "web");
    ObjectNode container = template.putObject("spec").putArray("containers").addObject()
        .put("name", "web").put("image", OLD_IMAGE);
    container.putArray("ports").addObject().put("containerPort", 8080).put("name", "http");
    container.putObject("resources").putObject("requests").put("cpu", "10m").put("memory", "32Mi");
    ObjectNode probe = container.putObject("readinessProbe").put("periodSeconds", 5);
    probe.putObject("httpGet").put("path", "/actuator/health/readiness").put("port", "http");
    return d;
  }

  // ---- the watches: what a cluster's informers, kubelets and kubectl users ask for ----------

  /** Where a share of the watches look, and through which selector. */
  private enum Scope { CLUSTER, BUSY_NAMESPACE, QUIET_NAMESPACE, BY_NODE, BY_APP_LABEL, BY_NAME }

  /** {@code perHundred} watches of every hundred on a resource ("group/resource"). */
  private record Share(int perHundred, String resource, Scope scope) {}

  /**
   * Shaped like a real cluster's: few cluster-wide watches on busy kinds (shared informers open
   * one per kind and process), many narrow ones (kubelets' pods by node and mounted secrets and
   * config maps by name; users' rollouts by name and pods by label), and many on kinds that
   * rarely change.
   */
  private static final List<Share> MIX = List.of(
      new Share(2, "/pods", Scope.CLUSTER), new Share(3, "/pods", Scope.BY_NODE),
      new Share(8, "/pods", Scope.BUSY_NAMESPACE), new Share(4, "/pods", Scope.QUIET_NAMESPACE),
      new Share(5, "/pods", Scope.BY_APP_LABEL),
      new Share(2, "/events", Scope.CLUSTER), new Share(8, "/events", Scope.BUSY_NAMESPACE),
      new Share(4, "/events", Scope.QUIET_NAMESPACE),
      new Share(2, "apps/deployments", Scope.CLUSTER), new Share(3, "apps/deployments", Scope.BUSY_NAMESPACE),
      new Share(5, "apps/deployments", Scope.BY_NAME),
      new Share(2, "apps/replicasets", Scope.CLUSTER), new Share(3, "apps/replicasets", Scope.BUSY_NAMESPACE),
      new Share(2, "/endpoints", Scope.CLUSTER), new Share(3, "/services", Scope.CLUSTER),
      new Share(2, "/services", Scope.QUIET_NAMESPACE),
      new Share(10, "/configmaps", Scope.BY_NAME), new Share(10, "/secrets", Scope.BY_NAME),
      new Share(3, "/configmaps", Scope.CLUSTER), new Share(3, "/secrets", Scope.CLUSTER),
      new Share(2, "/serviceaccounts", Scope.CLUSTER), new Share(2, "/persistentvolumeclaims", Scope.CLUSTER),
      new Share(5, "/nodes", Scope.BY_NAME), new Share(3, "/nodes", Scope.CLUSTER),
      new Share(4, "/namespaces", Scope.CLUSTER));

  /** One watch: a resource, maybe a namespace, at most one equality selector. */
  record WatchSpec(String group, String resource, String namespace, String selectorKey, String selectorValue) {

    static List<WatchSpec> mix(int count, int deployments) {
      List<WatchSpec> specs = new ArrayList<>(count);
      for (int i = 0; specs.size() < count; i++) {
        for (Share share : MIX) {
          for (int j = 0; j < share.perHundred() && specs.size() < count; j++) {
            specs.add(of(share, i * 7 + j, deployments)); // k varies targets within and across hundreds
          }
        }
      }
      return specs;
    }

    private static WatchSpec of(Share share, int k, int deployments) {
      String[] resource = share.resource().split("/");
      String busy = "bench-" + k % NAMESPACES;
      String app = "web-" + k % deployments;
      return switch (share.scope()) {
        case CLUSTER -> new WatchSpec(resource[0], resource[1], null, null, null);
        case BUSY_NAMESPACE -> new WatchSpec(resource[0], resource[1], busy, null, null);
        case QUIET_NAMESPACE -> new WatchSpec(resource[0], resource[1], "quiet-" + k % NAMESPACES, null, null);
        case BY_NODE -> new WatchSpec(resource[0], resource[1], null, "spec.nodeName", NODES.get(k % NODES.size()));
        case BY_APP_LABEL -> new WatchSpec(resource[0], resource[1], namespaceOf(k % deployments), "app", app);
        case BY_NAME -> switch (resource[1]) {
          case "nodes" -> new WatchSpec(resource[0], resource[1], null, "metadata.name", NODES.get(k % NODES.size()));
          case "deployments" -> new WatchSpec(resource[0], resource[1], namespaceOf(k % deployments), "metadata.name", app);
          default -> new WatchSpec(resource[0], resource[1], busy, "metadata.name", "settings-" + k);
        };
      };
    }

    String path() {
      String base = group.isEmpty() ? "/api/v1" : "/apis/" + group + "/v1";
      return namespace != null ? base + "/namespaces/" + namespace + "/" + resource : base + "/" + resource;
    }

    String selector() {
      if (selectorKey == null) {
        return "";
      }
      String kind = selectorKey.contains(".") ? "&fieldSelector=" : "&labelSelector=";
      return kind + URLEncoder.encode(selectorKey + "=" + selectorValue, StandardCharsets.UTF_8);
    }

    /** Whether one side of a change passes the selector. */
    boolean selects(JsonNode object) {
      return switch (selectorKey == null ? "" : selectorKey) {
        case "" -> true;
        case "metadata.name" -> selectorValue.equals(object.path("metadata").path("name").asText());
        case "spec.nodeName" -> selectorValue.equals(object.path("spec").path("nodeName").asText());
        default -> selectorValue.equals(object.path("metadata").path("labels").path(selectorKey).asText(null));
      };
    }
  }

  /** What one watch should have received: its resource's changes seen through its filter. */
  record Expected(long count, long revisionSum, long last) {
    static Expected of(Watcher watcher, List<StoreProbe.Seen> changes) {
      WatchSpec spec = watcher.spec;
      long count = 0;
      long sum = 0;
      long last = 0;
      for (StoreProbe.Seen change : changes) {
        if (change.revision() <= watcher.fromRevision
            || spec.namespace() != null && !spec.namespace().equals(change.namespace())) {
          continue;
        }
        boolean now = spec.selects(change.object());
        boolean before = change.previous() != null && spec.selects(change.previous());
        // A change into or out of the selection is an ADDED or DELETED event, as the real server sends.
        if (change.type().equals("ADDED") ? now : change.type().equals("DELETED") ? before : now || before) {
          count++;
          sum += change.revision();
          last = change.revision();
        }
      }
      return new Expected(count, sum, last);
    }
  }

  // ---- the store probe: when each revision was written, and what changed ----------------------

  /**
   * A store listener registered before any watch, so it runs first for every change: the time
   * it notes is the write's. It also notices when every Deployment has rolled out.
   */
  static final class StoreProbe {
    record Seen(long revision, String type, ResourceType resource, String namespace, JsonNode object,
        JsonNode previous) {}

    /** Appended under the store's lock, on the writer's thread. */
    private final List<Seen> seen = new ArrayList<>();
    private final Map<Long, Long> writeNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> rolledOut = new ConcurrentHashMap<>();
    private final Set<String> terminating = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastChange = new AtomicLong(System.nanoTime());
    private volatile String image;
    private final ObjectStore store;

    StoreProbe(ObjectStore store) {
      this.store = store;
      store.listen(this::record);
    }

    private void record(ObjectStore.Change change) {
      long now = System.nanoTime();
      lastChange.set(now);
      writeNanos.put(change.revision(), now);
      // Stored objects are never mutated, so keeping them is safe.
      seen.add(new Seen(change.revision(), change.type(), change.resource(),
          change.object().path("metadata").path("namespace").asText(), change.object(), change.previous()));
      ObjectNode object = change.object();
      String key = object.path("metadata").path("namespace").asText() + "/" + object.path("metadata").path("name").asText();
      String resource = change.resource().qualifiedResource();
      boolean deleted = change.type().equals("DELETED");
      if (resource.equals("deployments.apps")) {
        if (!deleted && rolledOut(object, image)) {
          rolledOut.putIfAbsent(key, now);
        } else {
          rolledOut.remove(key);
        }
      } else if (resource.equals("pods")) {
        if (!deleted && object.path("metadata").has("deletionTimestamp")) {
          terminating.add(key);
        } else {
          terminating.remove(key);
        }
      }
    }

    /** What {@code kubectl rollout status} waits for, with the template on {@code image}. */
    private static boolean rolledOut(ObjectNode d, String image) {
      JsonNode status = d.path("status");
      int replicas = d.path("spec").path("replicas").asInt(1);
      return image != null
          && image.equals(d.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText())
          && status.path("observedGeneration").asLong() >= d.path("metadata").path("generation").asLong()
          && status.path("updatedReplicas").asInt() == replicas && status.path("replicas").asInt() == replicas
          && status.path("availableReplicas").asInt() == replicas;
    }

    void expect(String image) {
      this.image = image;
      rolledOut.clear();
    }

    /** Waits until the {@code count} Deployments named {@code prefix}N have rolled out; returns when the last did. */
    long awaitRolledOut(String prefix, int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (true) {
        long[] done = rolledOut.entrySet().stream().filter(e -> e.getKey().contains("/" + prefix))
            .mapToLong(Map.Entry::getValue).toArray();
        if (done.length == count) {
          return Arrays.stream(done).max().orElseThrow();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + done.length + " of " + count + " rolled out in 5 minutes");
        }
        Thread.sleep(5);
      }
    }

    /** Waits until no pod is terminating and the store has not changed for {@code quietMillis}. */
    void awaitQuiet(long quietMillis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!terminating.isEmpty() || System.nanoTime() - lastChange.get() < quietMillis * 1_000_000) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the store did not go quiet in 2 minutes");
        }
        Thread.sleep(50);
      }
    }

    long writeNanos(long revision) {
      return writeNanos.getOrDefault(revision, 0L);
    }

    List<Seen> changes() {
      synchronized (store) {
        return List.copyOf(seen);
      }
    }
  }

  // ---- the clients --------------------------------------------------------------------------

  record Reply(int status, Buffer body) {}

  /**
   * Vert.x's HTTP/2 client on one event loop of its own, trusting the sandbox's CA and sending
   * its bearer token. Watches share connections {@code perConnection} at a time, as a process's
   * informers share one; lists and writes use another.
   */
  static final class Api {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClientOptions options;
    private final HttpClientAgent control;
    private final List<HttpClientAgent> watchClients = new ArrayList<>();
    private final int perConnection;
    private final URI server;
    private final String token;
    private final long threadId;

    private Api(URI server, String token, String caPem, int perConnection) throws Exception {
      this.server = server;
      this.token = token;
      this.perConnection = perConnection;
      // Flow-control windows as Go's HTTP/2 transport (client-go's) sets them: 4 MiB per stream,
      // 1 GiB per connection. With the protocol's default 64 KiB, watches on a busy machine are
      // throttled by window updates, not by the server.
      this.options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
          .setHttp2MultiplexingLimit(100).setInitialSettings(new Http2Settings().setInitialWindowSize(4 << 20))
          .setHttp2ConnectionWindowSize(1 << 30)
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caPem)));
      this.control = client();
      EventExecutor loop = ((VertxInternal) vertx).nettyEventLoopGroup().next();
      this.threadId = loop.submit(() -> Thread.currentThread().threadId()).get();
    }

    static Api fromKubeconfig(Path kubeconfig, int perConnection) throws Exception {
      JsonNode config = Json.YAML.readTree(kubeconfig.toFile());
      JsonNode cluster = config.path("clusters").path(0).path("cluster");
      String ca = new String(Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText()),
          StandardCharsets.US_ASCII);
      return new Api(URI.create(cluster.path("server").asText()),
          config.path("users").path(0).path("user").path("token").asText(), ca, perConnection);
    }

    /** CPU time of the clients' event loop. */
    long cpuNanos() {
      return ManagementFactory.getThreadMXBean().getThreadCpuTime(threadId);
    }

    private HttpClientAgent client() {
      return vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp2MaxSize(1)).build();
    }

    private RequestOptions request(HttpMethod method, String pathAndQuery) {
      return new RequestOptions().setMethod(method).setHost(server.getHost()).setPort(server.getPort())
          .setURI(pathAndQuery).putHeader("Authorization", "Bearer " + token)
          .putHeader("Accept", "application/json").putHeader("User-Agent", "kubetape-load-bench");
    }

    CompletableFuture<Reply> send(String method, String path, String contentType, byte[] body) {
      RequestOptions options = request(HttpMethod.valueOf(method), path);
      if (contentType != null) {
        options.putHeader("Content-Type", contentType);
      }
      return control.request(options)
          .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
          .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b)))
          .toCompletionStage().toCompletableFuture();
    }

    void create(String path, ObjectNode object) {
      expectSuccess(List.of(send("POST", path, "application/json", Json.bytes(object))));
    }

    /** Lists then watches from the list's revision with bookmarks, as a reflector does. */
    List<Watcher> openWatches(List<WatchSpec> specs, StoreProbe probe, Lags lags) throws InterruptedException {
      Semaphore opening = new Semaphore(OPENING);
      List<CompletableFuture<Watcher>> watchers = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        if (i % perConnection == 0) {
          watchClients.add(client());
        }
        opening.acquire();
        WatchSpec spec = specs.get(i);
        HttpClientAgent client = watchClients.getLast();
        watchers.add(send("GET", spec.path() + "?limit=500" + spec.selector(), null, null)
            .thenCompose(list -> {
              if (list.status() != 200) {
                throw new IllegalStateException("list " + spec.path() + ": " + list.status());
              }
              long from = Long.parseLong(new JsonObject(list.body()).getJsonObject("metadata").getString("resourceVersion"));
              Watcher watcher = new Watcher(spec, from, probe, lags);
              String query = "?watch=true&allowWatchBookmarks=true&timeoutSeconds=1800&resourceVersion=" + from
                  + spec.selector();
              return client.request(request(HttpMethod.GET, spec.path() + query)).compose(HttpClientRequest::send)
                  .map(response -> watcher.attach(response)).toCompletionStage();
            })
            .whenComplete((w, e) -> opening.release())
            .orTimeout(1, TimeUnit.MINUTES));
      }
      return watchers.stream().map(CompletableFuture::join).toList();
    }
  }

  /**
   * One watch's stream, on the clients' event loop: splits it into lines and reads from each
   * event only its type and the object's resourceVersion (the first in the line: the sandbox
   * writes type, then the object, whose metadata comes before anything that could hold
   * another), noting when its bytes arrived.
   */
  static final class Watcher {
    private static final byte[] TYPE = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);
    final WatchSpec spec;
    final long fromRevision;
    private final StoreProbe probe;
    private final Lags lags;
    private byte[] line = new byte[16 * 1024];
    private int lineLength;
    // Written only on the clients' event loop; read after lastRevision, which publishes them.
    long events;
    long bytes;
    long revisionSum;
    long errors;
    volatile long lastRevision;
    volatile boolean ended;

    Watcher(WatchSpec spec, long fromRevision, StoreProbe probe, Lags lags) {
      this.spec = spec;
      this.fromRevision = fromRevision;
      this.probe = probe;
      this.lags = lags;
    }

    Watcher attach(HttpClientResponse response) {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("watch " + spec.path() + ": " + response.statusCode());
      }
      response.handler(this::onBuffer);
      response.endHandler(v -> ended = true);
      response.exceptionHandler(e -> ended = true);
      return this;
    }

    private void onBuffer(Buffer buffer) {
      long arrived = System.nanoTime();
      int length = buffer.length();
      if (lineLength + length > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
      }
      buffer.getBytes(0, length, line, lineLength);
      int start = 0;
      for (int i = lineLength; i < lineLength + length; i++) {
        if (line[i] == '\n') {
          event(start, i, arrived);
          start = i + 1;
        }
      }
      lineLength += length - start;
      System.arraycopy(line, start, line, 0, lineLength);
    }

    private void event(int from, int to, long arrived) {
      bytes += to - from + 1;
      int version = to - from > TYPE.length && Arrays.equals(line, from, from + TYPE.length, TYPE, 0, TYPE.length)
          ? indexOf(VERSION, from, to) : -1;
      if (version < 0 || line[from + TYPE.length] == 'E') { // ERROR, or not an event
        errors++;
        return;
      }
      if (line[from + TYPE.length] == 'B') { // BOOKMARK
        return;
      }
      long revision = 0;
      for (int i = version + VERSION.length; line[i] != '"'; i++) {
        revision = revision * 10 + line[i] - '0';
      }
      events++;
      revisionSum += revision;
      long written = probe.writeNanos(revision);
      if (written != 0) {
        lags.record(arrived - written);
      }
      lastRevision = revision;
    }

    private int indexOf(byte[] needle, int from, int to) {
      for (int i = from; i <= to - needle.length; i++) {
        if (Arrays.equals(line, i, i + needle.length, needle, 0, needle.length)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Delivery lags, recorded on the clients' one event loop. */
  static final class Lags {
    private long[] nanos = new long[1 << 16];
    private int count;

    synchronized void record(long lag) {
      if (count == nanos.length) {
        nanos = Arrays.copyOf(nanos, count * 2);
      }
      nanos[count++] = lag;
    }

    synchronized void reset() {
      count = 0;
    }

    /** The lag at a fraction (0.5 for the median, 1 for the maximum), in nanoseconds. */
    synchronized long percentile(double fraction) {
      long[] sorted = Arrays.copyOf(nanos, count);
      Arrays.sort(sorted);
      return count == 0 ? 0 : sorted[(int) Math.min(count - 1, Math.ceil(fraction * count) - 1)];
    }
  }

  /**
   * While the Deployments are created and rolled: the peak heap; how long a task handed to the
   * controllers' one thread waits before it runs (the controllers fall behind when that grows);
   * and how late a 10 ms timer fires on the sandbox's event loops (a loop busy with one long
   * task, or starved of CPU, delays every request and watch behind it).
   */
  static final class Sampler implements Runnable {
    private final ControllerLoop controllers;
    private final List<Long> controllerWaits = new CopyOnWriteArrayList<>();
    final AtomicLong controllerWaitMax = new AtomicLong();
    final AtomicLong loopLagMax = new AtomicLong();
    private final List<io.netty.util.concurrent.ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile boolean running = true;
    volatile long heapPeak;

    Sampler(ControllerLoop controllers, Vertx server) {
      this.controllers = controllers;
      for (EventExecutor loop : ((VertxInternal) server).nettyEventLoopGroup()) {
        long[] last = {System.nanoTime()};
        timers.add(loop.scheduleAtFixedRate(() -> {
          long now = System.nanoTime();
          loopLagMax.accumulateAndGet(now - last[0] - 10_000_000, Math::max);
          last[0] = now;
        }, 10, 10, TimeUnit.MILLISECONDS));
      }
    }

    @Override
    public void run() {
      while (running) {
        heapPeak = Math.max(heapPeak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        long submitted = System.nanoTime();
        controllers.submit("load benchmark probe", () -> {
          long wait = System.nanoTime() - submitted;
          controllerWaits.add(wait);
          controllerWaitMax.accumulateAndGet(wait, Math::max);
        });
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long controllerWaitMedian() {
      long[] waits = controllerWaits.stream().mapToLong(Long::longValue).sorted().toArray();
      return waits.length == 0 ? 0 : waits[waits.length / 2];
    }

    void stop() {
      running = false;
      timers.forEach(timer -> timer.cancel(false));
    }
  }

  // ---- small things ---------------------------------------------------------------------------

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static long rssBytes() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    // The store and the controllers' queue are no client's business; the benchmark reaches past
    // Sandbox's public face for them, and a renamed field fails here, loudly.
    Field field = owner.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(owner);
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e7) / 100.0;
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }
}
