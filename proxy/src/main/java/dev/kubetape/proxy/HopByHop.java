package dev.kubetape.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The only rewriting the proxy does (RFC 9110, section 7.6.1): the connection-specific headers
 * are dropped on each hop and the message is re-framed for the next one; upgrades keep
 * {@code Connection: Upgrade} and {@code Upgrade}. Requests also trade the client's
 * Authorization for the upstream's and name the upstream as Host. Everything else, the
 * {@code Impersonate-*} headers included, passes untouched.
 */
final class HopByHop {
  private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "te", "trailer",
      "transfer-encoding", "upgrade");

  private HopByHop() {}

  /** Whether the client asks to switch protocols (WebSocket, SPDY): exec, attach, port-forward. */
  static boolean isUpgrade(HttpRequest request) {
    return request.headers().contains(HttpHeaderNames.UPGRADE)
        && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  /**
   * The request as the API server receives it.
   *
   * @param authorization the upstream's Authorization value, or null to send none (client certificates)
   * @param fromHttp2 whether the request came in over HTTP/2 (its pseudo-headers were turned into x-http2-*)
   */
  static HttpRequest upstreamRequest(HttpRequest request, Upstream upstream, String authorization,
      boolean fromHttp2, boolean upgrade) {
    HttpHeaders headers = new DefaultHttpHeaders();
    Set<String> dropped = connectionTokens(request.headers());
    for (Map.Entry<String, String> header : request.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (dropped.contains(name) || name.equals("authorization") || name.equals("host")
          || name.startsWith("proxy-") || fromHttp2 && name.startsWith("x-http2-")) {
        continue;
      }
      headers.add(header.getKey(), header.getValue());
    }
    headers.set(HttpHeaderNames.HOST, upstream.authority());
    if (authorization != null) {
      headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    if (upgrade) {
      headers.set(HttpHeaderNames.CONNECTION, "Upgrade");
      headers.set(HttpHeaderNames.UPGRADE, request.headers().get(HttpHeaderNames.UPGRADE));
    }
    if (HttpUtil.isTransferEncodingChunked(request) && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(),
        upstream.pathPrefix() + request.uri(), headers);
  }

  /**
   * The response as the client receives it.
   *
   * @param toHttp1 whether the client speaks HTTP/1.1 (HTTP/2 has framing of its own)
   * @param hasBody whether a body follows (not for HEAD, 1xx, 204, 304)
   * @param close whether the client connection closes after this response
   */
  static HttpResponse clientResponse(HttpResponse response, boolean toHttp1, boolean hasBody, boolean close) {
    HttpHeaders headers = new DefaultHttpHeaders();
    Set<String> dropped = connectionTokens(response.headers());
    for (Map.Entry<String, String> header : response.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      // x-http2-*: what Netty makes of an HTTP/2 upstream's pseudo-headers.
      if (dropped.contains(name) || name.startsWith("proxy-") || name.startsWith("x-http2-")) {
        continue;
      }
      headers.add(header.getKey(), header.getValue());
    }
    String upgrade = response.headers().get(HttpHeaderNames.UPGRADE);
    if (response.status().code() == 101) {
      headers.set(HttpHeaderNames.CONNECTION, "Upgrade");
      if (upgrade != null) {
        headers.set(HttpHeaderNames.UPGRADE, upgrade);
      }
    } else if (toHttp1) {
      if (hasBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      if (close) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
    }
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), headers);
  }

  /** The fixed hop-by-hop names and those the Connection header lists. */
  private static Set<String> connectionTokens(HttpHeaders headers) {
    Set<String> names = new HashSet<>(ALWAYS);
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.strip().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }
}
