package dev.kubetape.sandbox;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The kubelet's side of a port-forward session: SPDY/3.1 with the {@code portforward.k8s.io}
 * protocol, over whatever carries its bytes (a WebSocket tunnel, as the API server offers
 * kubectl 1.31 and later). For each connection kubectl accepts on a local port it opens two
 * streams, {@code error} and {@code data}, with the same {@code requestid} and the remote
 * {@code port}; the pair becomes one connection to that port in the pod, and the error stream
 * carries the reason when there is nothing to connect to. Every stream is answered at once, as
 * the kubelet's SPDY server does.
 *
 * <p>Not thread-safe: everything runs on the connection's event loop.
 */
final class PortForwardSession {
  /** A connection to a port in the pod, as the simulated container serves it. */
  interface Port {
    void receive(byte[] bytes);

    /** The client will send no more. */
    void clientDone();
  }

  /** Opens a connection to a port in the pod, or says why none can be opened. */
  interface Pod {
    /**
     * @param send writes to the client
     * @param close ends the connection from the pod's side
     * @return the connection, or null when nothing listens there ({@code refused} has been told why)
     */
    Port connect(int port, Consumer<byte[]> send, Runnable close, Consumer<String> refused);
  }

  private static final class Pair {
    int errorStream;
    int dataStream;
    int port;
    Port connection;
    boolean ended;
  }

  private final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final Pod pod;
  private final Consumer<byte[]> transport;
  private final Map<String, Pair> byRequest = new HashMap<>();
  private final Map<Integer, Pair> byDataStream = new HashMap<>();

  /** {@code transport} carries the session's bytes to the client. */
  PortForwardSession(Pod pod, Consumer<byte[]> transport) {
    this.pod = pod;
    this.transport = transport;
  }

  /** Bytes of the session from the client. */
  void receive(byte[] bytes) {
    codec.writeInbound(Unpooled.wrappedBuffer(bytes));
    Object frame;
    while ((frame = codec.readInbound()) != null) {
      try {
        handle(frame);
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }
    flush();
  }

  /** The client went away: every connection ends. */
  void close() {
    byRequest.values().forEach(pair -> {
      if (pair.connection != null && !pair.ended) {
        pair.ended = true;
        pair.connection.clientDone();
      }
    });
    byRequest.clear();
    byDataStream.clear();
    codec.finishAndReleaseAll();
  }

  private void handle(Object frame) {
    switch (frame) {
      case SpdySynStreamFrame open -> {
        String type = open.headers().getAsString("streamtype");
        // The kubelet replies with no headers, a compressed count of zero; Netty writes an empty
        // header block as no bytes at all, which Go's SPDY framer (client-go) cannot read. Echoing
        // the stream's type keeps the block readable.
        SpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(open.streamId());
        reply.headers().set("streamtype", type == null ? "" : type);
        write(reply);
        String request = open.headers().getAsString("requestid");
        String port = open.headers().getAsString("port");
        Pair pair = byRequest.computeIfAbsent(request == null ? "" : request, r -> new Pair());
        if ("error".equals(type)) {
          pair.errorStream = open.streamId();
        } else if ("data".equals(type)) {
          pair.dataStream = open.streamId();
          byDataStream.put(open.streamId(), pair);
        } else {
          write(new DefaultSpdyRstStreamFrame(open.streamId(), SpdyStreamStatus.PROTOCOL_ERROR));
          return;
        }
        pair.port = port == null ? -1 : parsePort(port);
        if (pair.errorStream != 0 && pair.dataStream != 0) {
          connect(pair);
        }
      }
      case SpdyDataFrame data -> {
        Pair pair = byDataStream.get(data.streamId());
        if (pair == null || pair.connection == null || pair.ended) {
          return;
        }
        if (data.content().isReadable()) {
          pair.connection.receive(ByteBufUtil.getBytes(data.content()));
        }
        if (data.isLast()) {
          pair.connection.clientDone();
        }
      }
      case SpdyRstStreamFrame reset -> {
        Pair pair = byDataStream.remove(reset.streamId());
        if (pair != null && pair.connection != null && !pair.ended) {
          pair.ended = true;
          pair.connection.clientDone();
        }
      }
      case SpdyPingFrame ping -> write(new DefaultSpdyPingFrame(ping.id()));
      default -> { } // SETTINGS, WINDOW_UPDATE, GOAWAY, HEADERS: nothing to do for a forwarder.
    }
  }

  private static int parsePort(String port) {
    try {
      return Integer.parseInt(port);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void connect(Pair pair) {
    if (pair.port <= 0 || pair.port > 65535) {
      fail(pair, "invalid port " + pair.port);
      return;
    }
    pair.connection = pod.connect(pair.port,
        bytes -> {
          if (!pair.ended) {
            write(new DefaultSpdyDataFrame(pair.dataStream, Unpooled.wrappedBuffer(bytes)));
            flush();
          }
        },
        () -> end(pair),
        reason -> fail(pair, reason));
  }

  /** The pod closed the connection: both streams end, as the kubelet closes them when its copy ends. */
  private void end(Pair pair) {
    if (pair.ended) {
      return;
    }
    pair.ended = true;
    write(new DefaultSpdyDataFrame(pair.dataStream).setLast(true));
    write(new DefaultSpdyDataFrame(pair.errorStream).setLast(true));
    flush();
  }

  /** Nothing to connect to: the reason on the error stream, then both streams reset. */
  private void fail(Pair pair, String reason) {
    pair.ended = true;
    write(new DefaultSpdyDataFrame(pair.errorStream,
        Unpooled.wrappedBuffer(reason.getBytes(StandardCharsets.UTF_8))));
    write(new DefaultSpdyRstStreamFrame(pair.dataStream, SpdyStreamStatus.CANCEL));
    write(new DefaultSpdyRstStreamFrame(pair.errorStream, SpdyStreamStatus.CANCEL));
    flush();
  }

  private void write(Object frame) {
    codec.writeOutbound(frame);
  }

  private void flush() {
    ByteBuf out;
    while ((out = codec.readOutbound()) != null) {
      try {
        if (out.isReadable()) {
          transport.accept(ByteBufUtil.getBytes(out));
        }
      } finally {
        out.release();
      }
    }
  }
}
