package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** PLACEHOLDER until the server-side apply work lands. */
final class FieldManager {
  FieldManager(OpenApi openApi) {}

  ObjectNode update(ResourceType type, ObjectNode live, ObjectNode updated, String manager,
      String subresource, Instant now) {
    return updated;
  }

  ObjectNode apply(ResourceType type, ObjectNode live, ObjectNode applied, String manager,
      boolean force, String subresource, Instant now) {
    throw ApiException.badRequest("apply not yet supported");
  }
}
