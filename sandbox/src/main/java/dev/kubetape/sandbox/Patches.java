package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** PLACEHOLDER until the patches work lands. */
final class Patches {
  private Patches() {}

  static ObjectNode jsonPatch(ObjectNode target, JsonNode patch) {
    throw ApiException.badRequest("json patch not yet supported");
  }

  static ObjectNode mergePatch(ObjectNode target, JsonNode patch) {
    throw ApiException.badRequest("merge patch not yet supported");
  }

  static ObjectNode strategicMerge(ObjectNode target, JsonNode patch, Schema schema) {
    throw ApiException.badRequest("strategic merge patch not yet supported");
  }
}
