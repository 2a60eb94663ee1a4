package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The kubelet's streaming endpoints as the API server proxies them: {@code pods/log} (follow,
 * previous, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes, container) and
 * {@code pods/exec} over WebSocket with the {@code v5.channel.k8s.io} and
 * {@code v4.channel.k8s.io} framing, running the small command set of {@link ExecCommands}.
 */
final class PodStreams {
  static final List<String> EXEC_PROTOCOLS =
      List.of("v5.channel.k8s.io", "v4.channel.k8s.io");

  private static final byte STDIN = 0;
  private static final byte STDOUT = 1;
  private static final byte STDERR = 2;
  private static final byte ERROR = 3;
  private static final int CLOSE = 255;
  private static final long EXEC_START_MILLIS = 30;

  private final Registry registry;
  private final ContainerRuntime runtime;
  private final ResourceType pods;

  PodStreams(Registry registry, ContainerRuntime runtime) {
    this.registry = registry;
    this.runtime = runtime;
    this.pods = registry.resources().find("", "v1", "pods").orElseThrow();
  }

  // ---- logs ----------------------------------------------------------------------------------

  void logs(HttpServerRequest request, RequestInfo info) {
    ObjectNode pod = registry.get(pods, info.namespace(), info.name());
    String container = container(pod, request.getParam("container"));
    boolean previous = ApiServer.isTrue(request.getParam("previous"));
    ContainerRuntime.Run run = runtime.run(logContainerId(pod, container, previous));
    if (run == null) {
      // A container the runtime never ran (it was not started by this sandbox): no lines.
      request.response().putHeader("Content-Type", "text/plain").setStatusCode(200).end();
      return;
    }
    boolean timestamps = ApiServer.isTrue(request.getParam("timestamps"));
    Long tail = ApiServer.parseLong(request.getParam("tailLines"), "tailLines");
    Long since = ApiServer.parseLong(request.getParam("sinceSeconds"), "sinceSeconds");
    Long limitBytes = ApiServer.parseLong(request.getParam("limitBytes"), "limitBytes");
    Instant sinceTime = since != null ? registry.now().minusSeconds(since)
        : request.getParam("sinceTime") != null ? Instant.parse(request.getParam("sinceTime")) : null;
    boolean follow = ApiServer.isTrue(request.getParam("follow")) && !previous;

    HttpServerResponse response = request.response();
    response.putHeader("Content-Type", "text/plain");
    response.setStatusCode(200);
    response.setChunked(true);
    long[] written = {0};
    java.util.function.Predicate<ContainerRuntime.LogLine> wanted =
        line -> sinceTime == null || !line.time().isBefore(sinceTime);
    java.util.function.Consumer<ContainerRuntime.LogLine> write = line -> {
      if (response.ended() || response.closed()) {
        return;
      }
      byte[] bytes = format(line, timestamps).getBytes(StandardCharsets.UTF_8);
      if (limitBytes != null) {
        long room = limitBytes - written[0];
        if (room <= 0) {
          return;
        }
        if (bytes.length > room) {
          bytes = java.util.Arrays.copyOf(bytes, (int) room);
        }
      }
      written[0] += bytes.length;
      response.write(Buffer.buffer(bytes));
    };
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    Runnable unsubscribe = run.follow(existing -> {
      List<ContainerRuntime.LogLine> lines = new ArrayList<>();
      for (ContainerRuntime.LogLine line : existing) {
        if (wanted.test(line)) {
          lines.add(line);
        }
      }
      if (tail != null && tail >= 0 && lines.size() > tail) {
        lines = lines.subList(lines.size() - tail.intValue(), lines.size());
      }
      lines.forEach(write);
      if (!follow && !response.ended()) {
        response.end();
      }
    }, line -> {
      if (follow) {
        context.runOnContext(v -> write.accept(line));
      }
    }, () -> {
      if (follow) {
        context.runOnContext(v -> {
          if (!response.ended() && !response.closed()) {
            response.end();
          }
        });
      }
    });
    if (!follow) {
      unsubscribe.run();
    } else {
      response.closeHandler(v -> unsubscribe.run());
    }
  }

