package dev.kubetape.proxy;

import dev.kubetape.testkit.KubectlSuite;
import dev.kubetape.testkit.UpstreamExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("kubectl and helm through the proxy, against the real control plane")
class ProxiedRealKubectlIT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension REAL = UpstreamExtension.real();
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(REAL);

  @Override
  protected UpstreamExtension upstream() {
    return REAL;
  }

  @Override
  protected Path kubeconfig() {
    return PROXY.kubeconfig();
  }
}
