package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the kubelet needs from ConfigMaps and Secrets before a pod can run, checked the way it
 * checks them: a volume whose ConfigMap or Secret is missing fails to mount (the pod stays
 * ContainerCreating with {@code FailedMount} events); an environment variable whose source is
 * missing fails the container's creation ({@code CreateContainerConfigError}). Optional
 * references may be missing. Messages are the kubelet's.
 */
final class ContainerConfig {
  private final Registry registry;
  private final ResourceType configMaps;
  private final ResourceType secrets;

  ContainerConfig(Registry registry) {
    this.registry = registry;
    this.configMaps = registry.resources().find("", "v1", "configmaps").orElseThrow();
    this.secrets = registry.resources().find("", "v1", "secrets").orElseThrow();
  }

  /** Why the pod's volumes cannot be set up, or null when they can. */
  String mountError(JsonNode pod) {
    String namespace = Json.text(pod, "metadata", "namespace");
    for (JsonNode volume : pod.path("spec").path("volumes")) {
      String volumeName = volume.path("name").asText();
      String problem = null;
      if (volume.has("configMap")) {
        problem = source(namespace, volume.get("configMap"), "name", false);
      } else if (volume.has("secret")) {
        problem = source(namespace, volume.get("secret"), "secretName", true);
      } else if (volume.has("projected")) {
        for (JsonNode source : volume.path("projected").path("sources")) {
          if (source.has("configMap")) {
            problem = source(namespace, source.get("configMap"), "name", false);
          } else if (source.has("secret")) {
            problem = source(namespace, source.get("secret"), "name", true);
          }
          if (problem != null) {
            break;
          }
        }
      }
      if (problem != null) {
        return "MountVolume.SetUp failed for volume \"" + volumeName + "\" : " + problem;
      }
    }
    return null;
  }

  private String source(String namespace, JsonNode reference, String nameField, boolean secret) {
    String name = reference.path(nameField).asText("");
    boolean optional = reference.path("optional").asBoolean(false);
    ObjectNode object = registry.store().get(secret ? secrets : configMaps, namespace, name);
    if (object == null) {
      return optional ? null : (secret ? "secret" : "configmap") + " \"" + name + "\" not found";
    }
    for (JsonNode item : reference.path("items")) {
      String key = item.path("key").asText();
      if (!hasKey(object, key) && !optional) {
        return secret ? "references non-existent secret key: " + key
            : "configmap references non-existent config key: " + key;
      }
    }
    return null;
  }

  /** Why the container's environment cannot be built, or null when it can. */
  String environmentError(JsonNode pod, JsonNode container) {
    String namespace = Json.text(pod, "metadata", "namespace");
    for (JsonNode from : container.path("envFrom")) {
      for (String kind : new String[] {"configMapRef", "secretRef"}) {
        JsonNode reference = from.get(kind);
        if (reference == null) {
          continue;
        }
        boolean secret = kind.equals("secretRef");
        String name = reference.path("name").asText("");
        if (registry.store().get(secret ? secrets : configMaps, namespace, name) == null
            && !reference.path("optional").asBoolean(false)) {
          return (secret ? "secret" : "configmap") + " \"" + name + "\" not found";
        }
      }
    }
    for (JsonNode variable : container.path("env")) {
      JsonNode valueFrom = variable.path("valueFrom");
      for (String kind : new String[] {"configMapKeyRef", "secretKeyRef"}) {
        JsonNode reference = valueFrom.get(kind);
        if (reference == null) {
          continue;
        }
        boolean secret = kind.equals("secretKeyRef");
        String name = reference.path("name").asText("");
        String key = reference.path("key").asText("");
        boolean optional = reference.path("optional").asBoolean(false);
        ObjectNode object = registry.store().get(secret ? secrets : configMaps, namespace, name);
        if (object == null) {
          if (!optional) {
            return (secret ? "secret" : "configmap") + " \"" + name + "\" not found";
          }
        } else if (!hasKey(object, key) && !optional) {
          return "couldn't find key " + key + " in " + (secret ? "Secret " : "ConfigMap ")
              + namespace + "/" + name;
        }
      }
    }
    return null;
  }

  private static boolean hasKey(ObjectNode object, String key) {
    return object.path("data").has(key) || object.path("binaryData").has(key)
        || object.path("stringData").has(key);
  }
}
