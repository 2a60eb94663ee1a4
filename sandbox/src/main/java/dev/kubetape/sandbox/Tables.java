package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code meta.k8s.io/v1} Table that kube-apiserver answers {@code kubectl get} with
 * ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}).
 *
 * <p>The real server prints internal types with the handlers of
 * {@code pkg/printers/internalversion}, always asking for the wide columns (kubectl hides the
 * priority-1 ones itself unless {@code -o wide}). Some registries use the apiserver's default
 * table of Name and Created At instead, though a printer exists or could: Role, ClusterRole,
 * LimitRange, CSIStorageCapacity and CustomResourceDefinition, and every kind here without a
 * printer. Here the cells are computed from the served v1 JSON instead, so where the internal
 * type differs from v1 (a renamed field, a default the decoder applies) the v1 field is read the
 * way decoding and conversion would fill it.
 *
 * <p>This class holds the table itself, the helpers every printer shares, and the printers of
 * the core and workload kinds; {@link MorePrinters} holds those of the cluster-level APIs
 * (networking, RBAC, storage, admission, autoscaling and the rest).
 *
 * <p>Column descriptions come from the OpenAPI field descriptions, which are generated from the
 * same Go comments as the {@code SwaggerDoc()} the real printers use. A few columns are
 * described by API versions the server no longer serves (extensions/v1beta1, apps/v1beta1,
 * discovery.k8s.io/v1beta1, ...), whose comments have since changed; those texts are kept as
 * the server sends them. Printers are built on first use, so a table of pods never parses the
 * storage API's OpenAPI document.
 */
final class Tables {
  private static final String TABLE_VERSION = "meta.k8s.io/v1";
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");
  private static final DateTimeFormatter RFC_3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final String CORE = "io.k8s.api.core.v1.";
  private static final String APPS = "io.k8s.api.apps.v1.";
  private static final String BATCH = "io.k8s.api.batch.v1.";
  private static final String DISCOVERY = "io.k8s.api.discovery.v1.";
  private static final String DEFAULT_TABLE = "default";

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
  private static final String EXTENSIONS_V1BETA1_DAEMON_SET_READY = "The number of nodes that"
      + " should be running the daemon pod and have one or more of the daemon pod running and"
      + " ready.";
  private static final String EXTENSIONS_V1BETA1_DAEMON_SET_SELECTOR = "A label query over pods"
      + " that are managed by the daemon set. Must match in order to be controlled. If empty,"
      + " defaulted to labels on Pod template. More info:"
      + " https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/"
      + "#label-selectors";
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
  record Row(ArrayNode cells, ArrayNode conditions) {
    /** A row of cells as a Go printer appends them: strings, int64s and bools. */
    static Row of(Object... values) {
      return new Row(Tables.cells(values), null);
    }
  }

  /**
   * A kind's columns and how one object fills them.
   *
   * @param listOrder the order the printer sorts a list into before printing, or null to keep
   *     the list's own (only FlowSchemas are sorted)
   */
  record Printer(List<Column> columns, BiFunction<ObjectNode, Instant, Row> row,
      Comparator<ObjectNode> listOrder) {
    Printer(List<Column> columns, BiFunction<ObjectNode, Instant, Row> row) {
      this(columns, row, null);
    }
  }

  /**
   * Builds column definitions, taking descriptions from the OpenAPI document of the
   * group-version that describes the field.
   */
  static final class Columns {
    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    private final OpenApi openApi;

    Columns(OpenApi openApi) {
      this.openApi = openApi;
    }

    Column name() {
      return new Column("Name", "string", "name", meta("name"), 0);
    }

    Column age() {
      return column("Age", meta("creationTimestamp"));
    }

    String meta(String field) {
      return described("", "v1", OBJECT_META, field);
    }

    /** The description of a schema's field, e.g. ("apps", "v1", "io.k8s.api.apps.v1.X", "y"). */
    String described(String group, String version, String schemaName, String field) {
      Schema schema = openApi.named(group, version, schemaName);
      Schema property = schema == null ? null : schema.property(field);
      String description = property == null ? null : property.description();
      if (description == null) {
        throw new IllegalStateException("the OpenAPI document of "
            + (group.isEmpty() ? version : group + "/" + version) + " does not describe "
            + schemaName + "." + field + ", which a table column takes its description from");
      }
      // SwaggerDoc() lacks the list of enum values that a running server's OpenAPI adds.
      int enumValues = description.indexOf(OpenApiEnums.VALUES_HEADING);
      return enumValues < 0 ? description : description.substring(0, enumValues);
    }

    static Column column(String name, String description) {
      return new Column(name, "string", "", description, 0);
    }

    static Column wide(String name, String description) {
      return new Column(name, "string", "", description, 1);
    }

    /** A column of another type than string: "integer", "boolean". */
    static Column typed(String name, String type, String description) {
      return new Column(name, type, "", description, 0);
    }
  }

  private final Columns columns;
  private final Map<String, Supplier<Printer>> registered = new HashMap<>();
  // Built on first use: describing a kind's columns parses its group's OpenAPI document.
  private final Map<String, Printer> printers = new ConcurrentHashMap<>();

  Tables(OpenApi openApi) {
    columns = new Columns(openApi);
    registerCore();
    registerWorkloads();
    MorePrinters.register(columns, registered::put);
  }

