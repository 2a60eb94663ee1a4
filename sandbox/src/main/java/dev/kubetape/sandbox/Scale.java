package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The {@code scale} subresource of Deployments and ReplicaSets: an {@code autoscaling/v1 Scale}
 * view of spec.replicas and the selector, which {@code kubectl scale} reads and patches.
 */
final class Scale {
  private Scale() {}

  static void handle(HttpServerRequest request, String verb, ResourceType type, RequestInfo info,
      Buffer body, Registry registry, BiConsumer<Integer, ObjectNode> respond,
      Function<HttpServerRequest, Registry.WriteOptions> options) {
    ObjectNode current = registry.get(type, info.namespace(), info.name());
    switch (verb) {
      case "get" -> respond.accept(200, view(current));
      case "update", "patch" -> {
        JsonNode input;
        try {
          input = Json.MAPPER.readTree(body.getBytes());
        } catch (java.io.IOException e) {
          throw ApiException.badRequest("error decoding patch: " + e.getMessage());
        }
        ObjectNode scale = view(current);
        if (verb.equals("update")) {
          scale = (ObjectNode) input;
        } else {
          String contentType = request.getHeader("Content-Type");
          scale = contentType != null && contentType.startsWith("application/json-patch")
              ? Patches.jsonPatch(scale, input) : Patches.mergePatch(scale, input);
        }
        JsonNode replicas = scale.path("spec").get("replicas");
        if (replicas == null || !replicas.isIntegralNumber() || replicas.asLong() < 0) {
          throw ApiException.invalid(new ResourceType("autoscaling", "v1", "scale", "", "Scale",
              true, java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of()),
              info.name(), java.util.List.of(Validation.invalid("spec.replicas",
                  replicas == null ? 0 : replicas.asLong(), "must be greater than or equal to 0")));
        }
        Registry.Result result = registry.scale(type, info.namespace(), info.name(),
            replicas.asInt(), options.apply(request));
        respond.accept(200, view(result.object()));
      }
      default -> throw ApiException.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
  }

  static ObjectNode view(ObjectNode object) {
    ObjectNode scale = Json.object();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode metadata = scale.putObject("metadata");
    JsonNode source = object.get("metadata");
    for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (source.has(field)) {
        metadata.set(field, source.get(field));
      }
    }
    scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt());
    ObjectNode status = scale.putObject("status");
    status.put("replicas", object.path("status").path("replicas").asInt());
    String selector = selectorText(object.path("spec").path("selector"));
    if (!selector.isEmpty()) {
      status.put("selector", selector);
    }
    return scale;
  }

  private static String selectorText(JsonNode selector) {
    java.util.TreeMap<String, String> labels = new java.util.TreeMap<>();
    selector.path("matchLabels").properties().iterator().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    StringBuilder text = new StringBuilder();
    labels.forEach((k, v) -> {
      if (!text.isEmpty()) {
        text.append(',');
      }
      text.append(k).append('=').append(v);
    });
    return text.toString();
  }
}
