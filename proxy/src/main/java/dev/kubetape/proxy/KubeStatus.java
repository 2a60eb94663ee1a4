package dev.kubetape.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The {@code Status} failures the proxy answers itself, rendered as kube-apiserver renders them
 * (same fields, same order), so kubectl prints them the way it prints the server's own:
 * "error: You must be logged in to the server (Unauthorized)", "Error from server
 * (ServiceUnavailable): failed to reach ...".
 */
record KubeStatus(int code, String reason, String message) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final KubeStatus UNAUTHORIZED = new KubeStatus(401, "Unauthorized", "Unauthorized");

  String json() {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return status.toString();
  }

  /** The response, with a body of its own: the caller writes it and so hands it on. */
  FullHttpResponse response() {
    return response(HttpResponseStatus.valueOf(code), "application/json", json());
  }

  /**
   * The message as a plain-text 502, for discovery and the other paths outside the resource
   * API. client-go reads those answers raw and shows a Status body of a 5xx as "unknown" and a
   * 503 of any kind as "the server is currently unable to handle the request", but shows the
   * text of any other 5xx: so this is the only form in which kubectl prints the route and the
   * fix when discovery fails ("an error on the server (\"failed to reach ...\") has prevented
   * the request from succeeding").
   */
  FullHttpResponse plainResponse() {
    return response(HttpResponseStatus.BAD_GATEWAY, "text/plain; charset=utf-8", message);
  }

  private static FullHttpResponse response(HttpResponseStatus status, String contentType, String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private")
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }
}
