package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validation kube-apiserver runs on create and update, for the fields users get wrong, with
 * the same field paths and messages ({@code field.ErrorList} rendering) so that kubectl prints
 * the same error.
 */
final class Validation {
  private Validation() {}

  private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_SUBDOMAIN = DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*";
  private static final String DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final String LABEL_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String CONFIG_KEY = "[-._a-zA-Z0-9]+";

  static final String SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case"
      + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric"
      + " character (e.g. 'example.com', regex used for validation is"
      + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  static final String LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case"
      + " alphanumeric characters or '-', and must start and end with an alphanumeric character"
      + " (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  static final String DNS1035_MESSAGE = "a DNS-1035 label must consist of lower case alphanumeric"
      + " characters or '-', start with an alphabetic character, and end with an alphanumeric"
      + " character (e.g. 'my-name',  or 'abc-123', regex used for validation is"
      + " '[a-z]([-a-z0-9]*[a-z0-9])?')";

  // ---- causes, as field.Error renders them ---------------------------------------------------

  static ApiException.Cause required(String field) {
    return new ApiException.Cause("FieldValueRequired", "Required value", field);
  }

  static ApiException.Cause required(String field, String detail) {
    return new ApiException.Cause("FieldValueRequired", "Required value: " + detail, field);
  }

  static ApiException.Cause invalid(String field, Object value, String detail) {
    return new ApiException.Cause("FieldValueInvalid",
        "Invalid value: " + render(value) + ": " + detail, field);
  }

  static ApiException.Cause notSupported(String field, Object value, List<String> supported) {
    StringBuilder list = new StringBuilder();
    for (String option : supported) {
      if (!list.isEmpty()) {
        list.append(", ");
      }
      list.append('"').append(option).append('"');
    }
    return new ApiException.Cause("FieldValueNotSupported",
        "Unsupported value: " + render(value) + ": supported values: " + list, field);
  }

  static ApiException.Cause duplicate(String field, Object value) {
    return new ApiException.Cause("FieldValueDuplicate", "Duplicate value: " + render(value), field);
  }

  static ApiException.Cause forbidden(String field, String detail) {
    return new ApiException.Cause("FieldValueForbidden", "Forbidden: " + detail, field);
  }

  static ApiException.Cause tooLong(String field, int max) {
    return new ApiException.Cause("FieldValueTooLong",
        "Too long: may not be more than " + max + " bytes", field);
  }

  /**
   * Values as field errors show them since Kubernetes 1.34: strings quoted, numbers bare,
   * and maps, lists and structs as compact JSON (map keys sorted, as Go writes them).
   */
  static String render(Object value) {
    if (value instanceof String text) {
      return quote(text);
    }
    if (value instanceof JsonNode node) {
      return node.isTextual() ? quote(node.asText()) : Json.string(sortedMaps(node));
    }
    return String.valueOf(value);
  }

  /** A copy with the keys of string maps sorted; structs keep their field order. */
  private static JsonNode sortedMaps(JsonNode node) {
    if (node.isObject()) {
      boolean map = true;
      for (JsonNode child : node) {
        map &= child.isTextual();
      }
      ObjectNode copy = Json.object();
      java.util.List<String> names = new java.util.ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      if (map) {
        java.util.Collections.sort(names);
      }
      names.forEach(name -> copy.set(name, sortedMaps(node.get(name))));
      return copy;
    }
    if (node.isArray()) {
      var copy = Json.array();
      node.forEach(item -> copy.add(sortedMaps(item)));
      return copy;
    }
    return node;
  }

