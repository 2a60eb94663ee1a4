package dev.kubetape.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The three patch formats kube-apiserver applies on PATCH, with the semantics of the libraries
 * it uses (gopkg.in/evanphx/json-patch.v4 and k8s.io/apimachinery's strategicpatch, v0.34) and
 * the errors its patch handler (k8s.io/apiserver/pkg/endpoints/handlers/patch.go) turns their
 * failures into. Inputs are never changed; every method answers a new tree.
 *
 * <p>What a client gets back when a patch fails, as the handler maps it (the handler's default
 * {@code fieldValidation=Warn} and kubectl's {@code Strict} decode the body the same way):
 *
 * <table>
 *   <caption>failures by patch type</caption>
 *   <tr><th>failure</th><th>code, reason</th><th>message</th></tr>
 *   <tr><td>body is not JSON (any type)</td><td>400 BadRequest</td><td>Go's encoding/json syntax
 *       error, prefixed {@code "error decoding patch: "} for JSON and merge patches</td></tr>
 *   <tr><td>JSON patch body is not a list of operations, or op/path/from is not a string</td>
 *       <td>400 BadRequest</td><td>{@code error decoding patch: json: cannot unmarshal ...}</td></tr>
 *   <tr><td>more than 10000 JSON patch operations</td><td>413 RequestEntityTooLarge</td><td></td></tr>
 *   <tr><td>any JSON patch operation fails (test fails, missing path, bad index, unknown op)</td>
 *       <td>422 Invalid</td><td>always {@code the server rejected our request due to an error in
 *       our request} with empty details: the handler wraps the library error with
 *       {@code NewGenericServerResponse(422, ...)}, which drops its text (kept here as the
 *       exception's cause)</td></tr>
 *   <tr><td>merge patch body is {@code null}</td><td>400 BadRequest</td>
 *       <td>{@code Invalid JSON Patch}</td></tr>
 *   <tr><td>merge or strategic patch body is not an object</td><td>400 BadRequest</td>
 *       <td>{@code [error decoding patch: ]json: cannot unmarshal array into Go value of type
 *       map[string]interface {}}</td></tr>
 *   <tr><td>malformed directive lists ($retainKeys, $setElementOrder/..,
 *       $deleteFromPrimitiveList/..)</td><td>400 BadRequest</td><td>the mergepatch error text</td></tr>
 *   <tr><td>a list of lists under a merging list</td><td>422 Invalid</td><td>the generic text</td></tr>
 *   <tr><td>any other strategic merge failure (missing merge key, {@code $patch: merge}, unknown
 *       {@code $patch}, mixed element types)</td><td>500, no reason</td><td>the error text: the
 *       handler returns it unwrapped and ErrorToAPIStatus renders plain errors that way</td></tr>
 *   <tr><td>the merged strategic patch does not fit the kind (a list where a map belongs)</td>
 *       <td>422 Invalid</td><td>{@code  "" is invalid: patch: Invalid value: "map[...]": cannot
 *       restore slice from map}, from the unstructured converter</td></tr>
 * </table>
 *
 * <p>Left to the caller, as they happen after patching in the real server: decoding into the
 * typed object (which drops unknown fields and nulls, and for JSON and merge patches reports
 * type mismatches), defaulting, validation, and the 415 for strategic patches on custom
 * resources.
 */
final class Patches {
  static final String JSON_PATCH = "application/json-patch+json";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

  /** handlers.maxJSONPatchOperations. */
  private static final int MAX_JSON_PATCH_OPERATIONS = 10000;
  /** The apiserver's JSONPatchMaxCopyBytes default, which it installs as the library's copy limit. */
  private static final long MAX_COPIED_BYTES = 3 * 1024 * 1024;
  private static final String JSON_PATCH_DECODE_ERROR = "error decoding patch: ";

  /** Go's decoder keeps the last of duplicate keys; so must the sandbox. */
  private static final ObjectReader READER = Json.MAPPER.rebuild()
      .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build().reader();

  private Patches() {}

  /**
   * Reads a PATCH body of the given content type, rejecting what Go's JSON decoder rejects with
   * the decoder's own words, as the handler does before patching.
   */
  static JsonNode parse(String patchType, byte[] body) {
    String prefix = switch (patchType) {
      case JSON_PATCH, MERGE_PATCH -> JSON_PATCH_DECODE_ERROR;
      case STRATEGIC_MERGE_PATCH -> "";
      default -> throw new IllegalArgumentException("not a patch type the handler applies: " + patchType);
    };
    String syntaxError = GoJsonSyntax.firstError(body);
    if (syntaxError != null) {
      throw ApiException.badRequest(prefix + syntaxError);
    }
    try {
      return READER.readTree(body);
    } catch (JsonProcessingException e) {
      // Valid for Go but beyond Jackson's limits (nesting deeper than 1000).
      throw ApiException.badRequest(prefix + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("reading a patch held in memory", e);
    }
  }

  /** RFC 6902 JSON patch (application/json-patch+json), as json-patch v4 applies it. */
  static ObjectNode jsonPatch(ObjectNode target, JsonNode patch) {
    if (patch == null || patch.isNull() || patch.isMissingNode()) {
      return target.deepCopy(); // Go decodes null into an empty patch
    }
    String shapeError = JsonPointerPatch.shapeError(patch);
    if (shapeError != null) {
      throw ApiException.badRequest(JSON_PATCH_DECODE_ERROR + shapeError);
    }
    if (patch.size() > MAX_JSON_PATCH_OPERATIONS) {
      throw new ApiException(413, "RequestEntityTooLarge",
          "Request entity too large: The allowed maximum operations in a JSON patch is "
              + MAX_JSON_PATCH_OPERATIONS + ", got " + patch.size(), null);
    }
    JsonPointerPatch document = new JsonPointerPatch(target.deepCopy());
    for (JsonNode operation : patch) {
      document.apply(operation);
    }
    if (document.root instanceof ObjectNode object) {
      return object;
    }
    // Only a whole-document replace with a list gets here; the codec then fails to find a kind.
    throw invalidPatch(Json.string(document.root), "couldn't get version/kind; json parse error: "
        + "json: cannot unmarshal array into Go value of type struct { APIVersion string "
        + "\"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }");
  }

  /**
   * RFC 7386 JSON merge patch (application/merge-patch+json): null deletes, objects merge,
   * anything else (lists too) replaces. Like json-patch v4, nulls inside a value that replaces
   * or adds are pruned, also from objects inside lists.
   */
  static ObjectNode mergePatch(ObjectNode target, JsonNode patch) {
    if (patch == null || patch.isNull() || patch.isMissingNode()) {
      throw ApiException.badRequest("Invalid JSON Patch");
    }
    if (!patch.isObject()) {
      throw ApiException.badRequest(JSON_PATCH_DECODE_ERROR + "json: cannot unmarshal "
          + GoText.jsonKind(patch) + " into Go value of type map[string]interface {}");
    }
    ObjectNode document = target.deepCopy();
    mergeObjects(document, (ObjectNode) patch.deepCopy());
    return document;
  }

  private static void mergeObjects(ObjectNode document, ObjectNode patch) {
    for (String field : fieldNames(patch)) {
      JsonNode value = patch.get(field);
      JsonNode current = document.get(field);
      if (value.isNull()) {
        document.remove(field);
      } else if (current == null || current.isNull()) {
        pruneNulls(value);
        document.set(field, value);
      } else if (!(current instanceof ObjectNode currentObject)) {
        pruneNulls(value);
        document.set(field, value);
      } else if (value instanceof ObjectNode valueObject) {
        mergeObjects(currentObject, valueObject);
      } else {
        document.set(field, value); // the library does not prune here
      }
    }
  }

  private static void pruneNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String field : fieldNames(object)) {
        if (object.get(field).isNull()) {
          object.remove(field);
        } else {
          pruneNulls(object.get(field));
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(Patches::pruneNulls); // null elements stay
    }
  }

  /**
   * Strategic merge patch (application/strategic-merge-patch+json), the way
   * strategicpatch.StrategicMergeMapPatch applies it on the server, with patch strategies and
   * merge keys from the kind's OpenAPI schema (the same struct tags the server reads). Fields the
   * schema does not know, or free-form ones, merge like a JSON merge patch; where the real server
   * would fail looking up such a field (only possible inside maps of objects and raw
   * extensions), this merges instead.
   */
  static ObjectNode strategicMerge(ObjectNode target, JsonNode patch, Schema schema) {
    if (patch == null || patch.isNull() || patch.isMissingNode()) {
      return target.deepCopy();
    }
    if (!patch.isObject()) {
      throw ApiException.badRequest("json: cannot unmarshal " + GoText.jsonKind(patch)
          + " into Go value of type map[string]interface {}");
    }
    // Go mutates its copy of the patch while merging, and the shape error quotes it afterwards.
    ObjectNode mutablePatch = (ObjectNode) patch.deepCopy();
    ObjectNode merged = StrategicMerge.mergeMap(target.deepCopy(), mutablePatch, schema);
    String shapeError = ObjectShape.firstError(merged, schema);
    if (shapeError != null) {
      throw invalidPatch(GoText.value(mutablePatch), shapeError);
    }
    return merged;
  }

  // ---- errors --------------------------------------------------------------------------------

  /** NewGenericServerResponse(422, ...): the library's reason is dropped from the Status. */
  private static ApiException rejected(String why) {
    ApiException rejected = new ApiException(422, "Invalid",
        "the server rejected our request due to an error in our request", Json.object());
    rejected.initCause(new IllegalArgumentException(why));
    return rejected;
  }

  /** A plain Go error, which ErrorToAPIStatus renders as a 500 without a reason. */
  private static ApiException serverError(String message) {
    return new ApiException(500, "", message, null);
  }

  /** Where the Go code dereferences nil, the apiserver's panic filter answers instead. */
  private static ApiException panicked(String why) {
    ApiException panicked = new ApiException(500, "InternalError",
        "This request caused apiserver to panic. Look in the logs for details.", null);
    panicked.initCause(new IllegalStateException(why));
    return panicked;
  }

  /** errors.NewInvalid(schema.GroupKind{}, "", field.Invalid(field.NewPath("patch"), value, detail)). */
  private static ApiException invalidPatch(String badValue, String detail) {
    String body = "Invalid value: " + GoText.quote(badValue) + ": " + detail;
    return new ApiException(422, "Invalid", " \"\" is invalid: patch: " + body,
        ApiException.details(null, null, null,
            List.of(new ApiException.Cause("FieldValueInvalid", body, "patch"))));
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>(object.size());
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  // ---- RFC 6902 ------------------------------------------------------------------------------

  /**
   * A document under JSON patch, with json-patch v4's quirks kept as the apiserver serves them:
   * "replace" of a missing object member adds it, "copy" from a missing member copies null,
   * negative indexes count from the end (and "-1" in "add" appends), a path not starting with
   * "/" ignores its first token, and a whole-document "replace" with a scalar does nothing.
   */
  private static final class JsonPointerPatch {
    private JsonNode root;
    private long copiedBytes;

    private JsonPointerPatch(ObjectNode root) {
      this.root = root;
    }

    /** The error Go's strict decode into []handlers.jsonPatchOp reports first, or null. */
    static String shapeError(JsonNode patch) {
      if (!patch.isArray()) {
        return "json: cannot unmarshal " + GoText.jsonKind(patch)
            + " into Go value of type []handlers.jsonPatchOp";
      }
      for (JsonNode operation : patch) {
        if (operation.isNull()) {
          continue;
        }
        if (!operation.isObject()) {
          return "json: cannot unmarshal " + GoText.jsonKind(operation)
              + " into Go value of type handlers.jsonPatchOp";
        }
        for (String field : fieldNames(operation)) {
          JsonNode value = operation.get(field);
          boolean stringField = field.equals("op") || field.equals("path") || field.equals("from");
          if (stringField && !value.isNull() && !value.isTextual()) {
            return "json: cannot unmarshal " + GoText.jsonKind(value)
                + " into Go struct field jsonPatchOp." + field + " of type string";
          }
        }
      }
      return null;
    }

    void apply(JsonNode operation) {
      String kind = operation != null && operation.path("op").isTextual()
          ? operation.get("op").asText() : "unknown";
      switch (kind) {
        case "add" -> add(operation);
        case "remove" -> remove(operation);
        case "replace" -> replace(operation);
        case "move" -> move(operation);
        case "copy" -> copy(operation);
        case "test" -> test(operation);
        default -> throw rejected("Unexpected kind: " + kind);
      }
    }

    private void add(JsonNode operation) {
      String path = member(operation, "path");
      Location at = locate(path);
      if (at == null) {
        throw rejected("add operation does not apply: doc is missing path: \"" + path + "\"");
      }
      insert(at, value(operation), path);
    }

    private void remove(JsonNode operation) {
      String path = member(operation, "path");
      Location at = locate(path);
      if (at == null) {
        throw rejected("remove operation does not apply: doc is missing path: \"" + path + "\"");
      }
      delete(at, path);
    }

    private void replace(JsonNode operation) {
      String path = member(operation, "path");
      if (path.isEmpty()) {
        JsonNode value = operation.get("value");
        if (value == null) {
          throw panicked("replace of the whole document without a value");
        }
        if (value.isContainerNode()) {
          root = value.deepCopy();
        }
        return; // the library wraps a nil error here, so a scalar is silently ignored
      }
      Location at = locate(path);
      if (at == null) {
        throw rejected("replace operation does not apply: doc is missing path: " + path);
      }
      if (at.container() instanceof ObjectNode object) {
        object.set(at.key(), value(operation));
        return;
      }
      ArrayNode array = (ArrayNode) at.container();
      int index = existingIndex(array, at.key());
      if (index < 0) {
        throw rejected("replace operation does not apply: doc is missing key: " + path);
      }
      array.set(index, value(operation));
    }

    private void move(JsonNode operation) {
      String from = member(operation, "from");
      Location source = locate(from);
      if (source == null) {
        throw rejected("move operation does not apply: doc is missing from path: " + from);
      }
      JsonNode value = read(source, "move");
      delete(source, from);
      String path = member(operation, "path");
      Location destination = locate(path);
      if (destination == null) {
        throw rejected("move operation does not apply: doc is missing destination path: " + path);
      }
      insert(destination, value == null ? NullNode.getInstance() : value, path);
    }

    private void copy(JsonNode operation) {
      String from = member(operation, "from");
      Location source = locate(from);
      if (source == null) {
        throw rejected("copy operation does not apply: doc is missing from path: " + from);
      }
      JsonNode value = read(source, "copy");
      String path = member(operation, "path");
      Location destination = locate(path);
      if (destination == null) {
        throw rejected("copy operation does not apply: doc is missing destination path: " + path);
      }
      if (value == null) {
        insert(destination, NullNode.getInstance(), path);
        return;
      }
      copiedBytes += Json.bytes(value).length;
      if (copiedBytes > MAX_COPIED_BYTES) {
        throw rejected("Unable to complete the copy, the accumulated size increase of copy is "
            + copiedBytes + ", exceeding the limit " + MAX_COPIED_BYTES);
      }
      insert(destination, value.deepCopy(), path);
    }

    private void test(JsonNode operation) {
      String path = member(operation, "path");
      JsonNode expected = operation.get("value");
      if (path.isEmpty()) {
        if (expected == null) {
          throw panicked("test of the whole document without a value");
        }
        if (!same(root, expected)) {
          throw rejected("testing value " + path + " failed: test failed");
        }
        return;
      }
      Location at = locate(path);
      if (at == null) {
        throw rejected("test operation does not apply: is missing path: " + path);
      }
      JsonNode actual = read(at, "test");
      if (actual == null || actual.isNull()) {
        if (expected == null) {
          throw panicked("test of a missing value without a value");
        }
        if (!expected.isNull()) {
          throw rejected("testing value " + path + " failed: test failed");
        }
        return;
      }
      if (expected == null || !same(actual, expected)) {
        throw rejected("testing value " + path + " failed: test failed");
      }
    }

    /** The parent container of a path and its last (unescaped) token, or null when lost. */
    private record Location(JsonNode container, String key) {}

    private Location locate(String path) {
      String[] tokens = path.split("/", -1);
      if (tokens.length < 2) {
        return null;
      }
      JsonNode at = root;
      for (int i = 1; i < tokens.length - 1; i++) {
        JsonNode next = child(at, unescape(tokens[i]));
        if (next == null || !next.isContainerNode()) {
          return null;
        }
        at = next;
      }
      return new Location(at, unescape(tokens[tokens.length - 1]));
    }

    private static JsonNode child(JsonNode container, String key) {
      if (container instanceof ObjectNode object) {
        return object.get(key);
      }
      int index = existingIndex((ArrayNode) container, key);
      return index < 0 ? null : container.get(index);
    }

    /** What the library's get answers: members may be absent (null), indexes must exist. */
    private static JsonNode read(Location at, String operation) {
      if (at.container() instanceof ObjectNode object) {
        JsonNode value = object.get(at.key());
        return value == null || value.isNull() ? null : value;
      }
      int index = existingIndex((ArrayNode) at.container(), at.key());
      if (index < 0) {
        throw rejected("error in " + operation + " for path: '" + at.key()
            + "': invalid index referenced");
      }
      JsonNode value = at.container().get(index);
      return value.isNull() ? null : value;
    }

    private static void insert(Location at, JsonNode value, String path) {
      if (at.container() instanceof ObjectNode object) {
        object.set(at.key(), value);
        return;
      }
      ArrayNode array = (ArrayNode) at.container();
      if (at.key().equals("-")) {
        array.add(value);
        return;
      }
      Long index = goAtoi(at.key());
      int size = array.size() + 1;
      if (index == null) {
        throw rejected("error in add for path: '" + path + "': value was not a proper array index: '"
            + at.key() + "'");
      }
      if (index >= size || index < -size) {
        throw rejected("error in add for path: '" + path + "': Unable to access invalid index: "
            + index);
      }
      array.insert((int) (index < 0 ? index + size : index), value);
    }

    private static void delete(Location at, String path) {
      if (at.container() instanceof ObjectNode object) {
        if (!object.has(at.key())) {
          throw rejected("error in remove for path: '" + path
              + "': Unable to remove nonexistent key: " + at.key() + ": missing value");
        }
        object.remove(at.key());
        return;
      }
      ArrayNode array = (ArrayNode) at.container();
      int index = existingIndex(array, at.key());
      if (index < 0) {
        throw rejected("error in remove for path: '" + path + "': invalid index referenced");
      }
      array.remove(index);
    }

    /** An index that exists, negative ones counting from the end, or -1. */
    private static int existingIndex(ArrayNode array, String key) {
      Long index = goAtoi(key);
      if (index == null || index >= array.size() || index < -array.size()) {
        return -1;
      }
      return (int) (index < 0 ? index + array.size() : index);
    }

    /** strconv.Atoi: an optional sign and decimal digits that fit 64 bits. */
    private static Long goAtoi(String text) {
      if (!text.matches("[+-]?[0-9]+")) {
        return null;
      }
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static String unescape(String token) {
      return token.replace("~1", "/").replace("~0", "~");
    }

    private static String member(JsonNode operation, String name) {
      JsonNode value = operation.get(name);
      if (value == null || value.isNull()) {
        throw rejected("operation missing " + name + " field: missing value");
      }
      if (!value.isTextual()) {
        throw rejected("operation " + name + " is not a string");
      }
      return value.asText();
    }

    /** An absent value and a null one both add null. */
    private static JsonNode value(JsonNode operation) {
      JsonNode value = operation.get("value");
      return value == null ? NullNode.getInstance() : value.deepCopy();
    }

    /**
     * lazyNode.equal: objects and lists compare structurally, scalars by their JSON text, so
     * 1 and 1.0 differ; a null member only equals a null member.
     */
    private static boolean same(JsonNode actual, JsonNode expected) {
      if (actual.isObject()) {
        if (!expected.isObject() || actual.size() != expected.size()) {
          return false;
        }
        for (String field : fieldNames(actual)) {
          JsonNode other = expected.get(field);
          if (other == null) {
            return false;
          }
          JsonNode mine = actual.get(field);
          if (mine.isNull() != other.isNull()) {
            return false;
          }
          if (!mine.isNull() && !same(mine, other)) {
            return false;
          }
        }
        return true;
      }
      if (actual.isArray()) {
        if (!expected.isArray() || actual.size() != expected.size()) {
          return false;
        }
        for (int i = 0; i < actual.size(); i++) {
          JsonNode mine = actual.get(i);
          JsonNode other = expected.get(i);
          boolean equal = mine.isNull() ? other.isNull() : same(mine, other);
          if (!equal) {
            return false;
          }
        }
        return true;
      }
      // Go compares the raw bytes; the parsed kind stands in for "2" versus "2.0".
      return GoType.of(actual) == GoType.of(expected)
          && Json.string(actual).equals(Json.string(expected));
    }
  }

  // ---- strategic merge patch -----------------------------------------------------------------

  /**
   * strategicpatch's server-side merge (MergeParallelList and IgnoreUnmatchedNulls on), working
   * on private copies it mutates the way the Go code mutates its maps. Its list ordering is kept
   * exactly, including its surprises: items the patch adds to a merging list come before the
   * live items they cannot be ordered against (a new container lands first), and primitive
   * unions put new items first ([z] into [x, y] gives [z, x, y]).
   */
  private static final class StrategicMerge {
    private static final String DIRECTIVE = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String SET_ELEMENT_ORDER = "$setElementOrder";
    private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

    private StrategicMerge() {}

    /** The patch strategy and merge key of a field, and the schema of its value (or items). */
    private record Meta(Schema schema, String mergeKey, List<String> strategies) {
      static final Meta NONE = new Meta(null, "", List.of());
    }

    private record Partition(List<JsonNode> inPatch, List<JsonNode> serverOnly) {}

    static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, Schema schema) {
      if (patch.has(DIRECTIVE)) {
        return mapDirective(patch.get(DIRECTIVE), patch);
      }
      ObjectNode into = original == null ? Json.object() : original;
      applyRetainKeys(into, patch);
      mergeOrderedLists(into, patch, schema);
      for (String field : fieldNames(patch)) {
        JsonNode patchValue = patch.get(field);
        String key = field;
        boolean deleteList = field.startsWith(DELETE_FROM_PRIMITIVE_LIST);
        if (deleteList) {
          key = extractKey(field, DELETE_FROM_PRIMITIVE_LIST);
        }
        if (patchValue.isNull()) {
          into.remove(key);
          continue;
        }
        JsonNode originalValue = into.get(key);
        if (originalValue == null || GoType.of(originalValue) != GoType.of(patchValue)) {
          if (!deleteList) {
            discardNulls(patchValue);
            putUnlessDirective(into, key, patchValue);
          }
          continue;
        }
        switch (GoType.of(originalValue)) {
          case MAP -> {
            Meta meta = fieldMeta(schema, key);
            String strategy = strategy(meta.strategies());
            into.set(key, "replace".equals(strategy) ? patchValue
                : mergeMap((ObjectNode) originalValue, (ObjectNode) patchValue, meta.schema()));
          }
          case SLICE -> {
            Meta meta = listMeta(schema, key);
            into.set(key, mergeSliceHandler((ArrayNode) originalValue, (ArrayNode) patchValue,
                meta.schema(), strategy(meta.strategies()), meta.mergeKey(), deleteList));
          }
          default -> putUnlessDirective(into, key, patchValue);
        }
      }
      return into;
    }

    private static ObjectNode mapDirective(JsonNode directive, ObjectNode patch) {
      if (directive.isTextual() && directive.asText().equals("replace")) {
        patch.remove(DIRECTIVE);
        return patch;
      }
      if (directive.isTextual() && directive.asText().equals("delete")) {
        return Json.object();
      }
      throw badPatchType(directive, patch);
    }

    /** $retainKeys: keys of the live map not listed are cleared; patch keys must be listed. */
    private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
      if (!patch.has(RETAIN_KEYS)) {
        return;
      }
      JsonNode retainKeys = patch.remove(RETAIN_KEYS);
      if (!retainKeys.isArray()) {
        throw ApiException.badRequest("invalid patch format of retainKeys");
      }
      Set<String> retained = new HashSet<>();
      retainKeys.forEach(key -> {
        if (key.isTextual()) {
          retained.add(key.asText());
        }
      });
      for (String field : fieldNames(patch)) {
        if (patch.get(field).isNull() || field.startsWith(DELETE_FROM_PRIMITIVE_LIST)
            || field.startsWith(SET_ELEMENT_ORDER)) {
          continue;
        }
        if (!retained.contains(field)) {
          throw ApiException.badRequest("invalid patch format of retainKeys");
        }
      }
      original.retain(retained);
    }

    /**
     * $setElementOrder/field: merges that list now and orders it by the directive (for items the
     * patch names) and the live list (for the rest); mergePatchIntoOriginal in Go.
     */
    private static void mergeOrderedLists(ObjectNode original, ObjectNode patch, Schema schema) {
      for (String field : fieldNames(patch)) {
        if (!field.startsWith(SET_ELEMENT_ORDER) || !patch.has(field)) {
          continue;
        }
        JsonNode order = patch.remove(field);
        if (!(order instanceof ArrayNode orderList)) {
          throw serverError(badArgType("[]interface {}", order));
        }
        String key = extractKey(field, SET_ELEMENT_ORDER);
        boolean inOriginal = original.has(key);
        boolean inPatch = patch.has(key);
        ArrayNode originalList = listOrFail(inOriginal ? original.get(key) : null);
        ArrayNode patchList = listOrFail(inPatch ? patch.get(key) : null);
        Meta meta = listMeta(schema, key);
        String strategy = strategy(meta.strategies());
        validateOrder(patchList, orderList, meta.mergeKey());
        ArrayNode merged;
        if (inOriginal && !inPatch) {
          merged = originalList;
        } else if (!inOriginal && inPatch) {
          merged = (ArrayNode) removeDirectives(patchList);
        } else if (inOriginal) {
          merged = mergeSliceHandler(originalList, patchList, meta.schema(), strategy,
              meta.mergeKey(), false);
        } else {
          continue;
        }
        Partition partition = meta.mergeKey().isEmpty()
            ? partitionPrimitives(merged, orderList)
            : partitionMaps(merged, orderList, meta.mergeKey());
        GoType kind = elementType(originalList, patchList);
        original.set(key, normalizeElementOrder(partition, orderList,
            originalList == null ? Json.array() : originalList, meta.mergeKey(), kind));
        patch.remove(key);
      }
    }

    private static ArrayNode listOrFail(JsonNode value) {
      if (value == null) {
        return null;
      }
      if (value instanceof ArrayNode list) {
        return list;
      }
      throw serverError(badArgType("[]interface {}", value));
    }

    /** The patch list must follow $setElementOrder's relative order (deletions aside). */
    private static void validateOrder(ArrayNode patchList, ArrayNode order, String mergeKey) {
      if (order.isEmpty() || patchList == null || patchList.isEmpty()) {
        return;
      }
      List<JsonNode> nonDelete = new ArrayList<>();
      for (JsonNode item : patchList) {
        if (!mergeKey.isEmpty()) {
          requireMap(item);
          if (isDirective(item.get(DIRECTIVE), "delete")) {
            continue;
          }
        }
        nonDelete.add(item);
      }
      int patchIndex = 0;
      int orderIndex = 0;
      while (patchIndex < nonDelete.size() && orderIndex < order.size()) {
        JsonNode item = nonDelete.get(patchIndex);
        if (item.isObject() && item.has(DIRECTIVE)) {
          patchIndex++;
          continue;
        }
        if (mergeKeyValueEqual(item, order.get(orderIndex), mergeKey)) {
          patchIndex++;
        }
        orderIndex++;
      }
      if (patchIndex < nonDelete.size()) {
        throw serverError("The order in patch list:\n" + GoText.value(patchList)
            + "\n doesn't match " + SET_ELEMENT_ORDER + " list:\n" + GoText.value(order) + "\n");
      }
    }

    private static boolean mergeKeyValueEqual(JsonNode left, JsonNode right, String mergeKey) {
      if (mergeKey.isEmpty()) {
        return GoType.equal(left, right);
      }
      ObjectNode leftMap = requireMap(left);
      ObjectNode rightMap = requireMap(right);
      if (!leftMap.has(mergeKey)) {
        throw serverError(noMergeKey(leftMap, mergeKey));
      }
      if (!rightMap.has(mergeKey)) {
        throw serverError(noMergeKey(rightMap, mergeKey));
      }
      return GoType.equal(leftMap.get(mergeKey), rightMap.get(mergeKey));
    }

    private static ArrayNode mergeSliceHandler(ArrayNode original, ArrayNode patch, Schema items,
        String strategy, String mergeKey, boolean deleteList) {
      if ("merge".equals(strategy) || deleteList) {
        return mergeSlice(original, patch, items, mergeKey, deleteList);
      }
      return patch;
    }

    private static ArrayNode mergeSlice(ArrayNode original, ArrayNode patch, Schema items,
        String mergeKey, boolean deleteList) {
      if (original.isEmpty() && patch.isEmpty()) {
        return original;
      }
      GoType kind = elementType(original, patch);
      if (kind != GoType.MAP) {
        if (deleteList) {
          List<JsonNode> gone = elements(patch);
          ArrayNode kept = Json.array();
          for (JsonNode item : original) {
            if (gone.stream().noneMatch(deleted -> GoType.equal(item, deleted))) {
              kept.add(item);
            }
          }
          return kept;
        }
        List<JsonNode> both = elements(original);
        both.addAll(elements(patch));
        return ordered(deduplicateScalars(both), patch, original, mergeKey, kind);
      }
      if (mergeKey.isEmpty()) {
        throw serverError("cannot merge lists without merge key for "
            + (items != null && items.additionalProperties() != null ? "map" : "struct"));
      }
      // Elements carrying $patch first: deletions by key, a replace of the whole list.
      ArrayNode live = original;
      ArrayNode plain = Json.array();
      boolean replace = false;
      for (JsonNode item : patch) {
        ObjectNode itemMap = (ObjectNode) item;
        JsonNode directive = itemMap.get(DIRECTIVE);
        if (directive == null) {
          plain.add(item);
        } else if (isDirective(directive, "delete")) {
          if (!itemMap.has(mergeKey)) {
            throw serverError(noMergeKey(itemMap, mergeKey));
          }
          ArrayNode kept = Json.array();
          for (JsonNode liveItem : live) {
            if (!matches(liveItem, mergeKey, itemMap.get(mergeKey))) {
              kept.add(liveItem);
            }
          }
          live = kept;
        } else if (isDirective(directive, "replace")) {
          replace = true;
        } else if (isDirective(directive, "merge")) {
          throw serverError("merging lists cannot yet be specified in the patch");
        } else {
          throw badPatchType(directive, itemMap);
        }
      }
      ArrayNode patchItems = replace ? Json.array() : plain;
      if (replace) {
        live = plain;
      }
      List<JsonNode> merged = elements(live);
      for (JsonNode item : patchItems) {
        ObjectNode itemMap = (ObjectNode) item;
        if (!itemMap.has(mergeKey)) {
          throw serverError(noMergeKey(itemMap, mergeKey));
        }
        int index = indexByKey(merged, mergeKey, itemMap.get(mergeKey));
        if (index >= 0) {
          merged.set(index, mergeMap((ObjectNode) merged.get(index), itemMap, items));
        } else {
          merged.add(item);
        }
      }
      return ordered(merged, patchItems, live, mergeKey, kind);
    }

    private static ArrayNode ordered(List<JsonNode> merged, ArrayNode patchOrder,
        ArrayNode serverOrder, String mergeKey, GoType kind) {
      Partition partition = mergeKey.isEmpty()
          ? partitionPrimitives(toArray(merged), patchOrder)
          : partitionMaps(toArray(merged), patchOrder, mergeKey);
      return normalizeElementOrder(partition, patchOrder, serverOrder, mergeKey, kind);
    }

    /** Go's in-place deduplication, whose swaps are part of the resulting order. */
    private static List<JsonNode> deduplicateScalars(List<JsonNode> items) {
      List<JsonNode> s = new ArrayList<>(items);
      int length = s.size() - 1;
      for (int i = 0; i < length; i++) {
        for (int j = i + 1; j <= length; j++) {
          if (GoType.equal(s.get(i), s.get(j))) {
            s.set(j, s.get(length));
            s.remove(length);
            length--;
            j--;
          }
        }
      }
      return s;
    }

    private static int indexByKey(List<JsonNode> list, String mergeKey, JsonNode value) {
      for (int i = 0; i < list.size(); i++) {
        if (!list.get(i).isObject()) {
          throw serverError("value for key " + i + " is not a map");
        }
        if (matches(list.get(i), mergeKey, value)) {
          return i;
        }
      }
      return -1;
    }

    private static boolean matches(JsonNode item, String mergeKey, JsonNode value) {
      return item.has(mergeKey) && GoType.equal(item.get(mergeKey), value);
    }

    private static Partition partitionPrimitives(ArrayNode merged, ArrayNode by) {
      List<JsonNode> inPatch = new ArrayList<>();
      List<JsonNode> serverOnly = new ArrayList<>();
      for (JsonNode item : merged) {
        boolean found = false;
        for (JsonNode candidate : by) {
          found |= GoType.equal(item, candidate);
        }
        (found ? inPatch : serverOnly).add(item);
      }
      return new Partition(inPatch, serverOnly);
    }

    private static Partition partitionMaps(ArrayNode merged, ArrayNode by, String mergeKey) {
      List<JsonNode> inPatch = new ArrayList<>();
      List<JsonNode> serverOnly = new ArrayList<>();
      for (JsonNode item : merged) {
        ObjectNode map = requireMap(item);
        if (!map.has(mergeKey)) {
          throw serverError(noMergeKey(map, mergeKey));
        }
        boolean found = indexByKey(elements(by), mergeKey, map.get(mergeKey)) >= 0;
        (found ? inPatch : serverOnly).add(item);
      }
      return new Partition(inPatch, serverOnly);
    }

    /** Patch items sorted by the patch order, live-only items by the live order, then interleaved. */
    private static ArrayNode normalizeElementOrder(Partition partition, ArrayNode patchOrder,
        ArrayNode serverOrder, String mergeKey, GoType kind) {
      List<JsonNode> patchItems = sortByOrder(partition.inPatch(), patchOrder, mergeKey, kind);
      List<JsonNode> serverOnly = sortByOrder(partition.serverOnly(), serverOrder, mergeKey, kind);
      return mergeSorted(serverOnly, patchItems, serverOrder, mergeKey, kind);
    }

    private static List<JsonNode> sortByOrder(List<JsonNode> items, ArrayNode order,
        String mergeKey, GoType kind) {
      List<JsonNode> toSort = new ArrayList<>(items);
      List<JsonNode> toDelete = new ArrayList<>();
      if (kind == GoType.MAP) {
        for (JsonNode item : toSort) {
          requireMergeKey(item, mergeKey);
        }
        for (JsonNode item : order) {
          requireMergeKey(item, mergeKey);
        }
        toDelete = toSort.stream().filter(item -> isDirective(item.get(DIRECTIVE), "delete")).toList();
        toSort = new ArrayList<>(
            toSort.stream().filter(item -> !isDirective(item.get(DIRECTIVE), "delete")).toList());
      }
      // sort.SliceStable with the Go less function, which calls unordered items "less";
      // for up to 20 items Go's stable sort is exactly this insertion sort.
      for (int i = 1; i < toSort.size(); i++) {
        for (int j = i; j > 0 && less(toSort.get(j), toSort.get(j - 1), order, mergeKey, kind); j--) {
          JsonNode swap = toSort.get(j);
          toSort.set(j, toSort.get(j - 1));
          toSort.set(j - 1, swap);
        }
      }
      toSort.addAll(toDelete);
      return toSort;
    }

    private static boolean less(JsonNode left, JsonNode right, ArrayNode order, String mergeKey,
        GoType kind) {
      int leftIndex = index(order, left, mergeKey, kind);
      if (leftIndex >= 0) {
        int rightIndex = index(order, right, mergeKey, kind);
        if (rightIndex >= 0) {
          return leftIndex < rightIndex;
        }
      }
      return true;
    }

    /**
     * Inserts each live-only item (left) into the patch items (right), before the first patch
     * item the live order puts after it; items the live order does not know go first.
     */
    private static ArrayNode mergeSorted(List<JsonNode> left, List<JsonNode> right,
        ArrayNode serverOrder, String mergeKey, GoType kind) {
      ArrayNode merged = Json.array();
      int i = 0;
      int j = 0;
      while (i < left.size() || j < right.size()) {
        if (i >= left.size()) {
          merged.add(right.get(j++));
        } else if (j >= right.size()) {
          merged.add(left.get(i++));
        } else {
          int leftIndex = index(serverOrder, left.get(i), mergeKey, kind);
          int rightIndex = index(serverOrder, right.get(j), mergeKey, kind);
          if (leftIndex >= 0 && rightIndex >= 0 && leftIndex < rightIndex) {
            merged.add(left.get(i++));
          } else {
            merged.add(right.get(j++));
          }
        }
      }
      return merged;
    }

    private static int index(ArrayNode list, JsonNode value, String mergeKey, GoType kind) {
      JsonNode wanted = sortKey(value, mergeKey, kind);
      for (int i = 0; i < list.size(); i++) {
        if (GoType.equal(wanted, sortKey(list.get(i), mergeKey, kind))) {
          return i;
        }
      }
      return -1;
    }

    private static JsonNode sortKey(JsonNode item, String mergeKey, GoType kind) {
      if (kind != GoType.MAP) {
        return item;
      }
      JsonNode key = item.isObject() ? item.get(mergeKey) : null;
      return key == null ? NullNode.getInstance() : key;
    }

    /** sliceElementType: every item of every list must have one Go type, and not be a list. */
    private static GoType elementType(ArrayNode... lists) {
      GoType type = null;
      for (ArrayNode list : lists) {
        for (JsonNode item : list == null ? Json.array() : list) {
          GoType itemType = GoType.of(item);
          if (type == null) {
            if (itemType == GoType.NIL) {
              throw panicked("reflect.Type of a null list element");
            }
            if (itemType == GoType.SLICE) {
              throw rejected("lists of lists are not supported");
            }
            type = itemType;
          } else if (type != itemType) {
            StringBuilder printed = new StringBuilder("[");
            for (ArrayNode each : lists) {
              printed.append(printed.length() > 1 ? " " : "")
                  .append(each == null ? "[]" : GoText.value(each));
            }
            throw serverError("list element types are not identical: " + printed + "]");
          }
        }
      }
      if (type == null) {
        throw serverError("no elements in any of the given slices");
      }
      return type;
    }

    private static Meta fieldMeta(Schema schema, String key) {
      if (schema == null) {
        return Meta.NONE;
      }
      if (!schema.hasProperties()) {
        Schema values = schema.additionalProperties();
        return values == null ? Meta.NONE : new Meta(values, "", List.of());
      }
      Schema field = schema.property(key);
      if (field == null) {
        return Meta.NONE;
      }
      String strategy = field.patchStrategy();
      return new Meta(field, field.patchMergeKey() == null ? "" : field.patchMergeKey(),
          strategy == null ? List.of() : List.of(strategy.split(",", -1)));
    }

    private static Meta listMeta(Schema schema, String key) {
      Meta field = fieldMeta(schema, key);
      return new Meta(field.schema() == null ? null : field.schema().items(), field.mergeKey(),
          field.strategies());
    }

    /** extractRetainKeysPatchStrategy: retainKeys aside, at most one strategy remains. */
    private static String strategy(List<String> strategies) {
      return switch (strategies.size()) {
        case 0 -> "";
        case 1 -> strategies.get(0).equals("retainKeys") ? "" : strategies.get(0);
        case 2 -> {
          if (strategies.get(0).equals("retainKeys")) {
            yield strategies.get(1);
          }
          if (strategies.get(1).equals("retainKeys")) {
            yield strategies.get(0);
          }
          throw serverError("unexpected patch strategy: [" + String.join(" ", strategies) + "]");
        }
        default -> throw serverError("unexpected patch strategy: [" + String.join(" ", strategies) + "]");
      };
    }

    private static String extractKey(String field, String prefix) {
      int slash = field.indexOf('/');
      if (slash < 0 || !field.substring(0, slash).equals(prefix)) {
        throw ApiException.badRequest(prefix.equals(SET_ELEMENT_ORDER)
            ? "invalid patch format of setElementOrder list"
            : "invalid patch format of primitive list");
      }
      return field.substring(slash + 1);
    }

    /** Values new to the live object lose their null members (IgnoreUnmatchedNulls). */
    private static void discardNulls(JsonNode node) {
      if (node instanceof ObjectNode object) {
        for (String field : fieldNames(object)) {
          if (object.get(field).isNull()) {
            object.remove(field);
          } else {
            discardNulls(object.get(field));
          }
        }
      } else if (node instanceof ArrayNode array) {
        array.forEach(StrategicMerge::discardNulls);
      }
    }

    private static void putUnlessDirective(ObjectNode into, String key, JsonNode value) {
      JsonNode kept = removeDirectives(value);
      if (kept == null) {
        into.remove(key);
      } else {
        into.set(key, kept);
      }
    }

    /** Drops maps carrying $patch from a value being taken as-is; null when the value is one. */
    private static JsonNode removeDirectives(JsonNode node) {
      if (node instanceof ObjectNode object) {
        if (object.has(DIRECTIVE)) {
          return null;
        }
        for (String field : fieldNames(object)) {
          JsonNode kept = removeDirectives(object.get(field));
          if (kept == null) {
            object.remove(field);
          } else {
            object.set(field, kept);
          }
        }
        return object;
      }
      if (node instanceof ArrayNode array) {
        ArrayNode kept = Json.array();
        for (JsonNode item : array) {
          JsonNode keptItem = removeDirectives(item);
          if (keptItem != null) {
            kept.add(keptItem);
          }
        }
        return kept;
      }
      return node;
    }

    private static boolean isDirective(JsonNode value, String directive) {
      return value != null && value.isTextual() && value.asText().equals(directive);
    }

    private static ObjectNode requireMap(JsonNode item) {
      if (item instanceof ObjectNode map) {
        return map;
      }
      throw serverError(badArgType("map[string]interface {}", item));
    }

    private static void requireMergeKey(JsonNode item, String mergeKey) {
      if (!requireMap(item).has(mergeKey)) {
        throw serverError(noMergeKey((ObjectNode) item, mergeKey));
      }
    }

    private static String badArgType(String expected, JsonNode actual) {
      return "expected a " + expected + ", but received a " + GoType.of(actual).typeName;
    }

    private static String noMergeKey(ObjectNode map, String mergeKey) {
      return "map: " + GoText.value(map) + " does not contain declared merge key: " + mergeKey;
    }

    private static ApiException badPatchType(JsonNode directive, ObjectNode map) {
      return serverError("unknown patch type: " + GoText.percentS(directive) + " in map: "
          + GoText.value(map));
    }

    private static List<JsonNode> elements(ArrayNode array) {
      List<JsonNode> list = new ArrayList<>(array.size());
      array.forEach(list::add);
      return list;
    }

    private static ArrayNode toArray(List<JsonNode> items) {
      ArrayNode array = Json.array();
      items.forEach(array::add);
      return array;
    }
  }

  /** The dynamic Go type a JSON value decodes to (integers stay int64, as the server decodes). */
  private enum GoType {
    MAP("map[string]interface {}", "map"),
    SLICE("[]interface {}", "slice"),
    STRING("string", "string"),
    INT64("int64", "int64"),
    FLOAT64("float64", "float64"),
    BOOL("bool", "bool"),
    NIL("%!s(<nil>)", "invalid");

    final String typeName;
    final String kindName;

    GoType(String typeName, String kindName) {
      this.typeName = typeName;
      this.kindName = kindName;
    }

    static GoType of(JsonNode node) {
      if (node == null || node.isNull() || node.isMissingNode()) {
        return NIL;
      }
      if (node.isObject()) {
        return MAP;
      }
      if (node.isArray()) {
        return SLICE;
      }
      if (node.isBoolean()) {
        return BOOL;
      }
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return INT64;
      }
      return node.isNumber() ? FLOAT64 : STRING;
    }

    /** Go's == on interface values; maps and lists (which would panic in Go) never match. */
    static boolean equal(JsonNode left, JsonNode right) {
      GoType type = of(left);
      if (type != of(right)) {
        return false;
      }
      return switch (type) {
        case NIL -> true;
        case STRING -> left.asText().equals(right.asText());
        case BOOL -> left.booleanValue() == right.booleanValue();
        case INT64 -> left.longValue() == right.longValue();
        case FLOAT64 -> left.doubleValue() == right.doubleValue();
        case MAP, SLICE -> left == right;
      };
    }
  }

  // ---- the typed decode after a strategic merge ----------------------------------------------

  /**
   * The first error runtime.DefaultUnstructuredConverter.FromUnstructured meets turning the
   * merged map into the kind's Go struct: an object, map or list where the schema wants another,
   * or a scalar of the wrong kind. Go names the field's type, which the schema only approximates
   * (string enums such as v1.Protocol are named "string" here). Types with their own JSON
   * decoding (Quantity, IntOrString, Time, RawExtension) are left to later validation. The
   * converter walks struct fields in Go declaration order, this in the schema's (alphabetical)
   * order, so of two errors another may be named first.
   */
  private static final class ObjectShape {
    private ObjectShape() {}

    static String firstError(JsonNode value, Schema schema) {
      if (value == null || value.isNull() || schema == null || decodesItself(schema)) {
        return null;
      }
      GoType type = GoType.of(value);
      if (schema.hasProperties()) {
        if (type != GoType.MAP) {
          return "cannot restore struct from: " + type.kindName;
        }
        for (String name : schema.propertyNames()) {
          String error = value.has(name) ? firstError(value.get(name), schema.property(name)) : null;
          if (error != null) {
            return error;
          }
        }
        return null;
      }
      Schema values = schema.additionalProperties();
      if (values != null) {
        if (type != GoType.MAP) {
          return "cannot restore map from " + type.kindName;
        }
        for (JsonNode item : value) {
          String error = firstError(item, values);
          if (error != null) {
            return error;
          }
        }
        return null;
      }
      if (schema.isArray()) {
        if (type != GoType.SLICE) {
          return "cannot restore slice from " + type.kindName;
        }
        for (JsonNode item : value) {
          String error = firstError(item, schema.items());
          if (error != null) {
            return error;
          }
        }
        return null;
      }
      return scalarError(type, value, schema);
    }

    /**
     * What the converter says when a scalar field gets another kind: Go converts int64 to any
     * integer or float type and whole float64s to integers, and calls everything else either an
     * impossible conversion (when reflect could convert but JSON may not) or an unknown type.
     */
    private static String scalarError(GoType type, JsonNode value, Schema schema) {
      String format = schema.formatName() == null ? "" : schema.formatName();
      return switch (String.valueOf(schema.type())) {
        case "string" -> {
          if (format.equals("byte")) { // []byte, which takes its base64 text
            yield type == GoType.STRING || type == GoType.SLICE ? null
                : "cannot restore slice from " + type.kindName;
          }
          if (format.equals("date-time") || type == GoType.STRING) {
            yield null;
          }
          yield type == GoType.INT64 ? "cannot convert int64 to string" : "unrecognized type: string";
        }
        case "integer" -> {
          String goType = format.equals("int32") ? "int32" : "int64";
          if (type == GoType.INT64) {
            yield null;
          }
          if (type == GoType.FLOAT64) {
            yield value.doubleValue() == Math.rint(value.doubleValue()) ? null
                : "cannot convert float64 to " + goType;
          }
          yield "unrecognized type: " + goType;
        }
        case "number" -> type == GoType.INT64 || type == GoType.FLOAT64 ? null
            : "unrecognized type: " + (format.equals("float") ? "float32" : "float64");
        case "boolean" -> type == GoType.BOOL ? null : "unrecognized type: bool";
        default -> null;
      };
    }

    private static boolean decodesItself(Schema schema) {
      String name = schema.typeName();
      return schema.type() == null || schema.preservesUnknownFields() || schema.isIntOrString()
          || schema.isQuantity()
          || (name != null && (name.startsWith("io.k8s.apimachinery.pkg.runtime.")
              || name.equals("io.k8s.apimachinery.pkg.apis.meta.v1.Time")
              || name.equals("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime")
              || name.equals("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1")
              || name.startsWith("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON")));
    }
  }

  // ---- Go's words ----------------------------------------------------------------------------

  /** How Go's fmt prints decoded JSON values, for the messages that embed them. */
  private static final class GoText {
    private GoText() {}

    /** fmt's %v of a decoded value: map[k:v ...] with sorted keys, [a b], &lt;nil&gt;. */
    static String value(JsonNode node) {
      GoType type = GoType.of(node);
      return switch (type) {
        case NIL -> "<nil>";
        case MAP -> {
          TreeMap<String, JsonNode> sorted = new TreeMap<>();
          node.properties().iterator().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
          StringBuilder text = new StringBuilder("map[");
          sorted.forEach((key, item) -> text.append(text.length() > 4 ? " " : "")
              .append(key).append(':').append(value(item)));
          yield text.append(']').toString();
        }
        case SLICE -> {
          StringBuilder text = new StringBuilder("[");
          node.forEach(item -> text.append(text.length() > 1 ? " " : "").append(value(item)));
          yield text.append(']').toString();
        }
        case STRING -> node.asText();
        case BOOL -> String.valueOf(node.booleanValue());
        case INT64 -> String.valueOf(node.longValue());
        case FLOAT64 -> float64(node.doubleValue());
      };
    }

    /** fmt's %s of an interface value: strings as they are, others flagged the way fmt does. */
    static String percentS(JsonNode node) {
      GoType type = GoType.of(node);
      return switch (type) {
        case STRING -> node.asText();
        case NIL -> "%!s(<nil>)";
        case INT64, FLOAT64, BOOL -> "%!s(" + type.typeName + "=" + value(node) + ")";
        case MAP, SLICE -> value(node);
      };
    }

    /** strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form outside [1e-4, 1e6). */
    static String float64(double number) {
      if (number == 0) {
        return "0";
      }
      BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(number))).stripTrailingZeros();
      String digits = decimal.unscaledValue().toString();
      int exponent = digits.length() - decimal.scale() - 1;
      String sign = number < 0 ? "-" : "";
      if (exponent < -4 || exponent >= 6) {
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String power = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + power;
      }
      return sign + decimal.toPlainString();
    }

    /** The JSON kind Go's UnmarshalTypeError names. */
    static String jsonKind(JsonNode node) {
      return switch (GoType.of(node)) {
        case MAP -> "object";
        case SLICE -> "array";
        case STRING -> "string";
        case INT64, FLOAT64 -> "number";
        case BOOL -> "bool";
        case NIL -> "null";
      };
    }

    /** strconv.Quote: Go escapes, printable Unicode kept as is. */
    static String quote(String text) {
      StringBuilder quoted = new StringBuilder("\"");
      text.codePoints().forEach(c -> quoted.append(c == '"' ? "\\\"" : escape(c)));
      return quoted.append('"').toString();
    }

    /** The character a Go JSON syntax error names, as scanner.quoteChar prints the byte. */
    static String quoteByte(int c) {
      if (c == '\'') {
        return "'\\''";
      }
      if (c == '"') {
        return "'\"'";
      }
      return "'" + escape(c) + "'";
    }

    private static String escape(int c) {
      return switch (c) {
        case 7 -> "\\a";
        case '\b' -> "\\b";
        case '\f' -> "\\f";
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        case '\t' -> "\\t";
        case 11 -> "\\v";
        case '\\' -> "\\\\";
        default -> {
          if (c < 0x20 || c == 0x7f) {
            yield String.format("\\x%02x", c);
          }
          if (printable(c)) {
            yield Character.toString(c);
          }
          yield c < 0x10000 ? String.format("\\u%04x", c) : String.format("\\U%08x", c);
        }
      };
    }

    /** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean printable(int c) {
      if (c == ' ') {
        return true;
      }
      return switch (Character.getType(c)) {
        case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
            Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
            Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
            Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
            Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
            Character.START_PUNCTUATION, Character.END_PUNCTUATION,
            Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
            Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
            Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
        default -> false;
      };
    }
  }

  /**
   * Go's encoding/json scanner, byte by byte, so a body that is not JSON fails with the words
   * the apiserver answers ("invalid character '}' looking for beginning of object key string").
   */
  private static final class GoJsonSyntax {
    private enum Step {
      BEGIN_VALUE_OR_EMPTY, BEGIN_VALUE, BEGIN_STRING_OR_EMPTY, BEGIN_STRING, END_VALUE, END_TOP,
      IN_STRING, IN_STRING_ESC, IN_STRING_ESC_U, IN_STRING_ESC_U1, IN_STRING_ESC_U12,
      IN_STRING_ESC_U123, NEG, ONE, ZERO, DOT, DOT0, E, E_SIGN, E0,
      T, TR, TRU, F, FA, FAL, FALS, N, NU, NUL
    }

    private enum Context { OBJECT_KEY, OBJECT_VALUE, ARRAY_VALUE }

    private static final int MAX_NESTING_DEPTH = 10000;

    private final ArrayDeque<Context> contexts = new ArrayDeque<>();
    private Step step = Step.BEGIN_VALUE;
    private boolean endTop;
    private String error;

    private GoJsonSyntax() {}

    static String firstError(byte[] data) {
      GoJsonSyntax scanner = new GoJsonSyntax();
      for (byte b : data) {
        scanner.step(b & 0xff);
        if (scanner.error != null) {
          return scanner.error;
        }
      }
      if (scanner.endTop) {
        return null;
      }
      scanner.step(' '); // how Go's scanner finishes a number or finds a literal cut short
      if (scanner.endTop || scanner.error != null) {
        return scanner.error;
      }
      return "unexpected end of JSON input";
    }

    private void step(int c) {
      switch (step) {
        case BEGIN_VALUE_OR_EMPTY -> {
          if (c == ']') {
            endValue(c);
          } else if (!space(c)) {
            beginValue(c);
          }
        }
        case BEGIN_VALUE -> beginValue(c);
        case BEGIN_STRING_OR_EMPTY -> {
          if (c == '}') {
            contexts.pop();
            contexts.push(Context.OBJECT_VALUE);
            endValue(c);
          } else {
            beginString(c);
          }
        }
        case BEGIN_STRING -> beginString(c);
        case END_VALUE -> endValue(c);
        case END_TOP -> {
          if (!space(c)) {
            fail(c, "after top-level value");
          }
        }
        case IN_STRING -> {
          if (c == '"') {
            step = Step.END_VALUE;
          } else if (c == '\\') {
            step = Step.IN_STRING_ESC;
          } else if (c < 0x20) {
            fail(c, "in string literal");
          }
        }
        case IN_STRING_ESC -> {
          switch (c) {
            case 'b', 'f', 'n', 'r', 't', '\\', '/', '"' -> step = Step.IN_STRING;
            case 'u' -> step = Step.IN_STRING_ESC_U;
            default -> fail(c, "in string escape code");
          }
        }
        case IN_STRING_ESC_U -> hex(c, Step.IN_STRING_ESC_U1);
        case IN_STRING_ESC_U1 -> hex(c, Step.IN_STRING_ESC_U12);
        case IN_STRING_ESC_U12 -> hex(c, Step.IN_STRING_ESC_U123);
        case IN_STRING_ESC_U123 -> hex(c, Step.IN_STRING);
        case NEG -> {
          if (c == '0') {
            step = Step.ZERO;
          } else if (c >= '1' && c <= '9') {
            step = Step.ONE;
          } else {
            fail(c, "in numeric literal");
          }
        }
        case ONE -> {
          if (!digit(c)) {
            afterInteger(c);
          }
        }
        case ZERO -> afterInteger(c);
        case DOT -> {
          if (digit(c)) {
            step = Step.DOT0;
          } else {
            fail(c, "after decimal point in numeric literal");
          }
        }
        case DOT0 -> {
          if (c == 'e' || c == 'E') {
            step = Step.E;
          } else if (!digit(c)) {
            endValue(c);
          }
        }
        case E -> {
          if (c == '+' || c == '-') {
            step = Step.E_SIGN;
          } else {
            exponentDigit(c);
          }
        }
        case E_SIGN -> exponentDigit(c);
        case E0 -> {
          if (!digit(c)) {
            endValue(c);
          }
        }
        case T -> literal(c, 'r', Step.TR, "true");
        case TR -> literal(c, 'u', Step.TRU, "true");
        case TRU -> literal(c, 'e', Step.END_VALUE, "true");
        case F -> literal(c, 'a', Step.FA, "false");
        case FA -> literal(c, 'l', Step.FAL, "false");
        case FAL -> literal(c, 's', Step.FALS, "false");
        case FALS -> literal(c, 'e', Step.END_VALUE, "false");
        case N -> literal(c, 'u', Step.NU, "null");
        case NU -> literal(c, 'l', Step.NUL, "null");
        case NUL -> literal(c, 'l', Step.END_VALUE, "null");
      }
    }

    private void beginValue(int c) {
      if (space(c)) {
        return;
      }
      switch (c) {
        case '{' -> {
          step = Step.BEGIN_STRING_OR_EMPTY;
          push(Context.OBJECT_KEY, c);
        }
        case '[' -> {
          step = Step.BEGIN_VALUE_OR_EMPTY;
          push(Context.ARRAY_VALUE, c);
        }
        case '"' -> step = Step.IN_STRING;
        case '-' -> step = Step.NEG;
        case '0' -> step = Step.ZERO;
        case 't' -> step = Step.T;
        case 'f' -> step = Step.F;
        case 'n' -> step = Step.N;
        default -> {
          if (c >= '1' && c <= '9') {
            step = Step.ONE;
          } else {
            fail(c, "looking for beginning of value");
          }
        }
      }
    }

    private void beginString(int c) {
      if (space(c)) {
        return;
      }
      if (c == '"') {
        step = Step.IN_STRING;
      } else {
        fail(c, "looking for beginning of object key string");
      }
    }

    private void endValue(int c) {
      if (contexts.isEmpty()) {
        step = Step.END_TOP;
        endTop = true;
        if (!space(c)) {
          fail(c, "after top-level value");
        }
        return;
      }
      if (space(c)) {
        step = Step.END_VALUE;
        return;
      }
      switch (contexts.peek()) {
        case OBJECT_KEY -> {
          if (c == ':') {
            contexts.pop();
            contexts.push(Context.OBJECT_VALUE);
            step = Step.BEGIN_VALUE;
          } else {
            fail(c, "after object key");
          }
        }
        case OBJECT_VALUE -> {
          if (c == ',') {
            contexts.pop();
            contexts.push(Context.OBJECT_KEY);
            step = Step.BEGIN_STRING;
          } else if (c == '}') {
            pop();
          } else {
            fail(c, "after object key:value pair");
          }
        }
        case ARRAY_VALUE -> {
          if (c == ',') {
            step = Step.BEGIN_VALUE;
          } else if (c == ']') {
            pop();
          } else {
            fail(c, "after array element");
          }
        }
      }
    }

    private void afterInteger(int c) {
      if (c == '.') {
        step = Step.DOT;
      } else if (c == 'e' || c == 'E') {
        step = Step.E;
      } else {
        endValue(c);
      }
    }

    private void exponentDigit(int c) {
      if (digit(c)) {
        step = Step.E0;
      } else {
        fail(c, "in exponent of numeric literal");
      }
    }

    private void literal(int c, char expected, Step next, String word) {
      if (c == expected) {
        step = next;
      } else {
        fail(c, "in literal " + word + " (expecting '" + expected + "')");
      }
    }

    private void hex(int c, Step next) {
      if (digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        step = next;
      } else {
        fail(c, "in \\u hexadecimal character escape");
      }
    }

    private void push(Context context, int c) {
      contexts.push(context);
      if (contexts.size() > MAX_NESTING_DEPTH) {
        fail(c, "exceeded max depth");
      }
    }

    private void pop() {
      contexts.pop();
      if (contexts.isEmpty()) {
        step = Step.END_TOP;
        endTop = true;
      } else {
        step = Step.END_VALUE;
      }
    }

    private void fail(int c, String context) {
      error = "invalid character " + GoText.quoteByte(c) + " " + context;
    }

    private static boolean space(int c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean digit(int c) {
      return c >= '0' && c <= '9';
    }
  }
}