  private static String format(ContainerRuntime.LogLine line, boolean timestamps) {
    if (!timestamps) {
      return line.text() + "\n";
    }
    return DateTimeFormatter.ISO_INSTANT.format(line.time().truncatedTo(ChronoUnit.NANOS))
        .replaceFirst("(\\.\\d+)?Z$", "$1Z") + " " + line.text() + "\n";
  }

  /**
   * Which run of a container the logs come from, as the kubelet chooses it from the pod's
   * status: {@code --previous} is the last terminated run; otherwise the running one, the
   * terminated one, or the last terminated one; a container still waiting has no logs yet.
   */
  private static String logContainerId(ObjectNode pod, String container, boolean previous) {
    String name = Json.text(pod, "metadata", "name");
    JsonNode status = null;
    for (String list : new String[] {"containerStatuses", "initContainerStatuses"}) {
      for (JsonNode candidate : pod.path("status").path(list)) {
        if (container.equals(candidate.path("name").asText())) {
          status = candidate;
        }
      }
    }
    String where = "container \"" + container + "\" in pod \"" + name + "\"";
    if (status == null) {
      if (previous) {
        throw ApiException.badRequest("previous terminated " + where + " not found");
      }
      throw ApiException.badRequest(where + " is waiting to start: ContainerCreating");
    }
    String last = status.path("lastState").path("terminated").path("containerID").asText("");
    JsonNode state = status.path("state");
    if (previous) {
      if (last.isEmpty()) {
        throw ApiException.badRequest("previous terminated " + where + " not found");
      }
      return last;
    }
    if (state.has("running")) {
      return status.path("containerID").asText();
    }
    if (state.has("terminated")) {
      String id = state.path("terminated").path("containerID").asText("");
      if (!id.isEmpty()) {
        return id;
      }
      if (!last.isEmpty()) {
        return last;
      }
      throw ApiException.badRequest(where + " is terminated");
    }
    if (status.path("lastState").has("terminated")) {
      if (last.isEmpty()) {
        throw ApiException.badRequest(where + " is terminated");
      }
      return last;
    }
    String reason = state.path("waiting").path("reason").asText("");
    throw ApiException.badRequest(where + switch (reason) {
      case "ErrImagePull" -> " is waiting to start: image can't be pulled";
      case "ImagePullBackOff" -> " is waiting to start: trying and failing to pull image";
      case "" -> " is waiting to start - no logs yet";
      default -> " is waiting to start: " + reason;
    });
  }

  /** The container a request means, with the real server's errors for missing and unknown names. */
  private static String container(ObjectNode pod, String requested) {
    List<String> containers = names(pod.path("spec").path("containers"));
    List<String> init = names(pod.path("spec").path("initContainers"));
    String name = Json.text(pod, "metadata", "name");
    if (requested == null || requested.isEmpty()) {
      String defaulted = Json.text(pod, "metadata", "annotations", "kubectl.kubernetes.io/default-container");
      if (defaulted != null && containers.contains(defaulted)) {
        return defaulted;
      }
      if (containers.size() == 1 && init.isEmpty()) {
        return containers.get(0);
      }
      if (containers.size() == 1) {
        return containers.get(0);
      }
      String message = "a container name must be specified for pod " + name + ", choose one of: "
          + "[" + String.join(" ", containers) + "]";
      if (!init.isEmpty()) {
        message += " or one of the init containers: [" + String.join(" ", init) + "]";
      }
      throw ApiException.badRequest(message);
    }
    if (!containers.contains(requested) && !init.contains(requested)) {
      throw ApiException.badRequest("container " + requested + " is not valid for pod " + name);
    }
    return requested;
  }

  /** The container ID of a running container, or null. */
  private static String runningContainerId(ObjectNode pod, String container) {
    for (String list : new String[] {"containerStatuses", "initContainerStatuses"}) {
      for (JsonNode status : pod.path("status").path(list)) {
        if (container.equals(status.path("name").asText()) && status.path("state").has("running")) {
          return status.path("containerID").asText(null);
        }
      }
    }
    return null;
  }

