package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetape.proxy.UpstreamCredentials.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamTest {
  @TempDir
  Path folder;

  /** A kubeconfig with one context "ctx" for {@code server} and the given user fields (YAML, indented 4). */
  static String kubeconfig(String server, String userFields) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        contexts:
        - name: ctx
          context:
            cluster: c
            user: u
            namespace: shop
        - name: other
          context:
            cluster: c
            user: u
        current-context: ctx
        users:
        - name: u
          user:
        %s
        """.formatted(server, userFields);
  }

  static Upstream upstreamFor(String server) {
    try {
      Path file = Files.createTempFile("kubetape-upstream", ".kubeconfig");
      file.toFile().deleteOnExit();
      Files.writeString(file, kubeconfig(server, "    token: t0k3n"));
      return Upstream.load(file, null, new Metrics());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path write(String name, String text) throws IOException {
    Path file = folder.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  @DisplayName("a bearer token context gives server, namespace, Host and Authorization")
  void token() throws IOException {
    Upstream upstream = Upstream.load(write("k", kubeconfig("https://10.1.2.3:6443", "    token: t0k3n")), null,
        new Metrics());
    assertEquals("ctx", upstream.contextName());
    assertEquals("shop", upstream.namespace());
    assertEquals("https://10.1.2.3:6443", upstream.server());
    assertEquals("10.1.2.3:6443", upstream.authority());
    assertEquals("", upstream.pathPrefix());
    assertEquals("Bearer t0k3n", upstream.credentials().current().authorization());
    assertNull(upstream.credentials().current().expiresAt());
  }

  @Test
  @DisplayName("--context picks another context; a missing one is named with the choices")
  void contexts() throws IOException {
    Path file = write("k", kubeconfig("https://10.1.2.3:6443", "    token: t"));
    assertNull(Upstream.load(file, "other", new Metrics()).namespace());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Upstream.load(file, "prod", new Metrics()));
    assertEquals("the upstream kubeconfig " + file + " has no context 'prod'; its contexts are [ctx, other];"
        + " check --context and --upstream-kubeconfig", missing.getMessage());
  }

  @Test
  @DisplayName("a kubeconfig that is missing or not https is refused with what to fix")
  void refused() throws IOException {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Upstream.load(folder.resolve("nope"), null, new Metrics()));
    assertTrue(missing.getMessage().startsWith("cannot read the upstream kubeconfig " + folder.resolve("nope")
        + "; point --upstream-kubeconfig"), missing.getMessage());
    IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
        () -> Upstream.load(write("k", kubeconfig("http://10.1.2.3:8080", "    token: t")), null, new Metrics()));
    assertTrue(plain.getMessage().contains("is not an https:// URL"), plain.getMessage());
  }

  @Test
  @DisplayName("a token file is read relative to the kubeconfig, and again on refresh")
  void tokenFile() throws Exception {
    write("token", "first\n");
    Upstream upstream = Upstream.load(write("k", kubeconfig("https://h:6443", "    tokenFile: token")), null,
        new Metrics());
    assertEquals("Bearer first", upstream.credentials().current().authorization());
    write("token", "second\n");
    Credentials refreshed = upstream.credentials().refresh().get(30, TimeUnit.SECONDS);
    assertEquals("Bearer second", refreshed.authorization());
    assertEquals("Bearer second", upstream.credentials().current().authorization());
  }

  @Test
  @DisplayName("an exec plugin runs through fabric8 at start and again when the API server answers 401")
  void execPlugin() throws Exception {
    Path counter = folder.resolve("runs");
    Path plugin = write("plugin.sh", """
        #!/bin/sh
        echo x >> '%s'
        n=$(wc -l < '%s' | tr -d ' ')
        printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-%%s"}}' "$n"
        """.formatted(counter, counter));
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
    Upstream upstream = Upstream.load(write("k", kubeconfig("https://h:6443", """
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: %s
              interactiveMode: Never
        """.formatted(plugin))), null, new Metrics());
    Credentials first = upstream.credentials().current();
    assertEquals("Bearer exec-1", first.authorization());
    // A 401 right after start is within the back-off: nothing runs.
    upstream.credentials().unauthorized(first);
    Credentials refreshed = upstream.credentials().refresh().get(30, TimeUnit.SECONDS);
    assertEquals("Bearer exec-2", refreshed.authorization());
    assertEquals(first.generation(), refreshed.generation(), "the TLS material did not change");
  }

  @Test
  @DisplayName("client certificate data becomes the TLS client identity; no Authorization goes up")
  void clientCertificate() throws IOException {
    Path state = folder.resolve("state");
    LocalAuthority.open(state, "127.0.0.1");
    String certificate = Base64.getEncoder().encodeToString(Files.readAllBytes(state.resolve("server.crt")));
    String key = Base64.getEncoder().encodeToString(Files.readAllBytes(state.resolve("server.key")));
    Upstream upstream = Upstream.load(write("k", kubeconfig("https://h:6443", """
            client-certificate-data: %s
            client-key-data: %s
        """.formatted(certificate, key))), null, new Metrics());
    assertNull(upstream.credentials().current().authorization());
    assertNotNull(upstream.credentials().current().tls());
  }

  @Test
  @DisplayName("a JWT's exp claim is its expiry; other tokens have none")
  void jwtExpiry() {
    String claims = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"sub\":\"x\",\"exp\":1900000000}".getBytes(StandardCharsets.UTF_8));
    assertEquals(Instant.ofEpochSecond(1900000000), UpstreamCredentials.expiry("Bearer h." + claims + ".s"));
    assertNull(UpstreamCredentials.expiry("Bearer k8s-aws-v1.abc"));
    assertNull(UpstreamCredentials.expiry(null));
  }
}
