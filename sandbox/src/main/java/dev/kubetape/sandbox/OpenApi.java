package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenAPI v3 documents of the Kubernetes release the sandbox impersonates, served at
 * {@code /openapi/v3} and used for the schema of every kind (validation, strategic merge,
 * server-side apply, defaults). They are packaged from the k8s.io/kubernetes module at build
 * time (see the module's pom); each group-version document is trimmed to the paths of the
 * resources the sandbox actually serves, as kube-apiserver only describes what it serves.
 */
final class OpenApi {
  private static final String RESOURCE_FOLDER = "/dev/kubetape/sandbox/openapi/";

  /** A served document: its bytes and the SHA-512 the index names it by. */
  record Document(byte[] body, String hash) {}

  private final Map<String, Document> documents = new LinkedHashMap<>();
  private final Map<String, Schema> kinds = new HashMap<>();
  private final Map<String, Map<String, JsonNode>> componentsByGroupVersion = new HashMap<>();

  OpenApi(ApiResources resources) {
    for (String path : new String[] {".well-known/openid-configuration", "api", "apis", "logs",
        "openid/v1/jwks", "version"}) {
      documents.put(path, document(load(path)));
    }
    for (String group : resources.groups()) {
      String version = resources.inGroup(group).get(0).version();
      String groupVersionPath = group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
      if (!group.isEmpty()) {
        documents.put("apis/" + group, document(load("apis/" + group)));
      }
      ObjectNode document = load(groupVersionPath);
      trimPaths(document, resources);
      documents.put(groupVersionPath, document(document));
      Map<String, JsonNode> components = new HashMap<>();
      document.path("components").path("schemas").fields()
          .forEachRemaining(e -> components.put(e.getKey(), e.getValue()));
      componentsByGroupVersion.put(group + "/" + version, components);
      for (JsonNode schema : components.values()) {
        for (JsonNode gvk : schema.path("x-kubernetes-group-version-kind")) {
          if (gvk.path("group").asText().equals(group)
              && gvk.path("version").asText().equals(version)) {
            kinds.put(group + "/" + version + "/" + gvk.path("kind").asText(),
                Schema.of(schema, components));
          }
        }
      }
    }
  }

  /** The paths index served at /openapi/v3. */
  ObjectNode index() {
    ObjectNode index = Json.object();
    ObjectNode paths = index.putObject("paths");
    documents.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        paths.putObject(e.getKey()).put("serverRelativeURL",
            "/openapi/v3/" + e.getKey() + "?hash=" + e.getValue().hash()));
    return index;
  }

  /** The document for a path like "apis/apps/v1", or null. */
  Document document(String path) {
    return documents.get(path);
  }

  /** The schema of a kind, e.g. ("apps", "v1", "Deployment"), or null when not served. */
  Schema kind(String group, String version, String kind) {
    return kinds.get(group + "/" + version + "/" + kind);
  }

  /** A named schema in a group-version's document, e.g. "io.k8s.api.core.v1.PodSpec". */
  Schema named(String group, String version, String name) {
    Map<String, JsonNode> components = componentsByGroupVersion.get(group + "/" + version);
    JsonNode node = components == null ? null : components.get(name);
    return node == null ? null : Schema.of(node, components);
  }

  private static void trimPaths(ObjectNode document, ApiResources resources) {
    Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
    while (paths.hasNext()) {
      String path = paths.next().getKey();
      RequestInfo info = RequestInfo.parse(path.replace("{namespace}", "NS"));
      if (info == null) {
        continue; // the group-version root itself
      }
      ResourceType type = resources.find(info.group(), info.version(), info.resource()).orElse(null);
      boolean served = type != null && (info.subresource() == null
          || type.hasSubresource(info.subresource().split("/")[0]));
      if (!served) {
        paths.remove();
      }
    }
  }

  private static ObjectNode load(String path) {
    String file = RESOURCE_FOLDER + path.replace("/", "__") + "_openapi.json";
    try (InputStream in = OpenApi.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("the sandbox jar lacks " + file
            + "; rebuild it with ./mvnw package, which fetches the Kubernetes OpenAPI documents");
      }
      return (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  private static Document document(JsonNode node) {
    byte[] body = Json.bytes(node);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-512").digest(body);
      return new Document(body, HexFormat.of().withUpperCase().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is part of every JDK", e);
    }
  }
}
