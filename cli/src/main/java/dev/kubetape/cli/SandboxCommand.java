package dev.kubetape.cli;

import dev.kubetape.sandbox.Sandbox;
import dev.kubetape.sandbox.SandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubetape sandbox}: an emulated Kubernetes API server for the demo and for tests. */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
    description = {"Runs an emulated Kubernetes API server that kubectl and helm use unmodified.",
        "Prints one line once it accepts connections, then runs until SIGINT/SIGTERM."})
final class SandboxCommand implements Callable<Integer> {
  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
      description = "Address to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--kubeconfig-out", paramLabel = "FILE",
      description = "Where to write the kubeconfig (default: ~/.kubetape/sandbox-kubeconfig).")
  Path kubeconfigOut;

  @Option(names = "--catalog", paramLabel = "FILE",
      description = "Image catalog: how each image behaves (default: the built-in one).")
  Path catalog;

  @Option(names = "--nodes", paramLabel = "FILE",
      description = "Node list (default: three nodes of 4 CPU / 8Gi).")
  Path nodes;

  @Option(names = "--time-scale", paramLabel = "N", defaultValue = "1",
      description = "Run controller timers N times faster than real time (default: ${DEFAULT-VALUE}).")
  double timeScale;

  @Option(names = "--event-ttl", paramLabel = "DURATION", defaultValue = "1h",
      description = "How long Events live after they last happened, like kube-apiserver's"
          + " --event-ttl: 90s, 10m, 1h (default: ${DEFAULT-VALUE}).")
  String eventTtl;

  @Override
  public Integer call() throws Exception {
    Listen address = Listen.parse(listen, "--listen");
    Path kubeconfig = kubeconfigOut != null ? kubeconfigOut
        : Path.of(System.getProperty("user.home"), ".kubetape", "sandbox-kubeconfig");
    for (Path file : new Path[] {catalog, nodes}) {
      if (file != null && !Files.isReadable(file)) {
        throw new IllegalArgumentException("cannot read " + file + "; check the path given to "
            + (file == catalog ? "--catalog" : "--nodes"));
      }
    }
    SandboxConfig config = SandboxConfig.defaults()
        .withListen(address.host(), address.port())
        .withKubeconfigOut(kubeconfig)
        .withCatalog(catalog)
        .withNodes(nodes)
        .withTimeScale(timeScale)
        .withEventTtl(Durations.parse(eventTtl, "--event-ttl"));
    Sandbox sandbox = Sandbox.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sandbox.close();
      stopped.countDown();
    }, "kubetape-shutdown"));
    System.out.println("sandbox ready at " + sandbox.url() + " (kubeconfig: " + kubeconfig.toAbsolutePath() + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