  private void registerCore() {
    Columns c = columns;
    registered.put("/Pod", () -> new Printer(List.of(c.name(),
        Columns.column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        Columns.column("Status", "The aggregate status of the containers in this pod."),
        Columns.column("Restarts", "The number of times the containers in this pod have been"
            + " restarted and when the last container in this pod has restarted."),
        c.age(),
        Columns.wide("IP", core("PodStatus", "podIP")),
        Columns.wide("Node", core("PodSpec", "nodeName")),
        Columns.wide("Nominated Node", core("PodStatus", "nominatedNodeName")),
        Columns.wide("Readiness Gates", core("PodSpec", "readinessGates"))), PodRow::of));
    registered.put("/Namespace", () -> new Printer(List.of(c.name(),
        Columns.column("Status", "The status of the namespace"), c.age()), Tables::namespace));
    registered.put("/Service", () -> new Printer(List.of(c.name(),
        Columns.column("Type", core("ServiceSpec", "type")),
        Columns.column("Cluster-IP", core("ServiceSpec", "clusterIP")),
        Columns.column("External-IP", core("ServiceSpec", "externalIPs")),
        Columns.column("Port(s)", core("ServiceSpec", "ports")),
        c.age(),
        Columns.wide("Selector", core("ServiceSpec", "selector"))), Tables::service));
    registered.put("/ConfigMap", () -> new Printer(List.of(c.name(),
        Columns.column("Data", core("ConfigMap", "data")), c.age()), Tables::configMap));
    registered.put("/Secret", () -> new Printer(List.of(c.name(),
        Columns.column("Type", core("Secret", "type")),
        Columns.column("Data", core("Secret", "data")), c.age()), Tables::secret));
    registered.put("/ServiceAccount", () -> new Printer(List.of(c.name(),
        Columns.column("Secrets", core("ServiceAccount", "secrets")), c.age()),
        Tables::serviceAccount));
    registered.put("/Event", () -> new Printer(eventColumns(), EventRow.CORE_V1::row));
    registered.put("events.k8s.io/Event", () -> new Printer(eventColumns(),
        EventRow.EVENTS_V1::row));
    registered.put("/Node", () -> new Printer(List.of(c.name(),
        Columns.column("Status", "The status of the node"),
        Columns.column("Roles", "The roles of the node"),
        c.age(),
        Columns.column("Version", core("NodeSystemInfo", "kubeletVersion")),
        Columns.wide("Internal-IP", core("NodeStatus", "addresses")),
        Columns.wide("External-IP", core("NodeStatus", "addresses")),
        Columns.wide("OS-Image", core("NodeSystemInfo", "osImage")),
        Columns.wide("Kernel-Version", core("NodeSystemInfo", "kernelVersion")),
        Columns.wide("Container-Runtime", core("NodeSystemInfo", "containerRuntimeVersion"))),
        Tables::node));
    registered.put("/ResourceQuota", () -> new Printer(List.of(c.name(),
        Columns.column("Request", "Request represents a minimum amount of cpu/memory that a"
            + " container may consume."),
        Columns.column("Limit", "Limits control the maximum amount of cpu/memory that a container"
            + " may use independent of contention on the node."),
        c.age()), Tables::resourceQuota));
    registered.put("/Endpoints", () -> new Printer(List.of(c.name(),
        Columns.column("Endpoints", core("Endpoints", "subsets")), c.age()), Tables::endpoints));
    registered.put("discovery.k8s.io/EndpointSlice", () -> new Printer(List.of(c.name(),
        Columns.column("AddressType", DISCOVERY_V1BETA1_ADDRESS_TYPE),
        Columns.column("Ports", DISCOVERY_V1BETA1_PORTS),
        Columns.column("Endpoints", c.described("discovery.k8s.io", "v1",
            DISCOVERY + "EndpointSlice", "endpoints")),
        c.age()), Tables::endpointSlice));
    registered.put("/ComponentStatus", () -> new Printer(List.of(c.name(),
        Columns.column("Status", "Status of the component conditions"),
        Columns.column("Message", "Message of the component conditions"),
        Columns.column("Error", "Error of the component conditions")), Tables::componentStatus));
    registered.put("/PersistentVolume", () -> new Printer(List.of(c.name(),
        Columns.column("Capacity", core("PersistentVolumeSpec", "capacity")),
        Columns.column("Access Modes", core("PersistentVolumeSpec", "accessModes")),
        Columns.column("Reclaim Policy",
            core("PersistentVolumeSpec", "persistentVolumeReclaimPolicy")),
        Columns.column("Status", core("PersistentVolumeStatus", "phase")),
        Columns.column("Claim", core("PersistentVolumeSpec", "claimRef")),
        Columns.column("StorageClass", "StorageClass of the pv"),
        Columns.column("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
        Columns.column("Reason", core("PersistentVolumeStatus", "reason")),
        c.age(),
        Columns.wide("VolumeMode", core("PersistentVolumeSpec", "volumeMode"))),
        Tables::persistentVolume));
    registered.put("/PersistentVolumeClaim", () -> new Printer(List.of(c.name(),
        Columns.column("Status", core("PersistentVolumeClaimStatus", "phase")),
        Columns.column("Volume", core("PersistentVolumeClaimSpec", "volumeName")),
        Columns.column("Capacity", core("PersistentVolumeClaimStatus", "capacity")),
        Columns.column("Access Modes", core("PersistentVolumeClaimStatus", "accessModes")),
        Columns.column("StorageClass", "StorageClass of the pvc"),
        Columns.column("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
        c.age(),
        Columns.wide("VolumeMode", core("PersistentVolumeClaimSpec", "volumeMode"))),
        Tables::persistentVolumeClaim));
  }

  private List<Column> eventColumns() {
    return List.of(
        Columns.column("Last Seen", core("Event", "lastTimestamp")),
        Columns.column("Type", core("Event", "type")),
        Columns.column("Reason", core("Event", "reason")),
        Columns.column("Object", core("Event", "involvedObject")),
        Columns.wide("Subobject", core("ObjectReference", "fieldPath")),
        Columns.wide("Source", core("Event", "source")),
        Columns.column("Message", core("Event", "message")),
        Columns.wide("First Seen", core("Event", "firstTimestamp")),
        Columns.wide("Count", core("Event", "count")),
        new Column("Name", "string", "name", columns.meta("name"), 1));
  }

  /** Pods' owners: the workload controllers and pod templates. */
  private void registerWorkloads() {
    Columns c = columns;
    registered.put("apps/Deployment", () -> new Printer(List.of(c.name(),
        Columns.column("Ready", "Number of the pod with ready state"),
        Columns.column("Up-to-date", apps("DeploymentStatus", "updatedReplicas")),
        Columns.column("Available", apps("DeploymentStatus", "availableReplicas")),
        c.age(),
        Columns.wide("Containers", TEMPLATE_CONTAINERS),
        Columns.wide("Images", TEMPLATE_IMAGES),
        Columns.wide("Selector", EXTENSIONS_V1BETA1_DEPLOYMENT_SELECTOR)), Tables::deployment));
    registered.put("apps/ReplicaSet", () -> new Printer(List.of(c.name(),
        Columns.typed("Desired", "integer", apps("ReplicaSetSpec", "replicas")),
        Columns.typed("Current", "integer", apps("ReplicaSetStatus", "replicas")),
        Columns.typed("Ready", "integer", apps("ReplicaSetStatus", "readyReplicas")),
        c.age(),
        Columns.wide("Containers", TEMPLATE_CONTAINERS),
        Columns.wide("Images", TEMPLATE_IMAGES),
        Columns.wide("Selector", EXTENSIONS_V1BETA1_REPLICA_SET_SELECTOR)), Tables::replicaSet));
    registered.put("apps/ControllerRevision", () -> new Printer(List.of(c.name(),
        Columns.column("Controller", "Controller of the object"),
        Columns.column("Revision", APPS_V1BETA1_REVISION), c.age()),
        Tables::controllerRevision));
    registered.put("apps/DaemonSet", () -> new Printer(List.of(c.name(),
        Columns.typed("Desired", "integer", apps("DaemonSetStatus", "desiredNumberScheduled")),
        Columns.typed("Current", "integer", apps("DaemonSetStatus", "currentNumberScheduled")),
        Columns.typed("Ready", "integer", EXTENSIONS_V1BETA1_DAEMON_SET_READY),
        Columns.typed("Up-to-date", "integer", apps("DaemonSetStatus", "updatedNumberScheduled")),
        Columns.typed("Available", "integer", apps("DaemonSetStatus", "numberAvailable")),
        Columns.column("Node Selector", core("PodSpec", "nodeSelector")),
        c.age(),
        Columns.wide("Containers", TEMPLATE_CONTAINERS),
        Columns.wide("Images", TEMPLATE_IMAGES),
        Columns.wide("Selector", EXTENSIONS_V1BETA1_DAEMON_SET_SELECTOR)), Tables::daemonSet));
    registered.put("apps/StatefulSet", () -> new Printer(List.of(c.name(),
        Columns.column("Ready", "Number of the pod with ready state"),
        c.age(),
        Columns.wide("Containers", TEMPLATE_CONTAINERS),
        Columns.wide("Images", TEMPLATE_IMAGES)), Tables::statefulSet));
    registered.put("/ReplicationController", () -> new Printer(List.of(c.name(),
        Columns.typed("Desired", "integer", core("ReplicationControllerSpec", "replicas")),
        Columns.typed("Current", "integer", core("ReplicationControllerStatus", "replicas")),
        Columns.typed("Ready", "integer", core("ReplicationControllerStatus", "readyReplicas")),
        c.age(),
        Columns.wide("Containers", TEMPLATE_CONTAINERS),
        Columns.wide("Images", TEMPLATE_IMAGES),
        Columns.wide("Selector", core("ReplicationControllerSpec", "selector"))),
        Tables::replicationController));
    registered.put("/PodTemplate", () -> new Printer(List.of(c.name(),
        Columns.column("Containers", TEMPLATE_CONTAINERS),
        Columns.column("Images", TEMPLATE_IMAGES),
        Columns.column("Pod Labels", "The labels for the pod template.")), Tables::podTemplate));
    registered.put("batch/Job", () -> new Printer(List.of(c.name(),
        Columns.column("Status", "Status of the job."),
        Columns.column("Completions", batch("JobStatus", "succeeded")),
        Columns.column("Duration", "Time required to complete the job."),
        c.age(),
        Columns.wide("Containers", TEMPLATE_CONTAINERS),
        Columns.wide("Images", TEMPLATE_IMAGES),
        Columns.wide("Selector", batch("JobSpec", "selector"))), Tables::job));
    registered.put("batch/CronJob", () -> new Printer(List.of(c.name(),
        Columns.column("Schedule", batch("CronJobSpec", "schedule")),
        Columns.column("Timezone", batch("CronJobSpec", "timeZone")),
        Columns.typed("Suspend", "boolean", batch("CronJobSpec", "suspend")),
        Columns.typed("Active", "integer", batch("CronJobStatus", "active")),
        Columns.column("Last Schedule", batch("CronJobStatus", "lastScheduleTime")),
        c.age(),
        Columns.wide("Containers", TEMPLATE_CONTAINERS),
        Columns.wide("Images", TEMPLATE_IMAGES),
        Columns.wide("Selector", batch("JobSpec", "selector"))), Tables::cronJob));
    registered.put("policy/PodDisruptionBudget", () -> new Printer(List.of(c.name(),
        Columns.column("Min Available", "The minimum number of pods that must be available."),
        Columns.column("Max Unavailable", "The maximum number of pods that may be unavailable."),
        Columns.typed("Allowed Disruptions", "integer",
            "Calculated number of pods that may be disrupted at this time."),
        c.age()), Tables::podDisruptionBudget));
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
    Printer printer = printer(type);
    boolean defaultTable = printer == null;
    if (defaultTable) {
      printer = printers.computeIfAbsent(DEFAULT_TABLE, key -> new Printer(List.of(columns.name(),
          new Column("Created At", "date", "", columns.meta("creationTimestamp"), 0)),
          (object, clock) -> defaultRow(object)));
    }
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", TABLE_VERSION);
    table.set("metadata", tableMetadata(objects, listMetadata));
    ArrayNode columnDefinitions = table.putArray("columnDefinitions");
    for (Column column : printer.columns()) {
      columnDefinitions.add(column.toJson());
    }
    if (objects.isEmpty() && defaultTable) {
      // The default convertor appends to a nil slice, which Go writes as null.
      table.set("rows", NullNode.getInstance());
      return table;
    }
    List<ObjectNode> ordered = objects;
    if (printer.listOrder() != null) {
      ordered = new ArrayList<>(objects);
      ordered.sort(printer.listOrder());
    }
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode object : ordered) {
      Row row = printer.row().apply(object, now);
      ObjectNode json = rows.addObject();
      json.set("cells", row.cells());
      if (row.conditions() != null) {
        json.set("conditions", row.conditions());
      }
      json.set("object", switch (include) {
        case "None" -> NullNode.getInstance();
        case "Object" -> asServed(type, object);
        default -> withoutRoundTripAnnotations(type, partialObjectMetadata(object));
      });
    }
    return table;
  }

  /** The printer of a kind in the type's version, else in any version; null for the default. */
  private Printer printer(ResourceType type) {
    String versioned = type.group() + "/" + type.version() + "/" + type.kind();
    String key = registered.containsKey(versioned) ? versioned
        : type.group() + "/" + type.kind();
    Supplier<Printer> printer = registered.get(key);
    return printer == null ? null : printers.computeIfAbsent(key, k -> printer.get());
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

  /**
   * The row's metadata comes from the internal object, which keeps in fields what some served
   * versions carry in annotations; those annotations are gone from it, though a get shows them.
   */
  private static ObjectNode withoutRoundTripAnnotations(ResourceType type, ObjectNode partial) {
    if (!(partial.path("metadata").get("annotations") instanceof ObjectNode annotations)) {
      return partial;
    }
    String templateGeneration = "deprecated.daemonset.template.generation";
    List<String> converted = switch (type.group() + "/" + type.kind()) {
      case "autoscaling/HorizontalPodAutoscaler" -> List.of(
          "autoscaling.alpha.kubernetes.io/metrics", "autoscaling.alpha.kubernetes.io/behavior",
          "autoscaling.alpha.kubernetes.io/scale-down-tolerance",
          "autoscaling.alpha.kubernetes.io/scale-up-tolerance",
          "autoscaling.alpha.kubernetes.io/current-metrics",
          "autoscaling.alpha.kubernetes.io/conditions");
      case "apps/DaemonSet" -> text(annotations, templateGeneration).matches("[-+]?[0-9]+")
          ? List.of(templateGeneration) : List.of();
      case "apps/Deployment" -> text(annotations, "deprecated.deployment.rollback.to").isEmpty()
          ? List.of() : List.of("deprecated.deployment.rollback.to");
      default -> List.of();
    };
    annotations.remove(converted);
    if (annotations.isEmpty()) {
      ((ObjectNode) partial.get("metadata")).remove("annotations");
    }
    return partial;
  }

  /** The whole object, with the kind and apiVersion that list items are served without. */
  private static ObjectNode asServed(ResourceType type, ObjectNode object) {
    ObjectNode served = Json.object();
    served.put("kind", type.kind());
    served.put("apiVersion", type.groupVersion());
    object.properties().iterator().forEachRemaining(field -> {
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

  // --- descriptions of the core and workload APIs ---

  private String core(String schema, String field) {
    return columns.described("", "v1", CORE + schema, field);
  }

  private String apps(String schema, String field) {
    return columns.described("apps", "v1", APPS + schema, field);
  }

  private String batch(String schema, String field) {
    return columns.described("batch", "v1", BATCH + schema, field);
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
    node.path("metadata").path("labels").properties().iterator().forEachRemaining(label -> {
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
        containerNames(spec.path("template").path("spec")),
        containerImages(spec.path("template").path("spec")),
        selector == null ? "<invalid>" : selector),
        null);
  }

  private static Row replicaSet(ObjectNode replicaSet, Instant now) {
    JsonNode spec = replicaSet.path("spec");
    JsonNode status = replicaSet.path("status");
    JsonNode podSpec = spec.path("template").path("spec");
    return Row.of(name(replicaSet), replicas(spec), status.path("replicas").asLong(),
        status.path("readyReplicas").asLong(), age(replicaSet, now),
        containerNames(podSpec), containerImages(podSpec), formatSelector(spec.get("selector")));
  }

  /** spec.replicas, which the decoder defaults to 1. */
  private static long replicas(JsonNode spec) {
    JsonNode replicas = spec.get("replicas");
    return replicas == null || replicas.isNull() ? 1 : replicas.asLong();
  }

  /** The names of a pod spec's containers, comma-separated (layoutContainerCells). */
  static String containerNames(JsonNode podSpec) {
    List<String> names = new ArrayList<>();
    podSpec.path("containers").forEach(c -> names.add(text(c, "name")));
    return String.join(",", names);
  }

  static String containerImages(JsonNode podSpec) {
    List<String> images = new ArrayList<>();
    podSpec.path("containers").forEach(c -> images.add(text(c, "image")));
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
      String entry = resource + ": " + Quantity.resource(status.path("used").get(resource))
          + "/" + Quantity.resource(status.path("hard").get(resource));
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

  private static Row componentStatus(ObjectNode component, Instant now) {
    String status = "Unknown";
    String message = "";
    String error = "";
    for (JsonNode condition : component.path("conditions")) {
      if (text(condition, "type").equals("Healthy")) {
        status = text(condition, "status").equals("True") ? "Healthy" : "Unhealthy";
        message = text(condition, "message");
        error = text(condition, "error");
        break;
      }
    }
    return Row.of(name(component), status, message, error);
  }

  // --- storage the pods claim ---

  private static Row persistentVolume(ObjectNode volume, Instant now) {
    JsonNode spec = volume.path("spec");
    JsonNode claim = object(spec, "claimRef");
    // The decoder defaults the phase, the reclaim policy and the volume mode.
    String phase = deleting(volume) ? "Terminating"
        : orDefault(text(volume, "status", "phase"), "Pending");
    return Row.of(name(volume), Quantity.resource(spec.path("capacity").get("storage")),
        accessModes(spec.path("accessModes")),
        orDefault(text(spec, "persistentVolumeReclaimPolicy"), "Retain"), phase,
        claim == null ? "" : text(claim, "namespace") + "/" + text(claim, "name"),
        storageClass(volume, text(spec, "storageClassName")),
        present(spec, "volumeAttributesClassName") ? text(spec, "volumeAttributesClassName")
            : "<unset>",
        text(volume, "status", "reason"), age(volume, now),
        orDefault(text(spec, "volumeMode"), "Filesystem"));
  }

  private static Row persistentVolumeClaim(ObjectNode claim, Instant now) {
    JsonNode spec = claim.path("spec");
    JsonNode status = claim.path("status");
    String phase = deleting(claim) ? "Terminating" : orDefault(text(status, "phase"), "Pending");
    String volume = text(spec, "volumeName");
    // Until the claim is bound, what it asked for is not what it has.
    String capacity = volume.isEmpty() ? ""
        : Quantity.resource(status.path("capacity").get("storage"));
    String modes = volume.isEmpty() ? "" : accessModes(status.path("accessModes"));
    return Row.of(name(claim), phase, volume, capacity, modes,
        storageClass(claim, present(spec, "storageClassName") ? text(spec, "storageClassName")
            : ""),
        present(spec, "volumeAttributesClassName") ? text(spec, "volumeAttributesClassName")
            : "<unset>",
        age(claim, now), orDefault(text(spec, "volumeMode"), "Filesystem"));
  }

  /** The beta storage-class annotation, when present, overrides the spec's class name. */
  private static String storageClass(ObjectNode object, String fromSpec) {
    JsonNode annotation = object.path("metadata").path("annotations")
        .get("volume.beta.kubernetes.io/storage-class");
    return annotation == null || annotation.isNull() ? fromSpec : annotation.asText();
  }

  /** Access modes abbreviated, each once, in a fixed order whatever the listed one. */
  private static String accessModes(JsonNode modes) {
    List<String> listed = texts(modes);
    List<String> shown = new ArrayList<>();
    for (String[] mode : new String[][] {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"},
        {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}}) {
      if (listed.contains(mode[0])) {
        shown.add(mode[1]);
      }
    }
    return String.join(",", shown);
  }

  // --- workload controllers ---

  private static Row daemonSet(ObjectNode daemonSet, Instant now) {
    JsonNode spec = daemonSet.path("spec");
    JsonNode status = daemonSet.path("status");
    JsonNode podSpec = spec.path("template").path("spec");
    return Row.of(name(daemonSet), status.path("desiredNumberScheduled").asLong(),
        status.path("currentNumberScheduled").asLong(), status.path("numberReady").asLong(),
        status.path("updatedNumberScheduled").asLong(), status.path("numberAvailable").asLong(),
        formatLabels(podSpec.get("nodeSelector")), age(daemonSet, now),
        containerNames(podSpec), containerImages(podSpec), formatSelector(spec.get("selector")));
  }

  private static Row statefulSet(ObjectNode statefulSet, Instant now) {
    JsonNode spec = statefulSet.path("spec");
    JsonNode podSpec = spec.path("template").path("spec");
    return Row.of(name(statefulSet),
        statefulSet.path("status").path("readyReplicas").asLong() + "/" + replicas(spec),
        age(statefulSet, now), containerNames(podSpec), containerImages(podSpec));
  }

  private static Row replicationController(ObjectNode controller, Instant now) {
    JsonNode spec = controller.path("spec");
    JsonNode status = controller.path("status");
    JsonNode template = object(spec, "template");
    JsonNode selector = spec.get("selector");
    // The decoder defaults an empty selector to the template's labels.
    JsonNode templateLabels = template == null ? null : template.path("metadata").get("labels");
    if (size(selector) == 0 && templateLabels != null && templateLabels.isObject()) {
      selector = templateLabels;
    }
    JsonNode podSpec = template == null ? Json.object() : template.path("spec");
    return Row.of(name(controller), replicas(spec), status.path("replicas").asLong(),
        status.path("readyReplicas").asLong(), age(controller, now),
        containerNames(podSpec), containerImages(podSpec), formatLabels(selector));
  }

  private static Row podTemplate(ObjectNode podTemplate, Instant now) {
    JsonNode template = podTemplate.path("template");
    JsonNode podSpec = template.path("spec");
    return Row.of(name(podTemplate), containerNames(podSpec), containerImages(podSpec),
        formatLabels(template.path("metadata").get("labels")));
  }

  private static Row job(ObjectNode job, Instant now) {
    JsonNode spec = job.path("spec");
    JsonNode status = job.path("status");
    long succeeded = status.path("succeeded").asLong();
    JsonNode completions = spec.get("completions");
    JsonNode parallelism = spec.get("parallelism");
    String completed;
    if (present(spec, "completions")) {
      completed = succeeded + "/" + completions.asLong();
    } else if (!present(spec, "parallelism")) {
      completed = succeeded + "/1"; // the decoder defaults both to 1
    } else if (parallelism.asLong() > 1) {
      completed = succeeded + "/1 of " + parallelism.asLong();
    } else {
      completed = succeeded + "/1";
    }
    Instant start = time(status.get("startTime"));
    Instant completion = time(status.get("completionTime"));
    String duration = start == null ? ""
        : humanDuration(Duration.between(start, completion == null ? now : completion));
    JsonNode conditions = status.path("conditions");
    String state;
    if (jobCondition(conditions, "Complete")) {
      state = "Complete";
    } else if (jobCondition(conditions, "Failed")) {
      state = "Failed";
    } else if (deleting(job)) {
      state = "Terminating";
    } else if (jobCondition(conditions, "Suspended")) {
      state = "Suspended";
    } else if (jobCondition(conditions, "FailureTarget")) {
      state = "FailureTarget";
    } else if (jobCondition(conditions, "SuccessCriteriaMet")) {
      state = "SuccessCriteriaMet";
    } else {
      state = "Running";
    }
    JsonNode podSpec = spec.path("template").path("spec");
    return Row.of(name(job), state, completed, duration, age(job, now),
        containerNames(podSpec), containerImages(podSpec), formatSelector(spec.get("selector")));
  }

  /** Whether the first condition of the type is True; later ones of the type are not read. */
  private static boolean jobCondition(JsonNode conditions, String type) {
    for (JsonNode condition : conditions) {
      if (text(condition, "type").equals(type)) {
        return text(condition, "status").equals("True");
      }
    }
    return false;
  }

  private static Row cronJob(ObjectNode cronJob, Instant now) {
    JsonNode spec = cronJob.path("spec");
    JsonNode status = cronJob.path("status");
    JsonNode jobSpec = spec.path("jobTemplate").path("spec");
    JsonNode podSpec = jobSpec.path("template").path("spec");
    return Row.of(name(cronJob), text(spec, "schedule"),
        present(spec, "timeZone") ? text(spec, "timeZone") : "<none>",
        spec.path("suspend").asBoolean() ? "True" : "False", // defaulted to false
        (long) size(status.get("active")),
        present(status, "lastScheduleTime") ? since(time(status.get("lastScheduleTime")), now)
            : "<none>",
        age(cronJob, now), containerNames(podSpec), containerImages(podSpec),
        formatSelector(jobSpec.get("selector")));
  }

  private static Row podDisruptionBudget(ObjectNode budget, Instant now) {
    JsonNode spec = budget.path("spec");
    return Row.of(name(budget),
        present(spec, "minAvailable") ? spec.get("minAvailable").asText() : "N/A",
        present(spec, "maxUnavailable") ? spec.get("maxUnavailable").asText() : "N/A",
        budget.path("status").path("disruptionsAllowed").asLong(), age(budget, now));
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
      Iterator<Map.Entry<String, JsonNode>> labels = selector.path("matchLabels").properties().iterator();
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

  /**
   * metav1.FormatLabelSelector: the selector, {@code <none>} when it selects everything or
   * nothing, {@code <error>} when it does not parse.
   */
  static String formatSelector(JsonNode selector) {
    String formatted = LabelSelector.format(selector);
    return formatted == null ? "<error>" : formatted.isEmpty() ? "<none>" : formatted;
  }

  /** labels.FormatLabels: "k=v" pairs sorted as whole strings, or {@code <none>}. */
  static String formatLabels(JsonNode labels) {
    TreeSet<String> pairs = new TreeSet<>();
    if (labels != null) {
      labels.properties().iterator().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
    }
    return pairs.isEmpty() ? "<none>" : String.join(",", pairs);
  }

  // --- quantities as resource.Quantity prints them ---

  /**
   * resource.Quantity's String(): the served text decoded, then written back in canonical form
   * (1024Mi is 1Gi, 1000 is 1k, 1.5 is 1500m). Go keeps the text as written when decoding found
   * it canonical already, which is why "010Gi" prints as written while "1024Mi" does not.
   */
  static final class Quantity {
    private enum Format { DECIMAL_EXPONENT, BINARY_SI, DECIMAL_SI }

    private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of("n", -9, "u", -6,
        "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<String, Integer> BINARY_SUFFIXES = Map.of("Ki", 10, "Mi", 20,
        "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);
    private static final Map<Integer, String> DECIMAL_BY_EXPONENT = new HashMap<>();
    private static final Map<Integer, String> BINARY_BY_EXPONENT = new HashMap<>();
    private static final BigDecimal MAX_INT64 = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal BINARY_THRESHOLD = BigDecimal.valueOf(1024);
    private static final BigInteger KIBI = BigInteger.valueOf(1024);
    private static final int NANO = -9;
    private static final int MILLI = -3;

    static {
      DECIMAL_SUFFIXES.forEach((suffix, exponent) -> DECIMAL_BY_EXPONENT.put(exponent, suffix));
      BINARY_SUFFIXES.forEach((suffix, exponent) -> BINARY_BY_EXPONENT.put(exponent, suffix));
    }

    /**
     * A decoded quantity.
     *
     * @param written the text as served, when Go keeps it for printing
     * @param scale the power of ten of the last digit, when the value was decoded exactly into
     *     an int64 amount; null when it went through arbitrary precision
     */
    private record Parsed(BigDecimal value, Format format, String written, Integer scale) {}

    private Quantity() {}

    /** A quantity field; a missing one is Go's zero Quantity, which prints as "0". */
    static String format(JsonNode node) {
      if (node == null || node.isNull()) {
        return "0";
      }
      Parsed parsed = parse(trimSpace(node.asText()));
      return parsed == null ? node.asText() : canonical(parsed);
    }

    /**
     * An entry of a core ResourceList (capacity, quota): defaulting rounds these up to whole
     * milli-units before anything prints them, so 1n prints as 1m.
     */
    static String resource(JsonNode node) {
      if (node == null || node.isNull()) {
        return "0";
      }
      Parsed parsed = parse(trimSpace(node.asText()));
      return parsed == null ? node.asText() : canonical(roundUpToMilli(parsed));
    }

    private static Parsed parse(String text) {
      if (text.isEmpty()) {
        return null;
      }
      if (text.equals("0")) {
        return new Parsed(BigDecimal.ZERO, Format.DECIMAL_SI, text, 0);
      }
      int end = text.length();
      int pos = 0;
      boolean positive = true;
      if (text.charAt(0) == '-' || text.charAt(0) == '+') {
        positive = text.charAt(0) == '+';
        pos++;
      }
      while (pos < end && text.charAt(pos) == '0') {
        pos++;
      }
      String number;
      String fraction = "";
      String digitsAsWritten;
      String suffix;
      if (pos == end) {
        number = "0";
        digitsAsWritten = "0";
        suffix = "";
      } else {
        int digit = digitsFrom(text, pos);
        number = digit == pos ? "0" : text.substring(pos, digit);
        pos = digit;
        if (pos < end && text.charAt(pos) == '.') {
          digit = digitsFrom(text, pos + 1);
          fraction = text.substring(pos + 1, digit);
          pos = digit;
        }
        digitsAsWritten = text.substring(0, pos);
        int last = pos;
        while (last < end && "eEinumkKMGTP".indexOf(text.charAt(last)) >= 0) {
          last++;
        }
        if (last < end && (text.charAt(last) == '-' || text.charAt(last) == '+')) {
          last++;
        }
        if (digitsFrom(text, last) != end) {
          return null;
        }
        suffix = text.substring(pos);
      }

      int base;
      int exponent;
      Format format;
      if (DECIMAL_SUFFIXES.containsKey(suffix)) {
        base = 10;
        exponent = DECIMAL_SUFFIXES.get(suffix);
        format = Format.DECIMAL_SI;
      } else if (BINARY_SUFFIXES.containsKey(suffix)) {
        base = 2;
        exponent = BINARY_SUFFIXES.get(suffix);
        format = Format.BINARY_SI;
      } else if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
        try {
          exponent = Integer.parseInt(suffix.substring(1));
        } catch (NumberFormatException e) {
          return null;
        }
        base = 10;
        format = Format.DECIMAL_EXPONENT;
      } else {
        return null;
      }

      // Small enough for an int64 amount: exact, and the text may be kept.
      int precision;
      int scale = 0;
      long mantissa = 1;
      if (format != Format.BINARY_SI) {
        scale = exponent;
        precision = 18 - (number.length() + fraction.length());
      } else if (fraction.isEmpty()) {
        mantissa = 1L << exponent;
        precision = 15 - number.length() - exponent * 3 / 10 - 1;
      } else {
        precision = -1;
      }
      if (precision >= 0) {
        scale -= fraction.length();
        if (scale >= NANO) {
          String shifted = number + fraction;
          long digits = Long.parseLong(shifted);
          try {
            long amount = Math.multiplyExact(digits, mantissa);
            boolean canonical = format == Format.BINARY_SI ? (digits & 0x07) != 0
                : scale % 3 == 0 && !shifted.endsWith("000") && shifted.charAt(0) != '0';
            return new Parsed(BigDecimal.valueOf(positive ? amount : -amount, -scale), format,
                canonical ? text : null, scale);
          } catch (ArithmeticException overflow) {
            // Go falls back to arbitrary precision too.
          }
        }
      }

      BigDecimal amount;
      try {
        amount = new BigDecimal(digitsAsWritten);
      } catch (NumberFormatException e) {
        return null;
      }
      amount = base == 10 ? amount.scaleByPowerOfTen(exponent)
          : amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(exponent)));
      boolean negative = amount.signum() < 0;
      amount = amount.abs();
      if (amount.scale() > -NANO) {
        amount = amount.setScale(-NANO, RoundingMode.UP); // some resources, however few
      }
      if (format == Format.BINARY_SI && amount.compareTo(MAX_INT64) > 0) {
        amount = MAX_INT64;
      }
      if (format == Format.BINARY_SI && amount.signum() > 0
          && amount.compareTo(BigDecimal.ONE) < 0) {
        format = Format.DECIMAL_SI;
      }
      return new Parsed(negative ? amount.negate() : amount, format, null, null);
    }

    private static int digitsFrom(String text, int start) {
      int pos = start;
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        pos++;
      }
      return pos;
    }

    private static Parsed roundUpToMilli(Parsed parsed) {
      if (parsed.scale() != null && parsed.scale() >= MILLI) {
        return parsed;
      }
      BigDecimal value = parsed.value().scale() > -MILLI
          ? parsed.value().setScale(-MILLI, RoundingMode.UP) : parsed.value();
      return new Parsed(value, parsed.format(), null, MILLI);
    }

    private static String canonical(Parsed parsed) {
      if (parsed.written() != null) {
        return parsed.written();
      }
      BigDecimal value = parsed.value();
      if (value.signum() == 0) {
        return "0";
      }
      Format format = parsed.format();
      if (format == Format.BINARY_SI && (value.abs().compareTo(BINARY_THRESHOLD) < 0
          || value.stripTrailingZeros().scale() > 0)) {
        format = Format.DECIMAL_SI; // binary only for whole numbers of at least 1Ki
      }
      if (format == Format.BINARY_SI) {
        BigInteger amount = value.toBigInteger();
        int exponent = 0;
        BigInteger[] division = amount.divideAndRemainder(KIBI);
        while (division[1].signum() == 0) {
          amount = division[0];
          exponent += 10;
          division = amount.divideAndRemainder(KIBI);
        }
        return amount + BINARY_BY_EXPONENT.getOrDefault(exponent, "");
      }
      BigInteger amount = value.unscaledValue();
      int exponent = -value.scale();
      BigInteger[] division = amount.divideAndRemainder(BigInteger.TEN);
      while (division[1].signum() == 0) {
        amount = division[0];
        exponent++;
        division = amount.divideAndRemainder(BigInteger.TEN);
      }
      while (exponent % 3 != 0) {
        amount = amount.multiply(BigInteger.TEN);
        exponent--;
      }
      String suffix = format == Format.DECIMAL_SI ? DECIMAL_BY_EXPONENT.getOrDefault(exponent, "")
          : exponent == 0 ? "" : "e" + exponent;
      return amount + suffix;
    }
  }

  // --- time ---

  static String age(ObjectNode object, Instant now) {
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
  static Instant time(JsonNode node) {
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

  static ArrayNode cells(Object... values) {
    ArrayNode cells = Json.array();
    for (Object value : values) {
      switch (value) {
        case Long number -> cells.add(number);
        case Integer number -> cells.add(number.longValue());
        case Boolean bool -> cells.add(bool);
        default -> cells.add((String) value);
      }
    }
    return cells;
  }

  static String name(ObjectNode object) {
    return text(object.path("metadata"), "name");
  }

  /** Whether a field is set: a Go pointer or slice the decoder leaves nil when it is absent. */
  static boolean present(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && !value.isNull();
  }

  static boolean deleting(ObjectNode object) {
    return present(object.path("metadata"), "deletionTimestamp");
  }

  /** The text of a field, or "" when it is missing, as a Go string field would be. */
  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  static String text(JsonNode node, String first, String second) {
    return text(node == null ? null : node.path(first), second);
  }

  static JsonNode object(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isObject() ? value : null;
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  private static String firstText(JsonNode array) {
    return array != null && array.isArray() && !array.isEmpty() ? array.get(0).asText() : null;
  }

  static int size(JsonNode node) {
    return node == null || !node.isContainerNode() ? 0 : node.size();
  }

  static String orDefault(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** strings.TrimSpace: Go's notion of white space, which is not Java's. */
  static String trimSpace(String text) {
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
