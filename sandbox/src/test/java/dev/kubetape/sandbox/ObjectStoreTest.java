package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ObjectStoreTest {
  private static final ResourceType CONFIG_MAPS =
      new ApiResources().find("", "v1", "configmaps").orElseThrow();

  private static ObjectNode configMap(String namespace, String name) {
    ObjectNode object = Json.object();
    object.putObject("metadata").put("namespace", namespace).put("name", name);
    return object;
  }

  @Test
  @DisplayName("every write takes the next revision as its resourceVersion; lists are in key order")
  void revisionsAndOrder() {
    ObjectStore store = new ObjectStore(100);
    store.create(CONFIG_MAPS, configMap("b", "x"));
    store.create(CONFIG_MAPS, configMap("a", "y"));
    store.create(CONFIG_MAPS, configMap("a", "x"));
    ObjectStore.Snapshot all = store.list(CONFIG_MAPS, null);
    assertEquals(List.of("a/x", "a/y", "b/x"), all.items().stream()
        .map(o -> Json.text(o, "metadata", "namespace") + "/" + Json.text(o, "metadata", "name")).toList());
    assertEquals(4, all.revision());
    assertEquals("4", Json.text(store.get(CONFIG_MAPS, "a", "x"), "metadata", "resourceVersion"));
    assertEquals(2, store.list(CONFIG_MAPS, "a").items().size());
  }

  @Test
  @DisplayName("an update with a stale resourceVersion is a 409 Conflict")
  void optimisticConcurrency() {
    ObjectStore store = new ObjectStore(100);
    ObjectNode created = store.create(CONFIG_MAPS, configMap("a", "x"));
    String version = Json.text(created, "metadata", "resourceVersion");
    store.update(CONFIG_MAPS, configMap("a", "x"), version);
    ApiException e = assertThrows(ApiException.class,
        () -> store.update(CONFIG_MAPS, configMap("a", "x"), version));
    assertEquals(409, e.code);
    assertEquals("Operation cannot be fulfilled on configmaps \"x\": the object has been modified;"
        + " please apply your changes to the latest version and try again", e.getMessage());
  }

  @Test
  @DisplayName("a watch resumes after a revision with nothing missed, and expires once history moved on")
  void watchFromRevision() throws Exception {
    ObjectStore store = new ObjectStore(3);
    store.create(CONFIG_MAPS, configMap("a", "one"));
    long after = store.revision();
    store.create(CONFIG_MAPS, configMap("a", "two"));
    store.delete(CONFIG_MAPS, "a", "one", null);
    List<String> seen = new ArrayList<>();
    try (ObjectStore.Registration ignored = store.watchFrom(after,
        c -> seen.add(c.type() + " " + Json.text(c.object(), "metadata", "name") + "@" + c.revision()))) {
      store.create(CONFIG_MAPS, configMap("a", "three"));
    }
    store.create(CONFIG_MAPS, configMap("a", "four"));
    assertEquals(List.of("ADDED two@3", "DELETED one@4", "ADDED three@5"), seen);
    ObjectStore.ExpiredException expired = assertThrows(ObjectStore.ExpiredException.class,
        () -> store.watchFrom(1, c -> { }));
    assertEquals("too old resource version: 1 (4)", expired.getMessage());
  }
}
