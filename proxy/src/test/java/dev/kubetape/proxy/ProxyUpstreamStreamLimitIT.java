package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetape.testkit.UpstreamExtension;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A burst of requests on a new upstream HTTP/2 connection, against the sandbox (whose server
 * allows 100 concurrent streams per connection): before the server's SETTINGS were read, the
 * proxy took the stream limit for unlimited, opened too many streams, and the connection error
 * that followed failed every request on it with a 502. A proxy of its own, so the burst meets
 * a pool with no connection yet.
 */
@DisplayName("a burst of watches on a new upstream connection")
class ProxyUpstreamStreamLimitIT {
  private static final int WATCHES = 300;

  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(SANDBOX);

  @Test
  @DisplayName("300 watches opened at once are all answered, on as many upstream connections as the server's stream limit needs")
  void burstOfWatchesStaysWithinTheStreamLimit() throws Exception {
    String kubeconfig = Files.readString(PROXY.kubeconfig());
    HttpClient client = http2(field(kubeconfig, "certificate-authority-data"));
    String token = field(kubeconfig, "token");
    URI base = PROXY.server().url();
    // A request without the token is answered by the proxy itself: it makes the client's HTTP/2
    // connection without making an upstream one, so the burst below all comes on one event loop.
    assertEquals(401, client.send(HttpRequest.newBuilder(base.resolve("/version")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());
    List<CompletableFuture<HttpResponse<InputStream>>> watches = new ArrayList<>();
    for (int i = 0; i < WATCHES; i++) {
      watches.add(client.sendAsync(HttpRequest.newBuilder(base.resolve(
              "/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dburst-" + i))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream()));
    }
    List<Integer> failed = new ArrayList<>();
    try {
      for (int i = 0; i < WATCHES; i++) {
        HttpResponse<InputStream> watch = watches.get(i).get(60, TimeUnit.SECONDS);
        if (watch.statusCode() != 200) {
          failed.add(watch.statusCode());
        }
        assertEquals(HttpClient.Version.HTTP_2, watch.version());
      }
      assertTrue(failed.isEmpty(), failed.size() + " of " + WATCHES + " watches failed: " + failed);
      assertTrue(PROXY.server().counters().upstreamConnections.get() >= WATCHES / 100,
          "the streams are spread over connections: " + PROXY.server().metrics());
    } finally {
      for (CompletableFuture<HttpResponse<InputStream>> watch : watches) {
        watch.thenAccept(response -> {
          try {
            response.body().close();
          } catch (java.io.IOException e) {
            // Closing: nothing left to do.
          }
        });
      }
      client.close();
    }
  }

  private static String field(String kubeconfig, String name) {
    Matcher matcher = Pattern.compile("(?m)^\\s*" + name + ":\\s*(\\S+)\\s*$").matcher(kubeconfig);
    assertTrue(matcher.find(), name);
    return matcher.group(1);
  }

  /** An HTTP/2 client that trusts kubetape's CA. */
  private static HttpClient http2(String caData) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(new String(Base64.getDecoder().decode(caData), StandardCharsets.US_ASCII)
            .getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build();
  }
}
