package dev.kubetape.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.channels.ClosedChannelException;

/**
 * The pipeline of a connection to the API server: TLS with the upstream credentials, then, once
 * ALPN has spoken, HTTP/1.1 ({@link #http1}: codec and {@link BackendHandler}) or HTTP/2
 * ({@link #http2}: one {@link BackendHandler} per stream, behind the same HTTP/1.x objects the
 * HTTP/1.1 codec gives, so the frontend cannot tell them apart).
 */
final class BackendInitializer extends ChannelInitializer<Channel> {
  private final SslContext tls;
  private final Upstream upstream;

  BackendInitializer(SslContext tls, Upstream upstream) {
    this.tls = tls;
    this.upstream = upstream;
  }

  @Override
  protected void initChannel(Channel channel) {
    // The peer host is the name the certificate must carry and the SNI sent: tls-server-name
    // when the kubeconfig sets one, as kubectl does.
    String peer = upstream.tlsServerName() != null ? upstream.tlsServerName() : upstream.host();
    SslHandler ssl = tls.newHandler(channel.alloc(), peer, upstream.port());
    ssl.setHandshakeTimeoutMillis(UpstreamPool.CONNECT_TIMEOUT.toMillis());
    channel.pipeline().addLast("tls", ssl).addLast("connecting", CONNECTING);
  }

  private static final Connecting CONNECTING = new Connecting();

  /**
   * Ends the pipeline until TLS is up: a failed handshake is reported by its future (and told
   * to the client by the frontend), so the exception that comes with it goes no further.
   */
  @ChannelHandler.Sharable
  private static final class Connecting extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** One request at a time on the connection; reads only when the frontend asks. */
  static void http1(Channel connection, UpstreamPool pool) {
    connection.pipeline().remove("connecting");
    connection.pipeline()
        .addLast("http", new HttpClientCodec(new HttpDecoderConfig()
            .setMaxHeaderSize(256 * 1024)
            .setMaxChunkSize(64 * 1024), false, false))
        .addLast("backend", new BackendHandler(pool));
  }

  /**
   * Streams multiplexed on the connection, which always reads: per-stream flow control, driven
   * by how fast each frontend writes what its stream delivers, is the backpressure here.
   *
   * @return completes when the server's first SETTINGS frame has been read (and applied, so its
   *     stream limit is known), fails if the connection closes before
   */
  static Future<Void> http2(Channel connection, UpstreamPool pool, Metrics metrics) {
    Promise<Void> settings = connection.eventLoop().newPromise();
    connection.pipeline().remove("connecting");
    connection.pipeline()
        .addLast("h2", Http2FrameCodecBuilder.forClient()
            .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
            .validateHeaders(true)
            .build())
        .addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel pushed) {
            // The server may not push (SETTINGS_ENABLE_PUSH is 0); a stream it opens anyway is refused.
            pushed.close();
          }
        }))
        .addLast("settings", new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2SettingsFrame) {
              // The codec has applied them before passing the frame on.
              settings.trySuccess(null);
              ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            settings.tryFailure(new ClosedChannelException());
            ctx.fireChannelInactive();
          }
        })
        .addLast("errors", new ChannelInboundHandlerAdapter() {
          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Its streams fail with it, and each exchange reports how.
            metrics.error("upstream_http2_connection");
            ctx.close();
          }
        });
    connection.config().setAutoRead(true);
    return settings;
  }

  /** The pipeline of one stream the proxy opens for a request. */
  static ChannelInitializer<Http2StreamChannel> stream(UpstreamPool pool) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline()
            .addLast("http", new Http2StreamFrameToHttpObjectCodec(false))
            .addLast("backend", new BackendHandler(pool));
      }
    };
  }
}
