package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod template printed the way the deployment controller prints it before hashing it:
 * apimachinery's {@code dump.ForHash}, which is go-spew's {@code %#v} with sorted map keys over
 * the Go struct {@code v1.PodTemplateSpec}. Every field of the struct is printed, set or not,
 * in declaration order, so the JSON alone is not enough: the Go layout of the struct tree
 * (field order, Go type names, JSON names) comes from {@code pod-template-layout.txt}, which
 * {@code src/test/go/pod-template-layout} generates from k8s.io/api by reflection.
 *
 * <p>The JSON is read as the controller reads the stored object after a round trip through
 * protobuf: an empty list or map is the same as none, and quantities are in canonical form.
 *
 * <p>spew's rules, as used here: a value shows its type in parentheses unless it is an element
 * of a list, a key or value of a map, or what a pointer points to; strings print raw; a nil
 * pointer, list or map prints {@code <nil>}; structs print {@code {Field:value ...}}, lists
 * {@code [a b]}, maps {@code map[k:v ...]}.
 */
final class PodTemplateDump {
  private static final String LAYOUT = "pod-template-layout.txt";
  private static final String ROOT = "v1.PodTemplateSpec";
  private static final Map<String, GoType> TYPES = load();

  private PodTemplateDump() {}

  private sealed interface GoType permits Struct, Pointer, Slice, GoMap, Scalar {}

  private record Field(String goName, String jsonName, String type) {
    boolean inline() {
      return jsonName.equals(",inline");
    }
  }

  private record Struct(List<Field> fields) implements GoType {}

  private record Pointer(String elem) implements GoType {}

  private record Slice(String elem) implements GoType {}

  private record GoMap(String key, String elem) implements GoType {}

  private record Scalar(String kind) implements GoType {}

  /** The text whose FNV-32a is the pod-template-hash (before the collision count). */
  static String of(JsonNode template) {
    StringBuilder out = new StringBuilder(4096);
    value(out, ROOT, template, true);
    return out.toString();
  }

  private static void value(StringBuilder out, String typeName, JsonNode json, boolean showType) {
    GoType type = TYPES.get(typeName);
    if (type == null) {
      throw new IllegalStateException("no Go layout for " + typeName);
    }
    switch (type) {
      case Pointer pointer -> {
        if (absent(json)) {
          out.append(showType ? "(" + typeName + ")<nil>" : "<nil>");
        } else {
          out.append(showType ? "(" + typeName + ")" : "<*>");
          value(out, pointer.elem(), json, false);
        }
      }
      case Struct struct -> {
        if (showType) {
          out.append('(').append(typeName).append(')');
        }
        JsonNode fields = goShaped(typeName, json);
        out.append('{');
        boolean first = true;
        for (Field field : struct.fields()) {
          if (!first) {
            out.append(' ');
          }
          first = false;
          out.append(field.goName()).append(':');
          JsonNode fieldJson = field.inline() ? fields : fields == null ? null : fields.get(field.jsonName());
          value(out, field.type(), fieldJson, true);
        }
        out.append('}');
      }
      case Slice slice -> {
        if (showType) {
          out.append('(').append(typeName).append(')');
        }
        if (absent(json) || !json.isArray() || json.isEmpty()) {
          out.append("<nil>");
          return;
        }
        out.append('[');
        for (int i = 0; i < json.size(); i++) {
          if (i > 0) {
            out.append(' ');
          }
          value(out, slice.elem(), json.get(i), false);
        }
        out.append(']');
      }
      case GoMap map -> {
        if (showType) {
          out.append('(').append(typeName).append(')');
        }
        if (absent(json) || !json.isObject() || json.isEmpty()) {
          out.append("<nil>");
          return;
        }
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        // Go compares strings byte by byte, as UTF-8.
        keys.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
            b.getBytes(StandardCharsets.UTF_8)));
        out.append("map[");
        for (int i = 0; i < keys.size(); i++) {
          if (i > 0) {
            out.append(' ');
          }
          value(out, map.key(), Json.NODES.textNode(keys.get(i)), false);
          out.append(':');
          value(out, map.elem(), json.get(keys.get(i)), false);
        }
        out.append(']');
      }
      case Scalar scalar -> {
        if (showType) {
          out.append('(').append(typeName).append(')');
        }
        out.append(scalar(scalar.kind(), json));
      }
    }
  }

  private static boolean absent(JsonNode json) {
    return json == null || json.isNull() || json.isMissingNode();
  }

  private static String scalar(String kind, JsonNode json) {
    boolean missing = absent(json);
    return switch (kind) {
      case "string" -> missing ? "" : json.asText();
      case "bool" -> missing ? "false" : String.valueOf(json.asBoolean());
      case "int" -> missing ? "0" : json.isTextual() ? json.asText() : String.valueOf(json.asLong());
      case "uint" -> missing ? "0" : json.isTextual() ? json.asText() : Long.toUnsignedString(json.asLong());
      default -> throw new IllegalStateException("unsupported Go kind " + kind);
    };
  }

  /**
   * The three types whose JSON form is a scalar become the Go struct they decode to, keyed by
   * Go field names (which is how the layout names their fields).
   */
  private static JsonNode goShaped(String typeName, JsonNode json) {
    return switch (typeName) {
      case "resource.Quantity" -> quantity(json);
      case "intstr.IntOrString" -> intOrString(json);
      case "v1.Time" -> time(json);
      default -> json;
    };
  }

  private static JsonNode quantity(JsonNode json) {
    ObjectNode go = Json.object();
    if (absent(json)) {
      return go;
    }
    CanonicalQuantity quantity = CanonicalQuantity.parse(json.asText());
    CanonicalQuantity.GoFields fields = quantity.goFields();
    ObjectNode amount = go.putObject("i");
    if (fields != null) {
      amount.put("value", fields.value());
      amount.put("scale", fields.scale());
      go.putObject("d").putNull("Dec");
      go.put("s", fields.cached());
      go.put("Format", fields.format().name());
      return go;
    }
    // Beyond what int64 holds the parser keeps an inf.Dec: an unscaled big.Int (64-bit words,
    // least significant first) and a scale.
    ObjectNode dec = go.putObject("d").putObject("Dec");
    ObjectNode unscaled = dec.putObject("unscaled");
    // ParseQuantity rounds the amount to nano units, so its scale is always 9.
    java.math.BigDecimal nanos = quantity.value().setScale(9, java.math.RoundingMode.UP);
    java.math.BigInteger magnitude = nanos.unscaledValue();
    unscaled.put("neg", magnitude.signum() < 0);
    var words = unscaled.putArray("abs");
    for (java.math.BigInteger rest = magnitude.abs(); rest.signum() > 0; rest = rest.shiftRight(64)) {
      words.add(rest.longValue());
    }
    dec.put("scale", 9);
    go.put("s", "");
    go.put("Format", CanonicalQuantity.parse(quantity.toString()).format().name());
    return go;
  }

  private static JsonNode intOrString(JsonNode json) {
    ObjectNode go = Json.object();
    if (absent(json)) {
      return go;
    }
    if (json.isNumber()) {
      go.put("Type", 0);
      go.put("IntVal", json.asInt());
      go.put("StrVal", "");
    } else {
      go.put("Type", 1);
      go.put("IntVal", 0);
      go.put("StrVal", json.asText());
    }
    return go;
  }

  /**
   * A metav1.Time. Templates carry none in practice (their creationTimestamp is null); a set
   * one is printed with Go's wall and ext encoding of a time without a monotonic reading and
   * without its location, which the real decoder sets to the controller's local zone.
   */
  private static JsonNode time(JsonNode json) {
    ObjectNode go = Json.object();
    ObjectNode time = go.putObject("Time");
    if (absent(json)) {
      return go;
    }
    Instant instant = Instant.parse(json.asText());
    time.put("wall", instant.getNano());
    time.put("ext", instant.getEpochSecond() + 62_135_596_800L);
    return go;
  }

  private static Map<String, GoType> load() {
    InputStream in = PodTemplateDump.class.getResourceAsStream(LAYOUT);
    if (in == null) {
      throw new IllegalStateException(LAYOUT + " is missing from the classpath");
    }
    Map<String, GoType> types = new HashMap<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<Field> fields = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.trim().split(" ");
        if (line.startsWith(" ")) {
          fields.add(new Field(parts[0], parts[1], parts[2]));
          continue;
        }
        GoType type = switch (parts[1]) {
          case "struct" -> new Struct(fields = new ArrayList<>());
          case "ptr" -> new Pointer(parts[2]);
          case "slice", "array" -> new Slice(parts[2]);
          case "map" -> new GoMap(parts[2], parts[3]);
          default -> new Scalar(parts[1]);
        };
        types.put(parts[0], type);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + LAYOUT, e);
    }
    return Map.copyOf(types);
  }
}
