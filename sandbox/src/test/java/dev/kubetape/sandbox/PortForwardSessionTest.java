package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The session driven by Netty's SPDY codec playing kubectl's part, as client-go's port forwarder does. */
class PortForwardSessionTest {
  /** kubectl's end: frames it sends go through a client codec into the session, and back. */
  private final EmbeddedChannel kubectl = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final List<String> received = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final PortForwardSession session = new PortForwardSession((port, send, close, refused) -> {
    ports.add(port);
    if (port != 8080) {
      refused.accept("nothing listens on " + port);
      return null;
    }
    return new PortForwardSession.Port() {
      @Override
      public void receive(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        received.add(text);
        send.accept(("echo " + text).getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public void clientDone() {
        close.run();
      }
    };
  }, bytes -> kubectl.writeInbound(Unpooled.wrappedBuffer(bytes)));

  private void send(Object frame) {
    kubectl.writeOutbound(frame);
    ByteBuf out;
    while ((out = kubectl.readOutbound()) != null) {
      session.receive(ByteBufUtil.getBytes(out));
      out.release();
    }
  }

  private void open(int streamId, String type, int port, String requestId) {
    SpdySynStreamFrame frame = new DefaultSpdySynStreamFrame(streamId, 0, (byte) 0);
    frame.headers().set("streamtype", type).set("port", Integer.toString(port)).set("requestid", requestId);
    send(frame);
  }

  /** What kubectl opens for each local connection: an error stream (1), then a data stream (3). */
  private void openPair(int port, String requestId) {
    open(1, "error", port, requestId);
    open(3, "data", port, requestId);
  }

  private List<Object> answers() {
    List<Object> frames = new ArrayList<>();
    Object frame;
    while ((frame = kubectl.readInbound()) != null) {
      frames.add(frame);
    }
    return frames;
  }

  private static String text(Object frame) {
    String text = ((SpdyDataFrame) frame).content().toString(StandardCharsets.UTF_8);
    ReferenceCountUtil.release(frame);
    return text;
  }

  @Test
  @DisplayName("a stream pair becomes one connection: every stream is answered, data goes both ways, and a FIN from kubectl ends both streams")
  void connection() {
    openPair(8080, "0");
    List<Object> replies = answers();
    assertEquals(2, replies.size(), replies::toString);
    assertEquals(1, assertInstanceOf(SpdySynReplyFrame.class, replies.get(0)).streamId());
    assertEquals(3, assertInstanceOf(SpdySynReplyFrame.class, replies.get(1)).streamId());
    assertEquals(List.of(8080), ports);

    send(new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)));
    List<Object> data = answers();
    assertEquals(List.of("hello"), received);
    assertEquals(3, ((SpdyDataFrame) data.getFirst()).streamId());
    assertEquals("echo hello", text(data.getFirst()));

    send(new DefaultSpdyDataFrame(3).setLast(true));
    List<Object> ends = answers();
    assertEquals(2, ends.size(), ends::toString);
    assertTrue(((SpdyDataFrame) ends.get(0)).isLast());
    assertEquals(3, ((SpdyDataFrame) ends.get(0)).streamId());
    assertTrue(((SpdyDataFrame) ends.get(1)).isLast());
    assertEquals(1, ((SpdyDataFrame) ends.get(1)).streamId());
  }

  @Test
  @DisplayName("a port nothing listens on: the reason on the error stream, then both streams reset")
  void refused() {
    openPair(9999, "7");
    List<Object> frames = answers();
    assertEquals(5, frames.size(), frames::toString);
    assertEquals(1, ((SpdyDataFrame) frames.get(2)).streamId());
    assertEquals("nothing listens on 9999", text(frames.get(2)));
    assertEquals(3, assertInstanceOf(SpdyRstStreamFrame.class, frames.get(3)).streamId());
    assertEquals(1, assertInstanceOf(SpdyRstStreamFrame.class, frames.get(4)).streamId());
  }

  @Test
  @DisplayName("pings are answered with their id")
  void ping() {
    send(new DefaultSpdyPingFrame(5));
    assertEquals(5, assertInstanceOf(SpdyPingFrame.class, answers().getFirst()).id());
  }
}
