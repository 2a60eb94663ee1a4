package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * Discovery documents, both the legacy ones ({@code /api}, {@code /apis}, {@code /api/v1},
 * {@code /apis/GROUP[/VERSION]}) and the aggregated {@code apidiscovery.k8s.io/v2} lists that
 * kubectl asks for first.
 */
final class Discovery {
  static final String AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

  /** What a subresource answers with, as aggregated discovery reports it. */
  private record SubresourceInfo(String group, String version, String kind, List<String> verbs) {}

  private final ApiResources resources;
  private final String serverAddress;

  Discovery(ApiResources resources, String serverAddress) {
    this.resources = resources;
    this.serverAddress = serverAddress;
  }

  ObjectNode apiVersions() {
    ObjectNode versions = Json.object();
    versions.put("kind", "APIVersions");
    versions.putArray("versions").add("v1");
    ArrayNode addresses = versions.putArray("serverAddressByClientCIDRs");
    addresses.addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
    return versions;
  }

  ObjectNode apiGroupList() {
    ObjectNode list = Json.object();
    list.put("kind", "APIGroupList");
    list.put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    for (String group : resources.groups()) {
      if (!group.isEmpty()) {
        groups.add(apiGroup(group, false));
      }
    }
    return list;
  }

  /** An APIGroup; {@code withTypeMeta} for /apis/GROUP, which carries kind and apiVersion. */
  ObjectNode apiGroup(String group, boolean withTypeMeta) {
    ObjectNode node = Json.object();
    if (withTypeMeta) {
      node.put("kind", "APIGroup");
      node.put("apiVersion", "v1");
    }
    node.put("name", group);
    ArrayNode versions = node.putArray("versions");
    for (String version : resources.versions(group)) {
      versions.addObject().put("groupVersion", group + "/" + version).put("version", version);
    }
    node.set("preferredVersion", versions.get(0).deepCopy());
    return node;
  }

  ObjectNode apiResourceList(String group, String version) {
    ObjectNode list = Json.object();
    list.put("kind", "APIResourceList");
    list.put("apiVersion", "v1");
    list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode items = list.putArray("resources");
    for (ResourceType type : resources.inGroupVersion(group, version)) {
      ObjectNode resource = items.addObject();
      resource.put("name", type.resource());
      resource.put("singularName", type.singular());
      resource.put("namespaced", type.namespaced());
      resource.put("kind", type.kind());
      verbs(resource, type.verbs());
      if (!type.shortNames().isEmpty()) {
        shortNames(resource, type.shortNames());
      }
      if (!type.categories().isEmpty()) {
        ArrayNode categories = resource.putArray("categories");
        type.categories().forEach(categories::add);
      }
      if (type.verbs().contains("list") || type.verbs().contains("get")) {
        resource.put("storageVersionHash", storageVersionHash(type));
      }
      for (String sub : type.subresources()) {
        SubresourceInfo info = subresource(type, sub);
        ObjectNode item = items.addObject();
        item.put("name", type.resource() + "/" + sub);
        item.put("singularName", "");
        item.put("namespaced", type.namespaced());
        if (!info.group().equals(type.group())) {
          item.put("group", info.group());
        }
        if (!info.version().equals(type.version()) || !info.group().equals(type.group())) {
          item.put("version", info.version());
        }
        item.put("kind", info.kind());
        verbs(item, info.verbs());
      }
    }
    return list;
  }

