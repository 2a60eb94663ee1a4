package dev.kubetape.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code /metrics} in the Prometheus text format, over plain HTTP on a port of its own: on the
 * proxied port it would shadow the API server's own {@code /metrics}. {@code /} says what is
 * served (the viewer comes later, on the same address).
 */
final class MetricsEndpoint implements AutoCloseable {
  private final Channel channel;

  private MetricsEndpoint(Channel channel) {
    this.channel = channel;
  }

  static MetricsEndpoint start(EventLoopGroup group, String host, int port, Supplier<String> metrics)
      throws InterruptedException {
    Channel channel = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Responder(metrics));
          }
        })
        .bind(host, port).sync().channel();
    return new MetricsEndpoint(channel);
  }

  URI url() {
    InetSocketAddress address = (InetSocketAddress) channel.localAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/");
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  private static final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Supplier<String> metrics;

    Responder(Supplier<String> metrics) {
      this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = request.uri().split("\\?", 2)[0];
      HttpResponseStatus status;
      String body;
      String type = "text/plain; charset=utf-8";
      if (path.equals("/metrics")) {
        status = HttpResponseStatus.OK;
        body = metrics.get();
        type = "text/plain; version=0.0.4; charset=utf-8";
      } else if (path.equals("/")) {
        status = HttpResponseStatus.OK;
        body = "kubetape proxy: the viewer is not part of this build yet; metrics are at /metrics\n";
      } else {
        status = HttpResponseStatus.NOT_FOUND;
        body = "not found: " + path + "\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.wrappedBuffer(bytes));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
