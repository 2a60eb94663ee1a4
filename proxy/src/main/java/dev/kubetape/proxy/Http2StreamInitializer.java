package dev.kubetape.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flow.FlowControlHandler;

/**
 * The pipeline of one HTTP/2 stream: frames become HTTP/1.x objects, so one {@link
 * FrontendHandler} serves both protocols. Auto-read is off per stream: a stream whose
 * frontend does not read does not return flow-control credit, which slows that client only.
 */
final class Http2StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
  private final ProxyContext proxy;

  Http2StreamInitializer(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  protected void initChannel(Http2StreamChannel stream) {
    stream.config().setAutoRead(false);
    stream.pipeline()
        .addLast("http", new Http2StreamFrameToHttpObjectCodec(true))
        .addLast("flow", new FlowControlHandler())
        .addLast("frontend", new FrontendHandler(proxy, true));
  }
}
