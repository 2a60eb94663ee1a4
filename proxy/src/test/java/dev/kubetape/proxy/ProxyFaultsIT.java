package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.RawClient;
import dev.kubetape.testkit.Tool;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What kubectl prints when the proxy cannot do its job, and that the proxy goes on serving
 * afterwards. The upstreams here are made to fail: a closed port, a server with another CA, a
 * server that resets every connection.
 */
@DisplayName("faults: kubectl is told what failed, on which route and what to do, and the proxy keeps serving")
class ProxyFaultsIT {
  @TempDir
  Path folder;

  private Path upstreamKubeconfig(String name, String server, String clusterFields) throws IOException {
    Path file = folder.resolve(name + ".kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: up
          cluster:
            server: %s
        %s
        contexts:
        - name: %s
          context:
            cluster: up
            user: admin
        current-context: %s
        users:
        - name: admin
          user:
            token: upstream-token
        """.formatted(server, clusterFields, name, name));
    return file;
  }

  private ProxyServer start(Path upstream, String state, UnaryOperator<ProxyConfig> adjust) throws IOException {
    return ProxyServer.start(adjust.apply(ProxyConfig.defaults()
        .withUpstream(upstream, null)
        .withListen("127.0.0.1", 0)
        .withStateFolder(folder.resolve(state))));
  }

  private Tool kubectl(ProxyServer proxy) {
    return new Tool(KubeTools.kubectl(), proxy.kubeconfig(), folder);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), () -> "expected '" + expected + "' in:\n" + actual);
  }

  @Test
  @DisplayName("upstream down: kubectl names the route and says to check the cluster and --upstream-kubeconfig")
  void upstreamDown() throws Exception {
    int port = closedPort();
    Path upstream = upstreamKubeconfig("down", "https://127.0.0.1:" + port, "    insecure-skip-tls-verify: true");
    try (ProxyServer proxy = start(upstream, "down", c -> c)) {
      String route = "failed to reach https://127.0.0.1:" + port + " for kubectl => kubetape: connection refused;"
          + " is the cluster up? check --upstream-kubeconfig (" + upstream + ", context down)";
      // Discovery comes first; client-go shows the text of its 502.
      Tool.Result get = kubectl(proxy).run("get", "pods");
      assertEquals(1, get.exitCode(), get::describe);
      assertContains("Error from server (InternalError): an error on the server (\"" + route + "\")", get.stderr());
      // A resource request gets the Status, printed as the API server's own errors are.
      Tool.Result raw = kubectl(proxy).run("get", "--raw", "/api/v1/namespaces/default/pods");
      assertEquals(1, raw.exitCode(), raw::describe);
      assertEquals("Error from server (ServiceUnavailable): " + route + "\n", raw.stderr());
      assertTrue(proxy.counters().errors("upstream_refused") >= 2);
    }
  }

  @Test
  @DisplayName("a server whose certificate the kubeconfig's CA did not sign: kubectl says so and where to look")
  void badCertificate() throws Exception {
    int port = closedPort();
    // Another proxy plays the API server: its certificate is signed by a CA of its own.
    try (ProxyServer impostor = start(upstreamKubeconfig("nowhere", "https://127.0.0.1:" + port,
        "    insecure-skip-tls-verify: true"), "impostor", c -> c)) {
      LocalAuthority other = LocalAuthority.open(folder.resolve("other-ca"), "127.0.0.1");
      String ca = Base64.getEncoder().encodeToString(other.caPem().getBytes());
      Path upstream = upstreamKubeconfig("untrusted", impostor.url().toString(), "    certificate-authority-data: " + ca);
      try (ProxyServer proxy = start(upstream, "untrusted", c -> c)) {
        Tool.Result raw = kubectl(proxy).run("get", "--raw", "/api/v1/namespaces");
        assertEquals(1, raw.exitCode(), raw::describe);
        assertContains("Error from server (BadGateway): failed to reach " + impostor.url() + " for kubectl => kubetape:"
            + " the server's certificate is not signed by a certificate authority the kubeconfig trusts", raw.stderr());
        assertContains("check certificate-authority-data in --upstream-kubeconfig (" + upstream + ", context untrusted)",
            raw.stderr());
        Tool.Result get = kubectl(proxy).run("get", "namespaces");
        assertEquals(1, get.exitCode(), get::describe);
        assertContains("the server's certificate is not signed by a certificate authority the kubeconfig trusts",
            get.stderr());
      }
    }
  }

  @Test
  @DisplayName("a server that resets every connection: kubectl hears that the connection was reset or closed")
  void upstreamResets() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try (Socket socket = server.accept()) {
            socket.setSoLinger(true, 0);
          } catch (IOException e) {
            return;
          }
        }
      });
      Path upstream = upstreamKubeconfig("resets", "https://127.0.0.1:" + server.getLocalPort(),
          "    insecure-skip-tls-verify: true");
      try (ProxyServer proxy = start(upstream, "resets", c -> c)) {
        Tool.Result raw = kubectl(proxy).run("get", "--raw", "/api/v1/namespaces");
        assertEquals(1, raw.exitCode(), raw::describe);
        assertContains("Error from server (BadGateway): failed to reach https://127.0.0.1:" + server.getLocalPort()
            + " for kubectl => kubetape: the server ", raw.stderr());
        assertTrue(raw.stderr().contains("reset the connection") || raw.stderr().contains("closed the connection"),
            raw.stderr());
      }
    }
  }

  @Test
  @DisplayName("a request without kubetape's token gets the API server's own 401 Status, byte for byte")
  void unauthorized() throws Exception {
    Path upstream = upstreamKubeconfig("auth", "https://127.0.0.1:" + closedPort(), "    insecure-skip-tls-verify: true");
    try (ProxyServer proxy = start(upstream, "auth", c -> c)) {
      Path wrong = folder.resolve("wrong.kubeconfig");
      Files.writeString(wrong, Files.readString(proxy.kubeconfig()).replaceAll("token: \\S+", "token: not-the-token"));
      assertEquals("code 401\n{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}",
          RawClient.of(wrong).send("GET", "/api/v1/namespaces", null, null));
      Tool.Result get = new Tool(KubeTools.kubectl(), wrong, folder).run("get", "pods");
      assertContains("error: You must be logged in to the server (the server has asked for the client to provide"
          + " credentials)", get.stderr());
      Tool.Result raw = new Tool(KubeTools.kubectl(), wrong, folder).run("get", "--raw", "/api/v1/namespaces");
      assertEquals("error: You must be logged in to the server (Unauthorized)\n", raw.stderr());
      assertEquals(0, proxy.counters().errors("upstream_refused"), "no request went upstream");
    }
  }

  @Test
  @DisplayName("oversized headers get 431, a client too slow with its request head is cut off, and the proxy serves on")
  void boundedClients() throws Exception {
    Path upstream = upstreamKubeconfig("bounds", "https://127.0.0.1:" + closedPort(), "    insecure-skip-tls-verify: true");
    try (ProxyServer proxy = start(upstream, "bounds", c -> c.withTimeouts(Duration.ofSeconds(1), Duration.ofMinutes(2)))) {
      Path ca = folder.resolve("bounds").resolve("ca.crt");
      try (RawTls client = RawTls.open(proxy.url(), ca)) {
        client.send("GET /api HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(FrontendInitializer.MAX_HEADER_SIZE + 10)
            + "\r\n\r\n");
        String response = client.readToEnd();
        assertTrue(response.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), response);
        assertContains("\"reason\":\"RequestHeaderFieldsTooLarge\",\"code\":431", response);
      }
      try (RawTls slow = RawTls.open(proxy.url(), ca)) {
        slow.send("GET /api HTTP/1.1\r\nHost: x\r\n");
        assertTrue(slow.closedWithin(10_000), "a request head still incomplete after the time-out closes the connection");
      }
      assertEquals(1, proxy.counters().errors("client_header_timeout"));
      String token = Files.readString(folder.resolve("bounds").resolve("token")).strip();
      try (RawTls after = RawTls.open(proxy.url(), ca)) {
        after.send("GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
            + "\r\nConnection: close\r\n\r\n");
        String response = after.readToEnd();
        assertTrue(response.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), response);
      }
    }
  }
}
