package dev.kubetape.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/** k3s in a container through Testcontainers, where a Docker engine exists. */
final class K3sUpstream implements Upstream {
  /** The k3s release closest to the Kubernetes version the sandbox and testbed speak. */
  static final String IMAGE = "rancher/k3s:v1.34.4-k3s1";

  private final K3sContainer k3s;
  private final Path kubeconfig;

  K3sUpstream(Path folder) {
    k3s = new K3sContainer(DockerImageName.parse(IMAGE));
    k3s.start();
    kubeconfig = folder.resolve("k3s.kubeconfig");
    try {
      Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
    } catch (IOException e) {
      k3s.stop();
      throw new UncheckedIOException(e);
    }
  }

  /** Why k3s cannot run here, or null when it can. */
  static String unavailableReason() {
    try {
      return DockerClientFactory.instance().isDockerAvailable() ? null
          : "no Docker engine is reachable on this machine, and k3s runs in a container";
    } catch (RuntimeException | LinkageError e) {
      return "Testcontainers could not look for a Docker engine: " + e.getMessage();
    }
  }

  @Override
  public String name() {
    return "k3s";
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() {
    k3s.stop();
  }
}
