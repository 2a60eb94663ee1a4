package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The namespace lifecycle of a real cluster: a new namespace gets its default service account
 * and the root CA config map; a namespace being deleted (Terminating) has all its content
 * deleted, then its {@code kubernetes} finalizer removed, and then it is gone.
 */
final class NamespaceController {
  private static final Registry.WriteOptions MANAGER = Registry.WriteOptions.of("kube-controller-manager");

  private final Registry registry;
  private final ControllerLoop loop;
  private final String caCertificate;
  private final ResourceType namespaces;

  NamespaceController(Registry registry, ControllerLoop loop, String caCertificate) {
    this.registry = registry;
    this.loop = loop;
    this.caCertificate = caCertificate;
    this.namespaces = registry.resources().find("", "v1", "namespaces").orElseThrow();
    registry.store().listen(this::onChange);
  }

  private void onChange(ObjectStore.Change change) {
    if (change.resource() == namespaces) {
      String name = Json.text(change.object(), "metadata", "name");
      if (change.type().equals("ADDED")) {
        loop.submit("namespace " + name + " setup", () -> Cluster.namespaceContents(registry, name, caCertificate));
      } else if (change.type().equals("MODIFIED") && change.object().path("metadata").has("deletionTimestamp")) {
        loop.submit("namespace " + name + " deletion", () -> terminate(name));
      }
    } else if (change.type().equals("DELETED") && change.resource().namespaced()) {
      String namespace = Json.text(change.object(), "metadata", "namespace");
      ObjectNode ns = registry.store().get(namespaces, null, namespace);
      if (ns != null && ns.path("metadata").has("deletionTimestamp")) {
        loop.submit("namespace " + namespace + " deletion", () -> terminate(namespace));
      }
    }
  }

  /** Deletes what is left in a terminating namespace; finalizes it once it is empty. */
  private void terminate(String name) {
    ObjectNode namespace = registry.store().get(namespaces, null, name);
    if (namespace == null || !namespace.path("metadata").has("deletionTimestamp")) {
      return;
    }
    boolean empty = true;
    for (ResourceType type : registry.resources().all()) {
      if (!type.namespaced() || !type.supports("list")) {
        continue;
      }
      List<ObjectNode> items = registry.store().list(type, name).items();
      for (ObjectNode item : items) {
        empty = false;
        if (!item.path("metadata").has("deletionTimestamp")) {
          try {
            registry.delete(type, name, Json.text(item, "metadata", "name"),
                new Registry.DeleteOptions("Background", 0L, null, null, false, null));
          } catch (ApiException e) {
            if (e.code != 404) {
              throw e;
            }
          }
        }
      }
    }
    if (!empty) {
      return;
    }
    ObjectNode finalized = namespace.deepCopy();
    ArrayNode kept = Json.array();
    for (JsonNode finalizer : finalized.path("spec").path("finalizers")) {
      if (!finalizer.asText().equals("kubernetes")) {
        kept.add(finalizer);
      }
    }
    Json.with(finalized, "spec").set("finalizers", kept);
    registry.finalizeNamespace(finalized, MANAGER);
  }
}
