package dev.kubetape.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.AuthProviderConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.OpenIDConnectionUtils;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials kubetape presents upstream, from one kubeconfig context through fabric8: the
 * Authorization header (bearer token, token file, exec plugin, OIDC, basic) and the TLS context
 * (CA bundle or insecure-skip-tls-verify, client certificate). Clients' own Authorization
 * headers never go upstream; these do.
 *
 * <p>Credentials that expire (exec plugins, OIDC, token files) are refreshed on a thread of
 * their own, never on an event loop: ahead of a JWT's expiry, every few minutes otherwise, and
 * when the API server answers 401. A refresh only changes what new requests carry; requests
 * already forwarded, watches and exec sessions included, keep their connections.
 */
final class UpstreamCredentials implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(UpstreamCredentials.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How often credentials without a known expiry are renewed, like client-go's token file reload. */
  private static final Duration RENEW_UNKNOWN_EXPIRY = Duration.ofMinutes(5);
  private static final Duration RENEW_TOKEN_FILE = Duration.ofMinutes(1);
  private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);
  /** The shortest time between two refreshes a 401 asks for, so a wrong token cannot hammer a plugin. */
  private static final Duration UNAUTHORIZED_BACKOFF = Duration.ofSeconds(10);

  /**
   * What a request carries upstream, immutable. {@code generation} changes only when the TLS
   * material does, so pooled connections survive a token refresh.
   *
   * @param tls offers HTTP/2 and HTTP/1.1 by ALPN
   * @param tlsHttp1 offers HTTP/1.1 only, for upgrades (exec, port-forward), which HTTP/2 cannot carry
   */
  record Credentials(long generation, String authorization, SslContext tls, SslContext tlsHttp1, Instant loadedAt,
      Instant expiresAt) {}

  private final String contextName;
  private final Path kubeconfig;
  private final Path tokenFile;
  private final boolean refreshable;
  private final ExecutorService refresher;
  private final Metrics metrics;
  /** Written by the refresher thread only (and before it starts). */
  private volatile Config config;
  private volatile Credentials current;
  private final AtomicReference<CompletableFuture<Credentials>> refreshing = new AtomicReference<>();
  private volatile Instant lastRefresh = Instant.now();

  /** What the TLS context was made from; an unchanged key means the context can be kept. */
  private volatile String tlsKey = "";

  private UpstreamCredentials(Config config, Path tokenFile, boolean refreshable, String contextName,
      Path kubeconfig, Metrics metrics) {
    this.config = config;
    this.tokenFile = tokenFile;
    this.refreshable = refreshable;
    this.contextName = contextName;
    this.kubeconfig = kubeconfig;
    this.metrics = metrics;
    this.refresher = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "kubetape-credentials");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * @param tokenFile the context's tokenFile (fabric8 does not read it), or null
   * @param refreshable whether the credentials can change: an exec plugin, an auth provider or a token file
   */
  static UpstreamCredentials create(Config config, Path tokenFile, boolean refreshable, String contextName,
      Path kubeconfig, Metrics metrics) {
    UpstreamCredentials credentials =
        new UpstreamCredentials(config, tokenFile, refreshable, contextName, kubeconfig, metrics);
    credentials.current = credentials.build(config, null);
    return credentials;
  }

  /** The credentials for a new request; starts a refresh in the background when they are due. */
  Credentials current() {
    Credentials now = current;
    if (refreshable && due(now)) {
      refresh();
    }
    return now;
  }

  /** The API server refused {@code used}: fetch new credentials for the next requests. */
  void unauthorized(Credentials used) {
    if (refreshable && used == current && Instant.now().isAfter(lastRefresh.plus(UNAUTHORIZED_BACKOFF))) {
      refresh();
    }
  }

  private boolean due(Credentials credentials) {
    Instant now = Instant.now();
    if (credentials.expiresAt() != null) {
      return now.isAfter(credentials.expiresAt().minus(RENEW_BEFORE_EXPIRY));
    }
    Duration every = tokenFile != null ? RENEW_TOKEN_FILE : RENEW_UNKNOWN_EXPIRY;
    return now.isAfter(credentials.loadedAt().plus(every));
  }

  /** One refresh at a time; callers that come while one runs share it. */
  CompletableFuture<Credentials> refresh() {
    CompletableFuture<Credentials> mine = new CompletableFuture<>();
    if (!refreshing.compareAndSet(null, mine)) {
      CompletableFuture<Credentials> running = refreshing.get();
      return running != null ? running : CompletableFuture.completedFuture(current);
    }
    try {
      refresher.execute(() -> {
        try {
          Config fresh = config.refresh();
          Credentials next = build(fresh, current);
          config = fresh;
          current = next;
          metrics.credentialRefreshes.increment();
          mine.complete(next);
        } catch (RuntimeException | Error e) {
          logger.warn("could not refresh the credentials of context '{}' in {} ({}); kubetape keeps using the"
              + " current ones", contextName, kubeconfig, e.toString());
          mine.complete(current);
        } finally {
          lastRefresh = Instant.now();
          refreshing.set(null);
        }
      });
    } catch (RejectedExecutionException e) {
      // Closing: the current credentials serve until the end.
      refreshing.set(null);
      mine.complete(current);
    }
    return mine;
  }

  private Credentials build(Config from, Credentials previous) {
    String authorization = authorization(from);
    String tlsKey = tlsKey(from);
    if (previous != null && tlsKey.equals(this.tlsKey)) {
      return new Credentials(previous.generation(), authorization, previous.tls(), previous.tlsHttp1(), Instant.now(),
          expiry(authorization));
    }
    this.tlsKey = tlsKey;
    return new Credentials(previous == null ? 1 : previous.generation() + 1, authorization,
        tls(from, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1),
        tls(from, ApplicationProtocolNames.HTTP_1_1), Instant.now(), expiry(authorization));
  }

  private static String tlsKey(Config from) {
    return String.join("\u0000", String.valueOf(from.isTrustCerts()), String.valueOf(from.getCaCertData()),
        String.valueOf(from.getCaCertFile()), String.valueOf(from.getClientCertData()),
        String.valueOf(from.getClientCertFile()), String.valueOf(from.getClientKeyData()),
        String.valueOf(from.getClientKeyFile()), String.valueOf(fileStamp(from.getCaCertFile())),
        String.valueOf(fileStamp(from.getClientCertFile())), String.valueOf(fileStamp(from.getClientKeyFile())));
  }

  private static Object fileStamp(String file) {
    try {
      return file == null ? null : Files.getLastModifiedTime(Path.of(file));
    } catch (IOException e) {
      return null;
    }
  }

  private String authorization(Config from) {
    String token = null;
    if (from.getOauthTokenProvider() != null) {
      token = from.getOauthTokenProvider().getToken();
    }
    if (token == null) {
      token = from.getOauthToken() != null ? from.getOauthToken() : from.getAutoOAuthToken();
    }
    AuthProviderConfig provider = from.getAuthProvider();
    if (provider != null && "oidc".equalsIgnoreCase(provider.getName()) && provider.getConfig() != null
        && OpenIDConnectionUtils.idTokenExpired(from)) {
      token = oidcRefresh(from, provider, token);
    }
    if ((token == null || token.isBlank()) && tokenFile != null) {
      try {
        token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the token file " + tokenFile + " of context '"
            + contextName + "' in " + kubeconfig + "; check --upstream-kubeconfig", e);
      }
    }
    if (token != null && !token.isBlank()) {
      return "Bearer " + token.strip();
    }
    if (from.getUsername() != null && from.getPassword() != null) {
      return "Basic " + Base64.getEncoder().encodeToString(
          (from.getUsername() + ":" + from.getPassword()).getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  private String oidcRefresh(Config from, AuthProviderConfig provider, String token) {
    try {
      String refreshed = OpenIDConnectionUtils.resolveOIDCTokenFromAuthConfig(from, provider.getConfig(),
          new JdkHttpClientFactory().newBuilder()).get(30, TimeUnit.SECONDS);
      return refreshed != null ? refreshed : token;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      logger.warn("could not refresh the OIDC token of context '{}' in {} ({}); kubetape keeps the current one",
          contextName, kubeconfig, e.toString());
      return token;
    }
  }

  private SslContext tls(Config from, String... protocols) {
    SslContextBuilder builder = SslContextBuilder.forClient()
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            protocols));
    if (from.isTrustCerts()) {
      // insecure-skip-tls-verify: kubectl checks neither the chain nor the name, and neither do we.
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
    } else {
      String ca = pem(from.getCaCertData(), from.getCaCertFile(), "certificate-authority");
      if (ca != null) {
        builder.trustManager(Pem.certificates(ca).toArray(X509Certificate[]::new));
      }
      builder.endpointIdentificationAlgorithm("HTTPS");
    }
    String certificate = pem(from.getClientCertData(), from.getClientCertFile(), "client-certificate");
    String key = pem(from.getClientKeyData(), from.getClientKeyFile(), "client-key");
    if (certificate != null && key != null) {
      List<X509Certificate> chain = Pem.certificates(certificate);
      PrivateKey privateKey = Pem.privateKey(key);
      builder.keyManager(privateKey, chain.toArray(X509Certificate[]::new));
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot set up TLS for context '" + contextName + "' in " + kubeconfig
          + ": " + e.getMessage() + "; check its certificates in --upstream-kubeconfig", e);
    }
  }

  /** Inline data (base64 of PEM in a kubeconfig, plain PEM from an exec plugin) or a file. */
  private String pem(String data, String file, String field) {
    try {
      if (data != null && !data.isBlank()) {
        return data.contains("-----BEGIN") ? data
            : new String(Base64.getMimeDecoder().decode(data), StandardCharsets.US_ASCII);
      }
      if (file != null && !file.isBlank()) {
        return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
      }
      return null;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read " + field + " of context '" + contextName + "' in "
          + kubeconfig + " (" + e.getMessage() + "); check --upstream-kubeconfig", e);
    }
  }

  /** A JWT's expiry ("exp"), or null for tokens that are not JWTs. */
  static Instant expiry(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return null;
    }
    String[] parts = authorization.substring(7).split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      return claims.path("exp").canConvertToLong() ? Instant.ofEpochSecond(claims.path("exp").asLong()) : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
