package dev.kubetape.proxy;

import dev.kubetape.proxy.UpstreamCredentials.Credentials;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Serves one client: an HTTP/1.1 connection, or one HTTP/2 stream (Netty turns each stream into
 * HTTP/1.x objects, so the same code serves both). For each request it checks kubetape's
 * token, swaps the credentials, takes an upstream connection from the pool on this event loop
 * and streams the request up and the response down, a part at a time: it reads the next part
 * from one side only after the previous one was written to the other (auto-read is off on both
 * channels). After a {@code 101 Switching Protocols} (exec, attach, port-forward) both
 * connections become a raw byte tunnel. The proxy answers by itself only when it must: 401
 * without the token, 502/503 when the API server cannot be reached, 400/414/431 for requests
 * it cannot read.
 *
 * <p>The inbound messages are reference-counted and owned by this handler until it writes them
 * on (the channel then releases them) or releases them itself.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private final ProxyContext proxy;
  private final boolean http2;

  // Every field below is owned by the client channel's event loop. The backend channel of an
  // exchange runs on the same loop, so BackendHandler calls in on that thread too.
  private ChannelHandlerContext ctx;
  /** HTTP/1.1's time-outs between requests, until a tunnel removes them; null on HTTP/2. */
  private RequestHeadTimeout headTimeout;
  /** The exchange in progress, or null between requests. */
  private ExchangeState exchange;
  /** What goes upstream for the exchange, kept to resend it on a fresh connection. */
  private HttpRequest upstreamRequest;
  /** The end of a request that came whole with its head (HTTP/2 without a body), until connected. */
  private LastHttpContent pendingLast;
  private Credentials credentials;
  private Channel backend;
  private boolean upgrade;
  private boolean bodyless;
  /** The client's empty end of a bodyless HTTP/1.1 request, already sent upstream with the head. */
  private boolean swallowLast;
  private boolean reused;
  private boolean retried;
  private boolean requestSent;
  private boolean responseStarted;
  private boolean responseDone;
  private boolean keepUpstream;
  private boolean local;
  private boolean closeAfter;
  private boolean skipLast;
  private boolean tunnel;
  /** The newest write to the client since the upstream's last read; its success allows the next read. */
  private ChannelFuture lastWrite;
  /** Pipelined messages that arrived while an exchange was in progress, in order. */
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  /** A read was asked for and no message came yet: a read cycle that ends empty must ask again. */
  private boolean awaitingRead;

  FrontendHandler(ProxyContext proxy, boolean http2) {
    this.proxy = proxy;
    this.http2 = http2;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    headTimeout = ctx.pipeline().get(RequestHeadTimeout.class);
    if (ctx.channel().isActive()) {
      read();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    read();
    ctx.fireChannelActive();
  }

  /**
   * Asks for the next message. With auto-read off, a read cycle may end without one (a TLS
   * record that held no data, a window update); {@link #channelReadComplete} then asks again.
   */
  private void read() {
    if (!held.isEmpty() && (exchange == null || !requestSent)) {
      // What a pipelining client sent ahead is the next request's: it is read first.
      channelRead(ctx, held.poll());
      return;
    }
    awaitingRead = true;
    ctx.read();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (awaitingRead) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    awaitingRead = false;
    if (tunnel) {
      tunnelFromClient(msg);
    } else if (exchange == null) {
      if (msg instanceof HttpRequest request) {
        startExchange(request);
      } else {
        ReferenceCountUtil.release(msg);
        read();
      }
    } else if (requestSent) {
      if (swallowLast && msg instanceof LastHttpContent last && !last.content().isReadable()) {
        swallowLast = false;
        last.release();
        read();
      } else {
        hold(msg);
      }
    } else if (msg instanceof HttpContent content) {
      requestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  // ---- request ---------------------------------------------------------------------------

  private void startExchange(HttpRequest request) {
    proxy.metrics().requests.increment();
    proxy.metrics().exchangesInFlight.incrementAndGet();
    if (headTimeout != null) {
      headTimeout.headReceived();
    }
    exchange = ExchangeState.of(request, proxy.tap().active());
    closeAfter = !http2 && !HttpUtil.isKeepAlive(request);
    bodyless = request instanceof LastHttpContent last ? !last.content().isReadable()
        : !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
    if (request.decoderResult().isFailure()) {
      ReferenceCountUtil.release(request);
      malformed(request.decoderResult().cause());
      return;
    }
    if (!proxy.authority().authorizes(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      proxy.metrics().unauthorized.increment();
      requestHeadOnly(request);
      replyLocally(KubeStatus.UNAUTHORIZED, false);
      return;
    }
    upgrade = !http2 && HopByHop.isUpgrade(request);
    credentials = proxy.upstream().credentials().current();
    upstreamRequest = HopByHop.upstreamRequest(request, proxy.upstream(), credentials.authorization(), http2,
        upgrade);
    if (request instanceof LastHttpContent last) {
      // An HTTP/2 request whose HEADERS frame ended the stream: no body, nothing more to read.
      countRequestBytes(last.content());
      pendingLast = last.content().isReadable() ? new DefaultLastHttpContent(last.content().retain())
          : LastHttpContent.EMPTY_LAST_CONTENT;
      if (last.content().isReadable()) {
        HttpUtil.setContentLength(upstreamRequest, last.content().readableBytes());
      }
      ReferenceCountUtil.release(request);
    } else if (bodyless) {
      // Head and end go up together; the client's empty end that follows is dropped.
      swallowLast = true;
    }
    ExchangeState started = exchange;
    boolean shortRequest = bodyless && !exchange.route.longRunning();
    proxy.pool().acquire(ctx.channel().eventLoop(), credentials, upgrade, shortRequest)
        .addListener((Future<Channel> connected) -> connected(started, connected));
  }

  /** A refused or broken request: what is left of its body is never read. */
  private void requestHeadOnly(HttpRequest request) {
    if (request instanceof LastHttpContent) {
      requestSent = true;
    }
    ReferenceCountUtil.release(request);
  }

  private void connected(ExchangeState started, Future<Channel> connected) {
    if (exchange != started || !ctx.channel().isActive()) {
      if (connected.isSuccess()) {
        proxy.pool().release(connected.getNow());
      }
      return;
    }
    if (!connected.isSuccess()) {
      upstreamFailed(connected.cause());
      return;
    }
    backend = connected.getNow();
    reused = Boolean.TRUE.equals(backend.attr(UpstreamPool.USED).getAndSet(true));
    BackendHandler.attach(backend, this);
    sendRequest(started);
  }

  private void sendRequest(ExchangeState started) {
    ChannelFuture written;
    boolean whole;
    if (bodyless) {
      // Head and end in one message: over HTTP/2 a single HEADERS frame that ends the stream.
      // The headers are shared, not copied: a resend (see upstreamClosed) writes them again
      // unchanged, as neither codec keeps or changes what it is given but for HTTP/2's
      // x-http2-scheme, and a request sent on a stream is never resent.
      pendingLast = null;
      written = backend.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, upstreamRequest.method(),
          upstreamRequest.uri(), Unpooled.EMPTY_BUFFER, upstreamRequest.headers(), EmptyHttpHeaders.INSTANCE));
      whole = true;
    } else if (pendingLast != null) {
      backend.write(upstreamRequest);
      written = backend.writeAndFlush(pendingLast);
      pendingLast = null;
      whole = true;
    } else {
      written = backend.writeAndFlush(upstreamRequest);
      whole = false;
    }
    written.addListener(done -> {
      if (exchange != started || !done.isSuccess()) {
        return; // The backend is failing: its channelInactive tells us how.
      }
      if (whole) {
        requestSentUpstream();
      } else {
        read();
      }
    });
    backend.read();
  }

  private void requestContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      content.release();
      exchange.fail("the client sent a malformed body: " + content.decoderResult().cause());
      proxy.errors().report("client_bad_body", "a client sent a malformed request body ("
          + content.decoderResult().cause() + ")");
      abort();
      return;
    }
    if (backend == null && !local && !responseStarted) {
      // The body can come before the upstream channel is ready (FlowControlHandler counts reads:
      // the one made during the last response and the one after it let head and body through
      // together). It goes up once the head has: sendRequest reads again, held messages first.
      hold(content);
      return;
    }
    boolean last = content instanceof LastHttpContent;
    countRequestBytes(content.content());
    if (local) {
      content.release();
      if (last) {
        requestSent = true;
        maybeFinish();
      } else {
        read();
      }
      return;
    }
    if (backend == null) {
      // The request is not forwarded anymore (upstream gone); the answer is on its way.
      content.release();
      return;
    }
    ExchangeState started = exchange;
    backend.writeAndFlush(content).addListener(done -> {
      if (exchange != started || !done.isSuccess()) {
        return;
      }
      if (last) {
        requestSentUpstream();
      } else {
        read();
      }
    });
  }

  private void countRequestBytes(ByteBuf content) {
    int bytes = content.readableBytes();
    exchange.bytesIn += bytes;
    proxy.metrics().bytesIn.add(bytes);
    if (exchange.requestBody != null) {
      exchange.requestBody.add(content);
    }
  }

  private void requestSentUpstream() {
    requestSent = true;
    maybeFinish();
    if (exchange != null && !tunnel) {
      // Reading on during the response is how a client that goes away is noticed at once (a
      // watch must not outlive kubectl); a pipelined request that shows up instead waits.
      read();
    }
  }

  private void hold(Object msg) {
    held.add(msg);
  }

  // ---- response --------------------------------------------------------------------------

  /** A part of the response, or tunnel bytes, from the backend. */
  void fromUpstream(Object msg) {
    if (exchange == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof FullHttpResponse whole) {
      // An HTTP/2 upstream's HEADERS frame that ends the stream: head and end in one object.
      LastHttpContent last = new DefaultLastHttpContent(whole.content(), whole.trailingHeaders());
      responseHead(whole);
      responseContent(last);
    } else if (msg instanceof HttpResponse response) {
      responseHead(response);
    } else if (msg instanceof HttpContent content) {
      responseContent(content);
    } else if (msg instanceof ByteBuf bytes && tunnel) {
      exchange.bytesOut += bytes.readableBytes();
      proxy.metrics().bytesOut.add(bytes.readableBytes());
      lastWrite = ctx.write(bytes);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void responseHead(HttpResponse response) {
    int code = response.status().code();
    if (local || responseStarted) {
      return;
    }
    if (code == 101) {
      if (!upgrade) {
        upstreamFailed(new IOException("the server switched protocols on a request that did not ask to"));
        return;
      }
      startTunnel(response);
      return;
    }
    if (code >= 100 && code < 200) {
      // 100 Continue, 103 Early Hints: passed on, and the real response follows.
      skipLast = true;
      HttpResponse informational = HopByHop.clientResponse(response, !http2, false, false);
      FullHttpResponse whole = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, informational.status(),
          Unpooled.EMPTY_BUFFER);
      whole.headers().set(informational.headers());
      lastWrite = ctx.write(whole);
      return;
    }
    keepUpstream = HttpUtil.isKeepAlive(response);
    if (!requestSent) {
      // The server answered before the body was sent (413, say): the rest of it is not read.
      closeAfter = true;
    }
    exchange.response(response);
    if (code == 401) {
      proxy.upstream().credentials().unauthorized(credentials);
    }
    boolean hasBody = code != 204 && code != 304 && !HttpMethod.HEAD.equals(upstreamRequest.method());
    responseStarted = true;
    lastWrite = ctx.write(HopByHop.clientResponse(response, !http2, hasBody, closeAfter && !http2));
  }

  private void responseContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (skipLast && last) {
      skipLast = false;
      content.release();
      return;
    }
    if (!responseStarted || local) {
      content.release();
      return;
    }
    int bytes = content.content().readableBytes();
    exchange.bytesOut += bytes;
    proxy.metrics().bytesOut.add(bytes);
    if (exchange.responseBody != null) {
      exchange.responseBody.add(content.content());
    }
    ChannelFuture written = ctx.write(content);
    lastWrite = written;
    if (!last) {
      return;
    }
    Channel connection = backend;
    backend = null;
    BackendHandler.detach(connection);
    if (keepUpstream && requestSent) {
      proxy.pool().release(connection);
    } else {
      connection.close();
    }
    ExchangeState started = exchange;
    written.addListener(done -> {
      if (exchange == started) {
        responseDone = true;
        maybeFinish();
      }
    });
    lastWrite = null;
    ctx.flush();
  }

  /** The backend read what it had: flush it to the client, and read more once that is written. */
  void upstreamReadComplete() {
    ctx.flush();
    Channel connection = backend;
    ChannelFuture pending = lastWrite;
    lastWrite = null;
    if (connection == null) {
      return;
    }
    if (pending == null || pending.isSuccess()) {
      connection.read();
    } else {
      pending.addListener(done -> {
        if (done.isSuccess() && backend == connection) {
          connection.read();
        }
      });
    }
  }

  /** The backend connection closed (the cause is null for an orderly close). */
  void upstreamClosed(Throwable failure) {
    backend = null;
    if (exchange == null) {
      return;
    }
    if (tunnel) {
      closeOnFlush(ctx.channel());
      return;
    }
    if (!responseStarted && !local) {
      if (reused && bodyless && !retried && exchange.bytesOut == 0) {
        // A pooled connection the server had closed just as we used it: the request never
        // reached it, so it goes again on a fresh one, as Go's transport does.
        retried = true;
        ExchangeState started = exchange;
        proxy.pool().connect(ctx.channel().eventLoop(), credentials)
            .addListener((Future<Channel> connected) -> connected(started, connected));
        return;
      }
      upstreamFailed(failure != null ? failure : new UpstreamFault.UpstreamClosedException());
      return;
    }
    if (!responseDone && !local) {
      UpstreamFault fault = UpstreamFault.of(failure != null ? failure : new UpstreamFault.UpstreamClosedException(),
          proxy.upstream(), UpstreamFault.clientName(exchange.userAgent));
      exchange.fail("the API server closed the connection mid-response: " + fault.status().message());
      proxy.errors().report(fault.errorClass() + "_mid_response", fault.status().message()
          + " (mid-response; the client sees the response end early)");
      closeOnFlush(ctx.channel());
    }
  }

  /** The API server could not be reached or gave no answer: the client gets a Status that says so. */
  private void upstreamFailed(Throwable cause) {
    UpstreamFault fault = UpstreamFault.of(cause, proxy.upstream(), UpstreamFault.clientName(exchange.userAgent));
    proxy.errors().report(fault.errorClass(), fault.status().message());
    exchange.fail(fault.status().message());
    Channel connection = backend;
    backend = null;
    if (connection != null) {
      BackendHandler.detach(connection);
      connection.close();
    }
    if (pendingLast != null) {
      ReferenceCountUtil.release(pendingLast);
      pendingLast = null;
    }
    replyLocally(fault.status(), exchange.route.resource() == null);
  }

  private void malformed(Throwable cause) {
    KubeStatus status;
    String errorClass;
    if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
        && String.valueOf(cause.getMessage()).contains("header")) {
      status = new KubeStatus(431, "RequestHeaderFieldsTooLarge", "the request's headers are larger than "
          + FrontendInitializer.MAX_HEADER_SIZE / 1024 + " KiB");
      errorClass = "client_headers_too_large";
    } else if (cause instanceof TooLongHttpLineException) {
      status = new KubeStatus(414, "RequestURITooLong", "the request line is longer than "
          + FrontendInitializer.MAX_INITIAL_LINE / 1024 + " KiB");
      errorClass = "client_uri_too_long";
    } else {
      status = new KubeStatus(400, "BadRequest", "malformed HTTP request: " + cause.getMessage());
      errorClass = "client_bad_request";
    }
    proxy.errors().report(errorClass, "refused a client request: " + status.message());
    exchange.fail(status.message());
    requestSent = true;
    closeAfter = true;
    replyLocally(status, false);
  }

  /**
   * Answers the exchange without the API server; the rest of the request body is discarded.
   *
   * @param plain whether to answer in plain text, for paths kubectl reads raw (see {@link KubeStatus#plainResponse})
   */
  private void replyLocally(KubeStatus status, boolean plain) {
    local = true;
    FullHttpResponse response = plain ? status.plainResponse() : status.response();
    exchange.statusCode = response.status().code();
    if (!http2 && (closeAfter || !requestSent && !bodyless)) {
      closeAfter = true;
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    responseStarted = true;
    ExchangeState started = exchange;
    ctx.writeAndFlush(response).addListener(done -> {
      if (exchange == started) {
        responseDone = true;
        maybeFinish();
      }
    });
    if (!requestSent && !closeAfter) {
      read();
    }
  }

  // ---- tunnel ----------------------------------------------------------------------------

  /**
   * Forwards the 101 and turns both connections into byte pipes. The 101 is encoded by the
   * HTTP codec before the codec leaves the pipeline; the client sends nothing before it has
   * the 101, so no byte can be misread in between.
   */
  private void startTunnel(HttpResponse response) {
    tunnel = true;
    skipLast = true;
    responseStarted = true;
    exchange.response(response);
    proxy.metrics().tunnelsOpen.incrementAndGet();
    lastWrite = ctx.write(HopByHop.clientResponse(response, true, false, false));
    ChannelPipeline pipeline = ctx.pipeline();
    if (headTimeout != null && pipeline.context(headTimeout) != null) {
      pipeline.remove(headTimeout);
    }
    headTimeout = null;
    if (pipeline.get(HttpServerCodec.class) != null) {
      pipeline.remove(HttpServerCodec.class);
    }
    if (pipeline.get(FlowControlHandler.class) != null) {
      pipeline.remove(FlowControlHandler.class);
    }
    read();
  }

  private void tunnelFromClient(Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      read();
      return;
    }
    if (backend == null) {
      bytes.release();
      return;
    }
    exchange.bytesIn += bytes.readableBytes();
    proxy.metrics().bytesIn.add(bytes.readableBytes());
    backend.writeAndFlush(bytes).addListener(done -> {
      if (done.isSuccess()) {
        read();
      }
    });
  }

  // ---- the end of an exchange -------------------------------------------------------------

  private void maybeFinish() {
    if (exchange == null || !responseDone || !requestSent && !closeAfter) {
      return;
    }
    finishExchange();
    if (closeAfter) {
      closeOnFlush(ctx.channel());
      return;
    }
    if (!http2) {
      if (headTimeout != null) {
        headTimeout.awaitingNextRequest();
      }
      read();
    }
  }

  private void finishExchange() {
    ExchangeState done = exchange;
    exchange = null;
    done.finish();
    proxy.tap().offer(done);
    proxy.metrics().exchangesInFlight.decrementAndGet();
    if (tunnel) {
      proxy.metrics().tunnelsOpen.decrementAndGet();
    }
    upstreamRequest = null;
    credentials = null;
    upgrade = false;
    bodyless = false;
    swallowLast = false;
    reused = false;
    retried = false;
    requestSent = false;
    responseStarted = false;
    responseDone = false;
    keepUpstream = false;
    local = false;
    skipLast = false;
    lastWrite = null;
  }

  /** Gives up on the exchange and the client connection (or stream) at once. */
  private void abort() {
    Channel connection = backend;
    backend = null;
    if (connection != null) {
      BackendHandler.detach(connection);
      connection.close();
    }
    closeOnFlush(ctx.channel());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      if (!tunnel && !responseDone) {
        exchange.fail("the client closed the connection before the response was over");
      }
      finishExchange();
    }
    Channel connection = backend;
    backend = null;
    if (connection != null) {
      // The exchange is over for the client, so it is over upstream too: a watch kubectl
      // abandoned must not stay open on the API server.
      BackendHandler.detach(connection);
      closeOnFlush(connection);
    }
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    ReferenceCountUtil.release(pendingLast);
    pendingLast = null;
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String errorClass = cause instanceof SSLException || cause.getCause() instanceof SSLException ? "client_tls"
        : String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("reset") ? "client_reset"
        : "client_error";
    if (errorClass.equals("client_reset")) {
      proxy.errors().count(errorClass, "a client connection was reset: " + cause);
    } else {
      proxy.errors().report(errorClass, "a client connection failed: " + cause,
          cause instanceof IOException || cause instanceof SSLException ? null : cause);
    }
    if (exchange != null) {
      exchange.fail("client connection failed: " + cause);
    }
    abort();
  }

  /** Closes once everything written so far is flushed; an HTTP/2 stream is reset instead. */
  static void closeOnFlush(Channel channel) {
    if (channel instanceof Http2StreamChannel) {
      channel.close();
    } else if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
