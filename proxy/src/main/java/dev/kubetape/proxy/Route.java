package dev.kubetape.proxy;

import java.util.Locale;
import java.util.Set;

/**
 * What the API server would make of a request's method and path (its RequestInfo): the verb and
 * the group, version, resource, namespace, name and subresource it addresses. Used only to
 * describe exchanges to the tap and to decide which bodies to keep; forwarding never depends on
 * it.
 */
record Route(String verb, String group, String version, String resource, String namespace,
    String name, String subresource) {

  /** Kinds whose changes make a deploy: their mutating requests carry bodies to the tap. */
  private static final Set<String> CORE_WORKLOADS = Set.of("pods", "services", "configmaps", "secrets");
  private static final Set<String> APPS_WORKLOADS =
      Set.of("deployments", "replicasets", "statefulsets", "daemonsets");
  /** Subresources of a namespace that name the namespace itself, as in the API server. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  static Route of(String method, String path, String query) {
    String lowerMethod = method.toLowerCase(Locale.ROOT);
    String[] parts = split(path);
    int at;
    String group;
    if (parts.length >= 2 && parts[0].equals("api")) {
      group = "";
      at = 1;
    } else if (parts.length >= 3 && parts[0].equals("apis")) {
      group = parts[1];
      at = 2;
    } else {
      return new Route(lowerMethod, null, null, null, null, null, null);
    }
    String version = parts[at++];
    boolean watchPath = at < parts.length && parts[at].equals("watch");
    if (watchPath) {
      at++;
    }
    String namespace = null;
    String resource;
    String name = null;
    String subresource = null;
    int left = parts.length - at;
    if (left >= 2 && parts[at].equals("namespaces")) {
      namespace = parts[at + 1];
      if (left > 2 && !NAMESPACE_SUBRESOURCES.contains(parts[at + 2])) {
        at += 2;
        left -= 2;
      }
    }
    if (left < 1) {
      // /api/v1, /apis/apps/v1: discovery, which the API server treats as a non-resource path.
      return new Route(lowerMethod, null, null, null, null, null, null);
    }
    resource = parts[at];
    if (left >= 2) {
      name = parts[at + 1];
    }
    if (left >= 3) {
      subresource = parts[at + 2];
    }
    String verb = switch (lowerMethod) {
      case "get", "head" -> watchPath || watchQuery(query) ? "watch" : name == null ? "list" : "get";
      case "post" -> "create";
      case "put" -> "update";
      case "patch" -> "patch";
      case "delete" -> name == null ? "deletecollection" : "delete";
      default -> lowerMethod;
    };
    return new Route(verb, group, version, resource, namespace, name, subresource);
  }

  /** True where the request changes a workload kind: its bodies go to the tap. */
  boolean changesWorkload() {
    boolean mutating = switch (verb) {
      case "create", "update", "patch", "delete", "deletecollection" -> true;
      default -> false;
    };
    boolean workload = "".equals(group) && CORE_WORKLOADS.contains(resource)
        || "apps".equals(group) && APPS_WORKLOADS.contains(resource);
    boolean wholeObject = subresource == null || subresource.equals("status") || subresource.equals("scale");
    return mutating && workload && wholeObject;
  }

  private static boolean watchQuery(String query) {
    if (query == null) {
      return false;
    }
    for (String pair : query.split("&")) {
      if (pair.equals("watch=true") || pair.equals("watch=1")) {
        return true;
      }
    }
    return false;
  }

  private static String[] split(String path) {
    String trimmed = path;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
  }
}
