package dev.kubetape.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * The pipeline of a client connection: TLS with kubetape's certificate, then, as ALPN decides,
 * HTTP/2 (one {@link FrontendHandler} per stream, see {@link Http2StreamInitializer}) or
 * HTTP/1.1 (one {@link FrontendHandler} for the connection, behind the request-head time-out).
 * {@link FlowControlHandler} hands the frontend one message per read, which is what lets it
 * read only after the previous part was written.
 */
final class FrontendInitializer extends ChannelInitializer<SocketChannel> {
  /** Like the API server's 1 MiB limit on request headers (Go's MaxHeaderBytes). */
  static final int MAX_HEADER_SIZE = 1024 * 1024;
  static final int MAX_INITIAL_LINE = 1024 * 1024;
  private static final int MAX_CHUNK = 64 * 1024;
  private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private final SslContext tls;
  private final ProxyContext proxy;

  FrontendInitializer(SslContext tls, ProxyContext proxy) {
    this.tls = tls;
    this.proxy = proxy;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    proxy.metrics().clientConnections.incrementAndGet();
    channel.closeFuture().addListener(closed -> proxy.metrics().clientConnections.decrementAndGet());
    SslHandler ssl = tls.newHandler(channel.alloc());
    ssl.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
    channel.pipeline().addLast("tls", ssl).addLast("alpn", new ProtocolNegotiation(proxy));
  }

  /** Chooses the pipeline once TLS is up; TLS failures are counted, not logged per connection. */
  private static final class ProtocolNegotiation extends ApplicationProtocolNegotiationHandler {
    private final ProxyContext proxy;

    ProtocolNegotiation(ProxyContext proxy) {
      super(ApplicationProtocolNames.HTTP_1_1);
      this.proxy = proxy;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      // Auto-read is off: the first read starts the TLS handshake.
      ctx.read();
      super.channelActive(ctx);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        ctx.pipeline().addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                    .maxConcurrentStreams(1000)
                    .maxHeaderListSize(MAX_HEADER_SIZE))
                .validateHeaders(true)
                .build())
            .addLast("streams", new Http2MultiplexHandler(new Http2StreamInitializer(proxy)))
            .addLast("errors", new ConnectionErrors(proxy));
        // The connection itself always reads: HTTP/2 flow control, driven by how fast each
        // stream's frontend consumes, is the backpressure here.
        ctx.channel().config().setAutoRead(true);
      } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
        ctx.pipeline()
            .addLast("timeout", new RequestHeadTimeout(proxy.requestHeadTimeout(), proxy.idleTimeout(), proxy.errors()))
            .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK)))
            .addLast("flow", new FlowControlHandler())
            .addLast("frontend", new FrontendHandler(proxy, false));
      } else {
        proxy.errors().report("client_protocol", "a client asked for " + protocol + ", which kubetape does not speak");
        ctx.close();
      }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      proxy.errors().report("client_tls", "a client failed the TLS handshake (" + cause.getMessage()
          + "); does it use the kubeconfig kubetape wrote, with kubetape's CA?");
      ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      if (cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException) {
        super.exceptionCaught(ctx, cause);
        return;
      }
      proxy.errors().report("client_connection", "a client connection failed before its protocol was chosen ("
          + cause + ")");
      ctx.close();
    }
  }

  /** The end of an HTTP/2 connection's pipeline: connection-level errors are counted and close it. */
  private static final class ConnectionErrors extends ChannelInboundHandlerAdapter {
    private final ProxyContext proxy;

    ConnectionErrors(ProxyContext proxy) {
      this.proxy = proxy;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof java.io.IOException) {
        proxy.errors().count("client_reset", "an HTTP/2 client connection was reset (" + cause + ")");
      } else {
        proxy.errors().report("client_http2", "an HTTP/2 client connection failed (" + cause + ")", cause);
      }
      ctx.close();
    }
  }
}
