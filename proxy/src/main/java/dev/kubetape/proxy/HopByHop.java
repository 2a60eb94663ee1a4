package dev.kubetape.proxy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The only rewriting the proxy does (RFC 9110, section 7.6.1): the connection-specific headers
 * are dropped on each hop and the message is re-framed for the next one; upgrades keep
 * {@code Connection: Upgrade} and {@code Upgrade}. Requests also trade the client's
 * Authorization for the upstream's and name the upstream as Host. Everything else, the
 * {@code Impersonate-*} headers included, passes untouched.
 */
final class HopByHop {
  private static final List<AsciiString> ALWAYS = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
      HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE);
  private static final AsciiString PROXY = AsciiString.cached("proxy-");
  private static final AsciiString HTTP2_EXTENSION = AsciiString.cached("x-http2-");
  /**
   * For the copies: the names come from messages Netty's decoders have validated, or are ours,
   * so checking each again per message is waste; values are still checked (credentials among
   * them).
   */
  private static final DefaultHttpHeadersFactory COPIES = DefaultHttpHeadersFactory.headersFactory()
      .withNameValidation(false);

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
    HttpHeaders headers = COPIES.newHeaders();
    List<String> listed = connectionTokens(request.headers());
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> header = it.next();
      CharSequence name = header.getKey();
      if (hopByHop(name, listed) || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.AUTHORIZATION)
          || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST) || startsWith(name, PROXY)
          || fromHttp2 && startsWith(name, HTTP2_EXTENSION)) {
        continue;
      }
      headers.add(name, header.getValue());
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
    HttpHeaders headers = COPIES.newHeaders();
    List<String> listed = connectionTokens(response.headers());
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = response.headers().iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> header = it.next();
      CharSequence name = header.getKey();
      // x-http2-*: what Netty makes of an HTTP/2 upstream's pseudo-headers.
      if (hopByHop(name, listed) || startsWith(name, PROXY) || startsWith(name, HTTP2_EXTENSION)) {
        continue;
      }
      headers.add(name, header.getValue());
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

  /** The names the Connection header lists, as written (most messages have none: no list is made). */
  private static List<String> connectionTokens(HttpHeaders headers) {
    List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
    if (values.isEmpty()) {
      return List.of();
    }
    List<String> names = new ArrayList<>(2);
    for (String value : values) {
      for (int from = 0; from <= value.length(); ) {
        int comma = value.indexOf(',', from);
        if (comma < 0) {
          comma = value.length();
        }
        String name = value.substring(from, comma).strip();
        if (!name.isEmpty()) {
          names.add(name);
        }
        from = comma + 1;
      }
    }
    return names;
  }

  /** One of the fixed hop-by-hop names, or one the Connection header lists; any case. */
  private static boolean hopByHop(CharSequence name, List<String> listed) {
    for (AsciiString always : ALWAYS) {
      if (AsciiString.contentEqualsIgnoreCase(name, always)) {
        return true;
      }
    }
    for (String token : listed) {
      if (AsciiString.contentEqualsIgnoreCase(name, token)) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(CharSequence name, AsciiString prefix) {
    return AsciiString.regionMatches(name, true, 0, prefix, 0, prefix.length());
  }
}
