package dev.kubetape.cli;

import dev.kubetape.proxy.ProxyConfig;
import dev.kubetape.proxy.ProxyServer;
import dev.kubetape.recorder.Recorder;
import dev.kubetape.recorder.RecorderConfig;
import dev.kubetape.recorder.Retention;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubetape proxy}: the transparent proxy kubectl, helm and CI talk to instead of the API server. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
    description = {"Forwards every request to the API server of a kubeconfig context, unchanged but for the"
        + " credentials, and writes a kubeconfig that points kubectl at it.",
        "Prints one line once it accepts connections (two with the metrics endpoint), then runs until"
            + " SIGINT/SIGTERM."})
final class ProxyCommand implements Callable<Integer> {
  @Option(names = "--upstream-kubeconfig", paramLabel = "FILE",
      description = "The kubeconfig that reaches the cluster (default: the first file of $KUBECONFIG, else"
          + " ~/.kube/config).")
  Path upstreamKubeconfig;

  @Option(names = "--context", paramLabel = "NAME",
      description = "The context of that kubeconfig to use (default: its current context).")
  String context;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8443",
      description = "Address to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--allow-remote",
      description = "Allow a --listen address that other machines can reach (the proxy acts with your"
          + " cluster credentials, so this is off by default).")
  boolean allowRemote;

  @Option(names = "--kubeconfig-out", paramLabel = "FILE",
      description = "Where to write the kubeconfig for kubectl (default: ~/.kubetape/kubeconfig).")
  Path kubeconfigOut;

  @Option(names = "--archive", paramLabel = "DIR",
      description = "Where recordings go (default: ~/.kubetape/archive).")
  Path archive;

  @Option(names = "--retain-age", paramLabel = "DURATION",
      description = "Remove recorded records older than this, such as 90d or 720h (default: keep them all).")
  String retainAge;

  @Option(names = "--retain-size", paramLabel = "SIZE",
      description = "Keep the archive folder under this size, removing the oldest records first, such as"
          + " 20GiB (default: no limit; at least 64MiB).")
  String retainSize;

  @Option(names = "--no-record", description = "Only forward; record nothing (no archive, no watches of its own).")
  boolean noRecord;

  @Option(names = "--web", paramLabel = "HOST:PORT",
      description = "Where the viewer will be served (default: 127.0.0.1:7070). Until it arrives, this address"
          + " serves the proxy's own /metrics.")
  String web;

  @Option(names = "--no-web", description = "Serve nothing besides the proxy (no viewer, no /metrics).")
  boolean noWeb;

  @Override
  public Integer call() throws Exception {
    if (noWeb && web != null) {
      throw new IllegalArgumentException("--web and --no-web contradict each other; give one of them");
    }
    Listen address = Listen.parse(listen, "--listen");
    Listen webAddress = noWeb ? null : Listen.parse(web != null ? web : "127.0.0.1:7070", "--web");
    Path home = Path.of(System.getProperty("user.home"), ".kubetape");
    Path kubeconfig = kubeconfigOut != null ? kubeconfigOut : home.resolve("kubeconfig");
    ProxyConfig config = ProxyConfig.defaults()
        .withUpstream(upstreamKubeconfig != null ? upstreamKubeconfig : defaultUpstreamKubeconfig(), context)
        .withListen(address.host(), address.port())
        .withAllowRemote(allowRemote)
        .withStateFolder(home)
        .withKubeconfigOut(kubeconfig);
    if (webAddress != null) {
      config = config.withMetrics(webAddress.host(), webAddress.port());
    }
    Retention retention = new Retention(retainAge == null ? null : Durations.parse(retainAge, "--retain-age"),
        retainSize == null ? null : Sizes.parse(retainSize, "--retain-size"));
    Recorder recorder = noRecord ? null : Recorder.start(RecorderConfig.of(
        archive != null ? archive : home.resolve("archive"), config.upstreamKubeconfig(), context)
        .withRetention(retention));
    ProxyServer proxy;
    try {
      proxy = ProxyServer.start(recorder == null ? config : config.withTap(recorder));
    } catch (RuntimeException | java.io.IOException e) {
      if (recorder != null) {
        recorder.close();
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      proxy.close();
      if (recorder != null) {
        recorder.close(); // after the proxy: the last exchanges are recorded, then the archive committed
      }
      stopped.countDown();
    }, "kubetape-shutdown"));
    System.out.println("proxy ready at " + proxy.url() + " (kubeconfig: " + kubeconfig.toAbsolutePath() + ")");
    if (proxy.metricsUrl() != null) {
      System.out.println("viewer at " + proxy.metricsUrl());
    }
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** The first file of $KUBECONFIG that exists, else ~/.kube/config, as kubectl would look. */
  private static Path defaultUpstreamKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      for (String entry : env.split(File.pathSeparator)) {
        if (!entry.isBlank() && Files.exists(Path.of(entry))) {
          return Path.of(entry);
        }
      }
      throw new IllegalArgumentException("no file of KUBECONFIG (" + env + ") exists; pass"
          + " --upstream-kubeconfig FILE with the kubeconfig kubectl uses for the cluster");
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    if (!Files.exists(home)) {
      throw new IllegalArgumentException("no upstream kubeconfig: " + home + " does not exist and KUBECONFIG is"
          + " not set; pass --upstream-kubeconfig FILE with the kubeconfig kubectl uses for the cluster");
    }
    return home;
  }
}
