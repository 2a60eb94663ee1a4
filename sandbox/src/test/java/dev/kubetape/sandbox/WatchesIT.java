package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches over real HTTP/2 and TLS: what each watch receives, how the server's event loops share
 * the connections, and what happens to a client that stops reading.
 */
class WatchesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path folder;
  static Sandbox sandbox;
  static Client client;

  @BeforeAll
  static void start() throws Exception {
    // 40 nodes: their list is larger than 64 KiB.
    StringBuilder nodes = new StringBuilder("nodes:\n");
    for (int i = 1; i <= 40; i++) {
      nodes.append("  - name: node-").append(i).append("\n");
    }
    Files.writeString(folder.resolve("nodes.yaml"), nodes);
    sandbox = Sandbox.start(SandboxConfig.defaults().withNodes(folder.resolve("nodes.yaml")));
    client = new Client(sandbox);
    client.create("/api/v1/namespaces", namespace("watches"));
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @Test
  @DisplayName("a watch with a selector from a resourceVersion: ADDED when an object enters it, DELETED when it leaves, in order")
  void selectorTransitions() throws Exception {
    String configMaps = "/api/v1/namespaces/watches/configmaps";
    long from = client.create(configMaps, configMap("a", "tier", "web", 0)).revision();
    client.create(configMaps, configMap("b", "tier", "web", 0));
    client.create(configMaps, configMap("c", "tier", "db", 0));
    client.put(configMaps + "/a", configMap("a", "tier", "db", 0));
    client.put(configMaps + "/a", configMap("a", "tier", "web", 0));
    client.delete(configMaps + "/b");
    List<String> events = client.watch(configMaps + "?watch=true&labelSelector=tier%3Dweb&resourceVersion=" + from, 4);
    assertEquals(List.of("ADDED b", "DELETED a", "ADDED a", "DELETED b"), events);
  }

  @Test
  @DisplayName("sendInitialEvents: the objects as ADDED, a bookmark marking their end, then the changes")
  void initialEvents() throws Exception {
    String secrets = "/api/v1/namespaces/watches/secrets";
    client.create(secrets, named("Secret", "first"));
    List<String> events = new CopyOnWriteArrayList<>();
    CompletableFuture<List<String>> watch = CompletableFuture.supplyAsync(() -> client.watch(secrets
        + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan", 3));
    Thread.sleep(500);
    client.create(secrets, named("Secret", "second"));
    events.addAll(watch.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(List.of("ADDED first", "BOOKMARK initial-events-end", "ADDED second"), events);
  }

  @Test
  @DisplayName("a client that stops reading is cut off once 8 MiB wait for it; from its last resourceVersion it gets the rest, each once")
  void slowWatcherIsCutOffAndResumes() throws Exception {
    String configMaps = "/api/v1/namespaces/watches/configmaps";
    long from = client.list(configMaps);
    int count = (int) (WatchStream.MAX_UNSENT_BYTES / (64 * 1024)) + 40;
    Vertx vertx = Vertx.vertx();
    try {
      // The default HTTP/2 windows of 64 KiB: a paused response soon stops the server's stream.
      HttpClientAgent http = vertx.httpClientBuilder().with(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(client.caPem))))
          .with(new PoolOptions().setHttp2MaxSize(1)).build();
      Lines first = new Lines();
      HttpClientResponse slow = http.request(client.vertxRequest(configMaps + "?watch=true&labelSelector=bulk%3Dyes"
              + "&resourceVersion=" + from)).compose(HttpClientRequest::send)
          .toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      slow.pause();
      slow.handler(first::append);
      slow.endHandler(v -> first.ended.complete(null));
      slow.exceptionHandler(first.ended::completeExceptionally);
      List<String> created = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        created.add(client.create(configMaps, configMap("bulk-" + i, "bulk", "yes", 64 * 1024)).name());
      }
      slow.resume();
      first.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(first.names.size() < count, "the watch ended after all " + count + " events: it was not cut off");

      Lines rest = new Lines();
      HttpClientResponse resumed = http.request(client.vertxRequest(configMaps + "?watch=true&labelSelector=bulk%3Dyes"
              + "&timeoutSeconds=1&resourceVersion=" + first.lastRevision)).compose(HttpClientRequest::send)
          .toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      resumed.handler(rest::append);
      resumed.endHandler(v -> rest.ended.complete(null));
      rest.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      List<String> all = new ArrayList<>(first.names);
      all.addAll(rest.names);
      assertEquals(created, all);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  @DisplayName("connections are served by every event loop, and so are the watches they carry")
  void watchesSpreadOverEventLoops() throws Exception {
    List<CompletableFuture<HttpResponse<java.io.InputStream>>> watches = new ArrayList<>();
    List<HttpClient> connections = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HttpClient connection = client.newHttpClient();
      connections.add(connection);
      watches.add(connection.sendAsync(client.request("/api/v1/namespaces/watches/pods?watch=true").build(),
          HttpResponse.BodyHandlers.ofInputStream()));
    }
    for (CompletableFuture<HttpResponse<java.io.InputStream>> watch : watches) {
      assertEquals(200, watch.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
    }
    Map<?, ?> dispatchers = (Map<?, ?>) field(field(sandbox, "server"), "dispatchers");
    assertEquals(Math.max(2, Runtime.getRuntime().availableProcessors()), dispatchers.size(),
        "event loops with watches: " + dispatchers.keySet());
    connections.forEach(HttpClient::shutdownNow);
  }

  @Test
  @DisplayName("an answer sharing its HTTP/2 connection with a larger one (over 64 KiB) arrives")
  void answersShareAConnection() throws Exception {
    for (int round = 0; round < 10; round++) {
      HttpClient connection = client.newHttpClient();
      try {
        connection.send(client.request("/version").build(), HttpResponse.BodyHandlers.ofString());
        var large = connection.sendAsync(client.request("/api/v1/nodes").build(), HttpResponse.BodyHandlers.ofString());
        var small = connection.sendAsync(client.request("/api/v1/namespaces").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(large.get(WAIT.toSeconds(), TimeUnit.SECONDS).body().length() > 64 * 1024);
        assertEquals(200, small.get(10, TimeUnit.SECONDS).statusCode(), "round " + round);
      } finally {
        // Not close(): it would wait for an answer that never comes.
        connection.shutdownNow();
      }
    }
  }

  @Test
  @DisplayName("a second sandbox in the same JVM answers after one closed with its watches open")
  void secondSandboxAfterOneClosedWithWatches() throws Exception {
    Sandbox first = Sandbox.start(SandboxConfig.defaults());
    Client firstClient = new Client(first);
    HttpClient connection = firstClient.newHttpClient();
    List<CompletableFuture<HttpResponse<java.io.InputStream>>> watches = new ArrayList<>();
    for (String resource : List.of("pods", "configmaps", "secrets", "services", "events")) {
      watches.add(connection.sendAsync(firstClient.request("/api/v1/" + resource + "?watch=true").build(),
          HttpResponse.BodyHandlers.ofInputStream()));
    }
    for (var watch : watches) {
      assertEquals(200, watch.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
    }
    first.close();
    connection.shutdownNow();
    Sandbox second = Sandbox.start(SandboxConfig.defaults());
    try {
      Client secondClient = new Client(second);
      assertEquals(200, secondClient.newHttpClient().sendAsync(secondClient.request("/api/v1/namespaces").build(),
          HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS).statusCode());
    } finally {
      second.close();
    }
  }

  // ---- objects and the client -----------------------------------------------------------------

  private static ObjectNode namespace(String name) {
    return named("Namespace", name);
  }

  private static ObjectNode named(String kind, String name) {
    ObjectNode object = Json.object().put("apiVersion", "v1").put("kind", kind);
    object.putObject("metadata").put("name", name);
    return object;
  }

  private static ObjectNode configMap(String name, String label, String value, int size) {
    ObjectNode object = named("ConfigMap", name);
    ((ObjectNode) object.get("metadata")).putObject("labels").put(label, value);
    object.putObject("data").put("payload", "x".repeat(size));
    return object;
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field field = owner.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(owner);
  }

  /** A watch's lines as they arrive: the names of its objects, or BOOKMARK and its annotation. */
  private static final class Lines {
    final List<String> names = new ArrayList<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    long lastRevision;
    private final StringBuilder partial = new StringBuilder();

    void append(Buffer buffer) {
      partial.append(buffer.toString(StandardCharsets.UTF_8));
      for (int newline; (newline = partial.indexOf("\n")) >= 0; ) {
        JsonNode event = parse(partial.substring(0, newline));
        partial.delete(0, newline + 1);
        names.add(event.path("object").path("metadata").path("name").asText());
        lastRevision = Long.parseLong(event.path("object").path("metadata").path("resourceVersion").asText());
      }
    }
  }

  /** The JDK's HTTP/2 client, trusting the sandbox's CA and sending its token. */
  static final class Client {
    record Created(String name, long revision) {}

    final String caPem;
    private final URI url;
    private final String token;
    private final SSLContext tls;
    private final HttpClient http;

    Client(Sandbox sandbox) throws IOException, GeneralSecurityException {
      JsonNode kubeconfig = Json.YAML.readTree(sandbox.kubeconfig());
      caPem = new String(Base64.getDecoder().decode(
          kubeconfig.path("clusters").path(0).path("cluster").path("certificate-authority-data").asText()),
          StandardCharsets.US_ASCII);
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null);
      trusted.setCertificateEntry("sandbox", CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      url = sandbox.url();
      token = sandbox.token();
      http = newHttpClient();
    }

    /** A client of its own: its own HTTP/2 connection. */
    HttpClient newHttpClient() {
      return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build();
    }

    HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(url.resolve(path)).timeout(WAIT).header("Authorization", "Bearer " + token);
    }

    RequestOptions vertxRequest(String path) {
      return new RequestOptions().setHost(url.getHost()).setPort(url.getPort()).setURI(path)
          .putHeader("Authorization", "Bearer " + token);
    }

    Created create(String path, ObjectNode object) throws IOException, InterruptedException {
      return write(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(object))), 201);
    }

    Created put(String path, ObjectNode object) throws IOException, InterruptedException {
      return write(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(object))), 200);
    }

    void delete(String path) throws IOException, InterruptedException {
      write(request(path).DELETE(), 200);
    }

    /** The resourceVersion of a list. */
    long list(String path) throws IOException, InterruptedException {
      HttpResponse<String> response = http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
      return Long.parseLong(Json.MAPPER.readTree(response.body()).path("metadata").path("resourceVersion").asText());
    }

    private Created write(HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
      HttpResponse<String> response = http.send(request.header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(expected, response.statusCode(), response.body());
      JsonNode metadata = Json.MAPPER.readTree(response.body()).path("metadata");
      return new Created(metadata.path("name").asText(), metadata.path("resourceVersion").asLong());
    }

    /** The first {@code count} events of a watch, as "TYPE name" (bookmarks: "BOOKMARK" and their annotation). */
    List<String> watch(String path, int count) {
      try {
        HttpResponse<java.util.stream.Stream<String>> response = http.send(request(path).build(),
            HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        try (java.util.stream.Stream<String> lines = response.body()) {
          return lines.limit(count).map(line -> {
            JsonNode event = parse(line);
            JsonNode metadata = event.path("object").path("metadata");
            return event.path("type").asText() + " " + (event.path("type").asText().equals("BOOKMARK")
                ? String.join(",", (Iterable<String>) () -> metadata.path("annotations").fieldNames())
                    .replace("k8s.io/", "")
                : metadata.path("name").asText());
          }).toList();
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("watch " + path + " failed", e);
      }
    }
  }
}
