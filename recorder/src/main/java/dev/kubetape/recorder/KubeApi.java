package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The recorder's own line to the API server, with the credentials of the same kubeconfig
 * context the proxy forwards to: lists, watches, log streams and the SelfSubjectReview.
 *
 * <p>Why fabric8's HTTP client and not its typed client: fabric8 reads every kind of kubeconfig
 * credential exactly as the proxy does (tokens, client certificates, exec plugins, OIDC, with
 * refresh), while objects stay the raw JSON the API server sent, managedFields and unknown
 * fields included, which is what the archive must keep. Its Vert.x implementation multiplexes the
 * many long watch and log streams as HTTP/2 streams where the server offers HTTP/2. These
 * requests go straight to the API server, never through the proxy, so the tap never hears of
 * them and the recorder never records itself.
 */
final class KubeApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer other than 2xx: its code and the Status message. */
  static final class Failure extends IOException {
    private final int code;
    private final String reason;

    Failure(int code, String reason, String message) {
      super(message);
      this.code = code;
      this.reason = reason;
    }

    int code() {
      return code;
    }

    /** The Status reason (NotFound, Expired, Forbidden, ...), or null. */
    String reason() {
      return reason;
    }
  }

  private final HttpClient client;
  private final String server;

  private KubeApi(HttpClient client, String server) {
    this.client = client;
    this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
  }

  /**
   * Reads one context of a kubeconfig (null: the current one). fabric8 does not read a user's
   * {@code tokenFile}; it is read here, before every request, as kubectl would.
   */
  static KubeApi connect(Path kubeconfig, String context) {
    if (kubeconfig == null || !Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException("cannot read the upstream kubeconfig " + kubeconfig
          + "; point --upstream-kubeconfig (or $KUBECONFIG) at the kubeconfig kubectl uses");
    }
    Config config;
    try {
      config = Config.fromKubeconfig(context, kubeconfig.toFile());
    } catch (KubernetesClientException e) {
      throw new IllegalArgumentException("cannot use context '" + context + "' of " + kubeconfig
          + ": " + e.getMessage() + "; check --upstream-kubeconfig and --context", e);
    }
    Path tokenFile = tokenFile(kubeconfig, config);
    if (tokenFile != null) {
      config.setOauthTokenProvider(() -> {
        try {
          return Files.readString(tokenFile).trim();
        } catch (IOException e) {
          throw new KubernetesClientException("cannot read the token file " + tokenFile, e);
        }
      });
    }
    // Every watch and log follow is a request that never ends: fabric8's default of 5 concurrent
    // requests per host would queue everything behind the first few.
    config.setMaxConcurrentRequests(4096);
    config.setMaxConcurrentRequestsPerHost(4096);
    return new KubeApi(new Vertx5HttpClientFactory().newBuilder(config).build(), config.getMasterUrl());
  }

  private static Path tokenFile(Path kubeconfig, Config config) {
    try {
      JsonNode raw = new ObjectMapper(new YAMLFactory()).readTree(kubeconfig.toFile());
      String user = config.getCurrentContext() == null ? null
          : config.getCurrentContext().getContext().getUser();
      for (JsonNode entry : raw.path("users")) {
        if (entry.path("name").asText("").equals(user) && entry.path("user").has("tokenFile")) {
          return kubeconfig.toAbsolutePath().getParent()
              .resolve(entry.path("user").path("tokenFile").asText());
        }
      }
      return null;
    } catch (IOException e) {
      throw new IllegalArgumentException("the upstream kubeconfig " + kubeconfig
          + " is not valid YAML; check --upstream-kubeconfig", e);
    }
  }

  /** The API server's address, for messages. */
  String server() {
    return server;
  }

  JsonNode get(String pathAndQuery) throws IOException {
    return json(send(client.newHttpRequestBuilder().uri(server + pathAndQuery)
        .header("Accept", "application/json").build(), byte[].class));
  }

  JsonNode post(String path, JsonNode body) throws IOException {
    return json(send(client.newHttpRequestBuilder().uri(server + path)
        .header("Accept", "application/json")
        .post("application/json", JSON.writeValueAsBytes(body)).build(), byte[].class));
  }

  /**
   * A long response read as it arrives (a watch, a log follow); closing the stream ends the
   * request. Fails with {@link Failure} when the answer is not 2xx.
   */
  InputStream stream(String pathAndQuery) throws IOException {
    BodyStream body = new BodyStream();
    HttpResponse<AsyncBody> response = await(client.consumeBytes(
        client.newHttpRequestBuilder().uri(server + pathAndQuery).build(), body::arrived));
    body.start(response.body());
    if (!response.isSuccessful()) {
      try (body) {
        throw failure(response.code(), body.readNBytes(64 * 1024));
      }
    }
    return body;
  }

  /**
   * A streamed body as an InputStream. fabric8's {@code sendAsync(..., InputStream.class)} waits
   * for the whole body, which for a watch never comes; its {@code consumeBytes} hands chunks over
   * as they arrive, and the next chunk is asked for only once the last one has been read, so a
   * slow reader slows the stream instead of filling memory.
   */
  private static final class BodyStream extends InputStream {
    private static final Object MORE = new Object();
    private static final Object END = new Object();
    private final java.util.concurrent.BlockingQueue<Object> chunks = new java.util.concurrent.LinkedBlockingQueue<>();
    private volatile AsyncBody body;
    private java.nio.ByteBuffer current;
    private boolean ended;

    void arrived(java.util.List<java.nio.ByteBuffer> buffers, AsyncBody from) {
      chunks.addAll(buffers);
      chunks.add(MORE);
    }

    void start(AsyncBody asyncBody) {
      body = asyncBody;
      asyncBody.done().whenComplete((ok, error) -> chunks.add(error == null ? END : error));
      asyncBody.consume();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (current == null || !current.hasRemaining()) {
        if (ended) {
          return -1;
        }
        Object next;
        try {
          next = chunks.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading a response");
        }
        if (next == MORE) {
          body.consume();
        } else if (next == END) {
          ended = true;
        } else if (next instanceof Throwable error) {
          ended = true;
          throw new IOException("the response broke off: " + error.getMessage(), error);
        } else {
          current = (java.nio.ByteBuffer) next;
        }
      }
      int count = Math.min(length, current.remaining());
      current.get(into, offset, count);
      return count;
    }

    @Override
    public void close() {
      ended = true;
      AsyncBody open = body;
      if (open != null) {
        open.cancel();
      }
      chunks.add(END);
    }
  }

  /** The answer's head (a streamed body may still be coming). */
  private <T> T await(java.util.concurrent.CompletableFuture<T> answer) throws IOException {
    try {
      return answer.get(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while asking " + server);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("cannot reach " + server + ": " + cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(server + " did not answer within two minutes", e);
    }
  }

  private <T> HttpResponse<T> send(HttpRequest request, Class<T> type) throws IOException {
    return await(client.sendAsync(request, type));
  }


  private JsonNode json(HttpResponse<byte[]> response) throws IOException {
    byte[] body = response.body() == null ? new byte[0] : response.body();
    if (!response.isSuccessful()) {
      throw failure(response.code(), body);
    }
    return JSON.readTree(body);
  }

  private Failure failure(int code, byte[] body) {
    String reason = null;
    String message = new String(body, StandardCharsets.UTF_8).trim();
    try {
      JsonNode status = JSON.readTree(body);
      if (status != null && status.isObject()) {
        reason = status.path("reason").asText(null);
        message = status.path("message").asText(message);
      }
    } catch (IOException notJson) {
      // A plain-text answer (a proxy in front of the API server): its text is the message.
    }
    return new Failure(code, reason, server + " answered " + code + ": " + message);
  }

  @Override
  public void close() {
    client.close();
  }
}