  /** Go's strconv.Quote, which field errors use for string values. */
  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            quoted.append(String.format("\\x%02x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  // ---- metadata ------------------------------------------------------------------------------

  static void metadata(ResourceType type, ObjectNode object, List<ApiException.Cause> causes) {
    ObjectNode metadata = (ObjectNode) object.get("metadata");
    String name = Json.text(metadata, "name");
    if (name == null || name.isEmpty()) {
      causes.add(required("metadata.name", "name or generateName is required"));
    } else {
      nameFormat(type, name, causes);
    }
    if (type.namespaced()) {
      String namespace = Json.text(metadata, "namespace");
      if (namespace == null || namespace.isEmpty()) {
        causes.add(required("metadata.namespace"));
      }
    }
    labels(metadata.get("labels"), "metadata.labels", causes);
    JsonNode annotations = metadata.get("annotations");
    if (annotations != null && annotations.isObject()) {
      long total = 0;
      Iterator<Map.Entry<String, JsonNode>> entries = annotations.properties().iterator();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        qualifiedName(entry.getKey(), "metadata.annotations", causes);
        total += entry.getKey().length() + entry.getValue().asText().length();
      }
      if (total > 256 * 1024) {
        causes.add(tooLong("metadata.annotations", 256 * 1024));
      }
    }
  }

  private static void nameFormat(ResourceType type, String name, List<ApiException.Cause> causes) {
    switch (type.kind()) {
      case "Namespace" -> dnsLabel(name, "metadata.name", causes);
      case "Service" -> {
        if (!name.matches(DNS1035_LABEL) || name.length() > 63) {
          causes.add(invalid("metadata.name", name, name.length() > 63
              ? "must be no more than 63 characters" : DNS1035_MESSAGE));
        }
      }
      case "Event", "SelfSubjectAccessReview", "SelfSubjectReview", "SelfSubjectRulesReview" -> { }
      default -> {
        if (name.length() > 253) {
          causes.add(invalid("metadata.name", name, "must be no more than 253 characters"));
        } else if (!name.matches(DNS1123_SUBDOMAIN)) {
          causes.add(invalid("metadata.name", name, SUBDOMAIN_MESSAGE));
        }
      }
    }
  }

  static void dnsLabel(String value, String field, List<ApiException.Cause> causes) {
    if (value.length() > 63) {
      causes.add(invalid(field, value, "must be no more than 63 characters"));
    } else if (!value.matches(DNS1123_LABEL)) {
      causes.add(invalid(field, value, LABEL_MESSAGE));
    }
  }

  static void labels(JsonNode labels, String field, List<ApiException.Cause> causes) {
    if (labels == null || !labels.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> entries = labels.properties().iterator();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      qualifiedName(entry.getKey(), field, causes);
      String value = entry.getValue().asText();
      if (value.length() > 63) {
        causes.add(invalid(field, value, "must be no more than 63 characters"));
      } else if (!value.isEmpty() && !value.matches(LABEL_NAME)) {
        causes.add(invalid(field, value, "a valid label must be an empty string or consist of"
            + " alphanumeric characters, '-', '_' or '.', and must start and end with an"
            + " alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used"
            + " for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
      }
    }
  }

  static void qualifiedName(String key, String field, List<ApiException.Cause> causes) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || !prefix.matches(DNS1123_SUBDOMAIN) || prefix.length() > 253) {
        causes.add(invalid(field, key, "prefix part " + SUBDOMAIN_MESSAGE));
        return;
      }
    }
    if (name.isEmpty()) {
      causes.add(invalid(field, key, "name part must be non-empty"));
    } else if (name.length() > 63) {
      causes.add(invalid(field, key, "name part must be no more than 63 characters"));
    } else if (!name.matches(LABEL_NAME)) {
      causes.add(invalid(field, key, "name part must consist of alphanumeric characters, '-', '_'"
          + " or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or"
          + " 'my.name',  or '123-abc', regex used for validation is"
          + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
    }
  }

  // ---- kinds ---------------------------------------------------------------------------------

  static void kind(ResourceType type, ObjectNode object, ObjectNode current,
      List<ApiException.Cause> causes) {
    switch (type.kind()) {
      case "Deployment", "ReplicaSet" -> workload(type, object, current, causes);
      case "Pod" -> {
        podSpec(object.path("spec"), "spec", causes, false);
        if (current != null && !podSpecMutableOnly(object.path("spec"), current.path("spec"))) {
          causes.add(forbidden("spec", "pod updates may not change fields other than"
              + " `spec.containers[*].image`,`spec.initContainers[*].image`,"
              + "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing"
              + " tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it"
              + " was previously negative)"));
        }
      }
      case "ConfigMap" -> configData(object, causes);
      case "Secret" -> {
        configData(object, causes);
        if (current != null && !object.path("type").equals(current.path("type"))) {
          causes.add(invalid("type", object.path("type"), "field is immutable"));
        }
      }
      case "Service" -> service(object, current, causes);
      default -> { }
    }
  }

  private static void workload(ResourceType type, ObjectNode object, ObjectNode current,
      List<ApiException.Cause> causes) {
    JsonNode spec = object.path("spec");
    JsonNode replicas = spec.get("replicas");
    if (replicas != null && replicas.asLong() < 0) {
      causes.add(invalid("spec.replicas", replicas.asLong(), "must be greater than or equal to 0"));
    }
    JsonNode selector = spec.get("selector");
    if (selector == null || selector.isNull()) {
      causes.add(required("spec.selector"));
    } else if (selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty()) {
      causes.add(invalid("spec.selector", labelSelectorValue(selector),
          "empty selector is invalid for " + type.kind().toLowerCase()));
    } else {
      labels(selector.get("matchLabels"), "spec.selector.matchLabels", causes);
      JsonNode templateLabels = spec.path("template").path("metadata").path("labels");
      ObjectNode probe = Json.object();
      probe.putObject("metadata").set("labels", templateLabels.isObject() ? templateLabels : Json.object());
      if (!Selectors.labelSelectorObject(selector).test(probe)) {
        causes.add(invalid("spec.template.metadata.labels",
            templateLabels.isObject() ? templateLabels : Json.object(),
            "`selector` does not match template `labels`"));
      }
    }
    labels(spec.path("template").path("metadata").get("labels"), "spec.template.metadata.labels", causes);
    JsonNode podSpec = spec.path("template").path("spec");
    podSpec(podSpec, "spec.template.spec", causes, true);
    String restart = podSpec.path("restartPolicy").asText("Always");
    if (!restart.equals("Always")) {
      causes.add(notSupported("spec.template.spec.restartPolicy", restart, List.of("Always")));
    }
    if (type.kind().equals("Deployment")) {
      deploymentStrategy(spec, causes);
    }
    if (current != null && selector != null && !selector.equals(current.path("spec").path("selector"))) {
      causes.add(invalid("spec.selector", labelSelectorValue(selector), "field is immutable"));
    }
  }

  private static void deploymentStrategy(JsonNode spec, List<ApiException.Cause> causes) {
    JsonNode strategy = spec.path("strategy");
    String type = strategy.path("type").asText("RollingUpdate");
    if (!type.equals("RollingUpdate") && !type.equals("Recreate")) {
      causes.add(notSupported("spec.strategy.type", type, List.of("Recreate", "RollingUpdate")));
      return;
    }
    if (type.equals("Recreate") && strategy.has("rollingUpdate")) {
      causes.add(forbidden("spec.strategy.rollingUpdate",
          "may not be specified when strategy `type` is 'Recreate'"));
    }
    JsonNode rolling = strategy.path("rollingUpdate");
    if (type.equals("RollingUpdate") && rolling.isObject()) {
      boolean surgeZero = isZero(rolling.get("maxSurge"));
      boolean unavailableZero = isZero(rolling.get("maxUnavailable"));
      if (surgeZero && unavailableZero) {
        causes.add(invalid("spec.strategy.rollingUpdate.maxUnavailable",
            rolling.get("maxUnavailable"), "may not be 0 when `maxSurge` is 0"));
      }
      for (String field : new String[] {"maxSurge", "maxUnavailable"}) {
        JsonNode value = rolling.get(field);
        if (value != null && value.isTextual()) {
          String text = value.asText();
          if (!text.matches("\\d+%")) {
            causes.add(invalid("spec.strategy.rollingUpdate." + field, text,
                "a valid percent string must be a numeric string followed by an ending '%' (e.g."
                    + " '1%',  or '93%', regex used for validation is '[0-9]+%')"));
          } else if (field.equals("maxUnavailable") && Integer.parseInt(text.replace("%", "")) > 100) {
            causes.add(invalid("spec.strategy.rollingUpdate.maxUnavailable", text,
                "must not be greater than 100%"));
          }
        } else if (value != null && value.asLong() < 0) {
          causes.add(invalid("spec.strategy.rollingUpdate." + field, value.asLong(),
              "must be greater than or equal to 0"));
        }
      }
    }
    JsonNode deadline = spec.get("progressDeadlineSeconds");
    JsonNode minReady = spec.get("minReadySeconds");
    if (deadline != null && minReady != null && deadline.asLong() <= minReady.asLong()) {
      causes.add(invalid("spec.progressDeadlineSeconds", deadline.asLong(),
          "must be greater than minReadySeconds"));
    }
  }

  private static boolean isZero(JsonNode value) {
    return value != null && (value.isIntegralNumber() ? value.asLong() == 0
        : value.asText().equals("0%") || value.asText().equals("0"));
  }

  /** A label selector as an Invalid value shows it: JSON in struct order. */
  static JsonNode labelSelectorValue(JsonNode selector) {
    ObjectNode value = Json.object();
    if (selector.has("matchLabels")) {
      value.set("matchLabels", selector.get("matchLabels"));
    }
    if (selector.has("matchExpressions")) {
      value.set("matchExpressions", selector.get("matchExpressions"));
    }
    return value;
  }

  static void podSpec(JsonNode spec, String path, List<ApiException.Cause> causes, boolean template) {
    JsonNode containers = spec.path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      causes.add(required(path + ".containers"));
    }
    Set<String> names = new HashSet<>();
    Set<String> volumeNames = new HashSet<>();
    for (int i = 0; i < spec.path("volumes").size(); i++) {
      JsonNode volume = spec.path("volumes").get(i);
      String name = volume.path("name").asText("");
      String field = path + ".volumes[" + i + "].name";
      if (name.isEmpty()) {
        causes.add(required(field));
      } else if (!volumeNames.add(name)) {
        causes.add(duplicate(field, name));
      } else {
        dnsLabel(name, field, causes);
      }
    }
    for (String list : new String[] {"initContainers", "containers"}) {
      JsonNode items = spec.path(list);
      for (int i = 0; i < items.size(); i++) {
        container(items.get(i), path + "." + list + "[" + i + "]", names, volumeNames, causes);
      }
    }
    String restart = spec.path("restartPolicy").asText("Always");
    if (!template && !List.of("Always", "OnFailure", "Never").contains(restart)) {
      causes.add(notSupported(path + ".restartPolicy", restart, List.of("Always", "OnFailure", "Never")));
    }
    String dns = spec.path("dnsPolicy").asText("ClusterFirst");
    if (!List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None").contains(dns)) {
      causes.add(notSupported(path + ".dnsPolicy", dns,
          List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")));
    }
  }

  private static void container(JsonNode container, String path, Set<String> names,
      Set<String> volumes, List<ApiException.Cause> causes) {
    String name = container.path("name").asText("");
    if (name.isEmpty()) {
      causes.add(required(path + ".name"));
    } else if (!names.add(name)) {
      causes.add(duplicate(path + ".name", name));
    } else {
      dnsLabel(name, path + ".name", causes);
    }
    if (container.path("image").asText("").isEmpty()) {
      causes.add(required(path + ".image"));
    }
    String pull = container.path("imagePullPolicy").asText("IfNotPresent");
    if (!List.of("Always", "IfNotPresent", "Never").contains(pull)) {
      causes.add(notSupported(path + ".imagePullPolicy", pull, List.of("Always", "IfNotPresent", "Never")));
    }
    JsonNode ports = container.path("ports");
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      long number = port.path("containerPort").asLong(0);
      if (number < 1 || number > 65535) {
        causes.add(invalid(path + ".ports[" + i + "].containerPort", number,
            "must be between 1 and 65535, inclusive"));
      }
      String protocol = port.path("protocol").asText("TCP");
      if (!List.of("SCTP", "TCP", "UDP").contains(protocol)) {
        causes.add(notSupported(path + ".ports[" + i + "].protocol", protocol, List.of("SCTP", "TCP", "UDP")));
      }
    }
    JsonNode env = container.path("env");
    for (int i = 0; i < env.size(); i++) {
      if (env.get(i).path("name").asText("").isEmpty()) {
        causes.add(required(path + ".env[" + i + "].name"));
      }
    }
    JsonNode mounts = container.path("volumeMounts");
    for (int i = 0; i < mounts.size(); i++) {
      String volume = mounts.get(i).path("name").asText("");
      if (volume.isEmpty()) {
        causes.add(required(path + ".volumeMounts[" + i + "].name"));
      } else if (!volumes.contains(volume)) {
        causes.add(notFound(path + ".volumeMounts[" + i + "].name", volume));
      }
      if (mounts.get(i).path("mountPath").asText("").isEmpty()) {
        causes.add(required(path + ".volumeMounts[" + i + "].mountPath"));
      }
    }
    JsonNode resources = container.path("resources");
    for (String group : new String[] {"limits", "requests"}) {
      resources.path(group).properties().iterator().forEachRemaining(e -> {
        String field = path + ".resources." + group + "[" + e.getKey() + "]";
        if (!Quantities.isValid(e.getValue().asText())) {
          causes.add(invalid(field, e.getValue().asText(), "must be a valid quantity"));
        } else if (Quantities.parse(e.getValue().asText()).signum() < 0) {
          causes.add(invalid(field, e.getValue().asText(), "must be greater than or equal to 0"));
        }
      });
    }
    resources.path("requests").properties().iterator().forEachRemaining(e -> {
      JsonNode limit = resources.path("limits").get(e.getKey());
      if (limit != null && Quantities.isValid(limit.asText()) && Quantities.isValid(e.getValue().asText())
          && Quantities.compare(e.getValue().asText(), limit.asText()) > 0) {
        causes.add(invalid(path + ".resources.requests", e.getValue().asText(),
            "must be less than or equal to " + e.getKey() + " limit of " + limit.asText()));
      }
    });
  }

  private static ApiException.Cause notFound(String field, String value) {
    return new ApiException.Cause("FieldValueNotFound", "Not found: " + render(value), field);
  }

  /** Pods are immutable but for images, activeDeadlineSeconds, added tolerations and a few more. */
  private static boolean podSpecMutableOnly(JsonNode next, JsonNode current) {
    ObjectNode a = next.deepCopy();
    ObjectNode b = current.deepCopy();
    for (ObjectNode spec : List.of(a, b)) {
      for (String list : new String[] {"containers", "initContainers"}) {
        for (JsonNode container : spec.path(list)) {
          ((ObjectNode) container).remove("image");
        }
      }
      spec.remove("activeDeadlineSeconds");
      spec.remove("tolerations");
      spec.remove("terminationGracePeriodSeconds");
      spec.remove("schedulingGates");
      spec.remove("nodeName");
    }
    return a.equals(b);
  }

  private static void configData(ObjectNode object, List<ApiException.Cause> causes) {
    Set<String> keys = new HashSet<>();
    long size = 0;
    for (String field : new String[] {"data", "binaryData"}) {
      JsonNode data = object.path(field);
      Iterator<Map.Entry<String, JsonNode>> entries = data.properties().iterator();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        String key = entry.getKey();
        size += entry.getValue().asText().length();
        if (!key.matches(CONFIG_KEY) || key.length() > 253) {
          causes.add(invalid(field + "[" + key + "]", key, "a valid config key must consist of"
              + " alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or"
              + " 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
        }
        if (!keys.add(key)) {
          causes.add(invalid(field + "[" + key + "]", key, "duplicate of key present in data"));
        }
      }
    }
    if (size > 1024 * 1024) {
      causes.add(tooLong("", 1024 * 1024));
    }
  }

  private static void service(ObjectNode object, ObjectNode current, List<ApiException.Cause> causes) {
    JsonNode spec = object.path("spec");
    String type = spec.path("type").asText("ClusterIP");
    if (!List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort").contains(type)) {
      causes.add(notSupported("spec.type", type, List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")));
    }
    boolean headless = "None".equals(spec.path("clusterIP").asText());
    JsonNode ports = spec.path("ports");
    if ((ports.isMissingNode() || ports.isEmpty()) && !headless && !type.equals("ExternalName")) {
      causes.add(required("spec.ports"));
    }
    Set<String> portNames = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      long number = port.path("port").asLong(0);
      if (number < 1 || number > 65535) {
        causes.add(invalid("spec.ports[" + i + "].port", number, "must be between 1 and 65535, inclusive"));
      }
      if (ports.size() > 1 && port.path("name").asText("").isEmpty()) {
        causes.add(required("spec.ports[" + i + "].name"));
      }
      String name = port.path("name").asText("");
      if (!name.isEmpty() && !portNames.add(name)) {
        causes.add(duplicate("spec.ports[" + i + "].name", name));
      }
    }
    if (current != null) {
      String before = current.path("spec").path("clusterIP").asText("");
      String after = spec.path("clusterIP").asText("");
      if (!before.isEmpty() && !after.isEmpty() && !before.equals(after)) {
        causes.add(invalid("spec.clusterIPs[0]", Json.array().add(after), "may not change once set"));
      }
    }
  }
}
