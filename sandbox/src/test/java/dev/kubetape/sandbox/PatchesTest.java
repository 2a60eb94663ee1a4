package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Patches against a real Deployment and its real OpenAPI schema. The expected trees and errors
 * were checked against k8s.io/apimachinery v0.34.4 and json-patch v4 run on the same inputs.
 */
class PatchesTest {
  private static final String DEPLOYMENT = """
      {"apiVersion": "apps/v1", "kind": "Deployment",
       "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"},
                    "finalizers": ["example.com/a", "example.com/b"]},
       "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
         "strategy": {"type": "RollingUpdate",
                      "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
         "template": {"metadata": {"labels": {"app": "web"}},
           "spec": {
             "containers": [
               {"name": "nginx", "image": "nginx:1.25", "args": ["--a", "--b"],
                "ports": [{"containerPort": 53, "protocol": "TCP"},
                          {"containerPort": 53, "protocol": "UDP"},
                          {"containerPort": 80, "protocol": "TCP"}],
                "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                "volumeMounts": [{"name": "data", "mountPath": "/data"}]},
               {"name": "sidecar", "image": "busybox"}],
             "tolerations": [{"key": "a", "operator": "Exists"}],
             "volumes": [{"name": "data", "emptyDir": {}},
                         {"name": "cfg", "configMap": {"name": "cfg"}}]}}}}
      """;

  private static Schema deploymentSchema;

