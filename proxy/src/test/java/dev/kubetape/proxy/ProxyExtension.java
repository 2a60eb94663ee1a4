package dev.kubetape.proxy;

import dev.kubetape.testkit.UpstreamExtension;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ProxyServer} in this JVM in front of the upstream of an {@link UpstreamExtension},
 * for one test class; register it after the upstream's extension. Its state folder and
 * kubeconfig live in the upstream's scratch folder; every exchange is kept by a {@link RecordingTap}.
 */
final class ProxyExtension implements BeforeAllCallback, AfterAllCallback {
  private final UpstreamExtension upstream;
  private final Function<UpstreamExtension, Path> upstreamKubeconfig;
  private final UnaryOperator<ProxyConfig> adjust;
  private final RecordingTap tap = new RecordingTap();
  private ProxyServer server;

  ProxyExtension(UpstreamExtension upstream) {
    this(upstream, started -> started.upstream().kubeconfig(), config -> config);
  }

  /**
   * @param upstreamKubeconfig the kubeconfig the proxy forwards with, made once the upstream runs
   * @param adjust changes to the proxy's configuration
   */
  ProxyExtension(UpstreamExtension upstream, Function<UpstreamExtension, Path> upstreamKubeconfig,
      UnaryOperator<ProxyConfig> adjust) {
    this.upstream = upstream;
    this.upstreamKubeconfig = upstreamKubeconfig;
    this.adjust = adjust;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = ProxyServer.start(adjust.apply(ProxyConfig.defaults()
        .withUpstream(upstreamKubeconfig.apply(upstream), null)
        .withListen("127.0.0.1", 0)
        .withStateFolder(upstream.folder().resolve("kubetape"))
        .withKubeconfigOut(upstream.folder().resolve("proxy.kubeconfig"))
        .withTap(tap)));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  ProxyServer server() {
    return server;
  }

  Path kubeconfig() {
    return server.kubeconfig();
  }

  RecordingTap tap() {
    return tap;
  }
}
