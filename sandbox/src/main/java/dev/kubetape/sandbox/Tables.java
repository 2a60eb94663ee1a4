package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** PLACEHOLDER until the tables work lands. */
final class Tables {
  Tables(OpenApi openApi) {}

  ObjectNode table(ResourceType type, List<ObjectNode> objects, String includeObject,
      ObjectNode listMetadata, Instant now) {
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.set("metadata", listMetadata == null ? Json.object() : listMetadata);
    table.putArray("columnDefinitions").addObject().put("name", "Name").put("type", "string")
        .put("format", "name").put("description", "").put("priority", 0);
    var rows = table.putArray("rows");
    for (ObjectNode o : objects) {
      var row = rows.addObject();
      row.putArray("cells").add(Json.text(o, "metadata", "name"));
    }
    return table;
  }
}
