package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.RawClient;
import dev.kubetape.testkit.Tool;
import dev.kubetape.testkit.UpstreamExtension;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streaming through the proxy (watches, clients that leave) and what the tap receives, against the sandbox. */
@DisplayName("streams through the proxy, and the tap")
class ProxyStreamsAndTapIT {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(SANDBOX);

  private static Tool kubectl() {
    return new Tool(KubeTools.kubectl(), PROXY.kubeconfig(), SANDBOX.folder());
  }

  private static String field(Path kubeconfig, String name) throws Exception {
    Matcher matcher = Pattern.compile("(?m)^\\s*" + name + ":\\s*(\\S+)\\s*$").matcher(Files.readString(kubeconfig));
    assertTrue(matcher.find(), name);
    return matcher.group(1);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  /** An HTTP/2 client that trusts kubetape's CA. */
  private static HttpClient http2() throws Exception {
    String ca = new String(java.util.Base64.getDecoder().decode(field(PROXY.kubeconfig(), "certificate-authority-data")),
        StandardCharsets.US_ASCII);
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(ca.getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build();
  }

  @Test
  @DisplayName("a watch delivers each event while it is open, over HTTP/2, chunk by chunk")
  void watchEventsArriveWhileOpen() throws Exception {
    Tool kubectl = kubectl();
    kubectl.run("create", "namespace", "watched").ok();
    HttpResponse<InputStream> watch = http2().send(HttpRequest.newBuilder(
            URI.create(PROXY.server().url() + "/api/v1/namespaces/watched/configmaps?watch=true"))
        .header("Authorization", "Bearer " + field(PROXY.kubeconfig(), "token")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, watch.statusCode());
    assertEquals(HttpClient.Version.HTTP_2, watch.version());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        lines.add("closed: " + e);
      }
    });
    try {
      for (String name : List.of("first", "second")) {
        kubectl.run("-n", "watched", "create", "configmap", name, "--from-literal=a=b").ok();
        String event = nextEventFor(lines, name);
        assertTrue(event.startsWith("{\"type\":\"ADDED\""), event);
      }
      assertTrue(reader.isAlive(), "the watch is still open");
    } finally {
      watch.body().close();
      reader.join(5000);
    }
  }

