package dev.kubetape.proxy;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's own counters and gauges, rendered in the Prometheus text format. Written from
 * every event loop and the tap's dispatcher thread, hence adders and atomics only.
 */
final class Metrics {
  final LongAdder requests = new LongAdder();
  final LongAdder unauthorized = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final AtomicLong clientConnections = new AtomicLong();
  final AtomicLong exchangesInFlight = new AtomicLong();
  final AtomicLong tunnelsOpen = new AtomicLong();
  final AtomicLong upstreamConnections = new AtomicLong();
  final AtomicLong upstreamConnectionsIdle = new AtomicLong();
  final AtomicLong upstreamStreams = new AtomicLong();
  /** Upstream connections (HTTP/1.1) and streams (HTTP/2) an exchange holds. */
  final AtomicLong upstreamInUse = new AtomicLong();
  final LongAdder upstreamConnects = new LongAdder();
  final LongAdder upstreamStreamsOpened = new LongAdder();
  final LongAdder credentialRefreshes = new LongAdder();
  final LongAdder tapDelivered = new LongAdder();
  final LongAdder tapDropped = new LongAdder();
  final LongAdder tapFailed = new LongAdder();
  /** Errors by class ("upstream_refused", "client_tls", ...), as the error log names them. */
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  void error(String errorClass) {
    errors.computeIfAbsent(errorClass, c -> new LongAdder()).increment();
  }

  long errors(String errorClass) {
    LongAdder count = errors.get(errorClass);
    return count == null ? 0 : count.sum();
  }

  String prometheus() {
    StringBuilder text = new StringBuilder();
    counter(text, "kubetape_proxy_requests_total", "Requests received from clients.", requests.sum());
    counter(text, "kubetape_proxy_unauthorized_total",
        "Requests refused because they did not carry kubetape's token.", unauthorized.sum());
    counter(text, "kubetape_proxy_request_bytes_total", "Request body bytes received from clients.", bytesIn.sum());
    counter(text, "kubetape_proxy_response_bytes_total", "Response body bytes sent to clients.", bytesOut.sum());
    gauge(text, "kubetape_proxy_client_connections", "Open client connections.", clientConnections.get());
    gauge(text, "kubetape_proxy_exchanges_in_flight", "Requests being forwarded, watches included.",
        exchangesInFlight.get());
    gauge(text, "kubetape_proxy_tunnels", "Upgraded connections (exec, attach, port-forward) open.",
        tunnelsOpen.get());
    gauge(text, "kubetape_proxy_upstream_connections", "Open connections to the API server.",
        upstreamConnections.get());
    gauge(text, "kubetape_proxy_upstream_connections_idle", "Pooled idle HTTP/1.1 connections to the API server.",
        upstreamConnectionsIdle.get());
    gauge(text, "kubetape_proxy_upstream_streams", "Open HTTP/2 streams to the API server.",
        upstreamStreams.get());
    gauge(text, "kubetape_proxy_upstream_in_use", "Upstream connections and streams serving a request.",
        upstreamInUse.get());
    counter(text, "kubetape_proxy_upstream_connects_total", "Connections opened to the API server.",
        upstreamConnects.sum());
    counter(text, "kubetape_proxy_upstream_streams_total", "HTTP/2 streams opened to the API server.",
        upstreamStreamsOpened.sum());
    counter(text, "kubetape_proxy_credential_refreshes_total", "Upstream credential refreshes.",
        credentialRefreshes.sum());
    counter(text, "kubetape_proxy_tap_delivered_total", "Exchanges handed to the tap.", tapDelivered.sum());
    counter(text, "kubetape_proxy_tap_dropped_total",
        "Exchanges dropped because the tap did not keep up.", tapDropped.sum());
    counter(text, "kubetape_proxy_tap_failed_total", "Exchanges the tap threw on.", tapFailed.sum());
    text.append("# HELP kubetape_proxy_errors_total Errors by class, each logged once per interval.\n")
        .append("# TYPE kubetape_proxy_errors_total counter\n");
    new TreeMap<>(errors).forEach((errorClass, count) -> text.append("kubetape_proxy_errors_total{class=\"")
        .append(errorClass).append("\"} ").append(count.sum()).append('\n'));
    return text.toString();
  }

  private static void counter(StringBuilder text, String name, String help, long value) {
    metric(text, name, "counter", help, value);
  }

  private static void gauge(StringBuilder text, String name, String help, long value) {
    metric(text, name, "gauge", help, value);
  }

  private static void metric(StringBuilder text, String name, String type, String help, long value) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n')
        .append(name).append(' ').append(value).append('\n');
  }
}