  @BeforeAll
  static void loadSchema() {
    deploymentSchema = new OpenApi(new ApiResources()).kind("apps", "v1", "Deployment");
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static ObjectNode deployment() {
    return (ObjectNode) json(DEPLOYMENT);
  }

  private static JsonNode podSpec(JsonNode deployment) {
    return deployment.at("/spec/template/spec");
  }

  /** The names of a list's items, in order. */
  private static JsonNode names(JsonNode list) {
    ArrayNode names = Json.array();
    list.forEach(item -> names.add(item.get("name")));
    return names;
  }

  private static ApiException failure(Supplier<?> patching) {
    return assertThrows(ApiException.class, patching::get);
  }

  private static void assertStatus(int code, String reason, String message, ApiException e) {
    assertEquals(code, e.code, e.getMessage());
    assertEquals(reason, e.reason, e.getMessage());
    assertEquals(message, e.getMessage());
  }

  @Nested
  @DisplayName("JSON patch")
  class JsonPatch {
    @Test
    @DisplayName("add, replace, remove and append change the document, with ~1 unescaped to /")
    void operations() {
      ObjectNode patched = Patches.jsonPatch(deployment(), json("""
          [{"op": "replace", "path": "/spec/replicas", "value": 5},
           {"op": "add", "path": "/metadata/labels/app.kubernetes.io~1name", "value": "web"},
           {"op": "remove", "path": "/spec/template/spec/tolerations"},
           {"op": "add", "path": "/spec/template/spec/containers/-",
            "value": {"name": "logger", "image": "fluent-bit"}},
           {"op": "test", "path": "/spec/template/spec/containers/2/name", "value": "logger"}]
          """));

      assertEquals(5, patched.at("/spec/replicas").intValue());
      assertEquals(json("{\"app\": \"web\", \"app.kubernetes.io/name\": \"web\"}"),
          patched.at("/metadata/labels"));
      assertEquals(false, podSpec(patched).has("tolerations"));
      assertEquals("logger", podSpec(patched).at("/containers/2/name").asText());
    }

    @Test
    @DisplayName("a failed test answers 422 Invalid with the generic text the apiserver substitutes")
    void failedTest() {
      ApiException e = failure(() -> Patches.jsonPatch(deployment(),
          json("[{\"op\": \"test\", \"path\": \"/spec/replicas\", \"value\": 3}]")));

      assertStatus(422, "Invalid", "the server rejected our request due to an error in our request", e);
      assertEquals(json("{}"), e.status().get("details"));
      assertEquals("testing value /spec/replicas failed: test failed", e.getCause().getMessage());
    }

    @Test
    @DisplayName("test compares numbers as written (2.0 is not 2) and a null value matches a missing member")
    void testSemantics() {
      assertEquals(422, failure(() -> Patches.jsonPatch(deployment(),
          json("[{\"op\": \"test\", \"path\": \"/spec/replicas\", \"value\": 2.0}]"))).code);
      ObjectNode unchanged = Patches.jsonPatch(deployment(), json("""
          [{"op": "test", "path": "/metadata/annotations", "value": null},
           {"op": "test", "path": "/metadata/labels", "value": {"app": "web"}}]
          """));
      assertEquals(deployment(), unchanged);
    }

    @Test
    @DisplayName("removing a missing member, an index out of range or an unknown op are 422s")
    void failedOperations() {
      for (String patch : new String[] {
          "[{\"op\": \"remove\", \"path\": \"/metadata/annotations\"}]",
          "[{\"op\": \"add\", \"path\": \"/spec/template/spec/containers/3\", \"value\": {}}]",
          "[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/9/image\", \"value\": \"x\"}]",
          "[{\"op\": \"add\", \"path\": \"/spec/replicas/x\", \"value\": 1}]",
          "[{\"op\": \"move\", \"from\": \"/metadata\", \"path\": \"/metadata/moved\"}]",
          "[{\"op\": \"add\", \"value\": 1}]",
          "[{\"op\": \"frob\", \"path\": \"/spec\"}]"}) {
        assertEquals(422, failure(() -> Patches.jsonPatch(deployment(), json(patch))).code, patch);
      }
    }

    @Test
    @DisplayName("json-patch v4 quirks: replace adds a missing member, copy of a missing one copies null, -1 counts from the end")
    void libraryQuirks() {
      ObjectNode patched = Patches.jsonPatch(deployment(), json("""
          [{"op": "replace", "path": "/metadata/annotations", "value": {"a": "1"}},
           {"op": "copy", "from": "/metadata/nothing", "path": "/metadata/copied"},
           {"op": "remove", "path": "/spec/template/spec/containers/-1"},
           {"op": "add", "path": "/spec/template/spec/volumes/-1", "value": {"name": "last"}},
           {"op": "move", "from": "/spec/template/spec/volumes/0", "path": "/spec/template/spec/volumes/-"}]
          """));

      assertEquals(json("{\"a\": \"1\"}"), patched.at("/metadata/annotations"));
      assertEquals(true, patched.at("/metadata/copied").isNull());
      assertEquals(1, podSpec(patched).get("containers").size());
      assertEquals(json("[\"cfg\", \"last\", \"data\"]"),
          names(podSpec(patched).get("volumes")));
    }

    @Test
    @DisplayName("a body that is not a list of operations is a 400 in the strict decoder's words")
    void badBodies() {
      assertStatus(400, "BadRequest", "error decoding patch: json: cannot unmarshal object into "
          + "Go value of type []handlers.jsonPatchOp",
          failure(() -> Patches.jsonPatch(deployment(), json("{\"op\": \"add\"}"))));
      assertStatus(400, "BadRequest", "error decoding patch: json: cannot unmarshal number into "
          + "Go struct field jsonPatchOp.op of type string",
          failure(() -> Patches.jsonPatch(deployment(), json("[{\"op\": 5}]"))));
      assertStatus(400, "BadRequest", "error decoding patch: json: cannot unmarshal string into "
          + "Go value of type handlers.jsonPatchOp",
          failure(() -> Patches.jsonPatch(deployment(), json("[\"add\"]"))));
    }

    @Test
    @DisplayName("more than 10000 operations are refused with 413")
    void tooManyOperations() {
      ArrayNode patch = Json.array();
      for (int i = 0; i <= 10000; i++) {
        patch.addObject().put("op", "test").put("path", "/kind").put("value", "Deployment");
      }
      assertStatus(413, "RequestEntityTooLarge", "Request entity too large: The allowed maximum "
          + "operations in a JSON patch is 10000, got 10001",
          failure(() -> Patches.jsonPatch(deployment(), patch)));
    }

    @Test
    @DisplayName("neither the object nor the patch is changed")
    void inputsUntouched() {
      ObjectNode target = deployment();
      JsonNode patch = json("[{\"op\": \"add\", \"path\": \"/metadata/labels/x\", \"value\": {\"y\": 1}},"
          + " {\"op\": \"add\", \"path\": \"/metadata/labels/x/z\", \"value\": 2}]");
      JsonNode patchCopy = patch.deepCopy();

      ObjectNode patched = Patches.jsonPatch(target, patch);

      assertEquals(deployment(), target);
      assertEquals(patchCopy, patch);
      assertEquals(json("{\"y\": 1, \"z\": 2}"), patched.at("/metadata/labels/x"));
    }
  }

  @Nested
  @DisplayName("JSON merge patch")
  class MergePatch {
    @Test
    @DisplayName("kubectl label's patch: null deletes a key, other keys merge")
    void labels() {
      ObjectNode patched = Patches.mergePatch(deployment(),
          json("{\"metadata\": {\"labels\": {\"tier\": \"front\", \"app\": null}}}"));

      assertEquals(json("{\"tier\": \"front\"}"), patched.at("/metadata/labels"));
      assertEquals(2, patched.at("/spec/replicas").intValue());
    }

    @Test
    @DisplayName("lists are replaced whole, and nulls inside new values are pruned, also inside lists")
    void listsReplaceAndNullsPrune() {
      ObjectNode patched = Patches.mergePatch(deployment(), json("""
          {"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "i", "env": null}]}},
                    "strategy": {"type": "Recreate", "rollingUpdate": null},
                    "extra": {"a": null, "b": 1}}}
          """));

      assertEquals(json("[{\"name\": \"only\", \"image\": \"i\"}]"), podSpec(patched).get("containers"));
      assertEquals(json("{\"type\": \"Recreate\"}"), patched.at("/spec/strategy"));
      assertEquals(json("{\"b\": 1}"), patched.at("/spec/extra"));
    }

    @Test
    @DisplayName("a null body is 'Invalid JSON Patch', a non-object one a strict decoding error, both 400")
    void badBodies() {
      assertStatus(400, "BadRequest", "Invalid JSON Patch",
          failure(() -> Patches.mergePatch(deployment(), json("null"))));
      assertStatus(400, "BadRequest", "error decoding patch: json: cannot unmarshal array into Go "
          + "value of type map[string]interface {}",
          failure(() -> Patches.mergePatch(deployment(), json("[1]"))));
    }
  }

  @Nested
  @DisplayName("patch bodies")
  class Bodies {
    @Test
    @DisplayName("text that is not JSON is a 400 in Go's scanner words, prefixed for JSON and merge patches only")
    void syntaxErrors() {
      byte[] trailingComma = "{\"a\": 1,}".getBytes(StandardCharsets.UTF_8);
      assertStatus(400, "BadRequest", "error decoding patch: invalid character '}' looking for "
          + "beginning of object key string",
          failure(() -> Patches.parse(Patches.MERGE_PATCH, trailingComma)));
      assertStatus(400, "BadRequest", "invalid character '}' looking for beginning of object key string",
          failure(() -> Patches.parse(Patches.STRATEGIC_MERGE_PATCH, trailingComma)));
      assertStatus(400, "BadRequest", "error decoding patch: unexpected end of JSON input",
          failure(() -> Patches.parse(Patches.JSON_PATCH, new byte[0])));
      assertStatus(400, "BadRequest", "error decoding patch: invalid character ' ' in literal true "
          + "(expecting 'e')",
          failure(() -> Patches.parse(Patches.JSON_PATCH, "tru".getBytes(StandardCharsets.UTF_8))));
      assertStatus(400, "BadRequest", "invalid character '\\'' looking for beginning of object key string",
          failure(() -> Patches.parse(Patches.STRATEGIC_MERGE_PATCH,
              "{'a': 1}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    @DisplayName("duplicate keys are allowed and the last one wins, as in Go")
    void duplicateKeys() {
      JsonNode patch = Patches.parse(Patches.MERGE_PATCH,
          "{\"spec\": {\"replicas\": 1, \"replicas\": 4}}".getBytes(StandardCharsets.UTF_8));
      assertEquals(4, Patches.mergePatch(deployment(), patch).at("/spec/replicas").intValue());
    }
  }

  @Nested
  @DisplayName("strategic merge patch")
  class StrategicMerge {
    private ObjectNode patch(String patch) {
      return Patches.strategicMerge(deployment(), json(patch), deploymentSchema);
    }

    @Test
    @DisplayName("kubectl set image: the named container's image changes, the order holds")
    void setImage() {
      ObjectNode patched = patch("""
          {"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "nginx"}, {"name": "sidecar"}],
            "containers": [{"image": "nginx:1.26", "name": "nginx"}]}}}}
          """);

      JsonNode expected = deployment();
      ((ObjectNode) expected.at("/spec/template/spec/containers/0")).put("image", "nginx:1.26");
      assertEquals(expected, patched);
    }

    @Test
    @DisplayName("kubectl rollout restart and scale-like patches merge into the existing maps")
    void restartAndScale() {
      ObjectNode patched = patch("""
          {"spec": {"replicas": 5, "template": {"metadata": {"annotations":
            {"kubectl.kubernetes.io/restartedAt": "2025-06-01T10:00:00Z"}}}}}
          """);

      assertEquals(5, patched.at("/spec/replicas").intValue());
      assertEquals(json("{\"labels\": {\"app\": \"web\"}, \"annotations\": "
          + "{\"kubectl.kubernetes.io/restartedAt\": \"2025-06-01T10:00:00Z\"}}"),
          patched.at("/spec/template/metadata"));
    }

    @Test
    @DisplayName("null deletes a key; a null for a key that is not there is dropped")
    void nulls() {
      ObjectNode patched = patch("{\"metadata\": {\"labels\": {\"app\": null, \"tier\": \"front\"},"
          + " \"annotations\": {\"gone\": null}}}");

      assertEquals(json("{\"tier\": \"front\"}"), patched.at("/metadata/labels"));
      assertEquals(json("{}"), patched.at("/metadata/annotations"));
    }

    @Test
    @DisplayName("a container the patch adds goes before the live ones it cannot be ordered against")
    void newContainerFirst() {
      ObjectNode patched = patch("""
          {"spec": {"template": {"spec": {"containers": [{"name": "init-like", "image": "x"}]}}}}
          """);

      assertEquals(json("[\"init-like\", \"nginx\", \"sidecar\"]"),
          names(podSpec(patched).get("containers")));
    }

    @Test
    @DisplayName("nested merging lists merge by key: env by name, ports by containerPort, volumeMounts by mountPath")
    void nestedMergeKeys() {
      ObjectNode patched = patch("""
          {"spec": {"template": {"spec": {"containers": [{"name": "nginx",
            "env": [{"name": "B", "value": "22"}, {"name": "C", "value": "3"}],
            "ports": [{"containerPort": 53, "name": "dns"}],
            "volumeMounts": [{"mountPath": "/data", "readOnly": true}]}]}}}}
          """);

      JsonNode nginx = podSpec(patched).at("/containers/0");
      assertEquals(json("[{\"name\": \"A\", \"value\": \"1\"}, {\"name\": \"B\", \"value\": \"22\"},"
          + " {\"name\": \"C\", \"value\": \"3\"}]"), nginx.get("env"));
      // Both port 53 entries share the merge key; the first one absorbs the patch.
      assertEquals(json("[{\"containerPort\": 53, \"protocol\": \"TCP\", \"name\": \"dns\"},"
          + " {\"containerPort\": 53, \"protocol\": \"UDP\"}, {\"containerPort\": 80, \"protocol\": \"TCP\"}]"),
          nginx.get("ports"));
      assertEquals(json("[{\"name\": \"data\", \"mountPath\": \"/data\", \"readOnly\": true}]"),
          nginx.get("volumeMounts"));
    }

    @Test
    @DisplayName("lists without a patch strategy (tolerations, args) are replaced")
    void atomicLists() {
      ObjectNode patched = patch("""
          {"spec": {"template": {"spec": {"tolerations": [{"key": "b", "operator": "Exists"}],
            "containers": [{"name": "nginx", "args": ["--c"]}]}}}}
          """);

      assertEquals(json("[{\"key\": \"b\", \"operator\": \"Exists\"}]"), podSpec(patched).get("tolerations"));
      assertEquals(json("[\"--c\"]"), podSpec(patched).at("/containers/0/args"));
    }

    @Test
    @DisplayName("finalizers are a union, new ones first; $deleteFromPrimitiveList removes; $setElementOrder orders")
    void primitiveLists() {
      assertEquals(json("[\"example.com/z\", \"example.com/a\", \"example.com/b\"]"),
          patch("{\"metadata\": {\"finalizers\": [\"example.com/z\", \"example.com/a\"]}}")
              .at("/metadata/finalizers"));
      assertEquals(json("[\"example.com/b\"]"),
          patch("{\"metadata\": {\"$deleteFromPrimitiveList/finalizers\": [\"example.com/a\"]}}")
              .at("/metadata/finalizers"));
      assertEquals(json("[\"example.com/b\", \"example.com/z\", \"example.com/a\"]"), patch("""
          {"metadata": {"$setElementOrder/finalizers": ["example.com/b", "example.com/z", "example.com/a"],
                        "finalizers": ["example.com/z"]}}
          """).at("/metadata/finalizers"));
    }

    @Test
    @DisplayName("$patch: delete removes a list element by key, or empties a map")
    void deleteDirective() {
      ObjectNode patched = patch("""
          {"metadata": {"labels": {"$patch": "delete"}},
           "spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}}
          """);

      assertEquals(json("{}"), patched.at("/metadata/labels"));
      assertEquals(json("[\"nginx\"]"),
          names(podSpec(patched).get("containers")));
    }

    @Test
    @DisplayName("$patch: replace swaps a whole map, or a whole list when it is one of the list's elements")
    void replaceDirective() {
      ObjectNode patched = patch("""
          {"spec": {"selector": {"$patch": "replace", "matchLabels": {"app": "web2"}},
                    "template": {"spec": {"containers": [{"name": "solo", "image": "s"}, {"$patch": "replace"}]}}}}
          """);

      assertEquals(json("{\"matchLabels\": {\"app\": \"web2\"}}"), patched.at("/spec/selector"));
      assertEquals(json("[{\"name\": \"solo\", \"image\": \"s\"}]"), podSpec(patched).get("containers"));
    }

    @Test
    @DisplayName("$retainKeys clears the members it does not list (kubectl apply switching to Recreate)")
    void retainKeys() {
      ObjectNode patched = patch("{\"spec\": {\"strategy\": {\"$retainKeys\": [\"type\"], \"type\": \"Recreate\"}}}");

      assertEquals(json("{\"type\": \"Recreate\"}"), patched.at("/spec/strategy"));
    }

    @Test
    @DisplayName("kubectl apply's three-way patch: reorder directives, a deleted env, a new container, a volume switched with $retainKeys")
    void kubectlApply() {
      // What kubectl apply computes (CreateThreeWayMergePatch) when the manifest changes the
      // image, drops env A, adds a logger container and turns the data volume into a hostPath.
      ObjectNode patched = patch("""
          {"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "nginx"}, {"name": "sidecar"}, {"name": "logger"}],
            "$setElementOrder/volumes": [{"name": "data"}, {"name": "cfg"}],
            "containers": [
              {"$setElementOrder/env": [{"name": "B"}],
               "env": [{"name": "B", "value": "22"}, {"$patch": "delete", "name": "A"}],
               "image": "nginx:1.27", "name": "nginx"},
              {"image": "fluent-bit", "name": "logger"}],
            "volumes": [{"$retainKeys": ["hostPath", "name"], "emptyDir": null,
                         "hostPath": {"path": "/srv"}, "name": "data"}]}}}}
          """);

      ObjectNode expected = deployment();
      ObjectNode spec = (ObjectNode) podSpec(expected);
      ObjectNode nginx = (ObjectNode) spec.at("/containers/0");
      nginx.put("image", "nginx:1.27");
      nginx.set("env", json("[{\"name\": \"B\", \"value\": \"22\"}]"));
      ((ArrayNode) spec.get("containers")).add(json("{\"name\": \"logger\", \"image\": \"fluent-bit\"}"));
      ((ArrayNode) spec.get("volumes")).set(0, json("{\"name\": \"data\", \"hostPath\": {\"path\": \"/srv\"}}"));
      assertEquals(expected, patched);
    }

    @Test
    @DisplayName("ownerReferences merge by uid and imagePullSecrets by name")
    void otherMergeKeys() {
      ObjectNode target = deployment();
      ((ObjectNode) target.get("metadata")).set("ownerReferences",
          json("[{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"name\": \"o1\", \"uid\": \"u1\"}]"));
      ObjectNode patched = Patches.strategicMerge(target, json("""
          {"metadata": {"ownerReferences": [{"uid": "u1", "name": "renamed"}]},
           "spec": {"template": {"spec": {"imagePullSecrets": [{"name": "registry"}]}}}}
          """), deploymentSchema);

      assertEquals(json("[{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"name\": \"renamed\", \"uid\": \"u1\"}]"),
          patched.at("/metadata/ownerReferences"));
      assertEquals(json("[{\"name\": \"registry\"}]"), podSpec(patched).get("imagePullSecrets"));
    }

    @Test
    @DisplayName("fields the schema does not know merge like a JSON merge patch, minus nulls and directives")
    void unknownFields() {
      ObjectNode patched = patch("{\"spec\": {\"extra\": {\"a\": 1, \"b\": null, \"c\": {\"$patch\": \"delete\"}}}}");

      assertEquals(json("{\"a\": 1}"), patched.at("/spec/extra"));
    }

    @Test
    @DisplayName("a list where the schema wants a map is a 422 quoting the patch the way Go prints it")
    void wrongShape() {
      ApiException e = failure(() -> patch("{\"spec\": {\"template\": {\"spec\": {\"containers\": {\"name\": \"x\"}}}}}"));

      String body = "Invalid value: \"map[spec:map[template:map[spec:map[containers:map[name:x]]]]]\": "
          + "cannot restore slice from map";
      assertStatus(422, "Invalid", " \"\" is invalid: patch: " + body, e);
      assertEquals(json("{\"causes\": [{\"reason\": \"FieldValueInvalid\", \"message\": "
          + Json.string(Json.NODES.textNode(body)) + ", \"field\": \"patch\"}]}"), e.status().get("details"));
      assertEquals(" \"\" is invalid: patch: Invalid value: \"map[metadata:map[labels:[a]]]\": "
          + "cannot restore map from slice",
          failure(() -> patch("{\"metadata\": {\"labels\": [\"a\"]}}")).getMessage());
      assertEquals(" \"\" is invalid: patch: Invalid value: \"map[spec:map[replicas:abc]]\": "
          + "unrecognized type: int32",
          failure(() -> patch("{\"spec\": {\"replicas\": \"abc\"}}")).getMessage());
    }

    @Test
    @DisplayName("malformed directives are 400s; a list of lists is the generic 422")
    void badDirectives() {
      assertStatus(400, "BadRequest", "invalid patch format of retainKeys", failure(() -> patch(
          "{\"spec\": {\"strategy\": {\"$retainKeys\": [\"type\"], \"type\": \"Recreate\", \"rollingUpdate\": {}}}}")));
      assertStatus(400, "BadRequest", "invalid patch format of primitive list",
          failure(() -> patch("{\"metadata\": {\"$deleteFromPrimitiveListfinalizers\": [\"a\"]}}")));
      assertStatus(400, "BadRequest", "invalid patch format of setElementOrder list",
          failure(() -> patch("{\"metadata\": {\"$setElementOrderfinalizers\": [\"a\"]}}")));
      assertStatus(422, "Invalid", "the server rejected our request due to an error in our request",
          failure(() -> patch("{\"metadata\": {\"finalizers\": [[\"a\"]]}}",
              Json.object().set("metadata", json("{\"finalizers\": []}")))));
    }

    private ObjectNode patch(String patch, ObjectNode target) {
      return Patches.strategicMerge(target, json(patch), deploymentSchema);
    }

    @Test
    @DisplayName("other merge failures are plain errors the apiserver answers with 500 and no reason")
    void serverErrors() {
      assertStatus(500, "", "unknown patch type: merge in map: map[$patch:merge tier:x]",
          failure(() -> patch("{\"metadata\": {\"labels\": {\"$patch\": \"merge\", \"tier\": \"x\"}}}")));
      assertStatus(500, "", "merging lists cannot yet be specified in the patch", failure(() -> patch(
          "{\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"name\": \"nginx\", \"$patch\": \"merge\"}]}}}}")));
      assertStatus(500, "", "map: map[image:x] does not contain declared merge key: name", failure(() -> patch(
          "{\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"image\": \"x\"}]}}}}")));
      assertStatus(500, "", "list element types are not identical: [[example.com/a example.com/b] [1]]",
          failure(() -> patch("{\"metadata\": {\"finalizers\": [1]}}")));
      assertStatus(500, "", "The order in patch list:\n[example.com/a example.com/z]\n doesn't match "
          + "$setElementOrder list:\n[example.com/z example.com/a]\n", failure(() -> patch("""
              {"metadata": {"$setElementOrder/finalizers": ["example.com/z", "example.com/a"],
                            "finalizers": ["example.com/a", "example.com/z"]}}
              """)));
    }

    @Test
    @DisplayName("a patch that is not an object is a 400; null changes nothing")
    void patchBodies() {
      assertStatus(400, "BadRequest", "json: cannot unmarshal array into Go value of type map[string]interface {}",
          failure(() -> Patches.strategicMerge(deployment(), json("[]"), deploymentSchema)));
      assertEquals(deployment(), Patches.strategicMerge(deployment(), json("null"), deploymentSchema));
    }

    @Test
    @DisplayName("neither the object nor the patch is changed")
    void inputsUntouched() {
      ObjectNode target = deployment();
      JsonNode patch = json("""
          {"metadata": {"$setElementOrder/finalizers": ["example.com/b", "example.com/a"]},
           "spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"},
                    "template": {"spec": {"containers": [{"name": "nginx", "env": [{"name": "A", "$patch": "delete"}]}]}}}}
          """);
      JsonNode patchCopy = patch.deepCopy();

      ObjectNode patched = Patches.strategicMerge(target, patch, deploymentSchema);

      assertEquals(deployment(), target);
      assertEquals(patchCopy, patch);
      assertEquals(json("[\"example.com/b\", \"example.com/a\"]"), patched.at("/metadata/finalizers"));
    }
  }
}
