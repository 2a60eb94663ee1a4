package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The {@code meta.k8s.io/v1} Table that kube-apiserver answers {@code kubectl get} with
 * ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}).
 *
 * <p>The real server prints internal types with the handlers of
 * {@code pkg/printers/internalversion}, always asking for the wide columns (kubectl hides the
 * priority-1 ones itself unless {@code -o wide}); resources without a handler get the
 * apiserver's default table of Name and Created At. Here the cells are computed from the
 * served v1 JSON instead, so where the internal type differs from v1 (a renamed field, a
 * default the decoder applies) the v1 field is read the way conversion would fill it.
 *
 * <p>Column descriptions come from the OpenAPI field descriptions, which are generated from the
 * same Go comments as the {@code SwaggerDoc()} the real printers use. A few columns are
 * described by API versions the server no longer serves (extensions/v1beta1, apps/v1beta1,
 * discovery.k8s.io/v1beta1), whose comments have since changed; those texts are kept here as
 * the server sends them.
 */
final class Tables {
  private static final String TABLE_VERSION = "meta.k8s.io/v1";
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");
  private static final DateTimeFormatter RFC_3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
  private static final String CORE = "io.k8s.api.core.v1.";
  private static final String APPS = "io.k8s.api.apps.v1.";
  private static final String DISCOVERY = "io.k8s.api.discovery.v1.";

  // Descriptions from SwaggerDoc() of API versions the OpenAPI documents no longer describe.
  private static final String EXTENSIONS_V1BETA1_REPLICA_SET_SELECTOR = "Selector is a label"
      + " query over pods that should match the replica count. If the selector is empty, it is"
      + " defaulted to the labels present on the pod template. Label keys and values that must"
      + " match in order to be controlled by this replica set. More info:"
      + " https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/"
      + "#label-selectors";
  private static final String EXTENSIONS_V1BETA1_DEPLOYMENT_SELECTOR = "Label selector for pods."
      + " Existing ReplicaSets whose pods are selected by this will be the ones affected by this"
      + " deployment.";
  private static final String APPS_V1BETA1_REVISION =
      "revision indicates the revision of the state represented by Data.";
  private static final String DISCOVERY_V1BETA1_ADDRESS_TYPE = "addressType specifies the type of"
      + " address carried by this EndpointSlice. All addresses in this slice must be the same"
      + " type. This field is immutable after creation. The following address types are"
      + " currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6"
      + " Address. * FQDN: Represents a Fully Qualified Domain Name.";
  private static final String DISCOVERY_V1BETA1_PORTS = "ports specifies the list of network ports"
      + " exposed by each endpoint in this slice. Each port must have a unique name. When ports"
      + " is empty, it indicates that there are no defined ports. When a port is defined with a"
      + " nil port value, it indicates \"all ports\". Each slice may include a maximum of 100"
      + " ports.";
  private static final String TEMPLATE_CONTAINERS = "Names of each container in the template.";
  private static final String TEMPLATE_IMAGES =
      "Images referenced by each container in the template.";

  /** A column as the Table describes it; priority 1 marks the columns of {@code -o wide}. */
  record Column(String name, String type, String format, String description, int priority) {
    ObjectNode toJson() {
      ObjectNode column = Json.object();
      column.put("name", name);
      column.put("type", type);
      column.put("format", format);
      column.put("description", description);
      column.put("priority", priority);
      return column;
    }
  }

  /** One row's cells, and the conditions the printer attaches (only finished pods have any). */
  private record Row(ArrayNode cells, ArrayNode conditions) {}

  private record Printer(List<Column> columns, BiFunction<ObjectNode, Instant, Row> row) {}

  private final OpenApi openApi;
  private final Map<String, Printer> printers = new HashMap<>();
  private final List<Column> defaultColumns;

