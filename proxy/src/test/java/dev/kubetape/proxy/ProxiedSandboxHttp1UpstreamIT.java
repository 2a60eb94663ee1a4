package dev.kubetape.proxy;

import dev.kubetape.testkit.KubectlSuite;
import dev.kubetape.testkit.UpstreamExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The suite with HTTP/2 upstream turned off: every request on an HTTP/1.1 connection of its own. */
@DisplayName("kubectl and helm through the proxy over HTTP/1.1 upstream connections, against the sandbox")
class ProxiedSandboxHttp1UpstreamIT extends KubectlSuite {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(SANDBOX, started -> started.upstream().kubeconfig(),
      config -> config.withUpstreamHttp2(false));

  @Override
  protected UpstreamExtension upstream() {
    return SANDBOX;
  }

  @Override
  protected Path kubeconfig() {
    return PROXY.kubeconfig();
  }
}
