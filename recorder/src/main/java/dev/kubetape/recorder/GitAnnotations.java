package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The git origin of a deployed object, from its annotations (the Deployment's own, then its pod
 * template's). Two conventions are read:
 * <pre>
 *   kubetape.dev/git-repo: https://github.com/shop/web      kubetape's own keys
 *   kubetape.dev/git-commit: 3f2c1a9e...
 *   kubetape.dev/git-path: services/web                      optional: the folder of the Dockerfile
 *
 *   app.komodor.com/app: https://github.com/shop/web         any NAME with a NAME.ref beside it,
 *   app.komodor.com/app.ref: 3f2c1a9e...                      as CI pipelines already write them
 * </pre>
 */
final class GitAnnotations {
  static final String REPO = "kubetape.dev/git-repo";
  static final String COMMIT = "kubetape.dev/git-commit";
  static final String PATH = "kubetape.dev/git-path";
  private static final String KOMODOR = "app.komodor.com/";

  /** One repository and commit: {@code name} is "kubetape" or the Komodor NAME. */
  record GitRef(String name, String repo, String ref, String path) {}

  private GitAnnotations() {}

  static List<GitRef> of(JsonNode object) {
    Map<String, GitRef> refs = new LinkedHashMap<>();
    for (JsonNode annotations : List.of(object.path("metadata").path("annotations"),
        object.path("spec").path("template").path("metadata").path("annotations"))) {
      if (annotations.has(REPO) || annotations.has(COMMIT)) {
        refs.putIfAbsent("kubetape", new GitRef("kubetape", annotations.path(REPO).asText(null),
            annotations.path(COMMIT).asText(null), annotations.path(PATH).asText(null)));
      }
      annotations.properties().forEach(entry -> {
        String key = entry.getKey();
        if (key.startsWith(KOMODOR) && !key.endsWith(".ref")
            && annotations.has(key + ".ref")) {
          String name = key.substring(KOMODOR.length());
          refs.putIfAbsent(name, new GitRef(name, entry.getValue().asText(),
              annotations.path(key + ".ref").asText(), null));
        }
      });
    }
    return new ArrayList<>(refs.values());
  }
}