  /** The aggregated discovery document for /api (core) or /apis (every other group). */
  ObjectNode aggregated(boolean core) {
    ObjectNode list = Json.object();
    list.put("kind", "APIGroupDiscoveryList");
    list.put("apiVersion", "apidiscovery.k8s.io/v2");
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    for (String group : resources.groups()) {
      if (group.isEmpty() != core) {
        continue;
      }
      ObjectNode item = items.addObject();
      ObjectNode metadata = item.putObject("metadata");
      if (!group.isEmpty()) {
        metadata.put("name", group);
      }
      ArrayNode versions = item.putArray("versions");
      for (String version : resources.versions(group)) {
        ObjectNode versionNode = versions.addObject();
        versionNode.put("version", version);
        ArrayNode list2 = versionNode.putArray("resources");
        for (ResourceType type : resources.inGroupVersion(group, version)) {
          ObjectNode resource = list2.addObject();
          resource.put("resource", type.resource());
          resource.set("responseKind", kindNode(type, type.group(), type.version(), type.kind()));
          resource.put("scope", type.namespaced() ? "Namespaced" : "Cluster");
          resource.put("singularResource", type.singular());
          verbs(resource, type.verbs());
          if (!type.shortNames().isEmpty()) {
            shortNames(resource, type.shortNames());
          }
          if (!type.categories().isEmpty()) {
            ArrayNode categories = resource.putArray("categories");
            type.categories().forEach(categories::add);
          }
          if (!type.subresources().isEmpty()) {
            ArrayNode subs = resource.putArray("subresources");
            for (String sub : type.subresources()) {
              SubresourceInfo info = subresource(type, sub);
              ObjectNode subNode = subs.addObject();
              subNode.put("subresource", sub);
              subNode.set("responseKind", kindNode(type, info.group(), info.version(), info.kind()));
              verbs(subNode, info.verbs());
            }
          }
        }
        versionNode.put("freshness", "Current");
      }
    }
    return list;
  }

  /** A response kind; group and version are left empty when they are the resource's own. */
  private static ObjectNode kindNode(ResourceType type, String group, String version, String kind) {
    boolean own = group.equals(type.group()) && version.equals(type.version());
    return Json.object().put("group", own ? "" : group).put("version", own ? "" : version)
        .put("kind", kind);
  }

  private static void verbs(ObjectNode node, List<String> verbs) {
    ArrayNode array = node.putArray("verbs");
    verbs.forEach(array::add);
  }

  private static void shortNames(ObjectNode node, List<String> names) {
    ArrayNode array = node.putArray("shortNames");
    names.forEach(array::add);
  }

  /** What each subresource answers with; most echo their parent's kind. */
  private static SubresourceInfo subresource(ResourceType type, String sub) {
    String g = type.group();
    String v = type.version();
    String k = type.kind();
    return switch (sub) {
      case "status" -> new SubresourceInfo(g, v, k, List.of("get", "patch", "update"));
      case "scale" -> new SubresourceInfo("autoscaling", "v1", "Scale", List.of("get", "patch", "update"));
      case "log" -> new SubresourceInfo(g, v, k, List.of("get"));
      case "exec" -> new SubresourceInfo(g, v, "PodExecOptions", List.of("create", "get"));
      case "attach" -> new SubresourceInfo(g, v, "PodAttachOptions", List.of("create", "get"));
      case "portforward" -> new SubresourceInfo(g, v, "PodPortForwardOptions", List.of("create", "get"));
      case "proxy" -> new SubresourceInfo(g, v, k.equals("Pod") ? "PodProxyOptions"
          : k.equals("Node") ? "NodeProxyOptions" : "ServiceProxyOptions",
          List.of("create", "delete", "get", "patch", "update"));
      case "binding" -> new SubresourceInfo(g, v, "Binding", List.of("create"));
      case "eviction" -> new SubresourceInfo("policy", "v1", "Eviction", List.of("create"));
      case "ephemeralcontainers", "resize" -> new SubresourceInfo(g, v, k, List.of("get", "patch", "update"));
      case "token" -> new SubresourceInfo("authentication.k8s.io", "v1", "TokenRequest", List.of("create"));
      case "finalize" -> new SubresourceInfo(g, v, k, List.of("update"));
      case "approval" -> new SubresourceInfo(g, v, k, List.of("get", "patch", "update"));
      default -> new SubresourceInfo(g, v, k, List.of("get"));
    };
  }

  /** The hash kube-apiserver publishes so clients notice a storage version change. */
  static String storageVersionHash(ResourceType type) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          (type.group() + "/" + type.version() + "/" + type.kind()).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(digest, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
