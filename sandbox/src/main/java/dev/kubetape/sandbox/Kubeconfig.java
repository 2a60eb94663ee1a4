package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/** The kubeconfig the sandbox emits: one cluster, one user with a bearer token, context "sandbox". */
final class Kubeconfig {
  private Kubeconfig() {}

  static String render(String server, String caPem, String token) {
    ObjectNode config = Json.object();
    config.put("apiVersion", "v1");
    config.put("kind", "Config");
    ObjectNode cluster = config.putArray("clusters").addObject();
    cluster.put("name", "sandbox");
    cluster.putObject("cluster")
        .put("certificate-authority-data",
            Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)))
        .put("server", server);
    ObjectNode context = config.putArray("contexts").addObject();
    context.put("name", "sandbox");
    context.putObject("context").put("cluster", "sandbox").put("user", "sandbox-admin")
        .put("namespace", "default");
    config.put("current-context", "sandbox");
    config.putObject("preferences");
    ObjectNode user = config.putArray("users").addObject();
    user.put("name", "sandbox-admin");
    user.putObject("user").put("token", token);
    try {
      return Json.YAML.writeValueAsString(config);
    } catch (IOException e) {
      throw new IllegalStateException("a kubeconfig could not be rendered", e);
    }
  }

  /** Writes the file readable by its owner only: it holds a credential. */
  static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path temporary = Files.createTempFile(parent, ".kubeconfig", ".tmp");
    try {
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // Not a POSIX file system: the platform's defaults apply.
    }
    Files.writeString(temporary, text);
    Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
