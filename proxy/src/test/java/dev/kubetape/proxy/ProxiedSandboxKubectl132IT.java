package dev.kubetape.proxy;

import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.KubectlSuite;
import dev.kubetape.testkit.UpstreamExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("kubectl 1.32 and helm through the proxy, against the sandbox")
class ProxiedSandboxKubectl132IT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(SANDBOX);

  @BeforeAll
  static void needsKubectl132() {
    if (KubeTools.kubectl("1.32") == null) {
      String reason = "no kubectl 1.32 on this machine (set KUBECTL_1_32 to one)";
      System.err.println("[kubetape] skipping kubectl 1.32 through the proxy: " + reason);
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

  @Override
  protected Path kubeconfig() {
    return PROXY.kubeconfig();
  }
}