  private static List<String> names(JsonNode containers) {
    List<String> names = new ArrayList<>();
    containers.forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  // ---- exec ----------------------------------------------------------------------------------

  void exec(HttpServerRequest request, RequestInfo info, String sub) {
    ObjectNode pod = registry.get(pods, info.namespace(), info.name());
    String container = container(pod, request.getParam("container"));
    if (sub.equals("attach")) {
      throw ApiException.badRequest("attach is not supported by the sandbox's containers");
    }
    List<String> command = request.params().getAll("command");
    if (command.isEmpty()) {
      throw ApiException.badRequest("you must specify at least 1 command");
    }
    String node = Json.text(pod, "spec", "nodeName");
    if (node == null || node.isEmpty()) {
      throw ApiException.badRequest("pod " + info.name() + " does not have a host assigned");
    }
    ContainerRuntime.Run run = runtime.run(runningContainerId(pod, container));
    if (run == null || run.finished()) {
      throw ApiException.badRequest("container not found (\"" + container + "\")");
    }
    String upgrade = request.getHeader("Upgrade");
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      throw ApiException.badRequest("Upgrade request required");
    }
    boolean stdin = ApiServer.isTrue(request.getParam("stdin"));
    request.toWebSocket().onSuccess(socket -> {
      boolean v5 = "v5.channel.k8s.io".equals(socket.subProtocol());
      ExecCommands.Session session = ExecCommands.start(command, pod, container, registry,
          new ExecCommands.Io() {
            @Override
            public void stdout(String text) {
              send(socket, STDOUT, text.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void stderr(String text) {
              send(socket, STDERR, text.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void exit(int code, String failure) {
              send(socket, ERROR, Json.bytes(exitStatus(command, code, failure)));
              socket.close();
            }
          }, stdin);
      socket.binaryMessageHandler(message -> {
        if (message.length() == 0) {
          return;
        }
        int channel = message.getByte(0) & 0xff;
        if (channel == STDIN) {
          session.stdin(message.getString(1, message.length(), "UTF-8"));
        } else if (channel == CLOSE && v5 && message.length() > 1 && message.getByte(1) == STDIN) {
          session.stdinClosed();
        }
      });
      socket.textMessageHandler(text -> {
        // Base64 channel framing is not negotiated; treat a text frame as stdin for robustness.
        byte[] bytes = Base64.getDecoder().decode(text.substring(1));
        session.stdin(new String(bytes, StandardCharsets.UTF_8));
      });
      socket.closeHandler(v -> session.stdinClosed());
      // A real exec takes the container runtime some milliseconds to start; clients older than
      // client-go 0.33 drop output that arrives before they have set up their streams.
      io.vertx.core.Vertx.currentContext().owner().setTimer(EXEC_START_MILLIS, t -> session.begin());
    }).onFailure(e -> { });
  }

  private static void send(ServerWebSocket socket, byte channel, byte[] bytes) {
    if (socket.isClosed()) {
      return;
    }
    Buffer frame = Buffer.buffer(bytes.length + 1).appendByte(channel).appendBytes(bytes);
    socket.writeBinaryMessage(frame);
  }

  /** The Status the kubelet sends on the error channel when the process ends. */
  private static ObjectNode exitStatus(List<String> command, int code, String failure) {
    ObjectNode status = Json.object();
    status.putObject("metadata");
    if (code == 0 && failure == null) {
      status.put("status", "Success");
      return status;
    }
    status.put("status", "Failure");
    if (failure != null) {
      status.put("message", failure);
      return status;
    }
    status.put("message", "command terminated with non-zero exit code: error executing command "
        + "[" + String.join(" ", command) + "], exit code " + code);
    status.put("reason", "NonZeroExitCode");
    ObjectNode details = status.putObject("details");
    details.putArray("causes").addObject().put("reason", "ExitCode").put("message", Integer.toString(code));
    return status;
  }
}
