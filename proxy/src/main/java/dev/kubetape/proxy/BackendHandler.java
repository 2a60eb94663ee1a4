package dev.kubetape.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * The API server's end of one upstream connection. While an exchange owns the connection,
 * every part of the response goes to that exchange's {@link FrontendHandler}, which runs on the
 * same event loop; reads happen only when the frontend asks for them, after it has written what
 * came before (backpressure). While the connection waits in the pool, it only watches for the
 * server closing it.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamPool pool;
  // Owned by the channel's event loop, which is also the owning frontend's.
  private FrontendHandler owner;
  private Throwable failure;
  private boolean upgraded;

  BackendHandler(UpstreamPool pool) {
    this.pool = pool;
  }

  /** Hands the connection's responses to {@code frontend} until {@link #detach}. */
  static void attach(Channel backend, FrontendHandler frontend) {
    BackendHandler handler = backend.pipeline().get(BackendHandler.class);
    if (handler != null) {
      handler.owner = frontend;
    }
  }

  /** The exchange is done with the connection; a connection already torn down has no handler left. */
  static void detach(Channel backend) {
    BackendHandler handler = backend.pipeline().get(BackendHandler.class);
    if (handler != null) {
      handler.owner = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    FrontendHandler frontend = owner;
    if (frontend == null) {
      // A pooled connection has nothing to say; whatever it says makes it unusable.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (!upgraded && msg instanceof HttpResponse response && response.status().code() == 101) {
      upgraded = true;
      // The codec already passes the bytes after a 101 through unparsed; it goes once the
      // current read is done, so those bytes stay in order.
      ctx.executor().execute(() -> {
        if (ctx.pipeline().get(HttpClientCodec.class) != null) {
          ctx.pipeline().remove(HttpClientCodec.class);
        }
      });
    }
    frontend.fromUpstream(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    FrontendHandler frontend = owner;
    if (frontend != null) {
      frontend.upstreamReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    FrontendHandler frontend = owner;
    owner = null;
    if (frontend != null) {
      frontend.upstreamClosed(failure);
    } else {
      pool.closed(ctx.channel());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    FrontendHandler.closeOnFlush(ctx.channel());
  }
}
