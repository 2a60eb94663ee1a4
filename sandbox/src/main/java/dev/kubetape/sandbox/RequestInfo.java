package dev.kubetape.sandbox;

import java.util.List;

/**
 * What a resource request is about, parsed from its path the way kube-apiserver's request-info
 * resolver does: {@code /api/v1/namespaces/NS/pods/NAME/log},
 * {@code /apis/apps/v1/deployments}, and the legacy {@code /api/v1/watch/...} prefix.
 */
record RequestInfo(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource,
    boolean legacyWatch) {

  /** Parses a resource path, or returns null when the path names no resource (discovery etc.). */
  static RequestInfo parse(String path) {
    List<String> parts = segments(path);
    String group;
    String version;
    int at;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      version = parts.get(1);
      at = 2;
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      version = parts.get(2);
      at = 3;
    } else {
      return null;
    }
    boolean watch = false;
    if (parts.get(at).equals("watch")) {
      watch = true;
      at++;
      if (at >= parts.size()) {
        return null;
      }
    }
    List<String> rest = parts.subList(at, parts.size());
    String namespace = null;
    if (rest.get(0).equals("namespaces") && rest.size() > 1) {
      namespace = rest.get(1);
      // /namespaces/NAME/status and /namespaces/NAME/finalize are about the namespace itself.
      if (rest.size() > 2 && !rest.get(2).equals("status") && !rest.get(2).equals("finalize")) {
        rest = rest.subList(2, rest.size());
      } else {
        String sub = rest.size() > 2 ? rest.get(2) : null;
        return new RequestInfo(group, version, null, "namespaces", namespace, sub, watch);
      }
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    String subresource = rest.size() > 2 ? String.join("/", rest.subList(2, rest.size())) : null;
    return new RequestInfo(group, version, namespace, resource, name, subresource, watch);
  }

  private static List<String> segments(String path) {
    String trimmed = path;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/"));
  }
}
