package dev.kubetape.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("kubectl 1.32 against the sandbox")
class SandboxKubectl132IT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();

  @Override
  protected String kubectlVersion() {
    return "1.32";
  }

  @Override
  protected UpstreamExtension upstream() {
    return SANDBOX;
  }
}
