package dev.kubetape.testkit;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("kubectl 1.32 against the sandbox")
class SandboxKubectl132IT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();

  @BeforeAll
  static void needsKubectl132() {
    if (KubeTools.kubectl("1.32") == null) {
      String reason = "no kubectl 1.32 on this machine (set KUBECTL_1_32 to one)";
      System.err.println("[kubetape] skipping kubectl 1.32 against the sandbox: " + reason);
      Assumptions.abort(reason);
    }
  }

  @Override
  protected Path kubectlBinary() {
    return KubeTools.kubectl("1.32");
  }

  @Override
  protected UpstreamExtension upstream() {
    return SANDBOX;
  }
}
