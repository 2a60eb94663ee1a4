package dev.kubetape.proxy;

import java.util.Locale;
import java.util.Set;

/**
 * What the API server would make of a request's method and path (its RequestInfo): the verb and
 * the group, version, resource, namespace, name and subresource it addresses. Used to describe
 * exchanges to the tap, to decide which bodies to keep, and to choose the kind of upstream
 * connection ({@link #longRunning}); what is forwarded never depends on it.
 */
record Route(String verb, String group, String version, String resource, String namespace,
    String name, String subresource) {

  /** Kinds whose changes make a deploy: their mutating requests carry bodies to the tap. */
  private static final Set<String> CORE_WORKLOADS = Set.of("pods", "services", "configmaps", "secrets");
  private static final Set<String> APPS_WORKLOADS =
      Set.of("deployments", "replicasets", "statefulsets", "daemonsets");
  /** Subresources of a namespace that name the namespace itself, as in the API server. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
  /** The API server's own long-running subresources (its BasicLongRunningRequestCheck). */
  private static final Set<String> LONG_RUNNING_SUBRESOURCES = Set.of("attach", "exec", "proxy", "log", "portforward");

  static Route of(String method, String path, String query) {
    String lowerMethod = switch (method) {
      case "GET" -> "get";
      case "POST" -> "post";
      case "PUT" -> "put";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      case "HEAD" -> "head";
      default -> method.toLowerCase(Locale.ROOT);
    };
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

  /**
   * Whether the API server may keep the request open for as long as it likes, as it judges:
   * watches, the old proxy verb, and the attach, exec, proxy, log and portforward subresources.
   */
  boolean longRunning() {
    return "watch".equals(verb) || "".equals(group) && "proxy".equals(resource)
        || subresource != null && LONG_RUNNING_SUBRESOURCES.contains(subresource);
  }

  /**
   * As the API server reads it (its Convert_Slice_string_To_bool): the first watch parameter
   * asks for a watch unless it is "0" or "false" in any case; an empty one asks for one too.
   */
  private static boolean watchQuery(String query) {
    if (query == null) {
      return false;
    }
    for (int from = 0; from <= query.length(); ) {
      int end = query.indexOf('&', from);
      if (end < 0) {
        end = query.length();
      }
      if (query.startsWith("watch", from) && (end == from + 5 || query.charAt(from + 5) == '=')) {
        String value = query.substring(Math.min(from + 6, end), end);
        return !value.equals("0") && !value.equalsIgnoreCase("false");
      }
      from = end + 1;
    }
    return false;
  }

  /**
   * The path's segments once the slashes at either end are gone (as the API server's
   * strings.Split(strings.Trim(path, "/"), "/")); by hand, as String.split costs a list and a
   * copy per call.
   */
  private static String[] split(String path) {
    int start = 0;
    int end = path.length();
    while (start < end && path.charAt(start) == '/') {
      start++;
    }
    while (end > start && path.charAt(end - 1) == '/') {
      end--;
    }
    if (start == end) {
      return new String[0];
    }
    int count = 1;
    for (int i = start; i < end; i++) {
      if (path.charAt(i) == '/') {
        count++;
      }
    }
    String[] parts = new String[count];
    for (int part = 0, from = start; part < count; part++) {
      int slash = part == count - 1 ? end : path.indexOf('/', from);
      parts[part] = path.substring(from, slash);
      from = slash + 1;
    }
    return parts;
  }
}
