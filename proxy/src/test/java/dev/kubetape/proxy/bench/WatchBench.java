package dev.kubetape.proxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The watch half of {@code proxy/bench/run} (issue 5), against an API server (the sandbox) and a
 * kubetape proxy in front of it, each in a process of its own:
 *
 * <ol>
 *   <li><b>Added latency per watch event.</b> Two watches on one ConfigMap are open side by side,
 *       one directly and one through kubetape, each on an HTTP/2 connection of its own with a
 *       thread that reads it, and a second direct one whose difference from the first is the
 *       noise floor. The ConfigMap is patched {@code --events} times, 10–15 ms apart, and
 *       each event's arrival is timed on both; the proxy's added latency is the difference for
 *       the same event (same resourceVersion), so the API server's own time cancels out.
 *   <li><b>Idle watches.</b> kubetape's heap after a full GC ({@code jcmd GC.run}, then
 *       {@code GC.heap_info}) and its RSS, with no watch open and then with {@code --watches}
 *       idle watches open through it: HTTP/2 streams, 500 per client connection (kubectl
 *       multiplexes its watches on one HTTP/2 connection too).
 * </ol>
 *
 * Prints markdown. Usage: {@code WatchBench --direct KUBECONFIG --proxied KUBECONFIG --proxy-pid
 * PID [--label TEXT] [--events 500] [--watches 2000]}.
 */
public final class WatchBench {
  private static final String NAMESPACE = "default";
  private static final String CONFIGMAP = "kubetape-watch-bench";
  private static final Pattern RESOURCE_VERSION = Pattern.compile("\"resourceVersion\"\\s*:\\s*\"(\\d+)\"");
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
  private static final int STREAMS_PER_CONNECTION = 500;

  private WatchBench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    Api direct = Api.of(Path.of(required(options, "--direct")));
    Api proxied = Api.of(Path.of(required(options, "--proxied")));
    long pid = Long.parseLong(required(options, "--proxy-pid"));
    String label = options.getOrDefault("--label", "kubetape");
    int events = Integer.parseInt(options.getOrDefault("--events", "500"));
    int watches = Integer.parseInt(options.getOrDefault("--watches", "2000"));

