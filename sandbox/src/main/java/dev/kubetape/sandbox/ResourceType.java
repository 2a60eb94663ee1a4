package dev.kubetape.sandbox;

import java.util.List;

/**
 * One REST resource the sandbox serves, with what discovery says about it.
 *
 * @param subresources the subresources served, e.g. {@code status}, {@code scale}, {@code log}
 */
record ResourceType(
    String group,
    String version,
    String resource,
    String singular,
    String kind,
    boolean namespaced,
    List<String> verbs,
    List<String> shortNames,
    List<String> categories,
    List<String> subresources) {

  static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** "deployments.apps", or "pods" in the core group: how API errors name a resource. */
  String qualifiedResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** "Deployment.apps", or "Pod": how validation errors name a kind. */
  String qualifiedKind() {
    return group.isEmpty() ? kind : kind + "." + group;
  }

  String listKind() {
    return kind + "List";
  }

  boolean hasSubresource(String name) {
    return subresources.contains(name);
  }

  boolean supports(String verb) {
    return verbs.contains(verb);
  }

  /** The URL path of the collection, within a namespace when the resource is namespaced. */
  String collectionPath(String namespace) {
    String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    return namespaced && namespace != null
        ? base + "/namespaces/" + namespace + "/" + resource
        : base + "/" + resource;
  }
}