  /** The next event about {@code name}; the namespace's own kube-root-ca.crt may come first. */
  private static String nextEventFor(BlockingQueue<String> lines, String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      String event = lines.poll(1, TimeUnit.SECONDS);
      if (event != null && event.contains("\"name\":\"" + name + "\"")) {
        return event;
      }
    }
    throw new AssertionError("no event for " + name + " within 20s");
  }

  @Test
  @DisplayName("gets and lists go up on a pooled HTTP/1.1 keep-alive connection, used again each time; a watch is a stream")
  void shortRequestsReuseAnHttp1Connection() throws Exception {
    Metrics metrics = PROXY.server().counters();
    await("nothing in flight before", () -> metrics.exchangesInFlight.get() == 0 && metrics.upstreamStreams.get() == 0);
    HttpClient client = http2();
    String token = field(PROXY.kubeconfig(), "token");
    long connectsBefore = metrics.upstreamConnects.sum();
    long streamsBefore = metrics.upstreamStreamsOpened.sum();
    for (int i = 0; i < 20; i++) {
      String path = i % 2 == 0 ? "/api/v1/namespaces/default/configmaps" : "/api/v1/namespaces/default";
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(PROXY.server().url() + path))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertEquals(HttpClient.Version.HTTP_2, response.version());
    }
    assertEquals(0, metrics.upstreamStreamsOpened.sum() - streamsBefore, "upstream streams opened for gets and lists");
    // One client connection is served on one event loop, so one pooled connection serves it all.
    assertTrue(metrics.upstreamConnects.sum() - connectsBefore <= 1,
        "connections made for 20 requests: " + (metrics.upstreamConnects.sum() - connectsBefore));
    await("the connection is back in the pool", () -> metrics.upstreamConnectionsIdle.get() >= 1
        && metrics.upstreamInUse.get() == 0);
    HttpResponse<InputStream> watch = client.send(HttpRequest.newBuilder(
            URI.create(PROXY.server().url() + "/api/v1/namespaces/default/configmaps?watch=1"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = watch.body()) {
      assertEquals(200, watch.statusCode());
      assertEquals(1, metrics.upstreamStreamsOpened.sum() - streamsBefore, "the watch is an upstream stream");
    }
  }

  @Test
  @DisplayName("a client that leaves a watch closes its upstream stream; nothing stays in flight")
  void leavingClientClosesUpstream() throws Exception {
    Metrics metrics = PROXY.server().counters();
    await("nothing in flight before", () -> metrics.exchangesInFlight.get() == 0 && metrics.upstreamInUse.get() == 0);
    try (Tool.Background watch = kubectl().background("get", "configmaps", "-A", "--watch")) {
      watch.awaitStdout("kube-root-ca.crt", Duration.ofSeconds(30));
      await("the watch holds one upstream stream", () -> metrics.upstreamInUse.get() == 1);
      assertEquals(1, metrics.exchangesInFlight.get());
      assertEquals(1, metrics.upstreamStreams.get(), "the API server offers HTTP/2: the watch is a stream");
    }
    await("the watch's upstream stream is closed once kubectl is gone", () -> metrics.upstreamInUse.get() == 0
        && metrics.exchangesInFlight.get() == 0 && metrics.upstreamStreams.get() == 0);
    Exchange watch = PROXY.tap().await(e -> "watch".equals(e.verb()) && e.error() != null, Duration.ofSeconds(10));
    assertEquals(200, watch.statusCode());
    assertEquals("the client closed the connection before the response was over", watch.error());
  }

  @Test
  @DisplayName("exec becomes a byte tunnel after the 101; the tap hears of it once it closes, with its bytes")
  void execTunnel() throws Exception {
    Tool kubectl = kubectl();
    kubectl.run("create", "namespace", "tunnel").ok();
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: shell
        spec:
          containers:
          - name: web
            image: registry.example/shop/web:1.4.1
        """, "-n", "tunnel", "apply", "-f", "-").ok();
    kubectl.run("-n", "tunnel", "wait", "--for=condition=Ready", "pod/shell", "--timeout=60s").ok();
    assertEquals("through the tunnel\n",
        kubectl.runWithInput("through the tunnel\n", "-n", "tunnel", "exec", "-i", "shell", "--", "cat").ok().stdout());
    Exchange exec = PROXY.tap().await(e -> "exec".equals(e.subresource()) && "tunnel".equals(e.namespace()),
        Duration.ofSeconds(10));
    assertEquals(101, exec.statusCode());
    assertTrue(exec.bytesIn() > 0 && exec.bytesOut() > 0, exec.toString());
    assertNull(exec.requestBody());
    await("no tunnel stays open", () -> PROXY.server().counters().tunnelsOpen.get() == 0);
  }

  @Test
  @DisplayName("/metrics is served on its own port, never on the proxied one")
  void metricsEndpoint() throws Exception {
    try (ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults()
        .withUpstream(SANDBOX.upstream().kubeconfig(), null)
        .withListen("127.0.0.1", 0)
        .withStateFolder(SANDBOX.folder().resolve("metrics"))
        .withMetrics("127.0.0.1", 0))) {
      assertEquals("code 200", RawClient.of(proxy.kubeconfig()).send("GET", "/version", null, null).lines().findFirst()
          .orElseThrow());
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(proxy.metricsUrl().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("\nkubetape_proxy_requests_total 1\n"), metrics.body());
      assertTrue(metrics.body().contains("\nkubetape_proxy_tap_dropped_total 0\n"), metrics.body());
      String proxied = RawClient.of(proxy.kubeconfig()).send("GET", "/metrics", null, null);
      assertFalse(proxied.contains("kubetape_proxy_requests_total"), proxied);
    }
  }

  @Test
  @DisplayName("the tap gets routes and deploy bodies as JSON, and never a token or an Authorization header")
  void tapWithoutCredentials() throws Exception {
    Tool kubectl = kubectl();
    kubectl.run("create", "namespace", "tapped").ok();
    kubectl.run("-n", "tapped", "create", "configmap", "settings", "--from-literal=color=blue").ok();
    kubectl.run("-n", "tapped", "create", "secret", "generic", "creds", "--from-literal=user=admin").ok();
    kubectl.runWithInput("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 0
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: registry.example/shop/web:1.4.1
        """, "-n", "tapped", "apply", "-f", "-").ok();
    kubectl.run("-n", "tapped", "get", "configmaps", "--as", "jane", "--as-group", "system:masters").ok();

    Exchange create = PROXY.tap().await(e -> "create".equals(e.verb()) && "configmaps".equals(e.resource())
        && "tapped".equals(e.namespace()), Duration.ofSeconds(10));
    assertEquals(201, create.statusCode());
    assertTrue(create.requestBody().contains("\"data\":{\"color\":\"blue\"}"), create.requestBody());
    assertTrue(create.requestBody().startsWith("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\""), create.requestBody());
    assertTrue(create.responseBody().contains("\"uid\":"), create.responseBody());
    assertTrue(create.userAgent().startsWith("kubectl"), create.userAgent());
    Exchange apply = PROXY.tap().await(e -> "deployments".equals(e.resource()) && e.mutating()
        && e.statusCode() / 100 == 2, Duration.ofSeconds(10));
    assertTrue(apply.requestBody().contains("registry.example/shop/web:1.4.1"), apply.requestBody());
    Exchange impersonated = PROXY.tap().await(e -> "list".equals(e.verb()) && "tapped".equals(e.namespace())
        && "configmaps".equals(e.resource()), Duration.ofSeconds(10));
    assertEquals("jane", impersonated.impersonatedUser());
    assertNull(impersonated.requestBody());
    assertNull(impersonated.responseBody());

    String proxyToken = field(PROXY.kubeconfig(), "token");
    String upstreamToken = field(SANDBOX.upstream().kubeconfig(), "token");
    List<Exchange> all = PROXY.tap().exchanges();
    assertTrue(all.size() > 10, "exchanges: " + all.size());
    for (Exchange exchange : all) {
      String text = exchange.toString();
      assertFalse(text.contains(proxyToken), text);
      assertFalse(text.contains(upstreamToken), text);
      assertFalse(text.contains("Bearer"), text);
    }
  }

  @Test
  @DisplayName("a tap that never returns does not delay a single request")
  void stuckTapNeverDelays() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    try (ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults()
        .withUpstream(SANDBOX.upstream().kubeconfig(), null)
        .withListen("127.0.0.1", 0)
        .withStateFolder(SANDBOX.folder().resolve("stuck"))
        .withTap(exchange -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }))) {
      RawClient client = RawClient.of(proxy.kubeconfig());
      assertTrue(client.send("GET", "/api/v1/namespaces/default", null, null).startsWith("code 200"));
      long slowest = 0;
      for (int i = 0; i < 30; i++) {
        long started = System.nanoTime();
        String answer = client.send("GET", "/api/v1/namespaces/default/configmaps", null, null);
        slowest = Math.max(slowest, System.nanoTime() - started);
        assertTrue(answer.startsWith("code 200"), answer);
      }
      assertTrue(slowest < TimeUnit.SECONDS.toNanos(3), "slowest request took " + slowest / 1_000_000 + " ms");
      assertEquals(0, proxy.counters().tapDelivered.sum());
    } finally {
      never.countDown();
    }
  }
}
