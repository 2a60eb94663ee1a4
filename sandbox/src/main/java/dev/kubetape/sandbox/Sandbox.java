package dev.kubetape.sandbox;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * An emulated Kubernetes API server that unmodified kubectl, helm and client libraries use:
 * discovery, OpenAPI, the REST verbs with kube-apiserver's semantics, watches, logs and exec,
 * over HTTPS with its own CA and a bearer token. Start one with {@link #start(SandboxConfig)};
 * it writes a kubeconfig when asked to and runs until {@link #close()}.
 */
public final class Sandbox implements AutoCloseable {
  /** The Kubernetes release the sandbox impersonates (its API, its OpenAPI, its version). */
  public static final String KUBERNETES_VERSION = "v1.34.4";


  private final Vertx vertx;
  private final ControllerLoop loop;
  private final ApiServer server;
  private final URI url;
  private final String kubeconfig;
  private final Path kubeconfigFile;
  private final String token;

  private Sandbox(Vertx vertx, ControllerLoop loop, ApiServer server, URI url, String kubeconfig,
      Path kubeconfigFile, String token) {
    this.vertx = vertx;
    this.loop = loop;
    this.server = server;
    this.url = url;
    this.kubeconfig = kubeconfig;
    this.kubeconfigFile = kubeconfigFile;
    this.token = token;
  }

  /** Starts a sandbox and returns once it accepts connections. */
  public static Sandbox start(SandboxConfig config) throws IOException {
    // Start-up is mostly a cold JVM loading classes: key generation, the event loops and the
    // core API's schemas are prepared side by side.
    CompletableFuture<Certificates.Pem> certificates =
        CompletableFuture.supplyAsync(() -> Certificates.generate(config.host()));
    // An event loop per core, each with its own share of the connections (see ApiServer.listen).
    int eventLoopCount = Math.max(2, Runtime.getRuntime().availableProcessors());
    CompletableFuture<Vertx> eventLoops = CompletableFuture.supplyAsync(
        () -> Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoopCount)));
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);

    Clock clock = Clock.systemUTC();
    ApiResources resources = new ApiResources();
    OpenApi openApi = new OpenApi(resources);
    openApi.kind("", "v1", "Namespace");
    Certificates.Pem pem = certificates.join();
    ObjectStore store = new ObjectStore(100_000);
    Defaults defaults = new Defaults(store, resources);
    Admission admission = new Admission(openApi, store, resources, defaults);
    Registry registry = new Registry(resources, openApi, store, admission, new FieldManager(openApi), clock);
    ContainerRuntime runtime = new ContainerRuntime();
    NodeList nodes = NodeList.read(config.nodes());
    ImageCatalog catalog = ImageCatalog.load(config.catalog());
    ControllerLoop loop = new ControllerLoop(config.timeScale());
    new GarbageCollector(registry, loop);
    new NamespaceController(registry, loop, pem.caCertificate());
    new EndpointsController(registry, loop);
    EventRecorder events = new EventRecorder(registry, loop, config.eventTtl());
    SandboxClock sandboxClock = new SandboxClock(clock, config.timeScale());
    new Scheduler(registry, loop, sandboxClock, events);
    new Kubelet(registry, loop, sandboxClock, runtime, catalog, events, nodes);
    ControllerClock controllerClock = new ControllerClock(registry, config.timeScale());
    new ReplicaSetController(registry, loop, events, controllerClock);
    new DeploymentController(registry, loop, events, controllerClock);
    new ResourceQuotas(registry, loop);
    Cluster.bootstrap(registry, pem.caCertificate(), nodes);

    Vertx vertx = eventLoops.join();
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    ApiServer server = new ApiServer(vertx, config, pem, token, registry,
        new Discovery(resources, config.host() + ":" + config.port()), openApi,
        new Tables(openApi), new PodStreams(registry, runtime), KUBERNETES_VERSION);
    int port;
    try {
      port = server.listen(eventLoopCount);
    } catch (Exception e) {
      loop.close();
      vertx.close();
      throw new IOException("the sandbox could not listen on " + host + ":" + config.port()
          + ": " + rootMessage(e) + "; choose another --listen address or port", e);
    }
    URI url = URI.create("https://" + host + ":" + port);
    String kubeconfig = Kubeconfig.render(url.toString(), pem.caCertificate(), token);
    if (config.kubeconfigOut() != null) {
      Kubeconfig.write(config.kubeconfigOut(), kubeconfig);
    }
    return new Sandbox(vertx, loop, server, url, kubeconfig, config.kubeconfigOut(), token);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** The server's address, e.g. {@code https://127.0.0.1:6443}. */
  public URI url() {
    return url;
  }

  /** The kubeconfig text (context "sandbox"), also written to the configured file if any. */
  public String kubeconfig() {
    return kubeconfig;
  }

  /** The file the kubeconfig was written to, or null. */
  public Path kubeconfigFile() {
    return kubeconfigFile;
  }

  /** The bearer token every request must carry. */
  public String token() {
    return token;
  }

  @Override
  public void close() {
    loop.close();
    try {
      server.close();
    } catch (Exception e) {
      // Shutting down: the listener is going away with the event loops anyway.
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
