package dev.kubetape.proxy;

import dev.kubetape.testkit.KubectlSuite;
import dev.kubetape.testkit.UpstreamExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Skipped, with the reason printed, where no Docker engine exists. */
@DisplayName("kubectl and helm through the proxy, against k3s")
class ProxiedK3sKubectlIT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension K3S = UpstreamExtension.k3s();
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(K3S);

  @Override
  protected UpstreamExtension upstream() {
    return K3S;
  }

  @Override
  protected Path kubeconfig() {
    return PROXY.kubeconfig();
  }
}
