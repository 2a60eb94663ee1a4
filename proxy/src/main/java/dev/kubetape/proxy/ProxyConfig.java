package dev.kubetape.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run a proxy. {@link #defaults()} holds the contract's defaults except the upstream
 * kubeconfig, which the caller resolves ({@code --upstream-kubeconfig}, then {@code $KUBECONFIG},
 * then {@code ~/.kube/config}).
 *
 * @param upstreamKubeconfig the kubeconfig that reaches the API server
 * @param context its context to use; null for its current context
 * @param host the address to listen on; loopback unless {@code allowRemote}
 * @param port the port, 0 for a free one
 * @param allowRemote whether a non-loopback address may be used
 * @param stateFolder where kubetape's CA, certificate and token are kept (~/.kubetape)
 * @param kubeconfigOut where to write the kubeconfig that points kubectl at the proxy
 * @param tap who hears about each exchange, or null for nobody
 * @param metricsHost where to serve /metrics over plain HTTP, or null for nowhere
 * @param metricsPort the metrics port, 0 for a free one
 * @param requestHeadTimeout how long a client may take to send a request head once it started
 * @param idleTimeout how long an HTTP/1.1 client connection may sit between requests
 * @param logInterval the least time between two log lines of one error class
 * @param upstreamHttp2 whether to offer HTTP/2 to the API server (streams multiplexed on few
 *     connections); off, every request takes an HTTP/1.1 connection of its own
 */
public record ProxyConfig(Path upstreamKubeconfig, String context, String host, int port, boolean allowRemote,
    Path stateFolder, Path kubeconfigOut, Tap tap, String metricsHost, int metricsPort,
    Duration requestHeadTimeout, Duration idleTimeout, Duration logInterval, boolean upstreamHttp2) {

  public ProxyConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(stateFolder, "stateFolder");
    Objects.requireNonNull(kubeconfigOut, "kubeconfigOut");
    Objects.requireNonNull(requestHeadTimeout, "requestHeadTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(logInterval, "logInterval");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the listen port must be between 0 and 65535, not " + port);
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("the metrics port must be between 0 and 65535, not " + metricsPort);
    }
  }

  /**
   * 127.0.0.1:8443, state and kubeconfig in ~/.kubetape, no tap, no metrics endpoint, the API
   * server's own time-outs (32 s for a request head, as kube-apiserver's ReadHeaderTimeout;
   * two minutes idle between requests), error lines at most once a minute per class, HTTP/2
   * upstream where the API server offers it.
   */
  public static ProxyConfig defaults() {
    Path home = Path.of(System.getProperty("user.home"), ".kubetape");
    return new ProxyConfig(null, null, "127.0.0.1", 8443, false, home, home.resolve("kubeconfig"), null, null, 0,
        Duration.ofSeconds(32), Duration.ofMinutes(2), Duration.ofMinutes(1), true);
  }

  public ProxyConfig withUpstream(Path kubeconfig, String contextName) {
    return new ProxyConfig(kubeconfig, contextName, host, port, allowRemote, stateFolder, kubeconfigOut, tap,
        metricsHost, metricsPort, requestHeadTimeout, idleTimeout, logInterval, upstreamHttp2);
  }

  public ProxyConfig withListen(String listenHost, int listenPort) {
    return new ProxyConfig(upstreamKubeconfig, context, listenHost, listenPort, allowRemote, stateFolder,
        kubeconfigOut, tap, metricsHost, metricsPort, requestHeadTimeout, idleTimeout, logInterval, upstreamHttp2);
  }

  public ProxyConfig withAllowRemote(boolean allow) {
    return new ProxyConfig(upstreamKubeconfig, context, host, port, allow, stateFolder, kubeconfigOut, tap,
        metricsHost, metricsPort, requestHeadTimeout, idleTimeout, logInterval, upstreamHttp2);
  }

  /** The state folder; the kubeconfig goes there too unless {@link #withKubeconfigOut} says otherwise. */
  public ProxyConfig withStateFolder(Path folder) {
    Path kubeconfig = kubeconfigOut.equals(stateFolder.resolve("kubeconfig")) ? folder.resolve("kubeconfig")
        : kubeconfigOut;
    return new ProxyConfig(upstreamKubeconfig, context, host, port, allowRemote, folder, kubeconfig, tap,
        metricsHost, metricsPort, requestHeadTimeout, idleTimeout, logInterval, upstreamHttp2);
  }

  public ProxyConfig withKubeconfigOut(Path file) {
    return new ProxyConfig(upstreamKubeconfig, context, host, port, allowRemote, stateFolder, file, tap,
        metricsHost, metricsPort, requestHeadTimeout, idleTimeout, logInterval, upstreamHttp2);
  }

  public ProxyConfig withTap(Tap listener) {
    return new ProxyConfig(upstreamKubeconfig, context, host, port, allowRemote, stateFolder, kubeconfigOut,
        listener, metricsHost, metricsPort, requestHeadTimeout, idleTimeout, logInterval, upstreamHttp2);
  }

  public ProxyConfig withMetrics(String listenHost, int listenPort) {
    return new ProxyConfig(upstreamKubeconfig, context, host, port, allowRemote, stateFolder, kubeconfigOut, tap,
        listenHost, listenPort, requestHeadTimeout, idleTimeout, logInterval, upstreamHttp2);
  }

  public ProxyConfig withTimeouts(Duration requestHead, Duration idle) {
    return new ProxyConfig(upstreamKubeconfig, context, host, port, allowRemote, stateFolder, kubeconfigOut, tap,
        metricsHost, metricsPort, requestHead, idle, logInterval, upstreamHttp2);
  }

  public ProxyConfig withUpstreamHttp2(boolean offer) {
    return new ProxyConfig(upstreamKubeconfig, context, host, port, allowRemote, stateFolder, kubeconfigOut, tap,
        metricsHost, metricsPort, requestHeadTimeout, idleTimeout, logInterval, offer);
  }

  public ProxyConfig withLogInterval(Duration interval) {
    return new ProxyConfig(upstreamKubeconfig, context, host, port, allowRemote, stateFolder, kubeconfigOut, tap,
        metricsHost, metricsPort, requestHeadTimeout, idleTimeout, interval, upstreamHttp2);
  }
}
