package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * A container's startup, liveness or readiness probe with the API's defaults, and what it reports
 * against a simulated process: before the process is up its port refuses connections; once up,
 * liveness and startup succeed, and readiness follows the catalog's {@code ready} (an HTTP
 * endpoint then answers 503). Failure outputs are the kubelet prober's, so the {@code Unhealthy}
 * events read as on a real node.
 */
record Probe(Kind kind, JsonNode spec, Duration initialDelay, Duration period, int successThreshold,
    int failureThreshold) {

  enum Kind {
    STARTUP("Startup", "startupProbe"),
    LIVENESS("Liveness", "livenessProbe"),
    READINESS("Readiness", "readinessProbe");

    final String title;
    final String field;

    Kind(String title, String field) {
      this.title = title;
      this.field = field;
    }
  }

  /** The container's probe of this kind, or null when it has none. */
  static Probe of(Kind kind, JsonNode container) {
    JsonNode spec = container.get(kind.field);
    if (spec == null || !spec.isObject()) {
      return null;
    }
    return new Probe(kind, spec,
        Duration.ofSeconds(spec.path("initialDelaySeconds").asInt(0)),
        Duration.ofSeconds(Math.max(1, spec.path("periodSeconds").asInt(10))),
        Math.max(1, spec.path("successThreshold").asInt(1)),
        Math.max(1, spec.path("failureThreshold").asInt(3)));
  }

  /**
   * What the probe reports now: null for success, else the failure output that follows
   * "Readiness probe failed: " in the event.
   */
  String failure(JsonNode container, String podIp, boolean up, boolean ready) {
    boolean listening = up;
    boolean healthy = up && (kind != Kind.READINESS || ready);
    if (spec.has("httpGet")) {
      JsonNode get = spec.get("httpGet");
      String host = get.path("host").asText("");
      host = host.isEmpty() ? podIp : host;
      int port = port(get.path("port"), container);
      String path = get.path("path").asText("/");
      String url = get.path("scheme").asText("HTTP").toLowerCase() + "://" + host + ":" + port
          + (path.startsWith("/") ? path : "/" + path);
      if (!listening) {
        return "Get \"" + url + "\": dial tcp " + host + ":" + port + ": connect: connection refused";
      }
      return healthy ? null : "HTTP probe failed with statuscode: 503";
    }
    if (spec.has("tcpSocket")) {
      JsonNode socket = spec.get("tcpSocket");
      String host = socket.path("host").asText("");
      host = host.isEmpty() ? podIp : host;
      int port = port(socket.path("port"), container);
      // An open port is all a TCP probe asks, so a process that is up passes it.
      return listening ? null : "dial tcp " + host + ":" + port + ": connect: connection refused";
    }
    if (spec.has("grpc")) {
      String address = podIp + ":" + spec.get("grpc").path("port").asInt();
      if (!listening) {
        return "timeout: failed to connect service \"" + address + "\" within 1s: context deadline exceeded";
      }
      return healthy ? null : "service unhealthy (responded with \"NOT_SERVING\")";
    }
    // An exec probe's output is whatever the command printed; the sandbox's commands print nothing.
    return healthy ? null : "";
  }

  /** A probe's port: a number, or the name of one of the container's ports. */
  private static int port(JsonNode port, JsonNode container) {
    if (port.isInt() || port.asText("").matches("\\d+")) {
      return port.asInt();
    }
    for (JsonNode declared : container.path("ports")) {
      if (port.asText().equals(declared.path("name").asText())) {
        return declared.path("containerPort").asInt();
      }
    }
    return 0;
  }
}
