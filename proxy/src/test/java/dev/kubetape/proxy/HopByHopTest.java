package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HopByHopTest {
  private static HttpRequest request(String method, String uri, String... headers) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.headers().add(headers[i], headers[i + 1]);
    }
    return request;
  }

  @Test
  @DisplayName("requests lose hop-by-hop headers and the client's credentials, keep impersonation, and name the upstream as Host")
  void request() {
    HttpRequest in = request("GET", "/api/v1/pods?watch=true", "Host", "127.0.0.1:8443",
        "Authorization", "Bearer kubetape-token", "Connection", "keep-alive, X-Private",
        "Keep-Alive", "timeout=5", "X-Private", "hop", "Proxy-Authorization", "Basic x", "TE", "trailers",
        "Impersonate-User", "jane", "Impersonate-Group", "dev", "Impersonate-Group", "ops",
        "Accept-Encoding", "gzip", "User-Agent", "kubectl/v1.33.1");
    HttpHeaders out = HopByHop.upstreamRequest(in, upstream("https://10.0.0.1:6443"), "Bearer upstream", false,
        false).headers();
    assertEquals("10.0.0.1:6443", out.get("Host"));
    assertEquals(List.of("Bearer upstream"), out.getAll("Authorization"));
    assertEquals("jane", out.get("Impersonate-User"));
    assertEquals(List.of("dev", "ops"), out.getAll("Impersonate-Group"));
    assertEquals("gzip", out.get("Accept-Encoding"));
    for (String gone : List.of("Connection", "Keep-Alive", "X-Private", "Proxy-Authorization", "TE")) {
      assertFalse(out.contains(gone), gone);
    }
  }

  @Test
  @DisplayName("hop-by-hop names are dropped in any letter case, those Connection lists included, on requests and responses")
  void anyCase() {
    HttpRequest in = request("GET", "/api/v1/pods", "CONNECTION", "X-Private", "x-PRIVATE", "hop", "TRANSFER-encoding",
        "identity", "proxy-CONNECTION", "keep-alive", "AUTHORIZATION", "Bearer kubetape-token", "HOST", "a:1",
        "X-Kept", "yes");
    HttpHeaders out = HopByHop.upstreamRequest(in, upstream("https://10.0.0.1:6443"), "Bearer upstream", false,
        false).headers();
    assertEquals(List.of("Bearer upstream"), out.getAll("Authorization"));
    assertEquals(List.of("10.0.0.1:6443"), out.getAll("Host"));
    assertEquals("yes", out.get("x-kept"));
    for (String gone : List.of("Connection", "X-Private", "Transfer-Encoding", "Proxy-Connection")) {
      assertFalse(out.contains(gone), gone);
    }
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().add("Connection", "x-Hop").add("X-HOP", "1").add("KEEP-ALIVE", "timeout=5")
        .add("X-Http2-Stream-Id", "3").add("Audit-Id", "abc");
    HttpHeaders back = HopByHop.clientResponse(response, false, true, false).headers();
    assertEquals("abc", back.get("Audit-Id"));
    for (String gone : List.of("Connection", "X-Hop", "Keep-Alive", "x-http2-stream-id")) {
      assertFalse(back.contains(gone), gone);
    }
  }

  @Test
  @DisplayName("without upstream token (client certificates) no Authorization goes up at all")
  void noAuthorization() {
    HttpRequest in = request("GET", "/version", "Authorization", "Bearer kubetape-token");
    assertNull(HopByHop.upstreamRequest(in, upstream("https://10.0.0.1:6443"), null, false, false)
        .headers().get("Authorization"));
  }

  @Test
  @DisplayName("an upgrade keeps Connection: Upgrade and Upgrade; a chunked body stays chunked; the server's path prefix is kept")
  void upgradeAndFraming() {
    HttpRequest upgrade = request("POST", "/api/v1/namespaces/a/pods/p/exec?command=ls",
        "Connection", "Upgrade", "Upgrade", "SPDY/3.1", "X-Stream-Protocol-Version", "v4.channel.k8s.io");
    assertTrue(HopByHop.isUpgrade(upgrade));
    HttpRequest out = HopByHop.upstreamRequest(upgrade, upstream("https://rancher.example/k8s/clusters/c-1"),
        null, false, true);
    assertEquals("Upgrade", out.headers().get("Connection"));
    assertEquals("SPDY/3.1", out.headers().get("Upgrade"));
    assertEquals("v4.channel.k8s.io", out.headers().get("X-Stream-Protocol-Version"));
    assertEquals("/k8s/clusters/c-1/api/v1/namespaces/a/pods/p/exec?command=ls", out.uri());
    HttpRequest chunked = request("POST", "/api/v1/namespaces/a/configmaps", "Transfer-Encoding", "chunked");
    assertEquals("chunked", HopByHop.upstreamRequest(chunked, upstream("https://h:6443"), null, false, false)
        .headers().get("Transfer-Encoding"));
  }

  @Test
  @DisplayName("HTTP/2 requests lose the x-http2-* headers Netty adds for their pseudo-headers")
  void http2Extensions() {
    HttpRequest in = request("GET", "/api", "x-http2-stream-id", "3", "x-http2-scheme", "https");
    HttpHeaders out = HopByHop.upstreamRequest(in, upstream("https://h:6443"), null, true, false).headers();
    assertFalse(out.contains("x-http2-stream-id"));
    assertFalse(out.contains("x-http2-scheme"));
  }

  @Test
  @DisplayName("responses are re-framed for HTTP/1.1 clients: chunked when the length is unknown, Connection: close when closing")
  void response() {
    HttpResponse in = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    in.headers().add("Transfer-Encoding", "chunked").add("Connection", "keep-alive").add("Content-Type", "application/json")
        .add("Audit-Id", "42");
    HttpResponse h1 = HopByHop.clientResponse(in, true, true, true);
    assertEquals("chunked", h1.headers().get("Transfer-Encoding"));
    assertEquals("close", h1.headers().get("Connection"));
    assertEquals("42", h1.headers().get("Audit-Id"));
    HttpResponse h2 = HopByHop.clientResponse(in, false, true, false);
    assertFalse(h2.headers().contains("Transfer-Encoding"));
    assertFalse(h2.headers().contains("Connection"));
    HttpResponse switching = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    switching.headers().add("Connection", "Upgrade").add("Upgrade", "websocket").add("Sec-WebSocket-Accept", "x");
    HttpResponse out = HopByHop.clientResponse(switching, true, false, false);
    assertEquals("Upgrade", out.headers().get("Connection"));
    assertEquals("websocket", out.headers().get("Upgrade"));
    assertEquals("x", out.headers().get("Sec-WebSocket-Accept"));
  }

  static Upstream upstream(String server) {
    return UpstreamTest.upstreamFor(server);
  }
}
