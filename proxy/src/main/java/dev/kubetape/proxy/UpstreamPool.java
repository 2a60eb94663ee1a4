package dev.kubetape.proxy;

import dev.kubetape.proxy.UpstreamCredentials.Credentials;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 keep-alive connections to the API server, one request at a time each. Idle
 * connections are kept per event loop and handed only to requests served on that loop, so a
 * connection is only ever touched by one thread and frontend and backend of an exchange share
 * it. A connection made with older TLS material (a rotated client certificate) is not reused.
 */
final class UpstreamPool {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Shorter than any server's or load balancer's idle limit we know of, so we close first. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(55);
  /** Set once a connection has carried a request: a failure before any answer on it may be a stale close. */
  static final AttributeKey<Boolean> USED = AttributeKey.valueOf("kubetape.used");
  private static final AttributeKey<Long> GENERATION = AttributeKey.valueOf("kubetape.generation");
  private static final AttributeKey<ScheduledFuture<?>> IDLE_TIMER = AttributeKey.valueOf("kubetape.idleTimer");

  private final Upstream upstream;
  private final Metrics metrics;
  /** Per loop; each deque is only touched on its own loop. */
  private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

  UpstreamPool(Upstream upstream, Metrics metrics) {
    this.upstream = upstream;
    this.metrics = metrics;
  }

  /** An idle connection of this loop if one is usable, else a new one; completes after the TLS handshake. */
  Future<Channel> acquire(EventLoop loop, Credentials credentials) {
    ArrayDeque<Channel> connections = idle(loop);
    for (Channel connection; (connection = connections.pollLast()) != null; ) {
      metrics.upstreamConnectionsIdle.decrementAndGet();
      ScheduledFuture<?> timer = connection.attr(IDLE_TIMER).getAndSet(null);
      if (timer != null) {
        timer.cancel(false);
      }
      if (connection.isActive() && Long.valueOf(credentials.generation()).equals(connection.attr(GENERATION).get())) {
        return loop.newSucceededFuture(connection);
      }
      connection.close();
    }
    return connect(loop, credentials);
  }

  /** A new connection, never a pooled one. */
  Future<Channel> connect(EventLoop loop, Credentials credentials) {
    Promise<Channel> promise = loop.newPromise();
    metrics.upstreamConnects.increment();
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(new BackendInitializer(credentials.tls(), upstream, this));
    bootstrap.connect(upstream.host(), upstream.port()).addListener((ChannelFuture connected) -> {
      if (!connected.isSuccess()) {
        promise.tryFailure(connected.cause());
        return;
      }
      Channel connection = connected.channel();
      connection.attr(GENERATION).set(credentials.generation());
      metrics.upstreamConnections.incrementAndGet();
      connection.closeFuture().addListener(closed -> metrics.upstreamConnections.decrementAndGet());
      connection.pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
        if (handshake.isSuccess()) {
          promise.trySuccess(connection);
        } else {
          promise.tryFailure(handshake.cause());
          connection.close();
        }
      });
      connection.read();
    });
    return promise;
  }

  /** Takes back a connection whose exchange is over and whose response was read to the end. */
  void release(Channel connection) {
    if (!connection.isActive()) {
      return;
    }
    BackendHandler.detach(connection);
    ArrayDeque<Channel> connections = idle(connection.eventLoop());
    connections.addLast(connection);
    metrics.upstreamConnectionsIdle.incrementAndGet();
    connection.attr(IDLE_TIMER).set(connection.eventLoop().schedule(() -> {
      if (connections.remove(connection)) {
        metrics.upstreamConnectionsIdle.decrementAndGet();
        connection.close();
      }
    }, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    // Reading while idle is how a server's close (or stray bytes) is noticed before reuse.
    connection.read();
  }

  /** A pooled connection went away. */
  void closed(Channel connection) {
    ArrayDeque<Channel> connections = idle.get(connection.eventLoop());
    if (connections != null && connections.remove(connection)) {
      metrics.upstreamConnectionsIdle.decrementAndGet();
      ScheduledFuture<?> timer = connection.attr(IDLE_TIMER).getAndSet(null);
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }

  private ArrayDeque<Channel> idle(EventLoop loop) {
    return idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
  }
}
