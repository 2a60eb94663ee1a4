package dev.kubetape.testkit;

import java.nio.file.Path;

/**
 * A running Kubernetes API server that a suite drives through a kubeconfig: the sandbox, the
 * real control plane of {@code testbed/}, or k3s.
 */
public interface Upstream extends AutoCloseable {
  /** "sandbox", "real" or "k3s": how reports name it. */
  String name();

  /** A kubeconfig whose current context reaches the server with full rights. */
  Path kubeconfig();

  /**
   * Why this upstream's nodes cannot run commands in containers or keep per-run logs the way a
   * kubelet does, or null when they can. KWOK, the testbed's node simulator, runs no processes.
   */
  default String noContainerRuntime() {
    return null;
  }

  @Override
  void close();
}
