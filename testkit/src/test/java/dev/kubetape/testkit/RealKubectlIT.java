package dev.kubetape.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("kubectl against the real control plane")
class RealKubectlIT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension REAL = UpstreamExtension.real();

  @Override
  protected UpstreamExtension upstream() {
    return REAL;
  }
}
