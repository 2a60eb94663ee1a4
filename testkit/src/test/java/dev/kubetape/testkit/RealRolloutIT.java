package dev.kubetape.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("rollouts on the real control plane")
class RealRolloutIT extends RolloutSuite {
  @RegisterExtension
  static final UpstreamExtension REAL = UpstreamExtension.real();

  @Override
  protected UpstreamExtension upstream() {
    return REAL;
  }
}
