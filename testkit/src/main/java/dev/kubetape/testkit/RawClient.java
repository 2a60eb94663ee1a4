package dev.kubetape.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Plain HTTPS requests to the server of a kubeconfig (its CA, its bearer token), for the
 * responses kubectl would not show byte for byte, such as Status bodies.
 */
public final class RawClient {
  private final HttpClient client;
  private final String server;
  private final String token;

  private RawClient(HttpClient client, String server, String token) {
    this.client = client;
    this.server = server;
    this.token = token;
  }

  /** Reads server, certificate-authority-data and token from a kubeconfig's first entries. */
  public static RawClient of(Path kubeconfig) {
    try {
      String text = Files.readString(kubeconfig);
      String server = field(text, "server");
      String ca = field(text, "certificate-authority-data");
      String token = field(text, "token");
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(ca)));
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", certificate);
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, factory.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(tls)
          .connectTimeout(Duration.ofSeconds(10)).build();
      return new RawClient(client, server, token);
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot use " + kubeconfig + ": " + e.getMessage(), e);
    }
  }

  private static String field(String yaml, String name) {
    Matcher matcher = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ":\\s*(\\S+)\\s*$").matcher(yaml);
    if (!matcher.find()) {
      throw new IllegalStateException("the kubeconfig has no " + name);
    }
    return matcher.group(1).replaceAll("^\"|\"$", "");
  }

  /** Sends a request; returns "code N" and the body, for comparing. */
  public String send(String method, String path, String contentType, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return "code " + response.statusCode() + "\n" + response.body();
    } catch (IOException e) {
      return "failed: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
