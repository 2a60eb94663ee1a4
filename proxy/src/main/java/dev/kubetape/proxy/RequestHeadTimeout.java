package dev.kubetape.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/1.1 connection whose client is too slow to send a request head, or that sits
 * idle between requests for too long: the two time-outs a Go server (the API server) applies,
 * ReadHeaderTimeout and IdleTimeout. Sits before the HTTP codec, where it sees the first byte
 * of each request; {@link FrontendHandler} tells it when a head arrived and when the connection
 * waits for the next one. Nothing times out while a request is being served: watches and
 * {@code logs -f} run as long as they like.
 */
final class RequestHeadTimeout extends ChannelInboundHandlerAdapter {
  private final Duration headTimeout;
  private final Duration idleTimeout;
  private final ErrorLog errors;
  // Owned by the channel's event loop.
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private boolean awaitingHead = true;
  private boolean headStarted;

  RequestHeadTimeout(Duration headTimeout, Duration idleTimeout, ErrorLog errors) {
    this.headTimeout = headTimeout;
    this.idleTimeout = idleTimeout;
    this.errors = errors;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    arm(idleTimeout, false);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (awaitingHead && !headStarted && msg instanceof ByteBuf bytes && bytes.isReadable()) {
      headStarted = true;
      arm(headTimeout, true);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  /** A request head was decoded: no time limit until the exchange is over. */
  void headReceived() {
    awaitingHead = false;
    cancel();
  }

  /** The exchange is over; the connection waits for the next request. */
  void awaitingNextRequest() {
    awaitingHead = true;
    headStarted = false;
    arm(idleTimeout, false);
  }

  private void arm(Duration after, boolean head) {
    cancel();
    timer = ctx.executor().schedule(() -> {
      if (head) {
        errors.report("client_header_timeout", "closed a client connection that sent no complete request head within "
            + headTimeout.toSeconds() + "s (" + ctx.channel().remoteAddress() + ")");
      }
      ctx.close();
    }, after.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
