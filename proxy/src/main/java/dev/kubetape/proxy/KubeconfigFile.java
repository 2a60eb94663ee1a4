package dev.kubetape.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The kubeconfig kubetape writes for kubectl: one cluster, one user and one context, all named
 * after the upstream context, pointing at the proxy, trusting kubetape's CA and carrying its
 * token, with the upstream context's namespace kept.
 */
final class KubeconfigFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private KubeconfigFile() {}

  static String render(String contextName, String server, String caPem, String token, String namespace) {
    ObjectNode config = YAML.createObjectNode();
    config.put("apiVersion", "v1");
    config.put("kind", "Config");
    ObjectNode cluster = config.putArray("clusters").addObject();
    cluster.put("name", contextName);
    cluster.putObject("cluster")
        .put("certificate-authority-data",
            Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)))
        .put("server", server);
    ObjectNode context = config.putArray("contexts").addObject();
    context.put("name", contextName);
    ObjectNode fields = context.putObject("context").put("cluster", contextName).put("user", contextName);
    if (namespace != null && !namespace.isBlank()) {
      fields.put("namespace", namespace);
    }
    config.put("current-context", contextName);
    config.putObject("preferences");
    ObjectNode user = config.putArray("users").addObject();
    user.put("name", contextName);
    user.putObject("user").put("token", token);
    try {
      return YAML.writeValueAsString(config);
    } catch (IOException e) {
      throw new IllegalStateException("the kubeconfig could not be rendered", e);
    }
  }

  /** Writes the file readable by its owner only: it holds a credential. */
  static void write(Path file, String text) throws IOException {
    LocalAuthority.write(file, text);
  }
}
