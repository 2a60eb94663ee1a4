package dev.kubetape.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The API server kubetape forwards to, as one context of a kubeconfig describes it: where it is
 * and how to prove who we are to it. Read through fabric8's {@link Config}, so every kind of
 * credential a kubeconfig can hold works as it does for kubectl: bearer tokens, client
 * certificates, exec plugins (EKS, GKE, AKS), OIDC; fabric8 is used for nothing else.
 */
final class Upstream {
  private final Path kubeconfig;
  private final String contextName;
  private final String namespace;
  private final URI server;
  private final String pathPrefix;
  private final String tlsServerName;
  private final UpstreamCredentials credentials;

  private Upstream(Path kubeconfig, String contextName, String namespace, URI server, String tlsServerName,
      UpstreamCredentials credentials) {
    this.kubeconfig = kubeconfig;
    this.contextName = contextName;
    this.namespace = namespace;
    this.server = server;
    String path = server.getRawPath() == null ? "" : server.getRawPath();
    this.pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.tlsServerName = tlsServerName == null || tlsServerName.isBlank() ? null : tlsServerName;
    this.credentials = credentials;
  }

  /**
   * Reads one context of a kubeconfig (null: its current context), running its exec plugin if
   * it has one. Errors are sentences a user can act on.
   */
  static Upstream load(Path kubeconfig, String context, Metrics metrics) {
    if (!Files.isRegularFile(kubeconfig) || !Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException("cannot read the upstream kubeconfig " + kubeconfig
          + "; point --upstream-kubeconfig (or $KUBECONFIG) at the kubeconfig kubectl uses for the cluster");
    }
    JsonNode raw;
    try {
      raw = new ObjectMapper(new YAMLFactory()).readTree(kubeconfig.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("the upstream kubeconfig " + kubeconfig + " is not valid YAML ("
          + firstLine(e.getMessage()) + "); check --upstream-kubeconfig", e);
    }
    if (raw == null || !raw.isObject()) {
      throw new IllegalArgumentException("the upstream kubeconfig " + kubeconfig
          + " is empty; check --upstream-kubeconfig");
    }
    List<String> contexts = new ArrayList<>();
    raw.path("contexts").forEach(entry -> contexts.add(entry.path("name").asText("")));
    String wanted = context != null ? context : raw.path("current-context").asText("");
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("the upstream kubeconfig " + kubeconfig
          + " has no current-context; pass --context with one of " + contexts);
    }
    if (!contexts.contains(wanted)) {
      throw new IllegalArgumentException("the upstream kubeconfig " + kubeconfig + " has no context '"
          + wanted + "'" + (contexts.isEmpty() ? "" : "; its contexts are " + contexts)
          + "; check --context and --upstream-kubeconfig");
    }
    Config config;
    try {
      config = Config.fromKubeconfig(wanted, kubeconfig.toFile());
    } catch (KubernetesClientException e) {
      throw new IllegalArgumentException("cannot use context '" + wanted + "' of " + kubeconfig + ": "
          + firstLine(e.getMessage()) + "; check --upstream-kubeconfig", e);
    }
    NamedContext current = config.getCurrentContext();
    if (current == null || !wanted.equals(current.getName()) || config.getMasterUrl() == null
        || config.getMasterUrl().isBlank()) {
      throw new IllegalArgumentException("context '" + wanted + "' of " + kubeconfig
          + " names no cluster with a server address; check --upstream-kubeconfig");
    }
    URI server;
    try {
      server = new URI(config.getMasterUrl());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the server address '" + config.getMasterUrl() + "' of context '"
          + wanted + "' in " + kubeconfig + " is not a URL; check --upstream-kubeconfig", e);
    }
    if (!"https".equalsIgnoreCase(server.getScheme()) || server.getHost() == null) {
      throw new IllegalArgumentException("the server address '" + config.getMasterUrl() + "' of context '"
          + wanted + "' in " + kubeconfig + " is not an https:// URL; kubetape forwards to TLS API servers only");
    }
    // fabric8 neither reads tokenFile nor says whether the token came from an exec plugin or an
    // auth provider; the user entry does.
    String user = current.getContext().getUser();
    JsonNode userEntry = null;
    for (JsonNode entry : raw.path("users")) {
      if (entry.path("name").asText("").equals(user)) {
        userEntry = entry.path("user");
      }
    }
    String tokenFile = userEntry == null ? null : userEntry.path("tokenFile").asText(null);
    Path tokenPath = tokenFile == null ? null : kubeconfig.toAbsolutePath().getParent().resolve(tokenFile);
    boolean refreshable = tokenPath != null
        || userEntry != null && (userEntry.has("exec") || userEntry.has("auth-provider"));
    UpstreamCredentials credentials =
        UpstreamCredentials.create(config, tokenPath, refreshable, wanted, kubeconfig, metrics);
    return new Upstream(kubeconfig, wanted, current.getContext().getNamespace(), server,
        config.getTlsServerName(), credentials);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  String contextName() {
    return contextName;
  }

  /** The context's default namespace, or null. */
  String namespace() {
    return namespace;
  }

  /** The server as the kubeconfig names it, for messages: https://127.0.0.1:6443. */
  String server() {
    String text = server.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  String host() {
    String host = server.getHost();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  int port() {
    return server.getPort() > 0 ? server.getPort() : 443;
  }

  /** The Host header for the server. */
  String authority() {
    return server.getRawAuthority();
  }

  /** What the kubeconfig's server URL puts before every API path ("" usually; "/k8s/clusters/c-1" for Rancher). */
  String pathPrefix() {
    return pathPrefix;
  }

  /** The kubeconfig's tls-server-name: the name the certificate must carry, or null for the host. */
  String tlsServerName() {
    return tlsServerName;
  }

  UpstreamCredentials credentials() {
    return credentials;
  }
}
