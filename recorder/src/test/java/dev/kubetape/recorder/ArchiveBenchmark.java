package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Measures the archive (not a test): sustained ingest with the journal's durability on, bytes on
 * disk per recorded watch event, and the latency of a term + time-range search with facets and
 * the 50 newest hits' stored objects fetched. The events are realistic pod versions: full pod
 * JSON as a real API server returns it, managedFields included, about 7.5 KB each, for many
 * pods that each change many times (status, conditions, restarts), as a watch records them.
 *
 * <p>Run: {@code recorder/bench/archive-bench [EVENTS] [FOLDER] [FULL_EVERY]} (see
 * BENCHMARKS.md); FULL_EVERY 1 stores every version whole, to compare with patches.
 */
public final class ArchiveBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int VERSIONS_PER_POD = 40;
  private static final int ACTIVE_PODS = 500;
  private static final int BATCH = 2_000;

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path folder = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("kubetape-bench-");
    int fullEvery = args.length > 2 ? Integer.parseInt(args[2]) : LuceneArchive.FULL_VERSION_EVERY;
    Template template = new Template(template());
    byte[] sample = template.body(0, 0, Instant.now()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.out.printf("events: %,d of about %,d bytes of pod JSON each, %d pods changing at a"
        + " time, a whole version every %d, into %s%n", events, sample.length, ACTIVE_PODS,
        fullEvery, folder);

    long rawBytes = 0;
    long start = System.nanoTime();
    long heapPeak = 0;
    Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
    try (LuceneArchive archive = LuceneArchive.open(folder, fullEvery)) {
      List<CompletableFuture<Void>> pending = new ArrayList<>(BATCH);
      for (long i = 0; i < events; i++) {
        // ACTIVE_PODS pods change at a time, their versions interleaved as a watch sees them.
        long round = i / ((long) ACTIVE_PODS * VERSIONS_PER_POD);
        long within = i % ((long) ACTIVE_PODS * VERSIONS_PER_POD);
        long pod = round * ACTIVE_PODS + within % ACTIVE_PODS;
        int version = (int) (within / ACTIVE_PODS);
        Instant time = t0.plusMillis(i * 10);
        String body = template.body(pod, version, time);
        rawBytes += body.length();
        pending.add(archive.append(record(body, pod, version, time)));
        if (pending.size() == BATCH) {
          CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
          pending.clear();
          heapPeak = Math.max(heapPeak, usedHeap());
        }
        if ((i + 1) % 200_000 == 0) {
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf("  %,d events, %,.0f events/s, heap %,d MiB%n", i + 1, (i + 1) / seconds,
              usedHeap() >> 20);
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("ingest: %,.0f events/s sustained (%,.1f s, every batch of %,d acknowledged"
          + " only once fsynced)%n", events / seconds, seconds, BATCH);
      archive.search(new Archive.Query("*", null, null, 1)); // index everything acknowledged
    }
    long disk = size(folder);
    System.out.printf("disk: %,d bytes for %,d bytes of raw JSON = %.2f%% (%,.0f bytes per event)%n",
        disk, rawBytes, 100.0 * disk / rawBytes, disk / (double) events);
    System.out.printf("heap peak while ingesting: %,d MiB%n", heapPeak >> 20);

    try (Archive reader = LuceneArchive.readOnly(folder)) {
      Random random = new Random(7);
      String[] reasons = {"Running", "Pending", "CrashLoopBackOff"};
      long[] latencies = new long[200];
      for (int i = 0; i < latencies.length + 20; i++) {
        Instant from = t0.plusMillis((long) (random.nextDouble() * events * 10 * 0.8));
        Instant to = from.plusSeconds(3600);
        String query = "namespace:team-" + random.nextInt(20) + " AND reason:" + reasons[random.nextInt(3)];
        long begin = System.nanoTime();
        Archive.Hits hits = reader.search(new Archive.Query(query, from, to, 50));
        for (ArchiveRecord record : hits.records()) {
          if (record.body() == null || record.body().length() < 1000) {
            throw new IllegalStateException("a hit came back without its object");
          }
        }
        long took = System.nanoTime() - begin;
        if (i >= 20) {
          latencies[i - 20] = took;
        }
      }
      Arrays.sort(latencies);
      System.out.printf("search (term AND term, 1 h range, facets, 50 objects fetched): p50 %.1f ms,"
          + " p99 %.1f ms over %d queries%n", latencies[latencies.length / 2] / 1e6,
          latencies[(int) (latencies.length * 0.99)] / 1e6, latencies.length);
    }
    System.out.printf("heap used at the end: %,d MiB (max %,d MiB)%n", usedHeap() >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long size(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static ArchiveRecord record(String body, long pod, int version, Instant time) {
    String namespace = Template.namespace(pod);
    String phase = Template.phase(version);
    String reason = version > 30 && pod % 5 == 0 ? "CrashLoopBackOff" : phase;
    String name = Template.name(pod);
    return new ArchiveRecord(time, "object", "Pod", namespace, name, Template.uid(pod),
        namespace + "/shop-" + (pod / 10) + "#" + (1 + pod % 10), null, reason,
        "pod " + name + " is " + phase, Map.of("node", Template.node(pod), "user", "ci-bot"),
        List.of("registry.example/shop/web:1.4." + (pod % 10)), body);
  }

  /**
   * Pod versions made by filling a JSON text with each version's values, so that making the
   * events costs little next to recording them.
   */
  static final class Template {
    private final String[] parts;
    private static final String[] SLOTS = {"@NAME@", "@NAMESPACE@", "@UID@", "@RV@", "@CREATED@",
        "@NODE@", "@PHASE@", "@IP@", "@TRANSITION@", "@READY@", "@RESTARTS@", "@STARTED@"};

    Template(ObjectNode pod) throws IOException {
      ObjectNode object = pod.deepCopy();
      ObjectNode metadata = (ObjectNode) object.get("metadata");
      metadata.put("name", "@NAME@").put("namespace", "@NAMESPACE@").put("uid", "@UID@")
          .put("resourceVersion", "@RV@").put("creationTimestamp", "@CREATED@");
      ((ObjectNode) object.get("spec")).put("nodeName", "@NODE@");
      ObjectNode status = (ObjectNode) object.get("status");
      status.put("phase", "@PHASE@").put("podIP", "@IP@");
      for (JsonNode condition : status.path("conditions")) {
        ((ObjectNode) condition).put("lastTransitionTime", "@TRANSITION@").put("status", "@READY@");
      }
      ObjectNode container = (ObjectNode) status.path("containerStatuses").get(0);
      container.put("restartCount", "@RESTARTS@").put("ready", "@READY@");
      container.putObject("state").putObject("running").put("startedAt", "@STARTED@");
      String text = JSON.writeValueAsString(object).replace("\"@RESTARTS@\"", "@RESTARTS@");
      List<String> pieces = new ArrayList<>();
      int at = 0;
      while (true) {
        int next = -1;
        for (String slot : SLOTS) {
          int found = text.indexOf(slot, at);
          if (found >= 0 && (next < 0 || found < next)) {
            next = found;
          }
        }
        if (next < 0) {
          pieces.add(text.substring(at));
          break;
        }
        pieces.add(text.substring(at, next));
        int end = text.indexOf('@', next + 1) + 1;
        pieces.add(text.substring(next, end));
        at = end;
      }
      parts = pieces.toArray(String[]::new);
    }

    static String name(long pod) {
      return "shop-" + (pod / 10) + "-5d9c7b8f6-" + Long.toString(100000 + pod, 36);
    }

    static String namespace(long pod) {
      return "team-" + (pod % 20);
    }

    static String uid(long pod) {
      return new java.util.UUID(pod * 7919, pod).toString();
    }

    static String node(long pod) {
      return "node-" + (pod % 3 + 1);
    }

    static String phase(int version) {
      return version > 3 ? "Running" : "Pending";
    }

    String body(long pod, int version, Instant time) {
      StringBuilder text = new StringBuilder(10_000);
      for (String part : parts) {
        text.append(switch (part) {
          case "@NAME@" -> name(pod);
          case "@NAMESPACE@" -> namespace(pod);
          case "@UID@" -> uid(pod);
          case "@RV@" -> Long.toString(1_000_000 + pod * 100 + version);
          case "@CREATED@" -> time.minusMillis(version * 10L).toString();
          case "@NODE@" -> node(pod);
          case "@PHASE@" -> phase(version);
          case "@IP@" -> "10.244." + (pod % 250) + "." + (pod / 250 % 250);
          case "@TRANSITION@" -> time.minusSeconds(version % 4).toString();
          case "@READY@" -> version > 3 ? "True" : "False";
          case "@RESTARTS@" -> Integer.toString(version / 8);
          case "@STARTED@" -> time.toString();
          default -> part;
        });
      }
      return text.toString();
    }
  }

  /** A pod of a realistic deployment as the API server returns it, about 9.7 KB. */
  static ObjectNode template() throws IOException {
    try (var in = ArchiveBenchmark.class.getResourceAsStream("/bench/pod.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

}
