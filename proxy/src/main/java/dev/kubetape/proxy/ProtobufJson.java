package dev.kubetape.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Policy;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes protobuf bodies (what kubectl create sends) as JSON: the {@code k8s\0} magic, the
 * runtime.Unknown envelope, then the object walked field by field through the descriptors of
 * {@code io.kubernetes:client-java-proto}. The JSON names are the proto field names, which
 * Kubernetes keeps equal to the JSON ones; the few types that serialize differently in JSON
 * (Time, Quantity, IntOrString, RawExtension, FieldsV1) are turned into their JSON forms.
 * Best-effort: fields newer than the descriptors are skipped.
 */
final class ProtobufJson {
  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1";
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  /** Message types by full proto name, from the API groups whose objects make a deploy. */
  private static final Map<String, Descriptor> TYPES = new HashMap<>();

  static {
    for (FileDescriptor file : List.of(V1.getDescriptor(), V1Apps.getDescriptor(), Meta.getDescriptor(),
        V1Autoscaling.getDescriptor(), V1Batch.getDescriptor(), V1Policy.getDescriptor())) {
      for (Descriptor type : file.getMessageTypes()) {
        TYPES.put(type.getFullName(), type);
      }
    }
  }

  private ProtobufJson() {}

  /** The body as JSON text, or null when it is not a Kubernetes protobuf message we know. */
  static String decode(byte[] body) throws IOException {
    if (!isProtobuf(body)) {
      return null;
    }
    Runtime.Unknown unknown = Runtime.Unknown.parseFrom(ByteString.copyFrom(body, MAGIC.length,
        body.length - MAGIC.length));
    String apiVersion = unknown.getTypeMeta().getApiVersion();
    String kind = unknown.getTypeMeta().getKind();
    Descriptor type = type(apiVersion, kind);
    if (type == null) {
      return null;
    }
    ObjectNode json = NODES.objectNode();
    json.put("apiVersion", apiVersion);
    json.put("kind", kind);
    json.setAll(object(DynamicMessage.parseFrom(type, unknown.getRaw())));
    return JSON.writeValueAsString(json);
  }

  private static Descriptor type(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    String protoPackage = group.isEmpty() ? "k8s.io.api.core." + version
        : group.equals("meta.k8s.io") ? META
        : "k8s.io.api." + group.split("\\.")[0] + "." + version;
    Descriptor type = TYPES.get(protoPackage + "." + kind);
    // Status and the options types travel as "v1" but are defined in meta/v1.
    return type != null ? type : TYPES.get(META + "." + kind);
  }

  private static ObjectNode object(Message message) {
    ObjectNode json = NODES.objectNode();
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      json.set(descriptor.getName(), value(descriptor, field.getValue()));
    }
    return json;
  }

  private static JsonNode value(FieldDescriptor field, Object value) {
    if (field.isMapField()) {
      ObjectNode map = NODES.objectNode();
      for (Object entry : (List<?>) value) {
        Message pair = (Message) entry;
        FieldDescriptor keyField = pair.getDescriptorForType().findFieldByName("key");
        FieldDescriptor valueField = pair.getDescriptorForType().findFieldByName("value");
        map.set(String.valueOf(pair.getField(keyField)), single(valueField, pair.getField(valueField)));
      }
      return map;
    }
    if (field.isRepeated()) {
      ArrayNode array = NODES.arrayNode();
      for (Object item : (List<?>) value) {
        array.add(single(field, item));
      }
      return array;
    }
    return single(field, value);
  }

  private static JsonNode single(FieldDescriptor field, Object value) {
    return switch (field.getJavaType()) {
      case MESSAGE -> message((Message) value);
      case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case INT -> NODES.numberNode((Integer) value);
      case LONG -> NODES.numberNode((Long) value);
      case FLOAT -> NODES.numberNode((Float) value);
      case DOUBLE -> NODES.numberNode((Double) value);
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case STRING -> NODES.textNode((String) value);
      case ENUM -> NODES.textNode(value.toString());
    };
  }

  /** The types whose JSON form is not their field-by-field form. */
  private static JsonNode message(Message message) {
    String name = message.getDescriptorForType().getFullName();
    return switch (name) {
      case META + ".Time" -> NODES.textNode(SECONDS.format(Instant.ofEpochSecond(
          longField(message, "seconds"), longField(message, "nanos"))));
      case META + ".MicroTime" -> NODES.textNode(MICROS.format(Instant.ofEpochSecond(
          longField(message, "seconds"), longField(message, "nanos"))));
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> NODES.textNode(stringField(message, "string"));
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> longField(message, "type") == 1
          ? NODES.textNode(stringField(message, "strVal")) : NODES.numberNode(longField(message, "intVal"));
      case "k8s.io.apimachinery.pkg.runtime.RawExtension", META + ".FieldsV1" -> raw(message);
      default -> object(message);
    };
  }

  private static JsonNode raw(Message message) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName("raw");
    ByteString raw = field == null ? ByteString.EMPTY : (ByteString) message.getField(field);
    try {
      return JSON.readTree(raw.toByteArray());
    } catch (IOException e) {
      return NODES.textNode(Base64.getEncoder().encodeToString(raw.toByteArray()));
    }
  }

  private static long longField(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    return field == null ? 0 : ((Number) message.getField(field)).longValue();
  }

  private static String stringField(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    return field == null ? "" : String.valueOf(message.getField(field));
  }

  /** Whether a body starts with the magic of Kubernetes protobuf. */
  static boolean isProtobuf(byte[] body) {
    if (body == null || body.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (body[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }
}