  Tables(OpenApi openApi) {
    this.openApi = openApi;
    Column name = new Column("Name", "string", "name", meta("name"), 0);
    Column age = column("Age", meta("creationTimestamp"));
    defaultColumns = List.of(name, new Column("Created At", "date", "",
        meta("creationTimestamp"), 0));

    printers.put("/Pod", new Printer(List.of(name,
        column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        column("Status", "The aggregate status of the containers in this pod."),
        column("Restarts", "The number of times the containers in this pod have been restarted"
            + " and when the last container in this pod has restarted."),
        age,
        wide("IP", core("PodStatus", "podIP")),
        wide("Node", core("PodSpec", "nodeName")),
        wide("Nominated Node", core("PodStatus", "nominatedNodeName")),
        wide("Readiness Gates", core("PodSpec", "readinessGates"))), PodRow::of));
    printers.put("/Namespace", new Printer(List.of(name,
        column("Status", "The status of the namespace"), age), Tables::namespace));
    printers.put("/Service", new Printer(List.of(name,
        column("Type", core("ServiceSpec", "type")),
        column("Cluster-IP", core("ServiceSpec", "clusterIP")),
        column("External-IP", core("ServiceSpec", "externalIPs")),
        column("Port(s)", core("ServiceSpec", "ports")),
        age,
        wide("Selector", core("ServiceSpec", "selector"))), Tables::service));
    printers.put("/ConfigMap", new Printer(List.of(name,
        column("Data", core("ConfigMap", "data")), age), Tables::configMap));
    printers.put("/Secret", new Printer(List.of(name,
        column("Type", core("Secret", "type")),
        column("Data", core("Secret", "data")), age), Tables::secret));
    printers.put("/ServiceAccount", new Printer(List.of(name,
        column("Secrets", core("ServiceAccount", "secrets")), age), Tables::serviceAccount));
    List<Column> eventColumns = List.of(
        column("Last Seen", core("Event", "lastTimestamp")),
        column("Type", core("Event", "type")),
        column("Reason", core("Event", "reason")),
        column("Object", core("Event", "involvedObject")),
        wide("Subobject", core("ObjectReference", "fieldPath")),
        wide("Source", core("Event", "source")),
        column("Message", core("Event", "message")),
        wide("First Seen", core("Event", "firstTimestamp")),
        wide("Count", core("Event", "count")),
        new Column("Name", "string", "name", meta("name"), 1));
    printers.put("/Event", new Printer(eventColumns, EventRow.CORE_V1::row));
    printers.put("events.k8s.io/Event", new Printer(eventColumns, EventRow.EVENTS_V1::row));
    printers.put("/Node", new Printer(List.of(name,
        column("Status", "The status of the node"),
        column("Roles", "The roles of the node"),
        age,
        column("Version", core("NodeSystemInfo", "kubeletVersion")),
        wide("Internal-IP", core("NodeStatus", "addresses")),
        wide("External-IP", core("NodeStatus", "addresses")),
        wide("OS-Image", core("NodeSystemInfo", "osImage")),
        wide("Kernel-Version", core("NodeSystemInfo", "kernelVersion")),
        wide("Container-Runtime", core("NodeSystemInfo", "containerRuntimeVersion"))),
        Tables::node));
    printers.put("apps/Deployment", new Printer(List.of(name,
        column("Ready", "Number of the pod with ready state"),
        column("Up-to-date", apps("DeploymentStatus", "updatedReplicas")),
        column("Available", apps("DeploymentStatus", "availableReplicas")),
        age,
        wide("Containers", TEMPLATE_CONTAINERS),
        wide("Images", TEMPLATE_IMAGES),
        wide("Selector", EXTENSIONS_V1BETA1_DEPLOYMENT_SELECTOR)), Tables::deployment));
    printers.put("apps/ReplicaSet", new Printer(List.of(name,
        new Column("Desired", "integer", "", apps("ReplicaSetSpec", "replicas"), 0),
        new Column("Current", "integer", "", apps("ReplicaSetStatus", "replicas"), 0),
        new Column("Ready", "integer", "", apps("ReplicaSetStatus", "readyReplicas"), 0),
        age,
        wide("Containers", TEMPLATE_CONTAINERS),
        wide("Images", TEMPLATE_IMAGES),
        wide("Selector", EXTENSIONS_V1BETA1_REPLICA_SET_SELECTOR)), Tables::replicaSet));
    printers.put("apps/ControllerRevision", new Printer(List.of(name,
        column("Controller", "Controller of the object"),
        column("Revision", APPS_V1BETA1_REVISION), age), Tables::controllerRevision));
    printers.put("/ResourceQuota", new Printer(List.of(name,
        column("Request", "Request represents a minimum amount of cpu/memory that a container"
            + " may consume."),
        column("Limit", "Limits control the maximum amount of cpu/memory that a container may"
            + " use independent of contention on the node."),
        age), Tables::resourceQuota));
    printers.put("/Endpoints", new Printer(List.of(name,
        column("Endpoints", core("Endpoints", "subsets")), age), Tables::endpoints));
    printers.put("discovery.k8s.io/EndpointSlice", new Printer(List.of(name,
        column("AddressType", DISCOVERY_V1BETA1_ADDRESS_TYPE),
        column("Ports", DISCOVERY_V1BETA1_PORTS),
        column("Endpoints", described("discovery.k8s.io", DISCOVERY + "EndpointSlice",
            "endpoints")),
        age), Tables::endpointSlice));
  }

