package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {
  @Test
  @DisplayName("the index names every document by the SHA-512 of the bytes served for it")
  void hashes() {
    OpenApi openApi = new OpenApi(new ApiResources());
    JsonNode paths = openApi.index().path("paths");
    int checked = 0;
    for (Map.Entry<String, JsonNode> entry : paths.properties()) {
      String url = entry.getValue().path("serverRelativeURL").asText();
      String named = url.substring(url.indexOf("?hash=") + "?hash=".length());
      assertEquals(OpenApiDocuments.hash(openApi.document(entry.getKey()).body()), named, entry.getKey());
      assertEquals(named, openApi.document(entry.getKey()).hash(), entry.getKey());
      checked++;
    }
    assertEquals(48, checked, "the group-versions a default kube-apiserver 1.34 serves, and the root paths");
  }

  @Test
  @DisplayName("the hashes were written at build time, so the index costs no hashing")
  void writtenAtBuildTime() throws Exception {
    Properties hashes = new Properties();
    try (var in = OpenApi.class.getResourceAsStream("/dev/kubetape/sandbox/openapi/" + OpenApiDocuments.HASHES)) {
      hashes.load(in);
    }
    new OpenApi(new ApiResources()).index().path("paths").fieldNames().forEachRemaining(path ->
        assertTrue(hashes.containsKey(path.replace("/", "__") + "_openapi.json"), path));
  }
}
