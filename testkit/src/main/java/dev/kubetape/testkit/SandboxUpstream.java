package dev.kubetape.testkit;

import dev.kubetape.sandbox.Sandbox;
import dev.kubetape.sandbox.SandboxConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** The sandbox, started in this JVM on a free loopback port. */
final class SandboxUpstream implements Upstream {
  private final Sandbox sandbox;
  private final Path kubeconfig;

  SandboxUpstream(Path folder, UnaryOperator<SandboxConfig> adjust) {
    kubeconfig = folder.resolve("sandbox.kubeconfig");
    try {
      sandbox = Sandbox.start(adjust.apply(SandboxConfig.defaults().withKubeconfigOut(kubeconfig)));
    } catch (IOException e) {
      throw new UncheckedIOException("the sandbox did not start", e);
    }
  }

  @Override
  public String name() {
    return "sandbox";
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() {
    sandbox.close();
  }
}
