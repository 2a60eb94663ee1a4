package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.Tool;
import dev.kubetape.testkit.UpstreamExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The proxy loses its connection to the API server under clients that stay connected to it, as
 * on an API server restart or a network blip. The proxy reaches the sandbox through a {@link
 * CuttableRelay}; cutting it resets every upstream connection at once. A watch on it must end for
 * the client rather than hang, so that the client watches again by itself, and the next request
 * on a client connection that outlived the cut must be answered over a new upstream connection.
 */
@DisplayName("the proxy's upstream connections cut under connected clients")
class ProxyUpstreamCutIT {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();
  private static CuttableRelay relay;
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(SANDBOX, ProxyUpstreamCutIT::throughRelay, c -> c);

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** The sandbox's kubeconfig with its server moved to a relay in front of it. */
  private static Path throughRelay(UpstreamExtension upstream) {
    try {
      String kubeconfig = Files.readString(upstream.upstream().kubeconfig());
      Matcher server = Pattern.compile("server: https://([^:\\s]+):(\\d+)").matcher(kubeconfig);
      if (!server.find()) {
        throw new IllegalStateException("no https server in the sandbox's kubeconfig:\n" + kubeconfig);
      }
      relay = CuttableRelay.to(server.group(1), Integer.parseInt(server.group(2)));
      Path relayed = upstream.folder().resolve("relayed.kubeconfig");
      Files.writeString(relayed, kubeconfig.substring(0, server.start()) + "server: https://" + server.group(1)
          + ":" + relay.port() + kubeconfig.substring(server.end()));
      return relayed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void closeRelay() throws IOException {
    if (relay != null) {
      relay.close();
    }
  }

  private static String namespace(String prefix) {
    return prefix + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within " + PATIENCE + ": " + what);
      Thread.sleep(50);
    }
  }

  /**
   * Cuts every upstream connection and waits until the proxy has seen them go, so that what
   * follows needs a new one (a request sent in the instant before would find a dead connection).
   */
  private static void cut() throws InterruptedException {
    relay.cut();
    await("the proxy sees its upstream connections go", () -> PROXY.server().counters().upstreamConnections.get() == 0);
  }

  // ---- a Java client's informer ---------------------------------------------------------------

  /** fabric8 on Vert.x, as Java operators and the recorder use it, through the proxy. */
  private static KubernetesClient fabric8(Path kubeconfig) {
    Config config = Config.fromKubeconfig(null, kubeconfig.toFile());
    // An informer's watch never ends; fabric8's default of five requests per host would make
    // everything else queue behind a few of them.
    config.setMaxConcurrentRequests(64);
    config.setMaxConcurrentRequestsPerHost(64);
    // fabric8 asks for a watch over WebSocket first, which kube-apiserver serves and the sandbox
    // does not: it answers the upgrade with the plain watch stream, and the WebSocket client waits
    // for that never-ending answer to end before it falls back (directly as through the proxy).
    // Plain HTTP watches are what client-go and kubectl use.
    config.setOnlyHttpWatches(true);
    return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new Vertx5HttpClientFactory()).build();
  }

  private static String value(SharedIndexInformer<ConfigMap> informer, String namespace, String name) {
    ConfigMap cached = informer.getStore().getByKey(namespace + "/" + name);
    return cached == null || cached.getData() == null ? null : cached.getData().get("v");
  }

  private static ConfigMap configMap(String namespace, String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .addToLabels("app", "informed").endMetadata().addToData("v", value).build();
  }

  @Test
  @DisplayName("a fabric8 informer sees changes made after the cut, at the API server and through the proxy, and the proxy serves on")
  void informerSurvivesTheCut() throws Exception {
    String ns = namespace("kt-informer-");
    Tool direct = new Tool(KubeTools.kubectl(), SANDBOX.upstream().kubeconfig(), SANDBOX.folder());
    Tool proxied = new Tool(KubeTools.kubectl(), PROXY.kubeconfig(), SANDBOX.folder());
    try (KubernetesClient client = fabric8(PROXY.kubeconfig())) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      client.configMaps().resource(configMap(ns, "before", "1")).create();
      try (SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns).inform()) {
        await("the informer lists what exists", () -> "1".equals(value(informer, ns, "before")));
        client.configMaps().resource(configMap(ns, "watched", "1")).create();
        await("the informer hears a change on its watch", () -> "1".equals(value(informer, ns, "watched")));

        int connections = relay.accepted();
        cut();
        // One change straight at the API server, which only a new watch or a relist brings ...
        direct.run("-n", ns, "patch", "configmap", "before", "--type=merge", "-p", "{\"data\":{\"v\":\"2\"}}").ok();
        // ... and one through the proxy on the client's connection that outlived the cut.
        client.configMaps().resource(configMap(ns, "after", "1")).create();
        await("the informer sees the change made at the API server after the cut",
            () -> "2".equals(value(informer, ns, "before")));
        await("the informer sees the object created through the proxy after the cut",
            () -> "1".equals(value(informer, ns, "after")));
        assertTrue(relay.accepted() > connections, "the proxy made a new upstream connection after the cut");

        direct.run("-n", ns, "patch", "configmap", "watched", "--type=merge", "-p", "{\"data\":{\"v\":\"3\"}}").ok();
        await("the informer hears changes on its new watch", () -> "3".equals(value(informer, ns, "watched")));
      }
      assertEquals("configmap/after\nconfigmap/before\nconfigmap/watched\n",
          proxied.run("-n", ns, "get", "configmaps", "-l", "app=informed", "-o", "name").ok().stdout(),
          "kubectl through the proxy after the cut");
    } finally {
      direct.run("delete", "namespace", ns, "--wait=false", "--ignore-not-found");
    }
  }

  // ---- a keep-alive client connection ---------------------------------------------------------

  private static String post(String ns, String name, String token, boolean close) {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}";
    // Head and body in one write, so that they reach the proxy in one read, as most clients send them.
    return "POST /api/v1/namespaces/" + ns + "/configmaps HTTP/1.1\r\nHost: kubetape\r\nAuthorization: Bearer "
        + token + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n"
        + (close ? "Connection: close\r\n" : "") + "\r\n" + body;
  }

  @Test
  @DisplayName("the next request with a body on a client connection that outlived the cut is answered")
  void keptAliveClientIsAnsweredAfterTheCut() throws Exception {
    String ns = namespace("kt-kept-alive-");
    Tool direct = new Tool(KubeTools.kubectl(), SANDBOX.upstream().kubeconfig(), SANDBOX.folder());
    direct.run("create", "namespace", ns).ok();
    Path state = SANDBOX.folder().resolve("kubetape");
    String token = Files.readString(state.resolve("token")).strip();
    try (RawTls client = RawTls.open(PROXY.server().url(), state.resolve("ca.crt"))) {
      client.send(post(ns, "first", token, false));
      // The first exchange is over (its response written) before the cut and the next request.
      PROXY.tap().await(e -> ns.equals(e.namespace()) && e.statusCode() == 201, PATIENCE);
      cut();
      client.send(post(ns, "second", token, true));
      String responses;
      try {
        responses = client.readToEnd();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer within 30 s to the request sent after the cut", e);
      }
      assertEquals(2, responses.split("HTTP/1.1 201 Created\r\n", -1).length - 1, responses);
      assertTrue(responses.contains("\"name\":\"second\""), responses);
    } finally {
      direct.run("delete", "namespace", ns, "--wait=false", "--ignore-not-found");
    }
  }
}
