package dev.kubetape.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run a sandbox.
 *
 * @param host the address to listen on (loopback by default)
 * @param port the port, 0 for a free one
 * @param kubeconfigOut where to write the kubeconfig that points kubectl at the sandbox
 * @param catalog the image catalog (null: the built-in default)
 * @param nodes the node list (null: three nodes of 4 CPU / 8Gi)
 * @param timeScale how much faster than real time controller timers run (1 = real time)
 * @param eventTtl how long an Event lives after it last happened (kube-apiserver's --event-ttl)
 */
public record SandboxConfig(String host, int port, Path kubeconfigOut, Path catalog, Path nodes,
    double timeScale, Duration eventTtl) {

  public SandboxConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
    }
    if (!(timeScale >= 1)) {
      throw new IllegalArgumentException("--time-scale must be 1 or more, not " + timeScale);
    }
    Objects.requireNonNull(eventTtl, "eventTtl");
    if (eventTtl.isNegative() || eventTtl.isZero()) {
      throw new IllegalArgumentException("--event-ttl must be positive, not " + eventTtl);
    }
  }

  /** Loopback, a free port, real time, and no kubeconfig file. */
  public static SandboxConfig defaults() {
    return new SandboxConfig("127.0.0.1", 0, null, null, null, 1, Duration.ofHours(1));
  }

  public SandboxConfig withListen(String host, int port) {
    return new SandboxConfig(host, port, kubeconfigOut, catalog, nodes, timeScale, eventTtl);
  }

  public SandboxConfig withKubeconfigOut(Path file) {
    return new SandboxConfig(host, port, file, catalog, nodes, timeScale, eventTtl);
  }

  public SandboxConfig withCatalog(Path file) {
    return new SandboxConfig(host, port, kubeconfigOut, file, nodes, timeScale, eventTtl);
  }

  public SandboxConfig withNodes(Path file) {
    return new SandboxConfig(host, port, kubeconfigOut, catalog, file, timeScale, eventTtl);
  }

  public SandboxConfig withTimeScale(double scale) {
    return new SandboxConfig(host, port, kubeconfigOut, catalog, nodes, scale, eventTtl);
  }

  public SandboxConfig withEventTtl(Duration ttl) {
    return new SandboxConfig(host, port, kubeconfigOut, catalog, nodes, timeScale, ttl);
  }
}
