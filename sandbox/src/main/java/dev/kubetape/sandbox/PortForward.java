package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code pods/portforward}, as kube-apiserver tunnels it to the kubelet for kubectl 1.31 and
 * later: a WebSocket whose binary messages carry a SPDY/3.1 session
 * ({@link PortForwardSession}). In the pod, the running containers listen on the ports they
 * declare and on their HTTP probes' ports, and answer HTTP there ({@link ContainerHttp}); a port
 * nothing listens on gets the container runtime's "connection refused" on the error stream,
 * which kubectl prints.
 */
final class PortForward {
  /** The WebSocket subprotocol: the tunnelled SPDY session of the portforward.k8s.io protocol. */
  static final String WEBSOCKET_PROTOCOL = "SPDY/3.1+portforward.k8s.io";

  private final Registry registry;
  private final ResourceType pods;

  PortForward(Registry registry) {
    this.registry = registry;
    this.pods = registry.resources().find("", "v1", "pods").orElseThrow();
  }

  void handle(HttpServerRequest request, RequestInfo info) {
    ObjectNode pod = registry.get(pods, info.namespace(), info.name());
    String node = Json.text(pod, "spec", "nodeName");
    if (node == null || node.isEmpty()) {
      throw ApiException.badRequest("pod " + info.name() + " does not have a host assigned");
    }
    String upgrade = request.getHeader("Upgrade");
    String protocols = request.getHeader("Sec-WebSocket-Protocol");
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")
        || protocols == null || !protocols.contains(WEBSOCKET_PROTOCOL)) {
      throw ApiException.badRequest("Upgrade request required");
    }
    String namespace = info.namespace();
    String name = info.name();
    request.toWebSocket().onSuccess(socket -> {
      PortForwardSession session = new PortForwardSession(
          (port, send, close, refused) -> connect(namespace, name, port, send, close, refused),
          bytes -> write(socket, bytes));
      socket.binaryMessageHandler(message -> session.receive(message.getBytes()));
      socket.closeHandler(v -> session.close());
    }).onFailure(e -> { });
  }

  private static void write(ServerWebSocket socket, byte[] bytes) {
    if (!socket.isClosed()) {
      socket.writeBinaryMessage(Buffer.buffer(bytes));
    }
  }

  /** A connection to {@code port} in the pod as it is now. */
  private PortForwardSession.Port connect(String namespace, String name, int port,
      Consumer<byte[]> send, Runnable close, Consumer<String> refused) {
    ObjectNode pod;
    try {
      pod = registry.get(pods, namespace, name);
    } catch (ApiException gone) {
      refused.accept("pod " + name + " not found");
      return null;
    }
    for (JsonNode container : pod.path("spec").path("containers")) {
      JsonNode status = status(pod, container.path("name").asText());
      if (status != null && status.path("state").has("running") && listensOn(container, port)) {
        return new ContainerHttp(name, container, status.path("ready").asBoolean(), send, close);
      }
    }
    refused.accept(connectionRefused(pod, port));
    return null;
  }

  private static JsonNode status(ObjectNode pod, String container) {
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      if (container.equals(status.path("name").asText())) {
        return status;
      }
    }
    return null;
  }

  /** Whether the container declares the port, or serves an HTTP probe on it (by number or name). */
  private static boolean listensOn(JsonNode container, int port) {
    for (JsonNode declared : container.path("ports")) {
      if (declared.path("containerPort").asInt() == port) {
        return true;
      }
    }
    for (String probe : new String[] {"readinessProbe", "livenessProbe", "startupProbe"}) {
      JsonNode probePort = container.path(probe).path("httpGet").path("port");
      if (probePort.isInt() && probePort.asInt() == port) {
        return true;
      }
    }
    return false;
  }

  /** The kubelet's message when nothing in the pod listens on the port (containerd's wording). */
  private static String connectionRefused(ObjectNode pod, int port) {
    String uid = Json.text(pod, "metadata", "uid");
    String sandboxId = sandboxId(uid == null ? "" : uid);
    String netns = "/var/run/netns/cni-"
        + UUID.nameUUIDFromBytes(("netns/" + uid).getBytes(StandardCharsets.UTF_8));
    return "error forwarding port " + port + " to pod " + sandboxId + ", uid : failed to execute portforward"
        + " in network namespace \"" + netns + "\": failed to connect to localhost:" + port
        + " inside namespace \"" + sandboxId + "\", IPv4: dial tcp4 127.0.0.1:" + port
        + ": connect: connection refused IPv6 dial tcp6 [::1]:" + port + ": connect: connection refused ";
  }

  /** A stable 64-hex pod sandbox ID, as containerd names the sandbox of each pod. */
  private static String sandboxId(String podUid) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(("sandbox/" + podUid).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
