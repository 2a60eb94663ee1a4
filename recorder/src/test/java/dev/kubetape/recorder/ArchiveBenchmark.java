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
 * JSON as a real API server returns it, managedFields included, about 9.7 KB each, for many
 * pods that each change many times (status, conditions, restarts), as a watch records them.
 *
 * <p>Every event counts as ingested only once the archive has acknowledged it (fsynced in the
 * journal); like a watch, which does not wait for one event before reading the next, the
 * appending thread keeps a few batches unacknowledged at a time. Ingest is reported twice: as
 * acknowledged, and until the index has caught up (searchable), which is the rate the archive
 * sustains. The events are made on a thread of their own, as watches hand them to the recorder
 * thread; making them is timed on its own first, and its CPU is included in ingest's. CPU
 * time per event and per search is printed too: on a machine shared with other work it varies
 * far less than the wall-clock figures; and CPU per event by thread (Linux), to show which
 * thread holds ingest up.
 *
 * <p>Run: {@code recorder/bench/archive-bench [EVENTS] [FOLDER] [FULL_EVERY]} (see
 * BENCHMARKS.md); FULL_EVERY 1 stores every version whole, to compare with deltas.
 */
public final class ArchiveBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int VERSIONS_PER_POD = 40;
  private static final int ACTIVE_PODS = 500;
  private static final int BATCH = 2_000;

  /** Batches appended but not yet acknowledged, at most: a watch does not wait per event. */
  private static final int IN_FLIGHT_BATCHES = 4;

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path folder = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("kubetape-bench-");
    int fullEvery = args.length > 2 ? Integer.parseInt(args[2]) : LuceneArchive.FULL_VERSION_EVERY;
    Template template = new Template(template());
    byte[] sample = template.body(0, 0, Instant.now()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.out.printf("events: %,d of about %,d bytes of pod JSON each, %d pods changing at a"
        + " time, a whole version every %d, into %s%n", events, sample.length, ACTIVE_PODS,
        fullEvery, folder);
    System.out.printf("load average at start: %s%n", loadAverage());
    Instant t0 = Instant.parse("2026-11-01T00:00:00Z");

    // What making the events costs (CPU time, once compiled), told apart from recording them.
    long sink = 0;
    for (long i = 0; i < 50_000; i++) {
      sink += event(template, t0, i).body().length();
    }
    long generated = 200_000;
    long begin = threadCpuNanos();
    for (long i = 0; i < generated; i++) {
      sink += event(template, t0, i).body().length();
    }
    double making = (threadCpuNanos() - begin) / 1e3 / generated;
    if (sink == 0) {
      throw new IllegalStateException("no events were made");
    }
    System.out.printf("making the events alone: %.1f µs of CPU each (included in ingest below)%n",
        making);

    HeapWatch heap = HeapWatch.start();
    ThreadWatch threads = ThreadWatch.start();
    long rawBytes = 0;
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    // The events are made on a thread of their own, as watches deliver them to the recorder's
    // thread: making them costs CPU on the same two cores, but does not hold up the appends.
    java.util.concurrent.BlockingQueue<ArchiveRecord> made = new java.util.concurrent.ArrayBlockingQueue<>(BATCH);
    Thread maker = Thread.ofPlatform().name("event-maker").daemon(true).start(() -> {
      try {
        for (long i = 0; i < events; i++) {
          made.put(event(template, t0, i));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try (LuceneArchive archive = LuceneArchive.open(folder, fullEvery)) {
      java.util.ArrayDeque<CompletableFuture<Void>> inFlight = new java.util.ArrayDeque<>();
      List<CompletableFuture<Void>> batch = new ArrayList<>(BATCH);
      for (long i = 0; i < events; i++) {
        ArchiveRecord record = made.take();
        rawBytes += record.body().length();
        batch.add(archive.append(record));
        if (batch.size() == BATCH) {
          inFlight.add(CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)));
          batch.clear();
          if (inFlight.size() > IN_FLIGHT_BATCHES) {
            inFlight.remove().join();
          }
        }
        if ((i + 1) % 1_000_000 == 0 || (i + 1) == 200_000) {
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf("  %,d events, %,.0f events/s, heap %,d MiB, load %s%n", i + 1,
              (i + 1) / seconds, HeapWatch.used() >> 20, loadAverage());
        }
      }
      inFlight.add(CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)));
      for (CompletableFuture<Void> pending : inFlight) {
        pending.join();
      }
      maker.join();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("ingest: %,.0f events/s sustained (%,.1f s; each acknowledged only once"
          + " fsynced, at most %,d unacknowledged at a time)%n", events / seconds, seconds,
          (IN_FLIGHT_BATCHES + 1) * BATCH);
      archive.search(new Archive.Query("*", null, null, 1)); // index everything acknowledged
      double indexedSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("indexed and searchable: %,.0f events/s (%,.1f s until the index had"
          + " caught up)%n", events / indexedSeconds, indexedSeconds);
      threads.report(events, indexedSeconds);
    }
    double cpu = (processCpuNanos() - cpuStart) / 1e3 / events;
    System.out.printf("CPU, all threads, making the events, ingest, indexing, merging and closing:"
        + " %.1f µs per event (%.1f µs without making them): %,.0f events/s per fully used core%n",
        cpu, cpu - making, 1e6 / (cpu - making));
    long ingestHeap = heap.peak();
    long ingestLive = heap.peakAfterGc();
    long disk = size(folder);
    long index = size(folder.resolve("index"));
    System.out.printf("disk: %,d bytes for %,d bytes of raw JSON = %.2f%% (%,.0f bytes per event;"
        + " index %,d, journal %,d)%n", disk, rawBytes, 100.0 * disk / rawBytes,
        disk / (double) events, index, disk - index);
    System.out.printf("heap while ingesting: peak used %,d MiB, peak after a collection %,d MiB"
        + " (max %,d MiB)%n", ingestHeap >> 20, ingestLive >> 20,
        Runtime.getRuntime().maxMemory() >> 20);

    rebuilds(folder);
    try (Archive reader = LuceneArchive.readOnly(folder)) {
      Random random = new Random(7);
      String[] reasons = {"Running", "Pending", "CrashLoopBackOff"};
      long[] latencies = new long[200];
      long[] cpuTimes = new long[latencies.length];
      long hitsTotal = 0;
      for (int i = 0; i < latencies.length + 20; i++) {
        Instant from = t0.plusMillis((long) (random.nextDouble() * events * 10 * 0.8));
        Instant to = from.plusSeconds(3600);
        String query = "namespace:team-" + random.nextInt(20) + " AND reason:" + reasons[random.nextInt(3)];
        long began = System.nanoTime();
        long cpuBegan = threadCpuNanos();
        Archive.Hits hits = reader.search(new Archive.Query(query, from, to, 50));
        for (ArchiveRecord record : hits.records()) {
          if (record.body() == null || record.body().length() < 1000) {
            throw new IllegalStateException("a hit came back without its object");
          }
        }
        long took = System.nanoTime() - began;
        if (i >= 20) {
          latencies[i - 20] = took;
          cpuTimes[i - 20] = threadCpuNanos() - cpuBegan;
          hitsTotal += hits.total();
        }
      }
      Arrays.sort(latencies);
      Arrays.sort(cpuTimes);
      System.out.printf("search (term AND term, 1 h range, facets, 50 objects fetched): p50 %.1f ms,"
          + " p99 %.1f ms over %d queries (%,d matches each on average); CPU time of the"
          + " searching thread p50 %.1f ms, p99 %.1f ms; load %s%n",
          latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6,
          latencies.length, hitsTotal / latencies.length, cpuTimes[cpuTimes.length / 2] / 1e6,
          cpuTimes[(int) (cpuTimes.length * 0.99)] / 1e6, loadAverage());
    }
    System.out.printf("heap throughout: peak used %,d MiB, peak after a collection %,d MiB;"
        + " load average at the end: %s%n", heap.peak() >> 20, heap.peakAfterGc() >> 20,
        loadAverage());
    heap.stop();
  }

  /**
   * CPU time of every thread of the process, the JVM's own included (collector, compiler), from
   * /proc/self/task, sampled twice a second: threads that end between two samples, such as
   * short merges, keep their last sample. A thread busy nearly the whole time is the bottleneck.
   */
  private static final class ThreadWatch {
    private final Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> cpu = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> atStart = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stopped;

    static ThreadWatch start() {
      ThreadWatch watch = new ThreadWatch();
      watch.sample(watch.atStart);
      Thread.ofPlatform().daemon(true).name("thread-watch").start(watch::run);
      return watch;
    }

    private void sample(Map<String, Long> into) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        tasks.forEach(task -> {
          try {
            String tid = task.getFileName().toString();
            long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
            names.putIfAbsent(tid, Files.readString(task.resolve("comm")).strip());
            into.put(tid, nanos);
          } catch (IOException | RuntimeException e) {
            // the thread ended meanwhile
          }
        });
      } catch (IOException e) {
        stopped = true; // not Linux: no breakdown
      }
    }

    private void run() {
      while (!stopped) {
        sample(cpu);
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Prints CPU per event and share of the wall-clock time, by thread name (numbers dropped). */
    void report(long events, double seconds) {
      sample(cpu);
      stopped = true;
      Map<String, long[]> byName = new java.util.TreeMap<>();
      cpu.forEach((id, nanos) -> {
        String name = names.get(id).replaceAll("[ #-]*\\d+$", "");
        long[] sum = byName.computeIfAbsent(name, n -> new long[2]);
        sum[0] += nanos - atStart.getOrDefault(id, 0L);
        sum[1]++;
      });
      StringBuilder line = new StringBuilder("CPU by thread until indexed (µs per event; % of the"
          + " wall-clock time busy, summed over threads of a name):");
      byName.entrySet().stream().filter(e -> e.getValue()[0] > 1e8)
          .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
          .forEach(e -> line.append(String.format("%n    %-24s x%-3d %5.1f µs %4.0f %%", e.getKey(),
              e.getValue()[1], e.getValue()[0] / 1e3 / events, 100 * e.getValue()[0] / 1e9 / seconds)));
      System.out.println(line);
    }
  }

  /** Times rebuilding single versions, picked at random, each from its record and its chain's whole version. */
  private static void rebuilds(Path folder) throws IOException {
    try (var directory = org.apache.lucene.store.FSDirectory.open(folder.resolve("index"));
        var reader = org.apache.lucene.index.DirectoryReader.open(directory)) {
      Random random = new Random(11);
      long[] latencies = new long[2_000];
      for (int i = 0; i < latencies.length + 200; i++) {
        int doc = random.nextInt(reader.maxDoc());
        long began = System.nanoTime();
        ArchiveRecord record = LuceneArchive.record(reader, reader.storedFields(), doc,
            new java.util.HashMap<>());
        long took = System.nanoTime() - began;
        if (record.body() == null) {
          throw new IllegalStateException("document " + doc + " came back without its object");
        }
        if (i >= 200) {
          latencies[i - 200] = took;
        }
      }
      Arrays.sort(latencies);
      System.out.printf("version rebuild (one record and its chain's whole version read and"
          + " applied): p50 %.2f ms, p99 %.2f ms over %,d versions%n",
          latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6,
          latencies.length);
    }
  }

  private static long size(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** The event numbered {@code i}: ACTIVE_PODS pods change at a time, their versions interleaved. */
  private static ArchiveRecord event(Template template, Instant t0, long i) {
    long round = i / ((long) ACTIVE_PODS * VERSIONS_PER_POD);
    long within = i % ((long) ACTIVE_PODS * VERSIONS_PER_POD);
    long pod = round * ACTIVE_PODS + within % ACTIVE_PODS;
    int version = (int) (within / ACTIVE_PODS);
    Instant time = t0.plusMillis(i * 10);
    return record(template.body(pod, version, time), pod, version, time);
  }

  /**
   * Watches the heap: the peak in use, sampled every 50 ms (garbage included, so it mostly shows
   * when the collector ran), and the peak left right after a collection (what the archive
   * really holds), from the collectors' notifications.
   */
  private static final class HeapWatch {
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long peak;
    private final java.util.concurrent.atomic.AtomicLong peakAfterGc =
        new java.util.concurrent.atomic.AtomicLong();

    private HeapWatch() {
      thread = Thread.ofPlatform().daemon(true).name("heap-watch").unstarted(this::run);
    }

    static HeapWatch start() {
      HeapWatch watch = new HeapWatch();
      javax.management.NotificationListener listener = (notification, handback) -> {
        if (notification.getType().equals(
            com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          var info = com.sun.management.GarbageCollectionNotificationInfo.from(
              (javax.management.openmbean.CompositeData) notification.getUserData());
          long after = 0;
          for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            var usage = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
            if (pool.getType() == java.lang.management.MemoryType.HEAP && usage != null) {
              after += usage.getUsed();
            }
          }
          watch.peakAfterGc.accumulateAndGet(after, Math::max);
        }
      };
      for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((javax.management.NotificationEmitter) collector).addNotificationListener(listener, null,
            null);
      }
      watch.thread.start();
      return watch;
    }

    static long used() {
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void run() {
      while (!stopped) {
        peak = Math.max(peak, used());
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long peak() {
      return peak;
    }

    long peakAfterGc() {
      return peakAfterGc.get();
    }

    void stop() {
      stopped = true;
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
    /** For each part, the slot it is (an index into SLOTS), or -1 for literal text. */
    private final int[] slotOf;
    private final byte[][] literals;
    /** Where a version is put together; one thread makes events. */
    private byte[] scratch = new byte[16 * 1024];
    private final int length;
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
      slotOf = new int[parts.length];
      literals = new byte[parts.length][];
      for (int i = 0; i < parts.length; i++) {
        slotOf[i] = List.of(SLOTS).indexOf(parts[i]);
        literals[i] = parts[i].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      }
      length = text.length();
      if (!java.nio.charset.StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
        throw new IllegalArgumentException("the pod template must be ASCII");
      }
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

    /**
     * One version's JSON. Each slot's value is made once, times without DateTimeFormatter (the
     * same text as {@link Instant#toString}), so that making an event costs a few microseconds.
     */
    String body(long pod, int version, Instant time) {
      String[] values = {name(pod), namespace(pod), uid(pod),
          Long.toString(1_000_000 + pod * 100 + version), rfc3339(time.minusMillis(version * 10L)),
          node(pod), phase(version), "10.244." + (pod % 250) + "." + (pod / 250 % 250),
          rfc3339(time.minusSeconds(version % 4)), version > 3 ? "True" : "False",
          Integer.toString(version / 8), rfc3339(time)};
      // ASCII throughout (the template is checked), so one byte a character and one copy.
      byte[] text = scratch;
      int size = 0;
      for (int i = 0; i < parts.length; i++) {
        byte[] part = slotOf[i] < 0 ? literals[i]
            : values[slotOf[i]].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (size + part.length > text.length) {
          text = Arrays.copyOf(text, 2 * text.length + part.length);
        }
        System.arraycopy(part, 0, text, size, part.length);
        size += part.length;
      }
      scratch = text;
      return new String(text, 0, size, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static long cachedDay = Long.MIN_VALUE;
    private static String cachedDate;

    /** As Instant.toString() for times after 1970: seconds, then milliseconds when not zero. */
    static String rfc3339(Instant time) {
      long millis = time.toEpochMilli();
      long day = Math.floorDiv(millis, 86_400_000L);
      if (day != cachedDay) {
        cachedDate = java.time.LocalDate.ofEpochDay(day) + "T";
        cachedDay = day;
      }
      int ofDay = (int) (millis - day * 86_400_000L);
      char[] clock = new char[13];
      int hour = ofDay / 3_600_000;
      int minute = ofDay / 60_000 % 60;
      int second = ofDay / 1000 % 60;
      int milli = ofDay % 1000;
      int at = 0;
      clock[at++] = (char) ('0' + hour / 10);
      clock[at++] = (char) ('0' + hour % 10);
      clock[at++] = ':';
      clock[at++] = (char) ('0' + minute / 10);
      clock[at++] = (char) ('0' + minute % 10);
      clock[at++] = ':';
      clock[at++] = (char) ('0' + second / 10);
      clock[at++] = (char) ('0' + second % 10);
      if (milli != 0) {
        clock[at++] = '.';
        clock[at++] = (char) ('0' + milli / 100);
        clock[at++] = (char) ('0' + milli / 10 % 10);
        clock[at++] = (char) ('0' + milli % 10);
      }
      clock[at++] = 'Z';
      return cachedDate + new String(clock, 0, at);
    }
  }

  /** A pod of a realistic deployment as the API server returns it, about 9.7 KB. */
  static ObjectNode template() throws IOException {
    try (var in = ArchiveBenchmark.class.getResourceAsStream("/bench/pod.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

}
