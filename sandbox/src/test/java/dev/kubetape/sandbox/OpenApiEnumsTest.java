package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenApiEnumsTest {
  private static final OpenApi OPEN_API = new OpenApi(new ApiResources());

  private static JsonNode schema(String path, String name) throws Exception {
    return Json.MAPPER.readTree(OPEN_API.document(path).body()).path("components").path("schemas").path(name);
  }

  private static List<String> values(JsonNode node) {
    return node.path("enum").valueStream().map(JsonNode::asText).toList();
  }

  @Test
  @DisplayName("a string field marked +enum gets its values and the 'Possible enum values' description, as kubectl explain shows them")
  void propertyEnum() throws Exception {
    JsonNode protocol = schema("api/v1", "io.k8s.api.core.v1.ContainerPort").path("properties").path("protocol");
    assertEquals(List.of("SCTP", "TCP", "UDP"), values(protocol));
    assertEquals("Protocol for port. Must be UDP, TCP, or SCTP. Defaults to \"TCP\".\n\nPossible enum values:\n"
        + " - `\"SCTP\"` is the SCTP protocol.\n - `\"TCP\"` is the TCP protocol.\n - `\"UDP\"` is the UDP protocol.",
        protocol.path("description").asText());
    assertEquals("TCP", protocol.path("default").asText(), "the rest of the field is as published");
  }

  @Test
  @DisplayName("enums of a list's items and of a map's values go on the items and the values")
  void itemsAndValues() throws Exception {
    JsonNode claim = schema("api/v1", "io.k8s.api.core.v1.PersistentVolumeClaimSpec").path("properties");
    assertEquals(List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"),
        values(claim.path("accessModes").path("items")));
    assertFalse(claim.path("accessModes").has("enum"));
    JsonNode status = schema("api/v1", "io.k8s.api.core.v1.PersistentVolumeClaimStatus").path("properties");
    assertTrue(values(status.path("allocatedResourceStatuses").path("additionalProperties")).contains("ControllerResizeInProgress"));
  }

  @Test
  @DisplayName("the core types embedded in other groups' documents get them too")
  void otherDocuments() throws Exception {
    JsonNode inApps = schema("apis/apps/v1", "io.k8s.api.core.v1.ContainerPort").path("properties").path("protocol");
    assertEquals(List.of("SCTP", "TCP", "UDP"), values(inApps));
  }

  @Test
  @DisplayName("the reduced Go definitions are read with their escapes, by property, list item and map value")
  void parse() {
    OpenApiEnums enums = OpenApiEnums.parse(List.of(
        "\t\t\"k8s.io/api/core/v1.Thing\": schema_k8sio_api_core_v1_Thing(ref),",
        "func schema_k8sio_api_core_v1_Thing(ref common.ReferenceCallback) common.OpenAPIDefinition {",
        "\t\t\t\t\t\"mode\": {",
        "\t\t\t\t\t\t\tDescription: \"Mode says \\\"how\\\".\\n\\nPossible enum values:\\n - `\\\"A\\\"` is a.\",",
        "\t\t\t\t\t\t\tEnum:        []interface{}{\"A\", \"B\"},",
        "\t\t\t\t\t\"modes\": {",
        "\t\t\t\t\t\t\tItems: &spec.SchemaOrArray{",
        "\t\t\t\t\t\t\t\t\t\tEnum:    []interface{}{\"A\"},",
        "\t\t\t\t\t\"byName\": {",
        "\t\t\t\t\t\t\tAdditionalProperties: &spec.SchemaOrBool{",
        "\t\t\t\t\t\t\t\t\t\tEnum:    []interface{}{\"B\"},"));
    assertEquals(List.of(
        new OpenApiEnums.Field("mode", "Mode says \"how\".\n\nPossible enum values:\n - `\"A\"` is a.",
            List.of("A", "B"), OpenApiEnums.Where.PROPERTY),
        new OpenApiEnums.Field("modes", null, List.of("A"), OpenApiEnums.Where.ITEMS),
        new OpenApiEnums.Field("byName", null, List.of("B"), OpenApiEnums.Where.VALUES)),
        enums.fields("io.k8s.api.core.v1.Thing"));
  }

  @Test
  @DisplayName("Go type names become OpenAPI schema names the way kube-openapi writes them")
  void names() {
    assertEquals("io.k8s.api.core.v1.Pod", OpenApiEnums.openApiName("k8s.io/api/core/v1.Pod"));
    assertEquals("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
        OpenApiEnums.openApiName("k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaProps"));
  }
}
