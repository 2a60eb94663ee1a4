package dev.kubetape.proxy;

import dev.kubetape.testkit.KubectlSuite;
import dev.kubetape.testkit.UpstreamExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("kubectl 1.32 and helm through the proxy, against the sandbox")
class ProxiedSandboxKubectl132IT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(SANDBOX);

  @Override
  protected String kubectlVersion() {
    return "1.32";
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
