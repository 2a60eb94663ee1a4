package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContainerHttpTest {
  private final List<String> responses = new ArrayList<>();
  private int closes;

  private ContainerHttp server(boolean ready) {
    ObjectNode container = Json.object().put("name", "web").put("image", "registry.example/shop/web:1.4.1");
    container.putObject("readinessProbe").putObject("httpGet").put("path", "/ready").put("port", 8080);
    container.putObject("livenessProbe").putObject("httpGet").put("path", "/live").put("port", 8080);
    return new ContainerHttp("web-1", container, ready,
        bytes -> responses.add(new String(bytes, StandardCharsets.UTF_8)), () -> closes++);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("the probe paths answer as the probes see the container; other paths name the container")
  void paths() {
    ContainerHttp ready = server(true);
    ready.receive(bytes("GET /ready HTTP/1.1\r\nHost: x\r\n\r\nGET /live HTTP/1.1\r\n\r\nGET /orders?id=1 HTTP/1.1\r\n\r\n"));
    assertEquals(3, responses.size());
    assertTrue(responses.get(0).startsWith("HTTP/1.1 200 OK\r\n"), responses.get(0));
    assertTrue(responses.get(1).startsWith("HTTP/1.1 200 OK\r\n"), responses.get(1));
    assertTrue(responses.get(2).endsWith("container web of pod web-1 (image registry.example/shop/web:1.4.1) answers"
        + " GET /orders: the kubetape sandbox runs no real application\n"), responses.get(2));
    responses.clear();
    server(false).receive(bytes("GET /ready HTTP/1.1\r\n\r\n"));
    assertTrue(responses.getFirst().startsWith("HTTP/1.1 503 Service Unavailable\r\n"), responses.getFirst());
    assertEquals(0, closes, "keep-alive: the connection stays open");
  }

  @Test
  @DisplayName("requests split over several reads, with bodies, are each answered once; Connection: close ends the connection")
  void framing() {
    ContainerHttp server = server(true);
    server.receive(bytes("POST /a HTTP/1.1\r\nContent-Length: 10\r\n"));
    assertEquals(0, responses.size());
    server.receive(bytes("\r\n01234"));
    assertEquals(1, responses.size());
    server.receive(bytes("56789GET /b HTTP/1.1\r\nConnection: close\r\n\r\n"));
    assertEquals(2, responses.size());
    assertTrue(responses.get(1).contains("answers GET /b"), responses.get(1));
    assertTrue(responses.get(1).contains("Connection: close\r\n"), responses.get(1));
    assertEquals(1, closes);
  }

  @Test
  @DisplayName("what is not HTTP gets a 400 and the connection closed")
  void notHttp() {
    server(true).receive(bytes("hello\r\n\r\n"));
    assertTrue(responses.getFirst().startsWith("HTTP/1.1 400 Bad Request\r\n"), responses.getFirst());
    assertEquals(1, closes);
  }
}
