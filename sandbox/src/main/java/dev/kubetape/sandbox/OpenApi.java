package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI v3 documents of the Kubernetes release the sandbox impersonates, served at
 * {@code /openapi/v3} and used for the schema of every kind (validation, strategic merge,
 * server-side apply). They are packaged from the k8s.io/kubernetes module at build time (see
 * the module's pom), with the enums a running server adds ({@link OpenApiEnums}), and served
 * byte for byte: the sandbox serves the same group-versions as a default kube-apiserver, so
 * each document describes exactly what is served.
 *
 * <p>Documents are read and parsed on first use: a sandbox that is only asked about pods never
 * parses the storage API's schemas, which keeps start-up short.
 */
final class OpenApi {
  private static final String RESOURCE_FOLDER = "/dev/kubetape/sandbox/openapi/";

  /** A served document: its bytes and the SHA-512 the index names it by. */
  record Document(byte[] body, String hash) {}

  /** The named schemas of one group-version document, and its kinds. */
  private record Schemas(Map<String, JsonNode> components, Map<String, Schema> kinds) {}

  private final List<String> paths = new ArrayList<>();
  private final Map<String, Document> documents = new ConcurrentHashMap<>();
  private final Map<String, Schemas> schemas = new ConcurrentHashMap<>();

  OpenApi(ApiResources resources) {
    paths.addAll(List.of(".well-known/openid-configuration", "api", "apis", "logs",
        "openid/v1/jwks", "version"));
    for (String group : resources.groups()) {
      if (!group.isEmpty()) {
        paths.add("apis/" + group);
      }
      for (String version : resources.versions(group)) {
        paths.add(groupVersionPath(group, version));
      }
    }
    paths.sort(null);
  }

  private static String groupVersionPath(String group, String version) {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  /** The paths index served at /openapi/v3. */
  ObjectNode index() {
    ObjectNode index = Json.object();
    ObjectNode entries = index.putObject("paths");
    for (String path : paths) {
      entries.putObject(path).put("serverRelativeURL",
          "/openapi/v3/" + path + "?hash=" + hash(path));
    }
    return index;
  }

  /** The document for a path like "apis/apps/v1", or null when not served. */
  Document document(String path) {
    if (!paths.contains(path)) {
      return null;
    }
    return documents.computeIfAbsent(path, p -> {
      byte[] body = read(fileName(p));
      String hash = Hashes.BY_FILE.getProperty(fileName(p));
      return new Document(body, hash != null ? hash : OpenApiDocuments.hash(body));
    });
  }

  /** The hash the index names a document by: written at build time, else computed now. */
  private String hash(String path) {
    String hash = Hashes.BY_FILE.getProperty(fileName(path));
    return hash != null ? hash : document(path).hash();
  }

  /** Read on first use (see OpenApiDocuments); empty where the build step did not run. */
  private static final class Hashes {
    static final Properties BY_FILE = load();

    private static Properties load() {
      Properties hashes = new Properties();
      try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE_FOLDER + OpenApiDocuments.HASHES)) {
        if (in != null) {
          hashes.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the OpenAPI documents' hashes", e);
      }
      return hashes;
    }
  }

  /** The schema of a kind, e.g. ("apps", "v1", "Deployment"), or null when not served. */
  Schema kind(String group, String version, String kind) {
    Schemas parsed = schemas(group, version);
    return parsed == null ? null : parsed.kinds().get(kind);
  }

  /** A named schema in a group-version's document, e.g. "io.k8s.api.core.v1.PodSpec". */
  Schema named(String group, String version, String name) {
    Schemas parsed = schemas(group, version);
    JsonNode node = parsed == null ? null : parsed.components().get(name);
    return node == null ? null : Schema.of(node, parsed.components());
  }

  private Schemas schemas(String group, String version) {
    String path = groupVersionPath(group, version);
    if (!paths.contains(path)) {
      return null;
    }
    return schemas.computeIfAbsent(path, p -> {
      try {
        JsonNode document = Json.MAPPER.readTree(document(p).body());
        Map<String, JsonNode> components = new HashMap<>();
        document.path("components").path("schemas").properties().iterator()
            .forEachRemaining(e -> components.put(e.getKey(), e.getValue()));
        Map<String, Schema> kinds = new HashMap<>();
        for (JsonNode schema : components.values()) {
          for (JsonNode gvk : schema.path("x-kubernetes-group-version-kind")) {
            if (gvk.path("group").asText().equals(group)
                && gvk.path("version").asText().equals(version)) {
              kinds.put(gvk.path("kind").asText(), Schema.of(schema, components));
            }
          }
        }
        return new Schemas(components, kinds);
      } catch (IOException e) {
        throw new UncheckedIOException("could not parse the OpenAPI document " + p, e);
      }
    });
  }

  private static String fileName(String path) {
    return path.replace("/", "__") + "_openapi.json";
  }

  private static byte[] read(String fileName) {
    String file = RESOURCE_FOLDER + fileName;
    try (InputStream in = OpenApi.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("the sandbox jar lacks " + file
            + "; rebuild it with ./mvnw package, which fetches the Kubernetes OpenAPI documents");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }
}
