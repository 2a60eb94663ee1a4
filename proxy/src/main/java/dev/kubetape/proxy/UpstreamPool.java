package dev.kubetape.proxy;

import dev.kubetape.proxy.UpstreamCredentials.Credentials;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Connections to the API server, kept per event loop and handed only to requests served on
 * that loop, so the frontend and the backend of an exchange share one thread and no connection
 * is touched by two.
 *
 * <p>Short requests (bodyless and not long-running: gets, lists, discovery) go over HTTP/1.1
 * keep-alive connections, one request at a time each, up to {@link #SHORT_CONNECTIONS_PER_LOOP}
 * per loop: such a connection costs no stream set-up per request (a child channel, its
 * pipeline, HPACK both ways), which made HTTP/2 streams the largest per-request cost of the
 * proxy. Where the API server offers HTTP/2 (kube-apiserver does), every other request, and
 * short ones past that cap, are streams multiplexed on as few connections as its
 * SETTINGS_MAX_CONCURRENT_STREAMS allows: thousands of idle watches cost streams, not TLS
 * connections. Upgrades (exec, attach, port-forward), and every request when the server speaks
 * HTTP/1.1 only or HTTP/2 is turned off, use HTTP/1.1 connections too. A connection made with
 * older TLS material (a rotated client certificate) is not used for new requests.
 */
final class UpstreamPool {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Shorter than any server's or load balancer's idle limit we know of, so we close first. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(55);
  /** Set once a connection has carried a request: a failure before any answer on it may be a stale close. */
  static final AttributeKey<Boolean> USED = AttributeKey.valueOf("kubetape.used");
  private static final AttributeKey<Long> GENERATION = AttributeKey.valueOf("kubetape.generation");
  private static final AttributeKey<ScheduledFuture<?>> IDLE_TIMER = AttributeKey.valueOf("kubetape.idleTimer");
  private static final AttributeKey<Boolean> IN_USE = AttributeKey.valueOf("kubetape.inUse");
  private static final AttributeKey<int[]> STREAMS = AttributeKey.valueOf("kubetape.streams");
  /**
   * HTTP/1.1 connections (open or being made) a loop may hold for short requests: with Netty's
   * two loops a core, 64 a core, about what a busy client keeps itself. A burst beyond that
   * costs streams rather than more TLS connections.
   */
  static final int SHORT_CONNECTIONS_PER_LOOP = 32;

  private final Upstream upstream;
  private final Metrics metrics;
  private final boolean http2;
  /** Cleared for good once the server answers ALPN with HTTP/1.1. */
  private volatile boolean serverSpeaksHttp2 = true;
  /** Per loop; each value is only touched on its own loop. */
  private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
  private final Map<EventLoop, Multiplexed> multiplexed = new ConcurrentHashMap<>();
  /** Per loop, its HTTP/1.1 connections open or being made; only touched on its own loop. */
  private final Map<EventLoop, int[]> http1Connections = new ConcurrentHashMap<>();

  /** The HTTP/2 connections of one loop, and the one being made that new streams wait for. */
  private static final class Multiplexed {
    final List<Channel> connections = new ArrayList<>();
    Future<Channel> connecting;
  }

  /** @param http2 whether to offer HTTP/2 to the API server */
  UpstreamPool(Upstream upstream, Metrics metrics, boolean http2) {
    this.upstream = upstream;
    this.metrics = metrics;
    this.http2 = http2;
  }

  /**
   * A channel for one exchange on this loop: an HTTP/1.1 connection (idle or new) for an upgrade,
   * a short request while the loop has one idle or room for one more, or when HTTP/2 is not
   * available; an HTTP/2 stream otherwise. Completes after the TLS handshake.
   *
   * @param shortRequest a bodyless request that is not long-running (no watch, log, proxy, exec):
   *     one that can be sent again on a fresh connection if a pooled one turns out closed
   */
  Future<Channel> acquire(EventLoop loop, Credentials credentials, boolean upgrade, boolean shortRequest) {
    Promise<Channel> promise = loop.newPromise();
    if (upgrade || !http2 || !serverSpeaksHttp2 || shortRequest && http1Available(loop)) {
      http1(loop, credentials, promise);
    } else {
      stream(loop, credentials, promise, true);
    }
    promise.addListener(acquired -> {
      if (acquired.isSuccess()) {
        inUse(promise.getNow());
      }
    });
    return promise;
  }

  /** An HTTP/1.1 connection is idle on this loop, or the loop may make one more. */
  private boolean http1Available(EventLoop loop) {
    ArrayDeque<Channel> connections = idle.get(loop);
    return connections != null && !connections.isEmpty()
        || http1Connections(loop)[0] < SHORT_CONNECTIONS_PER_LOOP;
  }

  /** A new HTTP/1.1 connection, never a pooled one: for a request a pooled one failed. */
  Future<Channel> connect(EventLoop loop, Credentials credentials) {
    Promise<Channel> promise = loop.newPromise();
    connectHttp1(loop, credentials).addListener((Future<Channel> connected) -> {
      if (connected.isSuccess()) {
        BackendInitializer.http1(connected.getNow(), this);
        promise.setSuccess(connected.getNow());
        inUse(connected.getNow());
      } else {
        promise.setFailure(connected.cause());
      }
    });
    return promise;
  }

  /** Takes back a channel whose exchange is over (or never began), its response read to the end. */
  void release(Channel channel) {
    notInUse(channel);
    BackendHandler.detach(channel);
    if (channel instanceof Http2StreamChannel) {
      // Ended by both sides, a stream is closed already; one never used is dropped unsent.
      channel.close();
      return;
    }
    if (!channel.isActive()) {
      return;
    }
    ArrayDeque<Channel> connections = idle(channel.eventLoop());
    connections.addLast(channel);
    metrics.upstreamConnectionsIdle.incrementAndGet();
    channel.attr(IDLE_TIMER).set(channel.eventLoop().schedule(() -> {
      if (connections.remove(channel)) {
        metrics.upstreamConnectionsIdle.decrementAndGet();
        channel.close();
      }
    }, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    // Reading while idle is how a server's close (or stray bytes) is noticed before reuse.
    channel.read();
  }

  /** A pooled HTTP/1.1 connection went away. */
  void closed(Channel channel) {
    ArrayDeque<Channel> connections = idle.get(channel.eventLoop());
    if (connections != null && connections.remove(channel)) {
      metrics.upstreamConnectionsIdle.decrementAndGet();
      cancelIdleTimer(channel);
    }
  }

  // ---- HTTP/1.1 --------------------------------------------------------------------------

  private void http1(EventLoop loop, Credentials credentials, Promise<Channel> promise) {
    ArrayDeque<Channel> connections = idle(loop);
    for (Channel connection; (connection = connections.pollLast()) != null; ) {
      metrics.upstreamConnectionsIdle.decrementAndGet();
      cancelIdleTimer(connection);
      if (connection.isActive() && current(connection, credentials)) {
        promise.setSuccess(connection);
        return;
      }
      connection.close();
    }
    connectHttp1(loop, credentials).addListener((Future<Channel> connected) -> {
      if (connected.isSuccess()) {
        BackendInitializer.http1(connected.getNow(), this);
        promise.setSuccess(connected.getNow());
      } else {
        promise.setFailure(connected.cause());
      }
    });
  }

  /** A new HTTP/1.1 connection, counted against its loop's cap from now until it closes. */
  private Future<Channel> connectHttp1(EventLoop loop, Credentials credentials) {
    int[] count = http1Connections(loop);
    count[0]++;
    Future<Channel> connected = connect(loop, credentials.tlsHttp1(), credentials.generation());
    connected.addListener((Future<Channel> made) -> {
      if (made.isSuccess()) {
        made.getNow().closeFuture().addListener(closed -> count[0]--);
      } else {
        count[0]--;
      }
    });
    return connected;
  }

  private int[] http1Connections(EventLoop loop) {
    return http1Connections.computeIfAbsent(loop, l -> new int[1]);
  }

  // ---- HTTP/2 ----------------------------------------------------------------------------

  /**
   * Opens a stream on a connection of this loop that has room for one, making a connection if
   * none has; requests that come while it is made wait for it rather than make their own.
   */
  private void stream(EventLoop loop, Credentials credentials, Promise<Channel> promise, boolean mayRetry) {
    if (!serverSpeaksHttp2) {
      http1(loop, credentials, promise);
      return;
    }
    Multiplexed state = multiplexed.computeIfAbsent(loop, l -> new Multiplexed());
    for (Channel connection : state.connections) {
      if (hasRoom(connection, credentials)) {
        open(loop, connection, credentials, promise, mayRetry);
        return;
      }
    }
    if (state.connecting != null) {
      state.connecting.addListener((Future<Channel> made) -> {
        if (made.isSuccess()) {
          stream(loop, credentials, promise, mayRetry);
        } else {
          promise.tryFailure(made.cause());
        }
      });
      return;
    }
    // Requests that come meanwhile wait for this: it completes once the connection can take
    // streams (after the server's first SETTINGS), or fails.
    Promise<Channel> ready = loop.newPromise();
    state.connecting = ready;
    connect(loop, credentials.tls(), credentials.generation()).addListener((Future<Channel> made) -> {
      if (!made.isSuccess()) {
        state.connecting = null;
        ready.tryFailure(made.cause());
        promise.tryFailure(made.cause());
        return;
      }
      Channel connection = made.getNow();
      if (!ApplicationProtocolNames.HTTP_2.equals(connection.pipeline().get(SslHandler.class).applicationProtocol())) {
        // The server speaks HTTP/1.1 only: this connection serves the request as such, and so
        // do all connections from now on.
        state.connecting = null;
        serverSpeaksHttp2 = false;
        BackendInitializer.http1(connection, this);
        promise.trySuccess(connection);
        ready.trySuccess(connection);
        return;
      }
      // Streams are opened only once the server's SETTINGS are in: until then its
      // SETTINGS_MAX_CONCURRENT_STREAMS is unknown (Netty assumes no limit), and a burst of
      // requests on a new connection (hundreds of watches at once) would open more streams
      // than the server allows, a connection error that fails every stream on it.
      Future<Void> settings = BackendInitializer.http2(connection, this, metrics);
      ScheduledFuture<?> timeout = loop.schedule(() -> {
        if (!settings.isDone()) {
          connection.close();
        }
      }, CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      settings.addListener(read -> {
        timeout.cancel(false);
        state.connecting = null;
        if (!read.isSuccess()) {
          connection.close();
          ready.tryFailure(read.cause());
          promise.tryFailure(read.cause());
          return;
        }
        connection.attr(STREAMS).set(new int[1]);
        state.connections.add(connection);
        connection.closeFuture().addListener(closed -> state.connections.remove(connection));
        open(loop, connection, credentials, promise, mayRetry);
        ready.trySuccess(connection);
      });
    });
  }

  private static boolean hasRoom(Channel connection, Credentials credentials) {
    Http2FrameCodec codec = connection.pipeline().get(Http2FrameCodec.class);
    int[] streams = connection.attr(STREAMS).get();
    return connection.isActive() && codec != null && streams != null && current(connection, credentials)
        && !codec.connection().goAwayReceived() && streams[0] < codec.connection().local().maxActiveStreams();
  }

  private void open(EventLoop loop, Channel connection, Credentials credentials, Promise<Channel> promise,
      boolean mayRetry) {
    int[] streams = connection.attr(STREAMS).get();
    streams[0]++;
    cancelIdleTimer(connection);
    new Http2StreamChannelBootstrap(connection)
        .option(ChannelOption.AUTO_READ, false)
        .handler(BackendInitializer.stream(this))
        .open().addListener((Future<Http2StreamChannel> opened) -> {
          if (opened.isSuccess()) {
            metrics.upstreamStreams.incrementAndGet();
            metrics.upstreamStreamsOpened.increment();
            opened.getNow().closeFuture().addListener(closed -> {
              metrics.upstreamStreams.decrementAndGet();
              notInUse(opened.getNow());
              streamClosed(connection, streams);
            });
            promise.trySuccess(opened.getNow());
            return;
          }
          streamClosed(connection, streams);
          if (mayRetry) {
            // The connection went away under us (GOAWAY, reset): once more on a new one.
            connection.close();
            stream(loop, credentials, promise, false);
          } else {
            promise.tryFailure(opened.cause());
          }
        });
  }

  /** A connection without streams closes after the idle time-out, like an idle HTTP/1.1 one. */
  private void streamClosed(Channel connection, int[] streams) {
    streams[0]--;
    if (streams[0] == 0 && connection.isActive()) {
      connection.attr(IDLE_TIMER).set(connection.eventLoop().schedule(() -> {
        if (streams[0] == 0) {
          connection.close();
        }
      }, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  // ---- connections -----------------------------------------------------------------------

  private Future<Channel> connect(EventLoop loop, SslContext tls, long generation) {
    Promise<Channel> promise = loop.newPromise();
    metrics.upstreamConnects.increment();
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(new BackendInitializer(tls, upstream));
    bootstrap.connect(upstream.host(), upstream.port()).addListener((ChannelFuture connected) -> {
      if (!connected.isSuccess()) {
        promise.tryFailure(connected.cause());
        return;
      }
      Channel connection = connected.channel();
      connection.attr(GENERATION).set(generation);
      metrics.upstreamConnections.incrementAndGet();
      connection.closeFuture().addListener(closed -> {
        metrics.upstreamConnections.decrementAndGet();
        notInUse(connection);
      });
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

  private static boolean current(Channel channel, Credentials credentials) {
    return Long.valueOf(credentials.generation()).equals(channel.attr(GENERATION).get());
  }

  private static void cancelIdleTimer(Channel channel) {
    ScheduledFuture<?> timer = channel.attr(IDLE_TIMER).getAndSet(null);
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** Counted while an exchange holds it; a close (listened for where it was made) ends that too. */
  private void inUse(Channel channel) {
    if (!Boolean.TRUE.equals(channel.attr(IN_USE).getAndSet(true))) {
      metrics.upstreamInUse.incrementAndGet();
    }
  }

  private void notInUse(Channel channel) {
    if (Boolean.TRUE.equals(channel.attr(IN_USE).getAndSet(false))) {
      metrics.upstreamInUse.decrementAndGet();
    }
  }

  private ArrayDeque<Channel> idle(EventLoop loop) {
    return idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
  }
}
