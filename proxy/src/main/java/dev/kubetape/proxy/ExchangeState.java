package dev.kubetape.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * One exchange while the proxy forwards it: what the tap will be told. Owned by the client
 * channel's event loop until {@link TapDispatcher#offer} hands it to the dispatcher thread; the
 * loop never touches it afterwards. Holds no header but the few the {@link Exchange} names, so
 * credentials cannot leak into it.
 */
final class ExchangeState {
  final Instant time = Instant.now();
  private final long startNanos = System.nanoTime();
  final String method;
  final String path;
  final String query;
  final Route route;
  final String userAgent;
  final String impersonatedUser;
  /** Copies of the bodies, for deploy requests only; null otherwise. */
  final BodyCapture requestBody;
  final BodyCapture responseBody;
  final String requestContentType;
  final String requestContentEncoding;
  String responseContentType;
  String responseContentEncoding;
  int statusCode;
  long bytesIn;
  long bytesOut;
  String error;
  private long durationNanos = -1;

  private ExchangeState(HttpRequest request, boolean tapBodies) {
    method = request.method().name();
    String uri = request.uri();
    int question = uri.indexOf('?');
    path = question < 0 ? uri : uri.substring(0, question);
    query = question < 0 ? null : uri.substring(question + 1);
    route = Route.of(method, path, query);
    userAgent = request.headers().get(HttpHeaderNames.USER_AGENT);
    impersonatedUser = request.headers().get("Impersonate-User");
    boolean capture = tapBodies && route.changesWorkload();
    requestBody = capture ? new BodyCapture() : null;
    responseBody = capture ? new BodyCapture() : null;
    requestContentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    requestContentEncoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
  }

  /** @param tapBodies whether anyone listens for bodies at all */
  static ExchangeState of(HttpRequest request, boolean tapBodies) {
    return new ExchangeState(request, tapBodies);
  }

  void response(HttpResponse response) {
    statusCode = response.status().code();
    responseContentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
    responseContentEncoding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING);
  }

  /** Notes the first reason the exchange ended early; later ones are consequences. */
  void fail(String reason) {
    if (error == null) {
      error = reason;
    }
  }

  void finish() {
    if (durationNanos < 0) {
      durationNanos = System.nanoTime() - startNanos;
    }
  }

  /** Bytes the captured bodies hold, for the tap queue's budget. */
  int capturedBytes() {
    return (requestBody == null ? 0 : requestBody.size()) + (responseBody == null ? 0 : responseBody.size());
  }

  /** The record the tap receives; decodes the bodies, so it runs on the dispatcher thread. */
  Exchange toExchange() {
    String request = requestBody == null ? null
        : BodyJson.decode(requestBody.bytes(), requestContentType, requestContentEncoding);
    String response = responseBody == null ? null
        : BodyJson.decode(responseBody.bytes(), responseContentType, responseContentEncoding);
    return new Exchange(time, method, route.verb(), path, query, route.group(), route.version(),
        route.resource(), route.namespace(), route.name(), route.subresource(), userAgent, impersonatedUser,
        statusCode, bytesIn, bytesOut, Duration.ofNanos(Math.max(0, durationNanos)), request, response, error);
  }
}