    System.out.println("### Watches through " + label);
    System.out.println();
    watchLatency(direct, proxied, events);
    idleWatches(direct, proxied, pid, watches);
    System.exit(0);
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return value;
  }

  // ---- added latency per event --------------------------------------------------------------

  private static void watchLatency(Api direct, Api proxied, int events) throws Exception {
    HttpClient writer = direct.client();
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + CONFIGMAP
        + "\"},\"data\":{\"n\":\"start\"}}";
    HttpResponse<String> created = writer.send(direct.request("/api/v1/namespaces/" + NAMESPACE + "/configmaps")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201 && created.statusCode() != 409) {
      throw new IllegalStateException("creating the ConfigMap: " + created.statusCode() + " " + created.body());
    }
    String current = writer.send(direct.request("/api/v1/namespaces/" + NAMESPACE + "/configmaps/" + CONFIGMAP)
        .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    String from = resourceVersion(current);
    String watchPath = "/api/v1/namespaces/" + NAMESPACE + "/configmaps?watch=true&fieldSelector=metadata.name%3D"
        + CONFIGMAP + "&resourceVersion=" + from;
    Watch onDirect = Watch.open(direct, watchPath);
    Watch onProxied = Watch.open(proxied, watchPath);
    // A second direct watch: how far apart two identical paths see the same event is the
    // measurement's noise floor (threads woken on a busy machine).
    Watch onDirectToo = Watch.open(direct, watchPath);

    int warmUp = Math.min(100, events / 5);
    long[] sent = new long[events + warmUp];
    String[] versions = new String[events + warmUp];
    for (int i = 0; i < sent.length; i++) {
      sent[i] = System.nanoTime();
      HttpResponse<String> patched = writer.send(direct.request("/api/v1/namespaces/" + NAMESPACE + "/configmaps/"
              + CONFIGMAP).header("Content-Type", "application/merge-patch+json")
          .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"data\":{\"n\":\"" + i + "\"}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (patched.statusCode() != 200) {
        throw new IllegalStateException("patching the ConfigMap: " + patched.statusCode() + " " + patched.body());
      }
      versions[i] = resourceVersion(patched.body());
      // Apart enough that events never share a read; jittered so no timer lines up with them.
      Thread.sleep(10 + ThreadLocalRandom.current().nextInt(6));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String lastVersion = versions[versions.length - 1];
    while ((!onDirect.arrivals.containsKey(lastVersion) || !onProxied.arrivals.containsKey(lastVersion)
        || !onDirectToo.arrivals.containsKey(lastVersion)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<Double> added = new ArrayList<>();
    List<Double> floor = new ArrayList<>();
    List<Double> directLatency = new ArrayList<>();
    List<Double> proxiedLatency = new ArrayList<>();
    int missing = 0;
    for (int i = warmUp; i < sent.length; i++) {
      Long atDirect = onDirect.arrivals.get(versions[i]);
      Long atProxied = onProxied.arrivals.get(versions[i]);
      Long atDirectToo = onDirectToo.arrivals.get(versions[i]);
      if (atDirect == null || atProxied == null || atDirectToo == null) {
        missing++;
        continue;
      }
      added.add((atProxied - atDirect) / 1e6);
      floor.add(Math.abs(atDirectToo - atDirect) / 1e6);
      directLatency.add((atDirect - sent[i]) / 1e6);
      proxiedLatency.add((atProxied - sent[i]) / 1e6);
    }
    onDirect.close();
    onProxied.close();
    onDirectToo.close();
    writer.close();
    System.out.printf("Watch-event latency: %d ConfigMap patches 10–15 ms apart (after %d not counted), the same"
        + " event timed on a direct watch, on one through the proxy and on a second direct one, opened side by"
        + " side (HTTP/2, a connection and a reading thread each; sandbox upstream)%s.%n%n", added.size(), warmUp, missing == 0 ? "" : "; " + missing + " events missed");
    System.out.println("| measure | p50 | p90 | p99 | max |");
    System.out.println("|---|---|---|---|---|");
    row("added by the proxy (through − direct)", added);
    row("noise floor (direct vs a second direct watch, absolute difference)", floor);
    row("patch sent → event on the direct watch", directLatency);
    row("patch sent → event through the proxy", proxiedLatency);
    System.out.println();
  }

  private static void row(String name, List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      System.out.println("| " + name + " | n/a | n/a | n/a | n/a |");
      return;
    }
    System.out.printf("| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms |%n", name, percentile(sorted, 50),
        percentile(sorted, 90), percentile(sorted, 99), sorted[sorted.length - 1]);
  }

  private static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String resourceVersion(String json) {
    Matcher matcher = RESOURCE_VERSION.matcher(json);
    if (!matcher.find()) {
      throw new IllegalStateException("no resourceVersion in " + json);
    }
    return matcher.group(1);
  }

  /** A watch read line by line on a thread of its own, each event's arrival timed by its resourceVersion. */
  private static final class Watch {
    final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    final HttpClient client;
    final InputStream body;

    private Watch(HttpClient client, InputStream body) {
      this.client = client;
      this.body = body;
    }

    static Watch open(Api api, String path) throws Exception {
      HttpClient client = api.client();
      HttpResponse<InputStream> response = client.send(api.request(path).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("watch " + path + " answered " + response.statusCode() + ": "
            + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
      }
      if (response.version() != HttpClient.Version.HTTP_2) {
        throw new IllegalStateException("the watch is not on HTTP/2");
      }
      Watch watch = new Watch(client, response.body());
      Thread reader = new Thread(() -> watch.read(), "watch-" + api.server);
      reader.setDaemon(true);
      reader.start();
      return watch;
    }

    private void read() {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          long now = System.nanoTime();
          Matcher matcher = RESOURCE_VERSION.matcher(line);
          if (matcher.find()) {
            arrivals.putIfAbsent(matcher.group(1), now);
          }
        }
      } catch (IOException e) {
        // Closed at the end.
      }
    }

    void close() throws IOException {
      body.close();
      client.close();
    }
  }

  // ---- idle watches -------------------------------------------------------------------------

  private static void idleWatches(Api direct, Api proxied, long pid, int count) throws Exception {
    int upstreamPort = direct.server.getPort();
    Thread.sleep(1000);
    Footprint before = Footprint.of(pid, upstreamPort);
    List<HttpClient> clients = new ArrayList<>();
    List<CompletableFuture<HttpResponse<InputStream>>> opened = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (i % STREAMS_PER_CONNECTION == 0) {
        clients.add(proxied.client());
        // The first request makes the connection; the others then share it as streams.
        HttpClient client = clients.get(clients.size() - 1);
        client.send(proxied.request("/version").GET().build(), HttpResponse.BodyHandlers.discarding());
      }
      String path = "/api/v1/namespaces/" + NAMESPACE + "/configmaps?watch=true&timeoutSeconds=3600"
          + "&fieldSelector=metadata.name%3Didle-" + i;
      opened.add(clients.get(clients.size() - 1).sendAsync(proxied.request(path).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream()));
    }
    List<InputStream> bodies = new ArrayList<>();
    int notOk = 0;
    int notHttp2 = 0;
    for (CompletableFuture<HttpResponse<InputStream>> future : opened) {
      HttpResponse<InputStream> response = future.get(120, TimeUnit.SECONDS);
      bodies.add(response.body());
      if (response.statusCode() != 200) {
        if (notOk++ == 0) {
          System.err.println("a watch answered " + response.statusCode() + ": "
              + new String(response.body().readNBytes(2000), StandardCharsets.UTF_8));
        }
      }
      if (response.version() != HttpClient.Version.HTTP_2) {
        notHttp2++;
      }
    }
    double openSeconds = (System.nanoTime() - start) / 1e9;
    Thread.sleep(3000);
    Footprint during = Footprint.of(pid, upstreamPort);
    for (InputStream body : bodies) {
      body.close();
    }
    clients.forEach(HttpClient::close);
    Thread.sleep(3000);
    Footprint after = Footprint.of(pid, upstreamPort);

    System.out.printf("Idle watches: %d watches opened through the proxy in %.1f s as HTTP/2 streams, %d per"
        + " client connection (%d connections)%s; heap after a full GC (jcmd GC.run, GC.heap_info) and RSS of the"
        + " proxy process.%n%n", count, openSeconds, STREAMS_PER_CONNECTION, clients.size(),
        notOk + notHttp2 == 0 ? "" : "; " + notOk + " not answered 200, " + notHttp2 + " not on HTTP/2");
    System.out.println("| | heap used after GC | RSS | upstream TCP connections | proxy threads |");
    System.out.println("|---|---|---|---|---|");
    before.row("no watch open");
    during.row(count + " idle watches open");
    after.row("after closing them");
    System.out.printf("| **cost of %d idle watches** | **%+.1f MiB** (%.1f KiB each) | **%+.1f MiB** | | |%n%n",
        count, (during.heapKib - before.heapKib) / 1024.0, (during.heapKib - before.heapKib) / (double) count,
        (during.rssKib - before.rssKib) / 1024.0);
  }

  /** Heap after a full GC, RSS, threads, and established connections to the upstream port of a process. */
  private record Footprint(long heapKib, long rssKib, int upstreamConnections, int threads) {
    static Footprint of(long pid, int upstreamPort) throws Exception {
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      run(jcmd, Long.toString(pid), "GC.run");
      run(jcmd, Long.toString(pid), "GC.run");
      Matcher used = HEAP_USED.matcher(run(jcmd, Long.toString(pid), "GC.heap_info"));
      if (!used.find()) {
        throw new IllegalStateException("no heap figure from jcmd GC.heap_info");
      }
      long rss = 0;
      int threads = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", ""));
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("\\D", ""));
        }
      }
      int connections = 0;
      for (String line : run("ss", "-Htnp", "state", "established", "dst", "127.0.0.1:" + upstreamPort).split("\n")) {
        if (line.contains("pid=" + pid + ",")) {
          connections++;
        }
      }
      return new Footprint(Long.parseLong(used.group(1)), rss, connections, threads);
    }

    void row(String name) {
      System.out.printf("| %s | %.1f MiB | %.1f MiB | %d | %d |%n", name, heapKib / 1024.0, rssKib / 1024.0,
          upstreamConnections, threads);
    }

    private static String run(String... command) throws Exception {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    }
  }

  // ---- a kubeconfig's server, CA and token ---------------------------------------------------

  private record Api(URI server, SSLContext tls, String token) {
    static Api of(Path kubeconfig) throws Exception {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(kubeconfig.toFile());
      String contextName = root.path("current-context").asText();
      JsonNode context = find(root.path("contexts"), contextName).path("context");
      JsonNode cluster = find(root.path("clusters"), context.path("cluster").asText()).path("cluster");
      JsonNode user = find(root.path("users"), context.path("user").asText()).path("user");
      byte[] ca = Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText());
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int n = 0;
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(ca))) {
        trust.setCertificateEntry("ca" + n++, (X509Certificate) certificate);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, factory.getTrustManagers(), null);
      return new Api(URI.create(cluster.path("server").asText()), tls, user.path("token").asText());
    }

    private static JsonNode find(JsonNode list, String name) {
      for (JsonNode entry : list) {
        if (name.equals(entry.path("name").asText())) {
          return entry;
        }
      }
      throw new IllegalArgumentException("no entry named '" + name + "' in " + list);
    }

    HttpClient client() {
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls)
          .connectTimeout(Duration.ofSeconds(10)).build();
    }

    HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + token)
          .header("Accept", "application/json");
    }
  }
}
