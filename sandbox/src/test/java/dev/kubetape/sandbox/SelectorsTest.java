package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SelectorsTest {
  private static final ResourceType PODS = new ApiResources().find("", "v1", "pods").orElseThrow();

  private static ObjectNode pod(String name, String phase, String... labels) {
    ObjectNode pod = Json.object();
    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", "shop");
    ObjectNode labelNode = metadata.putObject("labels");
    for (int i = 0; i + 1 < labels.length; i += 2) {
      labelNode.put(labels[i], labels[i + 1]);
    }
    pod.putObject("status").put("phase", phase);
    return pod;
  }

  @Test
  @DisplayName("equality, inequality, set and existence requirements combine with AND")
  void labelRequirements() {
    ObjectNode web = pod("web", "Running", "app", "web", "tier", "front");
    ObjectNode db = pod("db", "Running", "app", "db");
    assertTrue(Selectors.labels("app=web").test(web));
    assertTrue(Selectors.labels("app==web,tier").test(web));
    assertFalse(Selectors.labels("app!=web").test(web));
    assertTrue(Selectors.labels("app!=web").test(db));
    assertTrue(Selectors.labels("app in (web, db),!tier").test(db));
    assertFalse(Selectors.labels("app notin (db)").test(db));
    assertTrue(Selectors.labels("environment notin (prod)").test(db));
  }

  @Test
  @DisplayName("a bad label selector is a 400 with the real parser's message")
  void badLabelSelector() {
    ApiException e = assertThrows(ApiException.class, () -> Selectors.labels("app=we b!"));
    assertEquals(400, e.code);
    assertEquals("found 'b', expected: ',' or 'end of string'", e.getMessage());
    e = assertThrows(ApiException.class, () -> Selectors.labels("app in (a"));
    assertEquals("unable to parse requirement: found '', expected: ',' or ')'", e.getMessage());
    e = assertThrows(ApiException.class, () -> Selectors.labels("a b=c"));
    assertEquals("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
        e.getMessage());
  }

  @Test
  @DisplayName("field selectors match supported fields and reject the rest as the server does")
  void fieldSelectors() {
    ObjectNode running = pod("web", "Running");
    ObjectNode pending = pod("web-2", "Pending");
    var selector = Selectors.fields("status.phase=Running,metadata.namespace==shop", PODS);
    assertEquals(List.of(true, false), List.of(selector.test(running), selector.test(pending)));
    assertTrue(Selectors.fields("metadata.name!=web", PODS).test(pending));
    ApiException e = assertThrows(ApiException.class, () -> Selectors.fields("spec.image=x", PODS));
    assertEquals("field label not supported: spec.image", e.getMessage());
    ResourceType configMaps = new ApiResources().find("", "v1", "configmaps").orElseThrow();
    e = assertThrows(ApiException.class, () -> Selectors.fields("data.x=y", configMaps));
    assertEquals("\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
        e.getMessage());
  }

  @Test
  @DisplayName("a Deployment-style selector object matches by matchLabels and matchExpressions")
  void selectorObject() throws Exception {
    var selector = Selectors.labelSelectorObject(Json.MAPPER.readTree(
        "{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"front\"]}]}"));
    assertTrue(selector.test(pod("a", "Running", "app", "web", "tier", "front")));
    assertFalse(selector.test(pod("b", "Running", "app", "web")));
  }
}
