package dev.kubetape.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/** The pipeline of a connection to the API server: TLS with the upstream credentials, HTTP/1.1, then {@link BackendHandler}. */
final class BackendInitializer extends ChannelInitializer<Channel> {
  private final SslContext tls;
  private final Upstream upstream;
  private final UpstreamPool pool;

  BackendInitializer(SslContext tls, Upstream upstream, UpstreamPool pool) {
    this.tls = tls;
    this.upstream = upstream;
    this.pool = pool;
  }

  @Override
  protected void initChannel(Channel channel) {
    // The peer host is the name the certificate must carry and the SNI sent: tls-server-name
    // when the kubeconfig sets one, as kubectl does.
    String peer = upstream.tlsServerName() != null ? upstream.tlsServerName() : upstream.host();
    SslHandler ssl = tls.newHandler(channel.alloc(), peer, upstream.port());
    ssl.setHandshakeTimeoutMillis(UpstreamPool.CONNECT_TIMEOUT.toMillis());
    channel.pipeline()
        .addLast("tls", ssl)
        .addLast("http", new HttpClientCodec(new HttpDecoderConfig()
            .setMaxHeaderSize(256 * 1024)
            .setMaxChunkSize(64 * 1024), false, false))
        .addLast("backend", new BackendHandler(pool));
  }
}
