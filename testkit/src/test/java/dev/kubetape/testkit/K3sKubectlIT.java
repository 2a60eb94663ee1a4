package dev.kubetape.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("kubectl against k3s")
class K3sKubectlIT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension K3S = UpstreamExtension.k3s();

  @Override
  protected UpstreamExtension upstream() {
    return K3S;
  }
}
