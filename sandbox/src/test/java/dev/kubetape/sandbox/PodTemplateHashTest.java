package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodTemplateHashTest {

  /**
   * Templates as a real v1.34.4 kube-apiserver stored them, with the hash its
   * kube-controller-manager put on their ReplicaSets; the collision-count and extreme-quantity
   * cases were computed with the Go code itself (apimachinery's dump.ForHash, FNV-32a and
   * SafeEncodeString, see src/test/go/pod-template-layout).
   */
  static Stream<Arguments> realServer() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        PodTemplateHashTest.class.getResourceAsStream("pod-template-hash/real-server.jsonl"),
        StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        JsonNode fixture = Json.MAPPER.readTree(line);
        JsonNode count = fixture.get("collisionCount");
        cases.add(Arguments.of(fixture.get("name").asText(), fixture.get("template"),
            count == null || count.isNull() ? null : count.asInt(), fixture.get("hash").asText()));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("realServer")
  @DisplayName("a template hashes to what the real deployment controller named its ReplicaSet")
  void matchesRealController(String name, JsonNode template, Integer collisionCount, String hash) {
    assertEquals(hash, PodTemplateHash.of(template, collisionCount));
  }

  @Test
  @DisplayName("quantities hash by value, as the controller reads them back in canonical form")
  void quantitiesHashInCanonicalForm() throws IOException {
    JsonNode fixture = realServer().map(a -> (JsonNode) a.get()[1])
        .filter(t -> t.path("metadata").path("labels").path("app").asText().equals("h1"))
        .findFirst().orElseThrow();
    ObjectNode template = fixture.deepCopy();
    ObjectNode requests = (ObjectNode) template.at("/spec/containers/0/resources/requests");
    requests.put("cpu", "0.25");
    requests.put("memory", "1000");
    ObjectNode volume = (ObjectNode) template.at("/spec/volumes/2/emptyDir");
    volume.put("sizeLimit", "1.5Gi");
    assertEquals("85df6986c", PodTemplateHash.of(template, null));
  }

  @Test
  @DisplayName("empty lists and maps hash like absent ones, as after a protobuf round trip")
  void emptyCollectionsAreAbsent() {
    ObjectNode template = Json.object();
    template.putObject("metadata").putObject("labels").put("app", "web");
    ObjectNode container = template.putObject("spec").putArray("containers").addObject();
    container.put("name", "web");
    ObjectNode withEmpty = template.deepCopy();
    ((ObjectNode) withEmpty.at("/spec/containers/0")).putArray("args");
    ((ObjectNode) withEmpty.at("/metadata")).putObject("annotations");
    assertEquals(PodTemplateHash.of(template, null), PodTemplateHash.of(withEmpty, null));
  }
}
