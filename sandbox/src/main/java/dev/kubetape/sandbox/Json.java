package dev.kubetape.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The sandbox's JSON and YAML mappers, and the few tree helpers every handler needs. */
final class Json {
  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();
  static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build())
      .build();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  static String string(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** The object at {@code field}, created when missing (or replaced when not an object). */
  static ObjectNode with(ObjectNode parent, String field) {
    JsonNode child = parent.get(field);
    if (child instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(field);
  }

  /** Text at a path of field names, or null when any step is missing or not text. */
  static String text(JsonNode node, String... path) {
    JsonNode at = node;
    for (String step : path) {
      if (at == null) {
        return null;
      }
      at = at.get(step);
    }
    return at != null && at.isTextual() ? at.asText() : null;
  }

  static JsonNode at(JsonNode node, String... path) {
    JsonNode at = node;
    for (String step : path) {
      if (at == null || !at.isObject()) {
        return null;
      }
      at = at.get(step);
    }
    return at;
  }

  /** Kubernetes writes times as RFC 3339 in UTC with whole seconds. */
  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** MicroTime fields (events.k8s.io eventTime, lease times) keep microseconds. */
  static String microTime(Instant instant) {
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    String text = micros.toString();
    // Instant.toString drops trailing zero groups; MicroTime always has six digits.
    int dot = text.indexOf('.');
    String fraction = dot < 0 ? "" : text.substring(dot + 1, text.length() - 1);
    String seconds = dot < 0 ? text.substring(0, text.length() - 1) : text.substring(0, dot);
    return seconds + "." + (fraction + "000000").substring(0, 6) + "Z";
  }
}
