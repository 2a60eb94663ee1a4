package dev.kubetape.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kubetape's transparent proxy: kubectl, helm and every client library talk to it exactly as
 * they would to the API server, and it forwards everything untouched but for the credentials
 * and the hop-by-hop headers, telling the {@link Tap} about each exchange.
 *
 * <pre>
 * kubectl ──TLS (kubetape's CA, token)──▶ FrontendHandler ──▶ BackendHandler ──TLS (kubeconfig's credentials)──▶ API server
 *                 HTTP/2 or HTTP/1.1         │  one per stream        per event loop: HTTP/1.1 keep-alive for
 *                                            │                        short requests, HTTP/2 streams for the rest
 *                                            └──▶ TapDispatcher ──▶ Tap (its own thread, bounded, never waited on)
 * </pre>
 *
 * Start it with {@link #start(ProxyConfig)}; it listens, writes the kubeconfig that points
 * kubectl at it, and runs until {@link #close()}.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ProxyServer.class);

  private final EventLoopGroup acceptors;
  private final EventLoopGroup loops;
  private final Channel server;
  private final Upstream upstream;
  private final TapDispatcher tap;
  private final Metrics metrics;
  private final MetricsEndpoint metricsEndpoint;
  private final ScheduledFuture<?> errorFlush;
  private final URI url;
  private final Path kubeconfig;

  private ProxyServer(EventLoopGroup acceptors, EventLoopGroup loops, Channel server, Upstream upstream,
      TapDispatcher tap, Metrics metrics, MetricsEndpoint metricsEndpoint, ScheduledFuture<?> errorFlush, URI url,
      Path kubeconfig) {
    this.acceptors = acceptors;
    this.loops = loops;
    this.server = server;
    this.upstream = upstream;
    this.tap = tap;
    this.metrics = metrics;
    this.metricsEndpoint = metricsEndpoint;
    this.errorFlush = errorFlush;
    this.url = url;
    this.kubeconfig = kubeconfig;
  }

  /**
   * Reads the upstream kubeconfig, opens the state folder, listens, and writes the kubeconfig.
   *
   * @throws IllegalArgumentException for a configuration that cannot work, with a message that says what to fix
   * @throws IOException when the state folder or the kubeconfig cannot be written, or the address is taken
   */
  public static ProxyServer start(ProxyConfig config) throws IOException {
    if (config.upstreamKubeconfig() == null) {
      throw new IllegalArgumentException("no upstream kubeconfig given; pass --upstream-kubeconfig or set KUBECONFIG");
    }
    InetAddress listen = listenAddress(config);
    Metrics metrics = new Metrics();
    Upstream upstream = Upstream.load(config.upstreamKubeconfig(), config.context(), metrics);
    LocalAuthority authority = LocalAuthority.open(config.stateFolder(), config.host());
    ErrorLog errors = new ErrorLog(metrics, config.logInterval());
    TapDispatcher tap = new TapDispatcher(config.tap(), metrics, config.logInterval());
    ProxyContext proxy = new ProxyContext(upstream, new UpstreamPool(upstream, metrics, config.upstreamHttp2()), authority, tap, metrics,
        errors, config.requestHeadTimeout(), config.idleTimeout());

    EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kubetape-accept", true),
        NioIoHandler.newFactory());
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("kubetape-proxy", true),
        NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap()
          .group(acceptors, loops)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.AUTO_READ, false)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.SO_KEEPALIVE, true)
          .childHandler(new FrontendInitializer(authority.serverContext(), proxy))
          .bind(new InetSocketAddress(listen, config.port()))
          .sync().channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      URI url = URI.create("https://" + clientHost(listen) + ":" + port);
      KubeconfigFile.write(config.kubeconfigOut(), KubeconfigFile.render(upstream.contextName(), url.toString(),
          authority.caPem(), authority.token(), upstream.namespace()));
      MetricsEndpoint metricsEndpoint = config.metricsHost() == null ? null
          : MetricsEndpoint.start(loops, config.metricsHost(), config.metricsPort(),
              () -> metrics.prometheus() + tap.listenerMetrics());
      ScheduledFuture<?> errorFlush = loops.next().scheduleAtFixedRate(errors::flush,
          config.logInterval().toMillis(), config.logInterval().toMillis(), TimeUnit.MILLISECONDS);
      logger.info("proxy listening at {} for context '{}' of {} (upstream {}{}, state in {}, tap {})", url,
          upstream.contextName(), upstream.kubeconfig(), upstream.server(),
          config.upstreamHttp2() ? "" : " over HTTP/1.1 only", config.stateFolder(), config.tap() == null ? "off" : "on");
      return new ProxyServer(acceptors, loops, server, upstream, tap, metrics, metricsEndpoint, errorFlush, url,
          config.kubeconfigOut());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutDown(acceptors, loops, upstream, tap);
      throw new IOException("interrupted while starting the proxy", e);
    } catch (IOException | RuntimeException e) {
      shutDown(acceptors, loops, upstream, tap);
      if (e instanceof BindException) {
        throw new IOException("cannot listen on " + config.host() + ":" + config.port() + " (" + e.getMessage()
            + "); stop what uses it or choose another --listen", e);
      }
      throw e;
    }
  }

  private static InetAddress listenAddress(ProxyConfig config) {
    InetAddress address;
    try {
      address = InetAddress.getByName(config.host());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot listen on " + config.host() + ": unknown host; check --listen", e);
    }
    if (!address.isLoopbackAddress() && !config.allowRemote()) {
      throw new IllegalArgumentException("refusing to listen on " + config.host() + ", which other machines can"
          + " reach: the proxy acts with your cluster credentials; use a loopback address such as 127.0.0.1,"
          + " or pass --allow-remote if that is what you want");
    }
    return address;
  }

  /** The host kubectl dials: the listen address, or loopback when listening on every address. */
  private static String clientHost(InetAddress listen) {
    if (listen.isAnyLocalAddress()) {
      return "127.0.0.1";
    }
    String host = listen.getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** https://HOST:PORT, the port as bound. */
  public URI url() {
    return url;
  }

  /** The kubeconfig written for kubectl. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The context of the written kubeconfig, named after the upstream context. */
  public String contextName() {
    return upstream.contextName();
  }

  /** Where {@code /metrics} is served, or null when it is not. */
  public URI metricsUrl() {
    return metricsEndpoint == null ? null : metricsEndpoint.url();
  }

  /** The proxy's metrics in the Prometheus text format. */
  public String metrics() {
    return metrics.prometheus();
  }

  /** The counters behind {@link #metrics()}, for tests in this package. */
  Metrics counters() {
    return metrics;
  }

  /** Stops listening, closes every connection, and delivers what the tap still has queued. */
  @Override
  public void close() {
    errorFlush.cancel(false);
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    server.close().syncUninterruptibly();
    shutDown(acceptors, loops, upstream, tap);
  }

  private static void shutDown(EventLoopGroup acceptors, EventLoopGroup loops, Upstream upstream, TapDispatcher tap) {
    acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    upstream.credentials().close();
    tap.close();
  }
}