  /**
   * A Table for a list response, or for a single object ({@code get}) when {@code listMetadata}
   * is null: then the table carries that object's resourceVersion, as the real server does.
   *
   * @param includeObject "None", "Metadata" (PartialObjectMetadata; the default when null or
   *     empty) or "Object" (the object as served)
   * @param listMetadata the list's metadata, whose resourceVersion, continue and
   *     remainingItemCount the table repeats
   * @param now the clock the Age and Last Seen columns count from
   * @throws ApiException 400 for an includeObject the real server rejects
   */
  ObjectNode table(ResourceType type, List<ObjectNode> objects, String includeObject,
      ObjectNode listMetadata, Instant now) {
    String include = includeObject == null || includeObject.isEmpty() ? "Metadata" : includeObject;
    if (!List.of("None", "Metadata", "Object").contains(include)) {
      throw ApiException.badRequest("Unable to convert to Table as requested: includeObject:"
          + " Invalid value: " + goQuote(includeObject)
          + ": must be 'Metadata', 'Object', 'None', or empty");
    }
    Printer printer = printers.get(type.group() + "/" + type.kind());
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", TABLE_VERSION);
    table.set("metadata", tableMetadata(objects, listMetadata));
    ArrayNode columns = table.putArray("columnDefinitions");
    for (Column column : printer == null ? defaultColumns : printer.columns()) {
      columns.add(column.toJson());
    }
    if (objects.isEmpty() && printer == null) {
      // The default convertor appends to a nil slice, which Go writes as null.
      table.set("rows", NullNode.getInstance());
      return table;
    }
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode object : objects) {
      Row row = printer == null ? defaultRow(object) : printer.row().apply(object, now);
      ObjectNode json = rows.addObject();
      json.set("cells", row.cells());
      if (row.conditions() != null) {
        json.set("conditions", row.conditions());
      }
      json.set("object", switch (include) {
        case "None" -> NullNode.getInstance();
        case "Object" -> asServed(type, object);
        default -> partialObjectMetadata(object);
      });
    }
    return table;
  }

  private static ObjectNode tableMetadata(List<ObjectNode> objects, ObjectNode listMetadata) {
    ObjectNode metadata = Json.object();
    if (listMetadata == null) {
      if (objects.size() == 1) {
        putText(metadata, "resourceVersion", Json.text(objects.get(0), "metadata",
            "resourceVersion"));
      }
      return metadata;
    }
    putText(metadata, "resourceVersion", Json.text(listMetadata, "resourceVersion"));
    putText(metadata, "continue", Json.text(listMetadata, "continue"));
    JsonNode remaining = listMetadata.get("remainingItemCount");
    if (remaining != null && remaining.isIntegralNumber()) {
      metadata.set("remainingItemCount", remaining.deepCopy());
    }
    return metadata;
  }

  private static void putText(ObjectNode node, String field, String value) {
    if (value != null && !value.isEmpty()) {
      node.put(field, value);
    }
  }

  /** The metadata of the row's object, in ObjectMeta's field order, empty fields left out. */
  static ObjectNode partialObjectMetadata(ObjectNode object) {
    ObjectNode partial = Json.object();
    partial.put("kind", "PartialObjectMetadata");
    partial.put("apiVersion", TABLE_VERSION);
    ObjectNode metadata = partial.putObject("metadata");
    JsonNode source = object.path("metadata");
    for (String field : List.of("name", "generateName", "namespace", "selfLink", "uid",
        "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields")) {
      JsonNode value = source.get(field);
      boolean empty = value == null || value.isNull()
          || (value.isTextual() && value.asText().isEmpty())
          || (value.isContainerNode() && value.isEmpty())
          || (field.equals("generation") && value.asLong() == 0);
      if (!empty) {
        metadata.set(field, value.deepCopy());
      }
    }
    return partial;
  }

  /** The whole object, with the kind and apiVersion that list items are served without. */
  private static ObjectNode asServed(ResourceType type, ObjectNode object) {
    ObjectNode served = Json.object();
    served.put("kind", type.kind());
    served.put("apiVersion", type.groupVersion());
    object.fields().forEachRemaining(field -> {
      if (!field.getKey().equals("kind") && !field.getKey().equals("apiVersion")) {
        served.set(field.getKey(), field.getValue().deepCopy());
      }
    });
    return served;
  }

  /** The apiserver's default row: name, and creation time in RFC 3339 (Go's zero time if unset). */
  private static Row defaultRow(ObjectNode object) {
    Instant created = time(object.path("metadata").get("creationTimestamp"));
    return new Row(cells(name(object), RFC_3339.format(created == null ? GO_ZERO_TIME : created)),
        null);
  }

  // --- columns ---

  private static Column column(String name, String description) {
    return new Column(name, "string", "", description, 0);
  }

  private static Column wide(String name, String description) {
    return new Column(name, "string", "", description, 1);
  }

  private String meta(String field) {
    return described("", OBJECT_META, field);
  }

  private String core(String schema, String field) {
    return described("", CORE + schema, field);
  }

  private String apps(String schema, String field) {
    return described("apps", APPS + schema, field);
  }

  private String described(String group, String schemaName, String field) {
    Schema schema = openApi.named(group, "v1", schemaName);
    Schema property = schema == null ? null : schema.property(field);
    String description = property == null ? null : property.description();
    if (description == null) {
      throw new IllegalStateException("the OpenAPI document of " + (group.isEmpty() ? "v1"
          : group + "/v1") + " does not describe " + schemaName + "." + field
          + ", which a table column takes its description from");
    }
    return description;
  }

  // --- rows of the simple kinds ---

  private static Row namespace(ObjectNode namespace, Instant now) {
    // The decoder defaults an empty phase to Active.
    return new Row(cells(name(namespace), orDefault(text(namespace, "status", "phase"), "Active"),
        age(namespace, now)), null);
  }

  private static Row configMap(ObjectNode configMap, Instant now) {
    return new Row(cells(name(configMap),
        (long) (size(configMap.get("data")) + size(configMap.get("binaryData"))),
        age(configMap, now)), null);
  }

  private static Row secret(ObjectNode secret, Instant now) {
    // Conversion to the internal type folds stringData into data.
    TreeSet<String> keys = new TreeSet<>();
    secret.path("data").fieldNames().forEachRemaining(keys::add);
    secret.path("stringData").fieldNames().forEachRemaining(keys::add);
    return new Row(cells(name(secret), orDefault(text(secret, "type"), "Opaque"),
        (long) keys.size(), age(secret, now)), null);
  }

  private static Row serviceAccount(ObjectNode account, Instant now) {
    return new Row(cells(name(account), (long) size(account.get("secrets")), age(account, now)),
        null);
  }

  private static Row service(ObjectNode service, Instant now) {
    JsonNode spec = service.path("spec");
    String type = orDefault(text(spec, "type"), "ClusterIP");
    String clusterIp = firstText(spec.get("clusterIPs"));
    if (clusterIp == null) {
      // The registry always writes clusterIPs beside clusterIP; an object that has only the
      // singular field shows it rather than <none>.
      clusterIp = text(spec, "clusterIP");
    }
    List<String> ports = new ArrayList<>();
    for (JsonNode port : spec.path("ports")) {
      String protocol = orDefault(text(port, "protocol"), "TCP");
      long nodePort = port.path("nodePort").asLong();
      ports.add(nodePort > 0
          ? port.path("port").asLong() + ":" + nodePort + "/" + protocol
          : port.path("port").asLong() + "/" + protocol);
    }
    return new Row(cells(name(service), type, clusterIp.isEmpty() ? "<none>" : clusterIp,
        externalIp(service, type), ports.isEmpty() ? "<none>" : String.join(",", ports),
        age(service, now), formatLabels(spec.get("selector"))), null);
  }

  private static String externalIp(ObjectNode service, String type) {
    List<String> externalIps = texts(service.path("spec").path("externalIPs"));
    switch (type) {
      case "ClusterIP", "NodePort" -> {
        return externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
      }
      case "LoadBalancer" -> {
        // The server prints wide, so the ingress list is never shortened.
        TreeSet<String> ingress = new TreeSet<>();
        for (JsonNode point : service.path("status").path("loadBalancer").path("ingress")) {
          String ip = text(point, "ip");
          String hostname = text(point, "hostname");
          if (!ip.isEmpty()) {
            ingress.add(ip);
          } else if (!hostname.isEmpty()) {
            ingress.add(hostname);
          }
        }
        List<String> all = new ArrayList<>(ingress);
        all.addAll(externalIps);
        return all.isEmpty() ? "<pending>" : String.join(",", all);
      }
      case "ExternalName" -> {
        return text(service.path("spec"), "externalName");
      }
      default -> {
        return "<unknown>";
      }
    }
  }

  private static Row node(ObjectNode node, Instant now) {
    JsonNode status = node.path("status");
    JsonNode ready = null;
    for (JsonNode condition : status.path("conditions")) {
      if (text(condition, "type").equals("Ready")) {
        ready = condition; // like the real map of conditions, the last one of a type wins
      }
    }
    List<String> state = new ArrayList<>();
    state.add(ready == null ? "Unknown"
        : text(ready, "status").equals("True") ? "Ready" : "NotReady");
    if (node.path("spec").path("unschedulable").asBoolean()) {
      state.add("SchedulingDisabled");
    }
    TreeSet<String> roles = new TreeSet<>();
    node.path("metadata").path("labels").fields().forEachRemaining(label -> {
      String key = label.getKey();
      if (key.startsWith("node-role.kubernetes.io/")) {
        String role = key.substring("node-role.kubernetes.io/".length());
        if (!role.isEmpty()) {
          roles.add(role);
        }
      } else if (key.equals("kubernetes.io/role") && !label.getValue().asText().isEmpty()) {
        roles.add(label.getValue().asText());
      }
    });
    JsonNode info = status.path("nodeInfo");
    return new Row(cells(name(node), String.join(",", state),
        roles.isEmpty() ? "<none>" : String.join(",", roles), age(node, now),
        text(info, "kubeletVersion"),
        nodeAddress(status, "InternalIP"), nodeAddress(status, "ExternalIP"),
        orDefault(text(info, "osImage"), "<unknown>"),
        orDefault(text(info, "kernelVersion"), "<unknown>"),
        orDefault(text(info, "containerRuntimeVersion"), "<unknown>")), null);
  }

  private static String nodeAddress(JsonNode status, String type) {
    for (JsonNode address : status.path("addresses")) {
      if (text(address, "type").equals(type)) {
        return text(address, "address");
      }
    }
    return "<none>";
  }

  private static Row deployment(ObjectNode deployment, Instant now) {
    JsonNode spec = deployment.path("spec");
    JsonNode status = deployment.path("status");
    String selector = LabelSelector.format(spec.get("selector"));
    return new Row(cells(name(deployment),
        status.path("readyReplicas").asLong() + "/" + replicas(spec),
        status.path("updatedReplicas").asLong(), status.path("availableReplicas").asLong(),
        age(deployment, now),
        containerNames(spec), containerImages(spec), selector == null ? "<invalid>" : selector),
        null);
  }

  private static Row replicaSet(ObjectNode replicaSet, Instant now) {
    JsonNode spec = replicaSet.path("spec");
    JsonNode status = replicaSet.path("status");
    String selector = LabelSelector.format(spec.get("selector"));
    return new Row(cells(name(replicaSet), replicas(spec), status.path("replicas").asLong(),
        status.path("readyReplicas").asLong(), age(replicaSet, now),
        containerNames(spec), containerImages(spec),
        selector == null ? "<error>" : selector.isEmpty() ? "<none>" : selector), null);
  }

  /** spec.replicas, which the decoder defaults to 1. */
  private static long replicas(JsonNode spec) {
    JsonNode replicas = spec.get("replicas");
    return replicas == null || replicas.isNull() ? 1 : replicas.asLong();
  }

  private static String containerNames(JsonNode spec) {
    List<String> names = new ArrayList<>();
    spec.path("template").path("spec").path("containers").forEach(c -> names.add(text(c, "name")));
    return String.join(",", names);
  }

  private static String containerImages(JsonNode spec) {
    List<String> images = new ArrayList<>();
    spec.path("template").path("spec").path("containers")
        .forEach(c -> images.add(text(c, "image")));
    return String.join(",", images);
  }

  private static Row controllerRevision(ObjectNode revision, Instant now) {
    String controller = "<none>";
    for (JsonNode owner : revision.path("metadata").path("ownerReferences")) {
      if (owner.path("controller").asBoolean()) {
        String apiVersion = text(owner, "apiVersion");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/'))
            : "";
        String kind = text(owner, "kind");
        String groupKind = group.isEmpty() ? kind : kind + "." + group;
        controller = group.isEmpty() && kind.isEmpty() ? text(owner, "name")
            : groupKind.toLowerCase(Locale.ROOT) + "/" + text(owner, "name");
        break;
      }
    }
    return new Row(cells(name(revision), controller, revision.path("revision").asLong(),
        age(revision, now)), null);
  }

  private static Row resourceQuota(ObjectNode quota, Instant now) {
    JsonNode status = quota.path("status");
    TreeSet<String> resources = new TreeSet<>();
    status.path("hard").fieldNames().forEachRemaining(resources::add);
    List<String> requests = new ArrayList<>();
    List<String> limits = new ArrayList<>();
    for (String resource : resources) {
      JsonNode used = status.path("used").get(resource);
      String entry = resource + ": " + (used == null || used.isNull() ? "0" : used.asText())
          + "/" + status.path("hard").get(resource).asText();
      String[] pieces = resource.split("\\.", -1);
      (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(entry);
    }
    return new Row(cells(name(quota), String.join(", ", requests), String.join(", ", limits),
        age(quota, now)), null);
  }

  private static Row endpoints(ObjectNode endpoints, Instant now) {
    return new Row(cells(name(endpoints), formatEndpoints(endpoints.path("subsets")),
        age(endpoints, now)), null);
  }

  /** At most three addresses (with each port), then how many more. */
  private static String formatEndpoints(JsonNode subsets) {
    if (subsets.isEmpty()) {
      return "<none>";
    }
    final int max = 3;
    List<String> list = new ArrayList<>();
    boolean more = false;
    int count = 0;
    for (JsonNode subset : subsets) {
      JsonNode addresses = subset.path("addresses");
      if (subset.path("ports").isEmpty()) {
        // a headless service without ports
        count += addresses.size();
        for (JsonNode address : addresses) {
          if (list.size() == max) {
            more = true;
            break;
          }
          list.add(text(address, "ip"));
        }
        continue;
      }
      for (JsonNode port : subset.path("ports")) {
        count += addresses.size();
        for (JsonNode address : addresses) {
          if (list.size() == max) {
            more = true;
            break;
          }
          String ip = text(address, "ip");
          String host = ip.contains(":") ? "[" + ip + "]" : ip;
          list.add(host + ":" + port.path("port").asLong());
        }
      }
    }
    String joined = String.join(",", list);
    return more ? joined + " + " + (count - max) + " more..." : joined;
  }

  private static Row endpointSlice(ObjectNode slice, Instant now) {
    final int max = 3;
    List<String> ports = new ArrayList<>();
    int portCount = 0;
    for (JsonNode port : slice.path("ports")) {
      if (ports.size() < max) {
        // The decoder defaults a missing name to "", so the printer's "*" for a port with
        // neither number nor name never shows.
        JsonNode number = port.get("port");
        ports.add(number != null && !number.isNull() ? String.valueOf(number.asLong())
            : text(port, "name"));
      }
      portCount++;
    }
    List<String> addresses = new ArrayList<>();
    int addressCount = 0;
    for (JsonNode endpoint : slice.path("endpoints")) {
      for (JsonNode address : endpoint.path("addresses")) {
        if (addresses.size() < max) {
          addresses.add(address.asText());
        }
        addressCount++;
      }
    }
    return new Row(cells(name(slice), text(slice, "addressType"), listWithMore(ports, portCount),
        listWithMore(addresses, addressCount), age(slice, now)), null);
  }

  private static String listWithMore(List<String> shown, int count) {
    String joined = String.join(",", shown);
    if (count > shown.size()) {
      return joined + " + " + (count - shown.size()) + " more...";
    }
    return joined.isEmpty() ? "<unset>" : joined;
  }

  // --- the Pod's READY, STATUS and RESTARTS ---

  /** How kubectl's pod summary is derived from container statuses, init containers first. */
  private static final class PodRow {
    private static final String NODE_LOST = "NodeLost";

    private int restarts;
    private int sidecarRestarts;
    private Instant lastRestart;
    private Instant lastSidecarRestart;
    private int readyContainers;
    private String reason;

    static Row of(ObjectNode pod, Instant now) {
      return new PodRow().row(pod, now);
    }

    private Row row(ObjectNode pod, Instant now) {
      JsonNode spec = pod.path("spec");
      JsonNode status = pod.path("status");
      String phase = text(status, "phase");
      reason = orDefault(text(status, "reason"), phase);
      for (JsonNode condition : status.path("conditions")) {
        if (text(condition, "type").equals("PodScheduled")
            && text(condition, "reason").equals("SchedulingGated")) {
          reason = "SchedulingGated";
        }
      }
      int totalContainers = spec.path("containers").size();
      Map<String, Boolean> sidecars = new HashMap<>();
      for (JsonNode init : spec.path("initContainers")) {
        boolean sidecar = text(init, "restartPolicy").equals("Always");
        sidecars.put(text(init, "name"), sidecar);
        if (sidecar) {
          totalContainers++;
        }
      }
      boolean initializing = initContainers(spec, status, sidecars);
      if (!initializing || conditionTrue(status, "Initialized")) {
        containers(status);
      }
      JsonNode deletion = pod.path("metadata").get("deletionTimestamp");
      if (deletion != null && !deletion.isNull()) {
        if (text(status, "reason").equals(NODE_LOST)) {
          reason = "Unknown";
        } else if (!phase.equals("Failed") && !phase.equals("Succeeded")) {
          reason = "Terminating";
        }
      }
      String restartCell = restarts != 0 && lastRestart != null
          ? restarts + " (" + since(lastRestart, now) + " ago)" : String.valueOf(restarts);
      String podIp = text(status, "podIP");
      if (podIp.isEmpty()) {
        podIp = text(status.path("podIPs").path(0), "ip");
      }
      ArrayNode conditions = switch (phase) {
        case "Succeeded" -> completed("Succeeded", "The pod has completed successfully.");
        case "Failed" -> completed("Failed", "The pod failed.");
        default -> null;
      };
      return new Row(cells(name(pod), readyContainers + "/" + totalContainers, reason,
          restartCell, age(pod, now),
          orDefault(podIp, "<none>"),
          orDefault(text(spec, "nodeName"), "<none>"),
          orDefault(text(status, "nominatedNodeName"), "<none>"),
          readinessGates(spec, status)), conditions);
    }

    /** Whether an init container still keeps the pod from starting; sets the reason if so. */
    private boolean initContainers(JsonNode spec, JsonNode status, Map<String, Boolean> sidecars) {
      JsonNode statuses = status.path("initContainerStatuses");
      for (int i = 0; i < statuses.size(); i++) {
        JsonNode container = statuses.get(i);
        int count = container.path("restartCount").asInt();
        Instant finished = lastFinished(container);
        boolean sidecar = sidecars.getOrDefault(text(container, "name"), false);
        restarts += count;
        lastRestart = later(lastRestart, finished);
        if (sidecar) {
          sidecarRestarts += count;
          lastSidecarRestart = later(lastSidecarRestart, finished);
        }
        JsonNode terminated = object(container.path("state"), "terminated");
        JsonNode waiting = object(container.path("state"), "waiting");
        if (terminated != null && terminated.path("exitCode").asLong() == 0) {
          continue;
        }
        if (sidecar && container.path("started").asBoolean()) {
          if (container.path("ready").asBoolean()) {
            readyContainers++;
          }
          continue;
        }
        if (terminated != null) {
          String why = text(terminated, "reason");
          long signal = terminated.path("signal").asLong();
          reason = !why.isEmpty() ? "Init:" + why
              : signal != 0 ? "Init:Signal:" + signal
              : "Init:ExitCode:" + terminated.path("exitCode").asLong();
        } else if (waiting != null && !text(waiting, "reason").isEmpty()
            && !text(waiting, "reason").equals("PodInitializing")) {
          reason = "Init:" + text(waiting, "reason");
        } else {
          reason = "Init:" + i + "/" + spec.path("initContainers").size();
        }
        return true;
      }
      return false;
    }

    /** The app containers decide; the first one listed has the last word on the reason. */
    private void containers(JsonNode status) {
      restarts = sidecarRestarts;
      lastRestart = lastSidecarRestart;
      boolean hasRunning = false;
      JsonNode statuses = status.path("containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode container = statuses.get(i);
        restarts += container.path("restartCount").asInt();
        lastRestart = later(lastRestart, lastFinished(container));
        JsonNode waiting = object(container.path("state"), "waiting");
        JsonNode terminated = object(container.path("state"), "terminated");
        if (waiting != null && !text(waiting, "reason").isEmpty()) {
          reason = text(waiting, "reason");
        } else if (terminated != null && !text(terminated, "reason").isEmpty()) {
          reason = text(terminated, "reason");
        } else if (terminated != null) {
          long signal = terminated.path("signal").asLong();
          reason = signal != 0 ? "Signal:" + signal
              : "ExitCode:" + terminated.path("exitCode").asLong();
        } else if (container.path("ready").asBoolean()
            && object(container.path("state"), "running") != null) {
          hasRunning = true;
          readyContainers++;
        }
      }
      // A finished container beside one still running does not make the pod Completed.
      if (reason.equals("Completed") && hasRunning) {
        reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
      }
    }

    private static Instant lastFinished(JsonNode container) {
      JsonNode terminated = object(container.path("lastState"), "terminated");
      return terminated == null ? null : time(terminated.get("finishedAt"));
    }

    private static Instant later(Instant current, Instant candidate) {
      return candidate != null && (current == null || current.isBefore(candidate))
          ? candidate : current;
    }

    private static boolean conditionTrue(JsonNode status, String type) {
      for (JsonNode condition : status.path("conditions")) {
        if (text(condition, "type").equals(type)) {
          return text(condition, "status").equals("True");
        }
      }
      return false;
    }

    private static String readinessGates(JsonNode spec, JsonNode status) {
      JsonNode gates = spec.path("readinessGates");
      if (gates.isEmpty()) {
        return "<none>";
      }
      int satisfied = 0;
      for (JsonNode gate : gates) {
        for (JsonNode condition : status.path("conditions")) {
          if (text(condition, "type").equals(text(gate, "conditionType"))) {
            if (text(condition, "status").equals("True")) {
              satisfied++;
            }
            break;
          }
        }
      }
      return satisfied + "/" + gates.size();
    }

    private static ArrayNode completed(String reason, String message) {
      ArrayNode conditions = Json.array();
      conditions.addObject().put("type", "Completed").put("status", "True").put("reason", reason)
          .put("message", message);
      return conditions;
    }
  }

  // --- Events, in either API ---

  /**
   * Where an Event's printed fields live: core/v1 and events.k8s.io/v1 store the same internal
   * Event, under different names.
   */
  private record EventRow(String regarding, String note, String source, String firstTimestamp,
      String lastTimestamp, String count, String reportingController) {
    static final EventRow CORE_V1 = new EventRow("involvedObject", "message", "source",
        "firstTimestamp", "lastTimestamp", "count", "reportingComponent");
    static final EventRow EVENTS_V1 = new EventRow("regarding", "note", "deprecatedSource",
        "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount",
        "reportingController");

    Row row(ObjectNode event, Instant now) {
      Instant first = time(event.get(firstTimestamp));
      String firstSeen = first != null ? since(first, now)
          : since(time(event.get("eventTime")), now);
      Instant last = time(event.get(lastTimestamp));
      String lastSeen = last != null ? since(last, now) : firstSeen;
      long occurrences = event.path(count).asLong();
      JsonNode series = event.get("series");
      if (series != null && series.isObject()) {
        lastSeen = since(time(series.get("lastObservedTime")), now);
        occurrences = series.path("count").asLong();
      } else if (occurrences == 0) {
        occurrences = 1; // a singleton event of the new API carries no count
      }
      JsonNode object = event.path(regarding);
      String kind = text(object, "kind").toLowerCase(Locale.ROOT);
      String target = text(object, "name").isEmpty() ? kind : kind + "/" + text(object, "name");
      String component = orDefault(text(event.path(source), "component"),
          text(event, reportingController));
      String instance = orDefault(text(event.path(source), "host"),
          text(event, "reportingInstance"));
      return new Row(cells(lastSeen, text(event, "type"), text(event, "reason"), target,
          text(object, "fieldPath"), instance.isEmpty() ? component : component + ", " + instance,
          trimSpace(text(event, note)), firstSeen, occurrences, name(event)), null);
    }
  }

  // --- label selectors as labels.Selector prints them ---

  /** metav1.LabelSelectorAsSelector(...).String(), or null when the selector does not parse. */
  static final class LabelSelector {
    private static final Pattern NAME =
        Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN =
        Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private record Requirement(String key, String text) {}

    private LabelSelector() {}

    static String format(JsonNode selector) {
      if (selector == null || !selector.isObject()) {
        return ""; // selects nothing, and prints as nothing
      }
      List<Requirement> requirements = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> labels = selector.path("matchLabels").fields();
      while (labels.hasNext()) {
        Map.Entry<String, JsonNode> label = labels.next();
        String value = label.getValue().asText();
        if (!validKey(label.getKey()) || !validValue(value)) {
          return null;
        }
        requirements.add(new Requirement(label.getKey(), label.getKey() + "=" + value));
      }
      for (JsonNode expression : selector.path("matchExpressions")) {
        String key = text(expression, "key");
        List<String> values = texts(expression.path("values"));
        if (!validKey(key) || !values.stream().allMatch(LabelSelector::validValue)) {
          return null;
        }
        String operator = text(expression, "operator");
        String text = switch (operator) {
          case "In", "NotIn" -> values.isEmpty() ? null
              : key + (operator.equals("In") ? " in (" : " notin (")
                  + String.join(",", values.size() == 1 ? values
                      : values.stream().sorted().toList()) + ")";
          case "Exists" -> values.isEmpty() ? key : null;
          case "DoesNotExist" -> values.isEmpty() ? "!" + key : null;
          default -> null;
        };
        if (text == null) {
          return null;
        }
        requirements.add(new Requirement(key, text));
      }
      // Sorted by key only; requirements on the same key keep their order.
      requirements.sort(Comparator.comparing(Requirement::key));
      return String.join(",", requirements.stream().map(Requirement::text).toList());
    }

    private static boolean validKey(String key) {
      String[] parts = key.split("/", -1);
      if (parts.length > 2) {
        return false;
      }
      String name = parts[parts.length - 1];
      if (parts.length == 2 && (parts[0].isEmpty() || parts[0].length() > 253
          || !DNS_SUBDOMAIN.matcher(parts[0]).matches())) {
        return false;
      }
      return !name.isEmpty() && name.length() <= 63 && NAME.matcher(name).matches();
    }

    private static boolean validValue(String value) {
      return value.isEmpty() || (value.length() <= 63 && NAME.matcher(value).matches());
    }
  }

  /** labels.FormatLabels: "k=v" pairs sorted as whole strings, or {@code <none>}. */
  private static String formatLabels(JsonNode labels) {
    TreeSet<String> pairs = new TreeSet<>();
    if (labels != null) {
      labels.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
    }
    return pairs.isEmpty() ? "<none>" : String.join(",", pairs);
  }

  // --- time ---

  private static String age(ObjectNode object, Instant now) {
    return since(time(object.path("metadata").get("creationTimestamp")), now);
  }

  /** translateTimestampSince: the age of a time, or {@code <unknown>} for a zero one. */
  static String since(Instant time, Instant now) {
    return time == null ? "<unknown>" : humanDuration(Duration.between(time, now));
  }

  /**
   * apimachinery's HumanDuration: two or three significant figures, "0s" within a second of
   * the future (clock skew), {@code <invalid>} further ahead.
   */
  static String humanDuration(Duration duration) {
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      nanos = duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE; // Go saturates too
    }
    long seconds = nanos / 1_000_000_000L; // truncated toward zero, as Go converts
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long days = (hours / 24) % 365;
      return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
    }
    return hours / 24 / 365 + "y";
  }

  /** A metav1.Time or MicroTime; null when absent or zero, as Go's IsZero sees it. */
  private static Instant time(JsonNode node) {
    if (node == null || !node.isTextual()) {
      return null;
    }
    try {
      Instant instant = OffsetDateTime.parse(node.asText()).toInstant();
      return instant.equals(GO_ZERO_TIME) ? null : instant;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // --- JSON access with Go's zero values ---

  private static ArrayNode cells(Object... values) {
    ArrayNode cells = Json.array();
    for (Object value : values) {
      if (value instanceof Long number) {
        cells.add(number);
      } else {
        cells.add((String) value);
      }
    }
    return cells;
  }

  private static String name(ObjectNode object) {
    return text(object.path("metadata"), "name");
  }

  /** The text of a field, or "" when it is missing, as a Go string field would be. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  private static String text(JsonNode node, String first, String second) {
    return text(node == null ? null : node.path(first), second);
  }

  private static JsonNode object(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isObject() ? value : null;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  private static String firstText(JsonNode array) {
    return array != null && array.isArray() && !array.isEmpty() ? array.get(0).asText() : null;
  }

  private static int size(JsonNode node) {
    return node == null || !node.isContainerNode() ? 0 : node.size();
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** strings.TrimSpace: Go's notion of white space, which is not Java's. */
  private static String trimSpace(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && goSpace(text.charAt(start))) {
      start++;
    }
    while (end > start && goSpace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  private static boolean goSpace(char c) {
    return switch (c) {
      case '\t', '\n', '\u000b', '\f', '\r', ' ', '\u0085', '\u00a0', '\u1680', '\u2028',
          '\u2029', '\u202f', '\u205f', '\u3000' -> true;
      default -> c >= '\u2000' && c <= '\u200a';
    };
  }

  /** Go's %q for the strings a query parameter can carry. */
  private static String goQuote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        case '\r' -> quoted.append("\\r");
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
}
