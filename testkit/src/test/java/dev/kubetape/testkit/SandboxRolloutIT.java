package dev.kubetape.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("rollouts on the sandbox")
class SandboxRolloutIT extends RolloutSuite {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();

  @Override
  protected UpstreamExtension upstream() {
    return SANDBOX;
  }
}
