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
  /**
   * At most one timer per connection, left running across requests: arming and disarming only
   * move {@link #deadlineNanos}, and a timer that fires early arms itself for what is left.
   * Scheduling and cancelling a task twice a request cost more than the check.
   */
  private ScheduledFuture<?> timer;
  private long timerAtNanos;
  private boolean armed;
  private long deadlineNanos;
  private boolean deadlineForHead;
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
    stop();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    boolean firstBytes = awaitingHead && !headStarted && msg instanceof ByteBuf bytes && bytes.isReadable();
    if (firstBytes) {
      headStarted = true;
    }
    ctx.fireChannelRead(msg);
    // Most heads come whole in one read and were handed on just now (headReceived ran): the
    // head time-out is armed only for one still incomplete.
    if (firstBytes && awaitingHead && !ctx.isRemoved()) {
      arm(headTimeout, true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  /** A request head was decoded: no time limit until the exchange is over. */
  void headReceived() {
    awaitingHead = false;
    armed = false;
  }

  /** The exchange is over; the connection waits for the next request. */
  void awaitingNextRequest() {
    awaitingHead = true;
    headStarted = false;
    arm(idleTimeout, false);
  }

  private void arm(Duration after, boolean head) {
    long now = System.nanoTime();
    armed = true;
    deadlineNanos = now + after.toNanos();
    deadlineForHead = head;
    if (timer == null || timerAtNanos - deadlineNanos > 0) {
      // No timer, or one that would fire after this deadline.
      schedule(now, after.toNanos());
    }
  }

  private void schedule(long now, long inNanos) {
    if (timer != null) {
      timer.cancel(false);
    }
    timerAtNanos = now + inNanos;
    timer = ctx.executor().schedule(this::expire, inNanos, TimeUnit.NANOSECONDS);
  }

  private void expire() {
    timer = null;
    if (!armed) {
      return;
    }
    long now = System.nanoTime();
    if (deadlineNanos - now > 0) {
      schedule(now, deadlineNanos - now);
      return;
    }
    if (deadlineForHead) {
      errors.report("client_header_timeout", "closed a client connection that sent no complete request head within "
          + headTimeout.toSeconds() + "s (" + ctx.channel().remoteAddress() + ")");
    }
    ctx.close();
  }

  private void stop() {
    armed = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
