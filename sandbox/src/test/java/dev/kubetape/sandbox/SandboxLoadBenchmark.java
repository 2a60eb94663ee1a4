package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
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
 * <p>One run: start a sandbox in-process with 40 nodes; open the watches as informers do (a
 * LIST, then a WATCH from its resourceVersion with bookmarks; one HTTP/2 connection per client
 * process, which its watches share), in a mix shaped like a 40-node cluster's (see
 * {@code CLUSTER_MIX}); create the Deployments and wait until all are available; change every
 * image (a strategic merge patch, as {@code kubectl set image}) and wait until every rollout is
 * complete as {@code kubectl rollout status} judges it; wait for the store to go quiet, then
 * check that each watch received exactly the events its namespace and selector entitle it to.
 * A watch the sandbox cuts off for falling behind resumes from its last resourceVersion, as an
 * informer does, and is still held to exactly its events. A quarter-size run first warms up
 * the JIT.
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
  private static final int NAMESPACES = 4;
  /** Watches being opened at once: a few controllers starting, not a thundering herd. */
  private static final int OPENING = 50;

  private SandboxLoadBenchmark() {}

  /** The flags; a phase (one configuration in its own JVM) gets the same ones plus {@code --phase WATCHES}. */
  record Options(List<String> args, int watches, int rounds, double timeScale, int deployments, int replicas,
      int nodes, String mix, int warmUps, String jfr, int phase) {
    static Options parse(String[] args) {
      Map<String, String> flags = new HashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        flags.put(args[i], args[i + 1]);
      }
      java.util.function.BiFunction<String, String, String> flag = flags::getOrDefault;
      return new Options(List.of(args), Integer.parseInt(flag.apply("--watches", "2000")),
          Integer.parseInt(flag.apply("--rounds", "3")), Double.parseDouble(flag.apply("--time-scale", "10")),
          Integer.parseInt(flag.apply("--deployments", "20")), Integer.parseInt(flag.apply("--replicas", "10")),
          Integer.parseInt(flag.apply("--nodes", "40")), flag.apply("--mix", "cluster"),
          Integer.parseInt(flag.apply("--warm-ups", "2")), flags.get("--jfr"),
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
    System.out.printf(Locale.ROOT, "sandbox load benchmark: %d deployments x %d replicas on %d nodes, time scale %s,"
            + " %d watches (%s mix) vs none, %d rounds; %d CPUs, JDK %s, load average %s%n",
        o.deployments(), o.replicas(), o.nodes(), o.timeScale(), o.watches(), o.mix(), o.rounds(),
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
        log("round %d, %d watches: create %.2f s, rollout %.2f s, lag p99 %.1f ms, cut off %d, wrong %d, load %s",
            round, watches, result.path("createSeconds").asDouble(), result.path("rolloutSeconds").asDouble(),
            result.path("lagP99Ms").asDouble(), result.path("cutOffWatches").asLong(),
            result.path("wrongOrDisconnected").asLong(), result.path("loadAverage").asText());
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
        {"watch connections", "connections", "%,.0f"},
        {"watches cut off by the server for falling behind (then resumed)", "cutOffWatches", "%,.0f"},
        {"cut-offs", "cutOffs", "%,.0f"},
        {"watches that had to list again", "relisted", "%.0f"},
        {"events missing", "missing", "%.0f"},
        {"watches not exactly right / failed", "wrongOrDisconnected", "%.0f"},
        {"delivery lag p50 (ms)", "lagP50Ms", "%.1f"},
        {"delivery lag p99 (ms)", "lagP99Ms", "%.1f"},
        {"delivery lag max (ms)", "lagMaxMs", "%.0f"},
        {"sandbox event loop delay, max (ms)", "loopLagMaxMs", "%.0f"},
        {"controller queue wait, median (ms)", "controllerWaitMedianMs", "%.1f"},
        {"controller queue wait, max (ms)", "controllerWaitMaxMs", "%.0f"},
        {"CPU, whole process (s)", "cpuSeconds", "%.1f"},
        {"CPU, of which the benchmark's clients (s)", "clientCpuSeconds", "%.1f"},
        {"CPU, of which the sandbox's event loops (s)", "serverLoopCpuSeconds", "%.1f"},
        {"CPU, of which the controllers' thread (s)", "controllerCpuSeconds", "%.1f"},
        {"measured window (s)", "windowSeconds", "%.1f"},
        {"CPU, of which the JIT compilers (s)", "jitCpuSeconds", "%.1f"},
        {"CPU, of which the garbage collector (s)", "gcCpuSeconds", "%.1f"},
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
      Path nodes = folder.resolve("nodes.yaml");
      Files.writeString(nodes, nodeList(options.nodes()));
      Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withKubeconfigOut(kubeconfig)
          .withNodes(nodes).withTimeScale(options.timeScale()));
      Api api = Api.fromKubeconfig(kubeconfig);
      Files.delete(kubeconfig);
      Files.delete(nodes);
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
      List<WatchSpec> specs = options.mix().equals("wide")
          ? WatchSpec.wideMix(watchCount, options.deployments(), options.nodes())
          : WatchSpec.clusterMix(watchCount, options.deployments(), options.nodes());
      List<Watcher> watchers = api.openWatches(specs, probe, lags);
      result.put("openSeconds", seconds(System.nanoTime() - openStart))
          .put("connections", api.watchConnections());
      log("%d watches open on %d connections after %.1f s", watchers.size(), api.watchConnections(),
          seconds(System.nanoTime() - openStart));

      // Full-size cycles first, watched too, then deleted, so that the measured one runs compiled
      // code as a sandbox that has been up a while does (with a quarter-size one, the JIT
      // compilers still took most of a core during the measured cycle) and with 200 pods only.
      for (int w = 0; w < options.warmUps(); w++) {
        cycle(api, probe, "warm" + w + "-", options.deployments());
        List<CompletableFuture<Reply>> deletes = new ArrayList<>();
        for (int d = 0; d < options.deployments(); d++) {
          deletes.add(api.send("DELETE", "/apis/apps/v1/namespaces/" + namespaceOf(d) + "/deployments/warm" + w + "-" + d,
              null, null));
        }
        expectSuccess(deletes);
        probe.awaitGone("warm" + w + "-");
      }
      probe.awaitQuiet(1_000);
      lags.reset();
      long deliveredBefore = watchers.stream().mapToLong(w -> w.events).sum();
      long bytesBefore = watchers.stream().mapToLong(w -> w.bytes).sum();
      Map<Watcher, Long> cutOffsBefore = new HashMap<>();
      watchers.forEach(w -> cutOffsBefore.put(w, w.cutOffs));

      Sampler sampler = new Sampler(controllers, server);
      Thread.ofPlatform().daemon().name("bench-sampler").start(sampler);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuStart = os.getProcessCpuTime();
      long clientCpuStart = api.cpuNanos();
      long controllersThread = threadNamed("sandbox-controllers");
      long controllerCpuStart = threadCpuNanos(controllersThread);
      long serverCpuStart = eventLoopsCpuNanos(server);
      long jitStart = jvmThreadsCpuNanos("C1 CompilerThre", "C2 CompilerThre");
      long gcStart = jvmThreadsCpuNanos("GC Thread", "G1 ");
      long windowStart = System.nanoTime();
      int changesBefore = probe.changes().size();
      double[] durations = cycle(api, probe, "web-", options.deployments());
      sampler.stop();
      result.put("createSeconds", durations[0]).put("rolloutSeconds", durations[1]);

      probe.awaitQuiet(2_000);
      result.put("cpuSeconds", seconds(os.getProcessCpuTime() - cpuStart))
          .put("clientCpuSeconds", seconds(api.cpuNanos() - clientCpuStart))
          .put("controllerCpuSeconds", seconds(threadCpuNanos(controllersThread) - controllerCpuStart))
          .put("serverLoopCpuSeconds", seconds(eventLoopsCpuNanos(server) - serverCpuStart))
          .put("windowSeconds", seconds(System.nanoTime() - windowStart))
          .put("jitCpuSeconds", seconds(jvmThreadsCpuNanos("C1 CompilerThre", "C2 CompilerThre") - jitStart))
          .put("gcCpuSeconds", seconds(jvmThreadsCpuNanos("GC Thread", "G1 ") - gcStart));
      List<StoreProbe.Seen> changes = probe.changes();
      result.put("changes", changes.size() - changesBefore);
      Map<String, List<StoreProbe.Seen>> byResource = changes.stream()
          .collect(Collectors.groupingBy(c -> c.resource().group() + "/" + c.resource().resource()));
      Map<Watcher, Expected> expected = new HashMap<>();
      watchers.forEach(w -> expected.put(w, Expected.of(w, byResource.getOrDefault(w.spec.group() + "/" + w.spec.resource(), List.of()))));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (System.nanoTime() < deadline && expected.entrySet().stream()
          .anyMatch(e -> !e.getKey().failed && e.getKey().lastRevision < e.getValue().last())) {
        Thread.sleep(20);
      }

      // Again: a watch that had to list again is entitled to the changes after that list only.
      watchers.forEach(w -> expected.put(w, Expected.of(w, byResource.getOrDefault(w.spec.group() + "/" + w.spec.resource(), List.of()))));
      long missing = 0;
      int wrong = 0;
      for (Map.Entry<Watcher, Expected> entry : expected.entrySet()) {
        Watcher w = entry.getKey();
        Expected e = entry.getValue();
        long last = w.lastRevision; // read first: it publishes the counters written before it
        missing += Math.max(0, e.count() - w.events);
        if (w.failed || w.errors > 0 || w.events != e.count() || w.revisionSum != e.revisionSum() || last != e.last()) {
          if (wrong++ < 5) {
            log("wrong: %s: %d events (expected %d), last revision %d (expected %d), %d errors%s", w.spec,
                w.events, e.count(), last, e.last(), w.errors, w.failed ? ", failed" : "");
          }
        }
      }
      result.put("delivered", watchers.stream().mapToLong(w -> w.events).sum() - deliveredBefore)
          .put("deliveredMiB", (watchers.stream().mapToLong(w -> w.bytes).sum() - bytesBefore) >> 20)
          .put("missing", missing)
          .put("wrongOrDisconnected", wrong)
          .put("cutOffs", watchers.stream().mapToLong(w -> w.cutOffs - cutOffsBefore.get(w)).sum())
          .put("cutOffWatches", watchers.stream().filter(w -> w.cutOffs > cutOffsBefore.get(w)).count())
          .put("relisted", watchers.stream().filter(w -> w.relists > 0).count())
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

  // ---- the watches: what a cluster's kubelets, node agents, controllers and people ask for ----

  /** Where a share of the watches look, and through which selector. */
  private enum Scope {
    /** Every namespace (or a cluster-scoped kind). */
    CLUSTER,
    /** One of the namespaces where the Deployments roll. */
    BUSY_NAMESPACE,
    /** A namespace where nothing happens during the cycle. */
    QUIET_NAMESPACE,
    /** Pods bound to one node: {@code fieldSelector=spec.nodeName=N}, as a kubelet watches them. */
    BY_NODE,
    /** One node by name, as its kubelet and kube-proxy watch it. */
    NODE_BY_NAME,
    /** Pods of one app: {@code labelSelector=app=web-N}, as {@code kubectl rollout status} and CI follow them. */
    BY_APP_LABEL,
    /** One Deployment by name, as {@code kubectl rollout status} watches it. */
    DEPLOYMENT_BY_NAME,
    /** One ConfigMap or Secret by name in a busy namespace, as a kubelet watches those its pods mount. */
    MOUNTED_BY_NAME
  }

  /** What a set of clients shares a connection as: one per node, one per process, or one per watch. */
  private enum Connection { PER_NODE, PER_PROCESS, PER_NAMESPACE, PER_WATCH }

  /**
   * {@code count} watches (of 2,000; scaled for other totals) on a resource ("group/resource"),
   * opened by {@code agent}; per-node agents have {@code count / nodes} on each node.
   */
  private record Share(int count, String agent, Connection connection, String resource, Scope scope) {}

  /**
   * 2,000 watches as a cluster of 40 nodes holds them (see sandbox/bench/README.md): most come from
   * the agents on every node, each watching its own node's pods, its node, and the ConfigMaps and
   * Secrets its pods mount, by name; cluster-wide watches are one per kind per controller process;
   * people and CI follow one rollout each.
   */
  private static final List<Share> CLUSTER_MIX = List.of(
      // 30 per node, on one connection per agent and node.
      new Share(40, "kubelet", Connection.PER_NODE, "/pods", Scope.BY_NODE),
      new Share(40, "kubelet", Connection.PER_NODE, "/nodes", Scope.NODE_BY_NAME),
      new Share(40, "kubelet", Connection.PER_NODE, "/services", Scope.CLUSTER),
      new Share(40, "kubelet", Connection.PER_NODE, "node.k8s.io/runtimeclasses", Scope.CLUSTER),
      new Share(40, "kubelet", Connection.PER_NODE, "storage.k8s.io/csidrivers", Scope.CLUSTER),
      new Share(440, "kubelet", Connection.PER_NODE, "/configmaps", Scope.MOUNTED_BY_NAME),
      new Share(200, "kubelet", Connection.PER_NODE, "/secrets", Scope.MOUNTED_BY_NAME),
      new Share(40, "kube-proxy", Connection.PER_NODE, "/services", Scope.CLUSTER),
      new Share(40, "kube-proxy", Connection.PER_NODE, "discovery.k8s.io/endpointslices", Scope.CLUSTER),
      new Share(40, "kube-proxy", Connection.PER_NODE, "/nodes", Scope.NODE_BY_NAME),
      new Share(40, "cni-agent", Connection.PER_NODE, "/pods", Scope.BY_NODE),
      new Share(40, "cni-agent", Connection.PER_NODE, "/nodes", Scope.CLUSTER),
      new Share(40, "cni-agent", Connection.PER_NODE, "/namespaces", Scope.CLUSTER),
      new Share(40, "cni-agent", Connection.PER_NODE, "networking.k8s.io/networkpolicies", Scope.CLUSTER),
      new Share(40, "log-shipper", Connection.PER_NODE, "/pods", Scope.BY_NODE),
      new Share(40, "log-shipper", Connection.PER_NODE, "/namespaces", Scope.CLUSTER),
      // 125 cluster-wide: one per kind in each of 8 controller processes (controller-manager,
      // scheduler, kube-state-metrics, Prometheus, an ingress controller, a GitOps controller, ...).
      new Share(6, "controller", Connection.PER_PROCESS, "/pods", Scope.CLUSTER),
      new Share(2, "controller", Connection.PER_PROCESS, "/events", Scope.CLUSTER),
      new Share(5, "controller", Connection.PER_PROCESS, "apps/deployments", Scope.CLUSTER),
      new Share(5, "controller", Connection.PER_PROCESS, "apps/replicasets", Scope.CLUSTER),
      new Share(6, "controller", Connection.PER_PROCESS, "/services", Scope.CLUSTER),
      new Share(4, "controller", Connection.PER_PROCESS, "/endpoints", Scope.CLUSTER),
      new Share(6, "controller", Connection.PER_PROCESS, "discovery.k8s.io/endpointslices", Scope.CLUSTER),
      new Share(7, "controller", Connection.PER_PROCESS, "/nodes", Scope.CLUSTER),
      new Share(7, "controller", Connection.PER_PROCESS, "/namespaces", Scope.CLUSTER),
      new Share(6, "controller", Connection.PER_PROCESS, "/configmaps", Scope.CLUSTER),
      new Share(7, "controller", Connection.PER_PROCESS, "/secrets", Scope.CLUSTER),
      new Share(4, "controller", Connection.PER_PROCESS, "/serviceaccounts", Scope.CLUSTER),
      new Share(5, "controller", Connection.PER_PROCESS, "/persistentvolumeclaims", Scope.CLUSTER),
      new Share(5, "controller", Connection.PER_PROCESS, "/persistentvolumes", Scope.CLUSTER),
      new Share(5, "controller", Connection.PER_PROCESS, "apps/statefulsets", Scope.CLUSTER),
      new Share(5, "controller", Connection.PER_PROCESS, "apps/daemonsets", Scope.CLUSTER),
      new Share(5, "controller", Connection.PER_PROCESS, "batch/jobs", Scope.CLUSTER),
      new Share(4, "controller", Connection.PER_PROCESS, "batch/cronjobs", Scope.CLUSTER),
      new Share(4, "controller", Connection.PER_PROCESS, "policy/poddisruptionbudgets", Scope.CLUSTER),
      new Share(5, "controller", Connection.PER_PROCESS, "networking.k8s.io/ingresses", Scope.CLUSTER),
      new Share(4, "controller", Connection.PER_PROCESS, "networking.k8s.io/networkpolicies", Scope.CLUSTER),
      new Share(3, "controller", Connection.PER_PROCESS, "coordination.k8s.io/leases", Scope.CLUSTER),
      new Share(4, "controller", Connection.PER_PROCESS, "storage.k8s.io/storageclasses", Scope.CLUSTER),
      new Share(4, "controller", Connection.PER_PROCESS, "/resourcequotas", Scope.CLUSTER),
      new Share(3, "controller", Connection.PER_PROCESS, "/limitranges", Scope.CLUSTER),
      new Share(4, "controller", Connection.PER_PROCESS, "autoscaling/horizontalpodautoscalers", Scope.CLUSTER),
      // 675 in namespaces. People and CI during the rollout, a connection each (kubectl).
      new Share(40, "kubectl", Connection.PER_WATCH, "apps/deployments", Scope.DEPLOYMENT_BY_NAME),
      new Share(40, "kubectl", Connection.PER_WATCH, "/pods", Scope.BY_APP_LABEL),
      new Share(20, "kubectl", Connection.PER_WATCH, "/pods", Scope.BUSY_NAMESPACE),
      new Share(8, "kubectl", Connection.PER_WATCH, "/events", Scope.BUSY_NAMESPACE),
      // Namespaced operators and the apps' own informers (config reloaders), a connection per namespace.
      new Share(20, "operator", Connection.PER_NAMESPACE, "/pods", Scope.BUSY_NAMESPACE),
      new Share(20, "operator", Connection.PER_NAMESPACE, "apps/deployments", Scope.BUSY_NAMESPACE),
      new Share(12, "operator", Connection.PER_NAMESPACE, "apps/replicasets", Scope.BUSY_NAMESPACE),
      new Share(40, "operator", Connection.PER_NAMESPACE, "/services", Scope.BUSY_NAMESPACE),
      new Share(100, "app", Connection.PER_NAMESPACE, "/configmaps", Scope.BUSY_NAMESPACE),
      new Share(75, "app", Connection.PER_NAMESPACE, "/secrets", Scope.BUSY_NAMESPACE),
      new Share(60, "operator", Connection.PER_NAMESPACE, "/pods", Scope.QUIET_NAMESPACE),
      new Share(40, "operator", Connection.PER_NAMESPACE, "apps/deployments", Scope.QUIET_NAMESPACE),
      new Share(40, "operator", Connection.PER_NAMESPACE, "/services", Scope.QUIET_NAMESPACE),
      new Share(80, "app", Connection.PER_NAMESPACE, "/configmaps", Scope.QUIET_NAMESPACE),
      new Share(80, "app", Connection.PER_NAMESPACE, "/secrets", Scope.QUIET_NAMESPACE));

  /**
   * The first mix this benchmark used, kept for comparison: per hundred watches, 2 cluster-wide
   * on pods and 2 on events (40 watchers of every pod change at 2,000), 40 to a connection.
   */
  private static final List<Share> WIDE_MIX = List.of(
      new Share(40, "wide", Connection.PER_PROCESS, "/pods", Scope.CLUSTER),
      new Share(60, "wide", Connection.PER_PROCESS, "/pods", Scope.BY_NODE),
      new Share(160, "wide", Connection.PER_PROCESS, "/pods", Scope.BUSY_NAMESPACE),
      new Share(80, "wide", Connection.PER_PROCESS, "/pods", Scope.QUIET_NAMESPACE),
      new Share(100, "wide", Connection.PER_PROCESS, "/pods", Scope.BY_APP_LABEL),
      new Share(40, "wide", Connection.PER_PROCESS, "/events", Scope.CLUSTER),
      new Share(160, "wide", Connection.PER_PROCESS, "/events", Scope.BUSY_NAMESPACE),
      new Share(80, "wide", Connection.PER_PROCESS, "/events", Scope.QUIET_NAMESPACE),
      new Share(40, "wide", Connection.PER_PROCESS, "apps/deployments", Scope.CLUSTER),
      new Share(60, "wide", Connection.PER_PROCESS, "apps/deployments", Scope.BUSY_NAMESPACE),
      new Share(100, "wide", Connection.PER_PROCESS, "apps/deployments", Scope.DEPLOYMENT_BY_NAME),
      new Share(40, "wide", Connection.PER_PROCESS, "apps/replicasets", Scope.CLUSTER),
      new Share(60, "wide", Connection.PER_PROCESS, "apps/replicasets", Scope.BUSY_NAMESPACE),
      new Share(40, "wide", Connection.PER_PROCESS, "/endpoints", Scope.CLUSTER),
      new Share(60, "wide", Connection.PER_PROCESS, "/services", Scope.CLUSTER),
      new Share(40, "wide", Connection.PER_PROCESS, "/services", Scope.QUIET_NAMESPACE),
      new Share(200, "wide", Connection.PER_PROCESS, "/configmaps", Scope.MOUNTED_BY_NAME),
      new Share(200, "wide", Connection.PER_PROCESS, "/secrets", Scope.MOUNTED_BY_NAME),
      new Share(60, "wide", Connection.PER_PROCESS, "/configmaps", Scope.CLUSTER),
      new Share(60, "wide", Connection.PER_PROCESS, "/secrets", Scope.CLUSTER),
      new Share(40, "wide", Connection.PER_PROCESS, "/serviceaccounts", Scope.CLUSTER),
      new Share(40, "wide", Connection.PER_PROCESS, "/persistentvolumeclaims", Scope.CLUSTER),
      new Share(100, "wide", Connection.PER_PROCESS, "/nodes", Scope.NODE_BY_NAME),
      new Share(60, "wide", Connection.PER_PROCESS, "/nodes", Scope.CLUSTER),
      new Share(80, "wide", Connection.PER_PROCESS, "/namespaces", Scope.CLUSTER));

  /** Processes sharing the cluster-wide controllers' watches, a connection each. */
  private static final int CONTROLLER_PROCESSES = 8;
  /** Watches per connection in the wide mix. */
  private static final int WIDE_PER_CONNECTION = 40;

  /** One watch: a resource, maybe a namespace, at most one equality selector; and its client's connection. */
  record WatchSpec(String connection, String group, String resource, String namespace, String selectorKey,
      String selectorValue) {

    static List<WatchSpec> clusterMix(int count, int deployments, int nodes) {
      return mix(CLUSTER_MIX, count, deployments, nodes);
    }

    static List<WatchSpec> wideMix(int count, int deployments, int nodes) {
      return mix(WIDE_MIX, count, deployments, nodes);
    }

    /** The shares scaled to {@code count} watches (largest remainders get the rounding). */
    private static List<WatchSpec> mix(List<Share> shares, int count, int deployments, int nodes) {
      int total = shares.stream().mapToInt(Share::count).sum();
      int[] counts = new int[shares.size()];
      double[] remainders = new double[shares.size()];
      int assigned = 0;
      for (int i = 0; i < shares.size(); i++) {
        double exact = (double) shares.get(i).count() * count / total;
        counts[i] = (int) exact;
        remainders[i] = exact - counts[i];
        assigned += counts[i];
      }
      for (; assigned < count; assigned++) {
        int best = 0;
        for (int i = 1; i < remainders.length; i++) {
          if (remainders[i] > remainders[best]) {
            best = i;
          }
        }
        counts[best]++;
        remainders[best] = -1;
      }
      List<WatchSpec> specs = new ArrayList<>(count);
      for (int i = 0; i < shares.size(); i++) {
        for (int k = 0; k < counts[i]; k++) {
          specs.add(of(shares.get(i), k, deployments, nodes, specs.size(), count));
        }
      }
      return specs;
    }

    /** The {@code k}th watch of a share; {@code index} is its place among all {@code count} watches. */
    private static WatchSpec of(Share share, int k, int deployments, int nodes, int index, int count) {
      String[] resource = share.resource().split("/");
      String node = "node-" + (k % nodes + 1);
      String busy = "bench-" + k % NAMESPACES;
      String quiet = "quiet-" + k % NAMESPACES;
      String app = "web-" + k % deployments;
      String connection = share.agent() + "/" + switch (share.connection()) {
        case PER_NODE -> node;
        // The wide mix deals its watches out over its connections, so each carries every kind.
        case PER_PROCESS -> share.agent().equals("wide")
            ? "c" + index % Math.max(1, count / WIDE_PER_CONNECTION) : "p" + k % CONTROLLER_PROCESSES;
        case PER_NAMESPACE -> share.scope() == Scope.QUIET_NAMESPACE ? quiet : busy;
        case PER_WATCH -> "w" + index;
      };
      return switch (share.scope()) {
        case CLUSTER -> new WatchSpec(connection, resource[0], resource[1], null, null, null);
        case BUSY_NAMESPACE -> new WatchSpec(connection, resource[0], resource[1], busy, null, null);
        case QUIET_NAMESPACE -> new WatchSpec(connection, resource[0], resource[1], quiet, null, null);
        case BY_NODE -> new WatchSpec(connection, resource[0], resource[1], null, "spec.nodeName", node);
        case NODE_BY_NAME -> new WatchSpec(connection, resource[0], resource[1], null, "metadata.name", node);
        case BY_APP_LABEL -> new WatchSpec(connection, resource[0], resource[1], namespaceOf(k % deployments), "app", app);
        case DEPLOYMENT_BY_NAME -> new WatchSpec(connection, resource[0], resource[1], namespaceOf(k % deployments),
            "metadata.name", app);
        // Every namespace has kube-root-ca.crt, which every pod mounts; the rest are the apps' own.
        case MOUNTED_BY_NAME -> new WatchSpec(connection, resource[0], resource[1], busy, "metadata.name",
            resource[1].equals("configmaps") && k % 4 == 0 ? "kube-root-ca.crt" : "settings-" + k % 50);
      };
    }

    String path() {
      String base = group.isEmpty() ? "/api/v1" : "/apis/" + group + "/" + version();
      return namespace != null ? base + "/namespaces/" + namespace + "/" + resource : base + "/" + resource;
    }

    private String version() {
      return group.equals("autoscaling") ? "v2" : "v1";
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
      long from = watcher.fromRevision;
      long count = 0;
      long sum = 0;
      long last = 0;
      for (StoreProbe.Seen change : changes) {
        if (change.revision() <= from
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
    private final Set<String> pods = ConcurrentHashMap.newKeySet();
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
        if (deleted) {
          pods.remove(key);
        } else {
          pods.add(key);
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

    /** Waits until the pods of the Deployments named {@code prefix}N are gone. */
    void awaitGone(String prefix) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (pods.stream().anyMatch(key -> key.contains("/" + prefix))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the pods of " + prefix + "* were not gone in 2 minutes");
        }
        Thread.sleep(50);
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
   * its bearer token. Watches share one connection per client process (a node's kubelet, a
   * controller, a kubectl), as a process's informers do; the benchmark's own writes use another.
   */
  static final class Api {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClientOptions options;
    private final HttpClientAgent control;
    /** One HTTP/2 connection per client process: a node's kubelet, a controller, a kubectl. */
    private final Map<String, HttpClientAgent> connections = new HashMap<>();
    private final URI server;
    private final String token;
    private final long threadId;

    private Api(URI server, String token, String caPem) throws Exception {
      this.server = server;
      this.token = token;
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

    static Api fromKubeconfig(Path kubeconfig) throws Exception {
      JsonNode config = Json.YAML.readTree(kubeconfig.toFile());
      JsonNode cluster = config.path("clusters").path(0).path("cluster");
      String ca = new String(Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText()),
          StandardCharsets.US_ASCII);
      return new Api(URI.create(cluster.path("server").asText()),
          config.path("users").path(0).path("user").path("token").asText(), ca);
    }

    /** CPU time of the clients' event loop. */
    long cpuNanos() {
      return ManagementFactory.getThreadMXBean().getThreadCpuTime(threadId);
    }

    int watchConnections() {
      return connections.size();
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
      return send(control, method, path, contentType, body);
    }

    private CompletableFuture<Reply> send(HttpClientAgent client, String method, String path, String contentType,
        byte[] body) {
      RequestOptions options = request(HttpMethod.valueOf(method), path);
      if (contentType != null) {
        options.putHeader("Content-Type", contentType);
      }
      return client.request(options)
          .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
          .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b)))
          .toCompletionStage().toCompletableFuture();
    }

    void create(String path, ObjectNode object) {
      expectSuccess(List.of(send("POST", path, "application/json", Json.bytes(object))));
    }

    /** Starts every watch as a reflector does (a LIST, then a WATCH from its revision), a few at a time. */
    List<Watcher> openWatches(List<WatchSpec> specs, StoreProbe probe, Lags lags) throws InterruptedException {
      Semaphore opening = new Semaphore(OPENING);
      List<CompletableFuture<Watcher>> watchers = new ArrayList<>();
      for (WatchSpec spec : specs) {
        opening.acquire();
        HttpClientAgent client = connections.computeIfAbsent(spec.connection(), c -> client());
        watchers.add(new Watcher(spec, this, client, probe, lags).start()
            .whenComplete((w, e) -> opening.release())
            .orTimeout(1, TimeUnit.MINUTES)
            .exceptionally(e -> {
              throw new IllegalStateException("watch " + spec + " did not start", e);
            }));
      }
      return watchers.stream().map(CompletableFuture::join).toList();
    }
  }

  /**
   * One watch, as an informer's reflector keeps it: LIST, then WATCH from the list's revision;
   * when the server ends the watch (the sandbox cuts off a watch that falls too far behind),
   * WATCH again from the last revision seen, and LIST again if that one has expired.
   *
   * <p>Its stream is read on the clients' event loop: split into lines, and from each event only
   * its type and the object's resourceVersion (the first in the line: the sandbox writes type,
   * then the object, whose metadata comes before anything that could hold another) are read,
   * noting when its bytes arrived. Of a line only the part up to that resourceVersion is kept.
   */
  static final class Watcher {
    private static final byte[] TYPE = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXPIRED = "\"code\":410".getBytes(StandardCharsets.US_ASCII);
    final WatchSpec spec;
    private final Api api;
    private final HttpClientAgent client;
    private final StoreProbe probe;
    private final Lags lags;
    /** The current line, up to its object's resourceVersion. */
    private byte[] line = new byte[8 * 1024];
    private int kept;
    private long lineLength;
    /** The current line's resourceVersion, once read; -1 before. */
    private long revision = -1;
    /** Where the digits of that resourceVersion start in {@link #line}, once found; -1 before. */
    private int versionAt = -1;
    /** The revision of the last event or bookmark: where a new WATCH resumes. */
    private long resumeRevision;
    private boolean expired;
    // Written only on the clients' event loop; read after lastRevision, which publishes them.
    long events;
    long bytes;
    long revisionSum;
    long errors;
    long cutOffs;
    long relists;
    /** The revision of the last LIST: the watch is entitled to every change after it. */
    volatile long fromRevision;
    volatile long lastRevision;
    volatile boolean failed;

    Watcher(WatchSpec spec, Api api, HttpClientAgent client, StoreProbe probe, Lags lags) {
      this.spec = spec;
      this.api = api;
      this.client = client;
      this.probe = probe;
      this.lags = lags;
    }

    /** LIST, then WATCH from the list's revision. */
    CompletableFuture<Watcher> start() {
      return api.send(client, "GET", spec.path() + "?limit=500" + spec.selector(), null, null)
          .thenCompose(list -> {
            if (list.status() != 200) {
              throw new IllegalStateException("list " + spec.path() + ": " + list.status());
            }
            long revision = Long.parseLong(new JsonObject(list.body()).getJsonObject("metadata").getString("resourceVersion"));
            fromRevision = revision;
            resumeRevision = revision;
            return watch();
          });
    }

    private CompletableFuture<Watcher> watch() {
      String query = "?watch=true&allowWatchBookmarks=true&timeoutSeconds=1800&resourceVersion=" + resumeRevision
          + spec.selector();
      return client.request(api.request(HttpMethod.GET, spec.path() + query)).compose(HttpClientRequest::send)
          .map(this::attach).toCompletionStage().toCompletableFuture();
    }

    private Watcher attach(HttpClientResponse response) {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("watch " + spec.path() + ": " + response.statusCode());
      }
      kept = 0;
      lineLength = 0;
      revision = -1;
      versionAt = -1;
      response.handler(this::onBuffer);
      response.endHandler(v -> ended());
      response.exceptionHandler(e -> failed = true);
      return this;
    }

    /**
     * The server ended the stream long before its timeout: it cut the watch off. An informer
     * watches again from where it was; after a 410 it lists again, and from then on the watch is
     * entitled to the changes after that list.
     */
    private void ended() {
      if (failed) {
        return;
      }
      CompletableFuture<Watcher> again;
      if (expired) {
        expired = false;
        relists++;
        events = 0;
        revisionSum = 0;
        again = start();
      } else {
        cutOffs++;
        again = watch();
      }
      again.whenComplete((w, e) -> {
        if (e != null) {
          failed = true;
        }
      });
    }

    private void onBuffer(Buffer buffer) {
      long arrived = System.nanoTime();
      ByteBuf bytes = ((BufferInternal) buffer).getByteBuf();
      int end = bytes.writerIndex();
      for (int start = bytes.readerIndex(); start < end; ) {
        int newline = bytes.indexOf(start, end, (byte) '\n');
        int stop = newline < 0 ? end : newline;
        lineLength += stop - start;
        if (revision < 0) {
          // Kept only until the object's resourceVersion has gone by.
          if (kept + stop - start > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, kept + stop - start));
          }
          bytes.getBytes(start, line, kept, stop - start);
          int searchFrom = Math.max(0, kept - VERSION.length);
          kept += stop - start;
          findRevision(searchFrom);
        }
        if (newline < 0) {
          return;
        }
        event(arrived);
        kept = 0;
        lineLength = 0;
        revision = -1;
        versionAt = -1;
        start = newline + 1;
      }
    }

    /** Looks for the first {@code "resourceVersion":"N"} of the line from {@code from} on. */
    private void findRevision(int from) {
      for (int i = from; versionAt < 0 && i <= kept - VERSION.length; i++) {
        if (line[i] == '"' && Arrays.equals(line, i, i + VERSION.length, VERSION, 0, VERSION.length)) {
          versionAt = i + VERSION.length;
        }
      }
      if (versionAt < 0) {
        return;
      }
      long value = 0;
      for (int j = versionAt; j < kept; j++) {
        if (line[j] == '"') {
          revision = value;
          return;
        }
        value = value * 10 + line[j] - '0';
      }
      // The number goes on in the next buffer: read it again from its start then.
    }

    private void event(long arrived) {
      bytes += lineLength + 1;
      boolean isEvent = kept > TYPE.length && Arrays.equals(line, 0, TYPE.length, TYPE, 0, TYPE.length);
      byte type = isEvent ? line[TYPE.length] : 0;
      if (type == 'E') { // ERROR: a 410 means that the watch must list again
        expired |= contains(EXPIRED);
        if (!expired) {
          errors++;
        }
        return;
      }
      if (!isEvent || revision < 0) {
        errors++;
        return;
      }
      resumeRevision = revision;
      if (type == 'B') { // BOOKMARK
        return;
      }
      events++;
      revisionSum += revision;
      long written = probe.writeNanos(revision);
      if (written != 0) {
        lags.record(arrived - written);
      }
      lastRevision = revision;
    }

    private boolean contains(byte[] needle) {
      for (int i = 0; i <= kept - needle.length; i++) {
        if (Arrays.equals(line, i, i + needle.length, needle, 0, needle.length)) {
          return true;
        }
      }
      return false;
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

  /** A node list of {@code count} nodes of 4 CPU and 8Gi, as the sandbox's --nodes reads it. */
  private static String nodeList(int count) {
    StringBuilder yaml = new StringBuilder("nodes:\n");
    for (int i = 1; i <= count; i++) {
      yaml.append("  - name: node-").append(i).append("\n    cpu: \"4\"\n    memory: 8Gi\n");
    }
    return yaml.toString();
  }

  private static long threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
        .mapToLong(Thread::threadId).findFirst().orElseThrow();
  }

  private static long threadCpuNanos(long threadId) {
    return ManagementFactory.getThreadMXBean().getThreadCpuTime(threadId);
  }

  /**
   * CPU time of the JVM's own threads whose names start with one of {@code prefixes} (Linux
   * truncates them to 15 characters), which the JVM's thread bean does not list: the JIT
   * compilers, the garbage collector. 0 where /proc is missing.
   */
  private static long jvmThreadsCpuNanos(String... prefixes) {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          if (Arrays.stream(prefixes).anyMatch(name::startsWith)) {
            String stat = Files.readString(task.resolve("stat"));
            // After the name in parentheses: state is field 3, utime and stime fields 14 and 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (IOException e) {
          // The thread ended meanwhile.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * 10_000_000; // USER_HZ is 100 on Linux
  }

  /** CPU time of the sandbox's event loops: its HTTP front, TLS and watches. */
  private static long eventLoopsCpuNanos(Vertx server) throws Exception {
    long nanos = 0;
    for (EventExecutor loop : ((VertxInternal) server).nettyEventLoopGroup()) {
      nanos += threadCpuNanos(loop.submit(() -> Thread.currentThread().threadId()).get());
    }
    return nanos;
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
