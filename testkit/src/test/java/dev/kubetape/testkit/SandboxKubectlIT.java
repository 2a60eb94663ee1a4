package dev.kubetape.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("kubectl against the sandbox")
class SandboxKubectlIT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();

  @Override
  protected UpstreamExtension upstream() {
    return SANDBOX;
  }
}
