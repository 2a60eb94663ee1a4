package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What a sandbox container answers on a port it listens on (reached with {@code kubectl
 * port-forward}): HTTP/1.1, keep-alive. Its probe paths answer as the kubelet's probes see them:
 * the readiness path 200 while the container is ready and 503 while it is not, the liveness and
 * startup paths 200; any other path a short line that names the container and its image, since
 * the sandbox runs no real application.
 */
final class ContainerHttp implements PortForwardSession.Port {
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
  private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};
  /** A request head larger than this is refused, as real servers limit theirs. */
  private static final int MAX_HEAD = 64 * 1024;

  private final String podName;
  private final JsonNode container;
  private final boolean ready;
  private final Consumer<byte[]> send;
  private final Runnable close;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  /** Body bytes of the current request still to skip. */
  private long bodyLeft;
  private boolean closed;

  /**
   * @param container the container's spec
   * @param ready whether its status says ready
   */
  ContainerHttp(String podName, JsonNode container, boolean ready, Consumer<byte[]> send, Runnable close) {
    this.podName = podName;
    this.container = container;
    this.ready = ready;
    this.send = send;
    this.close = close;
  }

  @Override
  public void receive(byte[] bytes) {
    if (closed) {
      return;
    }
    int offset = 0;
    if (bodyLeft > 0) {
      int skipped = (int) Math.min(bodyLeft, bytes.length);
      bodyLeft -= skipped;
      offset = skipped;
    }
    pending.write(bytes, offset, bytes.length - offset);
    answerWhatIsComplete();
  }

  @Override
  public void clientDone() {
    if (!closed) {
      closed = true;
      close.run();
    }
  }

  private void answerWhatIsComplete() {
    while (!closed && bodyLeft == 0) {
      byte[] buffered = pending.toByteArray();
      int end = indexOf(buffered, END_OF_HEAD);
      if (end < 0) {
        if (buffered.length > MAX_HEAD) {
          respond(431, "Request Header Fields Too Large", "request header too large\n", false);
        }
        return;
      }
      String[] lines = new String(buffered, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = lines[0].split(" ");
      long contentLength = 0;
      boolean keepAlive = requestLine.length == 3 && requestLine[2].equals("HTTP/1.1");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim();
        if (name.equals("content-length")) {
          contentLength = parseLength(value);
        } else if (name.equals("connection")) {
          keepAlive = !value.equalsIgnoreCase("close");
        }
      }
      int consumed = end + END_OF_HEAD.length;
      long inBuffer = buffered.length - consumed;
      long bodyHere = Math.min(inBuffer, Math.max(0, contentLength));
      bodyLeft = Math.max(0, contentLength) - bodyHere;
      pending.reset();
      pending.write(buffered, (int) (consumed + bodyHere), (int) (inBuffer - bodyHere));
      if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/") || contentLength < 0) {
        respond(400, "Bad Request", "malformed request\n", false);
        return;
      }
      answer(requestLine[0], requestLine[1], keepAlive);
    }
  }

  private void answer(String method, String target, boolean keepAlive) {
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    int status = 200;
    String reason = "OK";
    String body;
    if (path.equals(probePath("readinessProbe"))) {
      body = ready ? "ready\n" : "not ready\n";
      if (!ready) {
        status = 503;
        reason = "Service Unavailable";
      }
    } else if (path.equals(probePath("livenessProbe")) || path.equals(probePath("startupProbe"))) {
      body = "ok\n";
    } else {
      body = "container " + container.path("name").asText() + " of pod " + podName + " (image "
          + container.path("image").asText() + ") answers " + method + " " + path
          + ": the kubetape sandbox runs no real application\n";
    }
    respond(status, reason, method.equals("HEAD") ? null : body, keepAlive);
  }

  private String probePath(String probe) {
    JsonNode httpGet = container.path(probe).path("httpGet");
    return httpGet.isMissingNode() ? null : httpGet.path("path").asText("/");
  }

  private void respond(int status, String reason, String body, boolean keepAlive) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Date: " + HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n"
        + "Content-Length: " + (body == null ? 0 : content.length) + "\r\n"
        + (keepAlive ? "" : "Connection: close\r\n")
        + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] response = new byte[headBytes.length + content.length];
    System.arraycopy(headBytes, 0, response, 0, headBytes.length);
    System.arraycopy(content, 0, response, headBytes.length, content.length);
    send.accept(response);
    if (!keepAlive) {
      closed = true;
      close.run();
    }
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    for (int i = 0; i + pattern.length <= data.length; i++) {
      int j = 0;
      while (j < pattern.length && data[i + j] == pattern[j]) {
        j++;
      }
      if (j == pattern.length) {
        return i;
      }
    }
    return -1;
  }
}
