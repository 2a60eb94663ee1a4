package dev.kubetape.sandbox;

import static dev.kubetape.sandbox.Tables.Columns.column;
import static dev.kubetape.sandbox.Tables.Columns.typed;
import static dev.kubetape.sandbox.Tables.Columns.wide;
import static dev.kubetape.sandbox.Tables.age;
import static dev.kubetape.sandbox.Tables.deleting;
import static dev.kubetape.sandbox.Tables.formatSelector;
import static dev.kubetape.sandbox.Tables.humanDuration;
import static dev.kubetape.sandbox.Tables.name;
import static dev.kubetape.sandbox.Tables.object;
import static dev.kubetape.sandbox.Tables.orDefault;
import static dev.kubetape.sandbox.Tables.present;
import static dev.kubetape.sandbox.Tables.size;
import static dev.kubetape.sandbox.Tables.text;
import static dev.kubetape.sandbox.Tables.texts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The Table printers of the cluster-level APIs, beside the core and workload ones in
 * {@link Tables}: autoscaling, certificates, networking, RBAC, storage, admission, scheduling,
 * coordination, node, dynamic resource allocation, API priority and fairness, and the
 * aggregator's APIService, whose table the aggregator prints itself. Of these, Role and
 * ClusterRole keep the apiserver's default table, as on the real server.
 */
final class MorePrinters {
  // Descriptions from SwaggerDoc() of API versions the OpenAPI documents no longer describe.
  private static final String AUTOSCALING_V2BETA1_METRICS = "metrics contains the specifications"
      + " for which to use to calculate the desired replica count (the maximum replica count"
      + " across all metrics will be used).  The desired replica count is calculated multiplying"
      + " the ratio between the target value and the current value by the current number of"
      + " pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa."
      + "  See the individual metric source types for more information about how each type of"
      + " metric must respond.";
  private static final String CERTIFICATES_V1BETA1_SIGNER_NAME = "Requested signer for the"
      + " request. It is a qualified name in the form: `scope-hostname.io/name`. If empty, it"
      + " will be defaulted:\n 1. If it's a kubelet client certificate, it is assigned\n"
      + "    \"kubernetes.io/kube-apiserver-client-kubelet\".\n 2. If it's a kubelet serving"
      + " certificate, it is assigned\n    \"kubernetes.io/kubelet-serving\".\n 3. Otherwise,"
      + " it is assigned \"kubernetes.io/legacy-unknown\".\nDistribution of trust for signers"
      + " happens out of band. You can select on this field using `spec.signerName`.";
  private static final String CERTIFICATES_V1BETA1_REQUEST = "Base64-encoded PKCS#10 CSR data";
  private static final String CERTIFICATES_V1BETA1_CONDITIONS =
      "Conditions applied to the request, such as approval or denial.";
  private static final String EXTENSIONS_V1BETA1_POD_SELECTOR = "Selects the pods to which this"
      + " NetworkPolicy object applies.  The array of ingress rules is applied to any pods"
      + " selected by this field. Multiple network policies can select the same set of pods.  In"
      + " this case, the ingress rules for each are combined additively. This field is NOT"
      + " optional and follows standard label selector semantics. An empty podSelector matches"
      + " all pods in this namespace.";
  private static final String RBAC_V1BETA1_ROLE_BINDING_ROLE_REF = "RoleRef can reference a Role"
      + " in the current namespace or a ClusterRole in the global namespace. If the RoleRef"
      + " cannot be resolved, the Authorizer must return an error.";
  private static final String RBAC_V1BETA1_CLUSTER_ROLE_BINDING_ROLE_REF = "RoleRef can only"
      + " reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved,"
      + " the Authorizer must return an error.";
  private static final String WEBHOOKS =
      "Webhooks indicates the number of webhooks registered in this configuration";
  private static final String PARAM_KIND =
      "ParamKind specifies the kind of resources used to parameterize this policy";

  private MorePrinters() {}

  /** Registers each printer under "group/Kind", or "group/version/Kind" where versions differ. */
  static void register(Tables.Columns c, BiConsumer<String, Supplier<Tables.Printer>> registry) {
    Supplier<List<Tables.Column>> autoscaler = () -> List.of(c.name(),
        column("Reference", autoscaling(c, "HorizontalPodAutoscalerSpec", "scaleTargetRef")),
        column("Targets", AUTOSCALING_V2BETA1_METRICS),
        column("MinPods", autoscaling(c, "HorizontalPodAutoscalerSpec", "minReplicas")),
        column("MaxPods", autoscaling(c, "HorizontalPodAutoscalerSpec", "maxReplicas")),
        column("Replicas", autoscaling(c, "HorizontalPodAutoscalerStatus", "currentReplicas")),
        c.age());
    registry.accept("autoscaling/v2/HorizontalPodAutoscaler", () -> new Tables.Printer(
        autoscaler.get(), (hpa, now) -> Autoscaler.row(hpa, Autoscaler.Metrics.fromV2(hpa), now)));
    registry.accept("autoscaling/v1/HorizontalPodAutoscaler", () -> new Tables.Printer(
        autoscaler.get(), (hpa, now) -> Autoscaler.row(hpa, Autoscaler.Metrics.fromV1(hpa), now)));
    registry.accept("certificates.k8s.io/CertificateSigningRequest",
        () -> new Tables.Printer(List.of(c.name(), c.age(),
            column("SignerName", CERTIFICATES_V1BETA1_SIGNER_NAME),
            column("Requestor", CERTIFICATES_V1BETA1_REQUEST),
            column("RequestedDuration", c.described("certificates.k8s.io", "v1",
                "io.k8s.api.certificates.v1.CertificateSigningRequestSpec", "expirationSeconds")),
            column("Condition", CERTIFICATES_V1BETA1_CONDITIONS)),
            MorePrinters::certificateSigningRequest));
    registerNetworking(c, registry);
    registerRbac(c, registry);
    registerStorage(c, registry);
    registerAdmission(c, registry);
    registerControlPlane(c, registry);
  }

  private static String autoscaling(Tables.Columns c, String schema, String field) {
    return c.described("autoscaling", "v2", "io.k8s.api.autoscaling.v2." + schema, field);
  }

  private static void registerNetworking(Tables.Columns c,
      BiConsumer<String, Supplier<Tables.Printer>> registry) {
    String networking = "io.k8s.api.networking.v1.";
    registry.accept("networking.k8s.io/Ingress", () -> new Tables.Printer(List.of(c.name(),
        column("Class", "The name of the IngressClass resource that should be used for"
            + " additional configuration"),
        column("Hosts", "Hosts that incoming requests are matched against before the ingress"
            + " rule"),
        column("Address", "Address is a list containing ingress points for the load-balancer"),
        column("Ports", "Ports of TLS configurations that open"),
        c.age()), MorePrinters::ingress));
    registry.accept("networking.k8s.io/IngressClass", () -> new Tables.Printer(List.of(c.name(),
        column("Controller", "Controller that is responsible for handling this class"),
        column("Parameters", "A reference to a resource with additional parameters"),
        c.age()), MorePrinters::ingressClass));
    // Two columns, three cells: the printer appends an age it has no column for.
    registry.accept("networking.k8s.io/IPAddress", () -> new Tables.Printer(List.of(c.name(),
        column("ParentRef", c.described("networking.k8s.io", "v1", networking + "IPAddressSpec",
            "parentRef"))), MorePrinters::ipAddress));
    registry.accept("networking.k8s.io/NetworkPolicy", () -> new Tables.Printer(List.of(c.name(),
        column("Pod-Selector", EXTENSIONS_V1BETA1_POD_SELECTOR), c.age()),
        (policy, now) -> Tables.Row.of(name(policy),
            formatSelector(policy.path("spec").path("podSelector")), age(policy, now))));
    registry.accept("networking.k8s.io/ServiceCIDR", () -> new Tables.Printer(List.of(c.name(),
        column("CIDRs", c.described("networking.k8s.io", "v1", networking + "ServiceCIDRSpec",
            "cidrs")), c.age()),
        (cidr, now) -> Tables.Row.of(name(cidr),
            String.join(",", texts(cidr.path("spec").path("cidrs"))), age(cidr, now))));
  }

  private static void registerRbac(Tables.Columns c,
      BiConsumer<String, Supplier<Tables.Printer>> registry) {
    registry.accept("rbac.authorization.k8s.io/RoleBinding", () -> new Tables.Printer(List.of(
        c.name(), column("Role", RBAC_V1BETA1_ROLE_BINDING_ROLE_REF), c.age(),
        wide("Users", "Users in the roleBinding"),
        wide("Groups", "Groups in the roleBinding"),
        wide("ServiceAccounts", "ServiceAccounts in the roleBinding")), MorePrinters::binding));
    registry.accept("rbac.authorization.k8s.io/ClusterRoleBinding", () -> new Tables.Printer(
        List.of(c.name(), column("Role", RBAC_V1BETA1_CLUSTER_ROLE_BINDING_ROLE_REF), c.age(),
            wide("Users", "Users in the clusterRoleBinding"),
            wide("Groups", "Groups in the clusterRoleBinding"),
            wide("ServiceAccounts", "ServiceAccounts in the clusterRoleBinding")),
        MorePrinters::binding));
  }

  private static void registerStorage(Tables.Columns c,
      BiConsumer<String, Supplier<Tables.Printer>> registry) {
    String storage = "io.k8s.api.storage.v1.";
    registry.accept("storage.k8s.io/CSIDriver", () -> new Tables.Printer(List.of(c.name(),
        typed("AttachRequired", "boolean",
            c.described("storage.k8s.io", "v1", storage + "CSIDriverSpec", "attachRequired")),
        typed("PodInfoOnMount", "boolean",
            c.described("storage.k8s.io", "v1", storage + "CSIDriverSpec", "podInfoOnMount")),
        typed("StorageCapacity", "boolean",
            c.described("storage.k8s.io", "v1", storage + "CSIDriverSpec", "storageCapacity")),
        column("TokenRequests",
            c.described("storage.k8s.io", "v1", storage + "CSIDriverSpec", "tokenRequests")),
        typed("RequiresRepublish", "boolean",
            c.described("storage.k8s.io", "v1", storage + "CSIDriverSpec", "requiresRepublish")),
        column("Modes", c.described("storage.k8s.io", "v1", storage + "CSIDriverSpec",
            "volumeLifecycleModes")),
        c.age()), MorePrinters::csiDriver));
    registry.accept("storage.k8s.io/CSINode", () -> new Tables.Printer(List.of(c.name(),
        typed("Drivers", "integer",
            "Drivers indicates the number of CSI drivers registered on the node"), c.age()),
        (node, now) -> Tables.Row.of(name(node), (long) size(node.path("spec").get("drivers")),
            age(node, now))));
    registry.accept("storage.k8s.io/StorageClass", () -> new Tables.Printer(List.of(c.name(),
        column("Provisioner",
            c.described("storage.k8s.io", "v1", storage + "StorageClass", "provisioner")),
        column("ReclaimPolicy",
            c.described("storage.k8s.io", "v1", storage + "StorageClass", "reclaimPolicy")),
        column("VolumeBindingMode",
            c.described("storage.k8s.io", "v1", storage + "StorageClass", "volumeBindingMode")),
        column("AllowVolumeExpansion", c.described("storage.k8s.io", "v1",
            storage + "StorageClass", "allowVolumeExpansion")),
        c.age()), MorePrinters::storageClass));
    registry.accept("storage.k8s.io/VolumeAttachment", () -> new Tables.Printer(List.of(c.name(),
        new Tables.Column("Attacher", "string", "name",
            c.described("storage.k8s.io", "v1", storage + "VolumeAttachmentSpec", "attacher"), 0),
        column("PV", c.described("storage.k8s.io", "v1", storage + "VolumeAttachmentSource",
            "persistentVolumeName")),
        column("Node",
            c.described("storage.k8s.io", "v1", storage + "VolumeAttachmentSpec", "nodeName")),
        typed("Attached", "boolean",
            c.described("storage.k8s.io", "v1", storage + "VolumeAttachmentStatus", "attached")),
        c.age()), MorePrinters::volumeAttachment));
    registry.accept("storage.k8s.io/VolumeAttributesClass", () -> new Tables.Printer(List.of(
        c.name(), column("DriverName", c.described("storage.k8s.io", "v1",
            storage + "VolumeAttributesClass", "driverName")), c.age()),
        (attributes, now) -> Tables.Row.of(name(attributes), text(attributes, "driverName"),
            age(attributes, now))));
  }

  private static void registerAdmission(Tables.Columns c,
      BiConsumer<String, Supplier<Tables.Printer>> registry) {
    Supplier<Tables.Printer> webhooks = () -> new Tables.Printer(List.of(c.name(),
        typed("Webhooks", "integer", WEBHOOKS), c.age()),
        (configuration, now) -> Tables.Row.of(name(configuration),
            (long) size(configuration.get("webhooks")), age(configuration, now)));
    registry.accept("admissionregistration.k8s.io/MutatingWebhookConfiguration", webhooks);
    registry.accept("admissionregistration.k8s.io/ValidatingWebhookConfiguration", webhooks);
    registry.accept("admissionregistration.k8s.io/ValidatingAdmissionPolicy",
        () -> new Tables.Printer(List.of(c.name(),
            typed("Validations", "integer",
                "Validations indicates the number of validation rules defined in this"
                    + " configuration"),
            column("ParamKind", PARAM_KIND), c.age()), MorePrinters::admissionPolicy));
    registry.accept("admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
        () -> new Tables.Printer(List.of(c.name(),
            column("PolicyName", "PolicyName indicates the policy definition which the policy"
                + " binding binded to"),
            column("ParamRef", "ParamRef indicates the param resource which sets the configration"
                + " param"), c.age()), MorePrinters::admissionPolicyBinding));
  }

  /** Scheduling, leases, runtime classes, device allocation, priority and fairness, aggregation. */
  private static void registerControlPlane(Tables.Columns c,
      BiConsumer<String, Supplier<Tables.Printer>> registry) {
    String scheduling = "io.k8s.api.scheduling.v1.PriorityClass";
    registry.accept("scheduling.k8s.io/PriorityClass", () -> new Tables.Printer(List.of(c.name(),
        typed("Value", "integer", c.described("scheduling.k8s.io", "v1", scheduling, "value")),
        typed("Global-Default", "boolean",
            c.described("scheduling.k8s.io", "v1", scheduling, "globalDefault")),
        c.age(),
        column("PreemptionPolicy",
            c.described("scheduling.k8s.io", "v1", scheduling, "preemptionPolicy"))),
        (priority, now) -> Tables.Row.of(name(priority), priority.path("value").asLong(),
            priority.path("globalDefault").asBoolean(), age(priority, now),
            orDefault(text(priority, "preemptionPolicy"), "PreemptLowerPriority"))));
    registry.accept("coordination.k8s.io/Lease", () -> new Tables.Printer(List.of(c.name(),
        column("Holder", c.described("coordination.k8s.io", "v1",
            "io.k8s.api.coordination.v1.LeaseSpec", "holderIdentity")), c.age()),
        (lease, now) -> Tables.Row.of(name(lease), text(lease.path("spec"), "holderIdentity"),
            age(lease, now))));
    // The printer asks ObjectMeta for the description of a "handler" field it does not have.
    registry.accept("node.k8s.io/RuntimeClass", () -> new Tables.Printer(List.of(c.name(),
        column("Handler", ""), c.age()),
        (runtime, now) -> Tables.Row.of(name(runtime), text(runtime, "handler"),
            age(runtime, now))));
    registerResource(c, registry);
    registerFlowControl(c, registry);
    registry.accept("apiregistration.k8s.io/APIService", () -> new Tables.Printer(List.of(
        c.name(), column("Service", "The reference to the service that hosts this API endpoint."),
        column("Available", "Whether this service is available."), c.age()),
        MorePrinters::apiService));
  }

  private static void registerResource(Tables.Columns c,
      BiConsumer<String, Supplier<Tables.Printer>> registry) {
    Supplier<Tables.Printer> nameAndAge = () -> new Tables.Printer(List.of(c.name(), c.age()),
        (object, now) -> Tables.Row.of(name(object), age(object, now)));
    registry.accept("resource.k8s.io/DeviceClass", nameAndAge);
    registry.accept("resource.k8s.io/ResourceClaimTemplate", nameAndAge);
    registry.accept("resource.k8s.io/ResourceClaim", () -> new Tables.Printer(List.of(c.name(),
        column("State", "A summary of the current state (allocated, pending, reserved, etc.)."),
        c.age()), MorePrinters::resourceClaim));
    String resource = "io.k8s.api.resource.v1.";
    registry.accept("resource.k8s.io/ResourceSlice", () -> new Tables.Printer(List.of(c.name(),
        column("Node",
            c.described("resource.k8s.io", "v1", resource + "ResourceSliceSpec", "nodeName")),
        column("Driver",
            c.described("resource.k8s.io", "v1", resource + "ResourceSliceSpec", "driver")),
        column("Pool", c.described("resource.k8s.io", "v1", resource + "ResourcePool", "name")),
        c.age()),
        (slice, now) -> Tables.Row.of(name(slice), text(slice.path("spec"), "nodeName"),
            text(slice.path("spec"), "driver"), text(slice.path("spec").path("pool"), "name"),
            age(slice, now))));
  }

  private static void registerFlowControl(Tables.Columns c,
      BiConsumer<String, Supplier<Tables.Printer>> registry) {
    String flowControl = "io.k8s.api.flowcontrol.v1.";
    registry.accept("flowcontrol.apiserver.k8s.io/FlowSchema", () -> new Tables.Printer(List.of(
        c.name(),
        column("PriorityLevel", c.described("flowcontrol.apiserver.k8s.io", "v1",
            flowControl + "PriorityLevelConfigurationReference", "name")),
        column("MatchingPrecedence", c.described("flowcontrol.apiserver.k8s.io", "v1",
            flowControl + "FlowSchemaSpec", "matchingPrecedence")),
        column("DistinguisherMethod", c.described("flowcontrol.apiserver.k8s.io", "v1",
            flowControl + "FlowSchemaSpec", "distinguisherMethod")),
        c.age(),
        column("MissingPL", "references a broken or non-existent PriorityLevelConfiguration")),
        MorePrinters::flowSchema,
        // Lists print in matching order: precedence, then name.
        Comparator.comparingLong(MorePrinters::matchingPrecedence)
            .thenComparing(Tables::name)));
    registry.accept("flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
        () -> new Tables.Printer(List.of(c.name(),
            column("Type", c.described("flowcontrol.apiserver.k8s.io", "v1",
                flowControl + "PriorityLevelConfigurationSpec", "type")),
            column("NominalConcurrencyShares", c.described("flowcontrol.apiserver.k8s.io", "v1",
                flowControl + "LimitedPriorityLevelConfiguration", "nominalConcurrencyShares")),
            column("Queues", c.described("flowcontrol.apiserver.k8s.io", "v1",
                flowControl + "QueuingConfiguration", "queues")),
            column("HandSize", c.described("flowcontrol.apiserver.k8s.io", "v1",
                flowControl + "QueuingConfiguration", "handSize")),
            column("QueueLengthLimit", c.described("flowcontrol.apiserver.k8s.io", "v1",
                flowControl + "QueuingConfiguration", "queueLengthLimit")),
            c.age()), MorePrinters::priorityLevel));
  }

  // --- rows ---

  private static Tables.Row certificateSigningRequest(ObjectNode request, Instant now) {
    JsonNode spec = request.path("spec");
    boolean approved = false;
    boolean denied = false;
    boolean failed = false;
    for (JsonNode condition : request.path("status").path("conditions")) {
      switch (text(condition, "type")) {
        case "Approved" -> approved = true;
        case "Denied" -> denied = true;
        case "Failed" -> failed = true;
        default -> { }
      }
    }
    // Denial outranks approval, whatever the order of the conditions.
    String condition = denied ? "Denied" : approved ? "Approved" : "Pending";
    if (failed) {
      condition += ",Failed";
    }
    if (!text(request.path("status"), "certificate").isEmpty()) {
      condition += ",Issued";
    }
    String duration = present(spec, "expirationSeconds")
        ? humanDuration(Duration.ofSeconds(spec.get("expirationSeconds").asLong())) : "<none>";
    return Tables.Row.of(name(request), age(request, now),
        orDefault(text(spec, "signerName"), "<none>"), text(spec, "username"), duration,
        condition);
  }

  private static Tables.Row ingress(ObjectNode ingress, Instant now) {
    JsonNode spec = ingress.path("spec");
    // Every listed address once, sorted; the server prints wide, so nothing is shortened.
    TreeSet<String> addresses = new TreeSet<>();
    for (JsonNode point : ingress.path("status").path("loadBalancer").path("ingress")) {
      String ip = text(point, "ip");
      String hostname = text(point, "hostname");
      if (!ip.isEmpty()) {
        addresses.add(ip);
      } else if (!hostname.isEmpty()) {
        addresses.add(hostname);
      }
    }
    return Tables.Row.of(name(ingress),
        present(spec, "ingressClassName") ? text(spec, "ingressClassName") : "<none>",
        hosts(spec.path("rules")), String.join(",", addresses),
        size(spec.get("tls")) > 0 ? "80, 443" : "80", age(ingress, now));
  }

  /**
   * Up to three hosts, then how many rules more. The printer notices it is full only on the
   * rule after the third host, and counts hostless rules in what remains.
   */
  private static String hosts(JsonNode rules) {
    final int max = 3;
    List<String> hosts = new ArrayList<>();
    boolean more = false;
    for (JsonNode rule : rules) {
      if (hosts.size() == max) {
        more = true;
      }
      if (!more && !text(rule, "host").isEmpty()) {
        hosts.add(text(rule, "host"));
      }
    }
    if (hosts.isEmpty()) {
      return "*";
    }
    return more ? String.join(",", hosts) + " + " + (rules.size() - max) + " more..."
        : String.join(",", hosts);
  }

  private static Tables.Row ingressClass(ObjectNode ingressClass, Instant now) {
    JsonNode parameters = object(ingressClass.path("spec"), "parameters");
    String shown = "<none>";
    if (parameters != null) {
      shown = text(parameters, "kind")
          + (present(parameters, "apiGroup") ? "." + text(parameters, "apiGroup") : "")
          + "/" + text(parameters, "name");
    }
    return Tables.Row.of(name(ingressClass), text(ingressClass.path("spec"), "controller"),
        shown, age(ingressClass, now));
  }

  private static Tables.Row ipAddress(ObjectNode address, Instant now) {
    JsonNode parent = object(address.path("spec"), "parentRef");
    String shown = "<none>";
    if (parent != null) {
      // A GroupResource written resource.group, lowercased, then namespace and name.
      String group = text(parent, "group");
      String resource = text(parent, "resource");
      shown = (group.isEmpty() ? resource : resource + "." + group).toLowerCase(Locale.ROOT);
      if (!text(parent, "namespace").isEmpty()) {
        shown += "/" + text(parent, "namespace");
      }
      shown += "/" + text(parent, "name");
    }
    return Tables.Row.of(name(address), shown, age(address, now));
  }

  private static Tables.Row binding(ObjectNode binding, Instant now) {
    List<String> users = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<String> serviceAccounts = new ArrayList<>();
    for (JsonNode subject : binding.path("subjects")) {
      switch (text(subject, "kind")) {
        case "ServiceAccount" ->
            serviceAccounts.add(text(subject, "namespace") + "/" + text(subject, "name"));
        case "User" -> users.add(text(subject, "name"));
        case "Group" -> groups.add(text(subject, "name"));
        default -> { }
      }
    }
    JsonNode role = binding.path("roleRef");
    return Tables.Row.of(name(binding), text(role, "kind") + "/" + text(role, "name"),
        age(binding, now), String.join(", ", users), String.join(", ", groups),
        String.join(", ", serviceAccounts));
  }

  private static Tables.Row csiDriver(ObjectNode driver, Instant now) {
    JsonNode spec = driver.path("spec");
    // The decoder defaults the flags (attachRequired to true) and the lifecycle modes.
    List<String> modes = texts(spec.path("volumeLifecycleModes"));
    String tokenRequests = "<unset>";
    if (present(spec, "tokenRequests")) {
      List<String> audiences = new ArrayList<>();
      spec.get("tokenRequests").forEach(request -> audiences.add(text(request, "audience")));
      tokenRequests = String.join(",", audiences);
    }
    return Tables.Row.of(name(driver),
        !present(spec, "attachRequired") || spec.get("attachRequired").asBoolean(),
        spec.path("podInfoOnMount").asBoolean(), spec.path("storageCapacity").asBoolean(),
        tokenRequests, spec.path("requiresRepublish").asBoolean(),
        modes.isEmpty() ? "Persistent" : String.join(",", modes), age(driver, now));
  }

  private static Tables.Row storageClass(ObjectNode storageClass, Instant now) {
    JsonNode annotations = storageClass.path("metadata").path("annotations");
    boolean isDefault = text(annotations, "storageclass.kubernetes.io/is-default-class")
        .equals("true")
        || text(annotations, "storageclass.beta.kubernetes.io/is-default-class").equals("true");
    return Tables.Row.of(name(storageClass) + (isDefault ? " (default)" : ""),
        text(storageClass, "provisioner"),
        orDefault(text(storageClass, "reclaimPolicy"), "Delete"),
        orDefault(text(storageClass, "volumeBindingMode"), "Immediate"),
        storageClass.path("allowVolumeExpansion").asBoolean(), age(storageClass, now));
  }

  private static Tables.Row volumeAttachment(ObjectNode attachment, Instant now) {
    JsonNode spec = attachment.path("spec");
    return Tables.Row.of(name(attachment), text(spec, "attacher"),
        text(spec.path("source"), "persistentVolumeName"), text(spec, "nodeName"),
        attachment.path("status").path("attached").asBoolean(), age(attachment, now));
  }

  private static Tables.Row admissionPolicy(ObjectNode policy, Instant now) {
    JsonNode spec = policy.path("spec");
    JsonNode paramKind = object(spec, "paramKind");
    return Tables.Row.of(name(policy), (long) size(spec.get("validations")),
        paramKind == null ? "<unset>"
            : text(paramKind, "apiVersion") + "/" + text(paramKind, "kind"),
        age(policy, now));
  }

  private static Tables.Row admissionPolicyBinding(ObjectNode binding, Instant now) {
    JsonNode spec = binding.path("spec");
    JsonNode paramRef = object(spec, "paramRef");
    String param = "<unset>";
    if (paramRef != null && !text(paramRef, "name").isEmpty()) {
      // Whether the param kind is cluster-scoped is unknown here, so no namespace means any.
      param = orDefault(text(paramRef, "namespace"), "*") + "/" + text(paramRef, "name");
    } else if (paramRef != null && object(paramRef, "selector") != null) {
      param = goSelectorStruct(paramRef.get("selector"));
    }
    return Tables.Row.of(name(binding), text(spec, "policyName"), param, age(binding, now));
  }

  /** The Go struct dump (the generated String()) of a metav1.LabelSelector, as printed. */
  private static String goSelectorStruct(JsonNode selector) {
    StringBuilder text = new StringBuilder("&LabelSelector{MatchLabels:map[string]string{");
    TreeMap<String, String> labels = new TreeMap<>();
    selector.path("matchLabels").properties().iterator()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    labels.forEach((key, value) -> text.append(key).append(": ").append(value).append(','));
    text.append("},MatchExpressions:[]LabelSelectorRequirement{");
    for (JsonNode requirement : selector.path("matchExpressions")) {
      text.append("LabelSelectorRequirement{Key:").append(text(requirement, "key"))
          .append(",Operator:").append(text(requirement, "operator"))
          .append(",Values:[").append(String.join(" ", texts(requirement.path("values"))))
          .append("],},");
    }
    return text.append("},}").toString();
  }

  private static Tables.Row resourceClaim(ObjectNode claim, Instant now) {
    List<String> states = new ArrayList<>();
    boolean allocated = present(claim.path("status"), "allocation");
    if (deleting(claim)) {
      states.add("deleted");
    }
    if (allocated) {
      states.add("allocated");
      if (size(claim.path("status").get("reservedFor")) > 0) {
        states.add("reserved");
      }
    } else if (!deleting(claim)) {
      states.add("pending");
    }
    return Tables.Row.of(name(claim), String.join(",", states), age(claim, now));
  }

  private static Tables.Row flowSchema(ObjectNode schema, Instant now) {
    JsonNode spec = schema.path("spec");
    String missing = "?";
    for (JsonNode condition : schema.path("status").path("conditions")) {
      if (text(condition, "type").equals("Dangling")) {
        missing = text(condition, "status");
        break;
      }
    }
    JsonNode distinguisher = object(spec, "distinguisherMethod");
    return Tables.Row.of(name(schema), text(spec.path("priorityLevelConfiguration"), "name"),
        matchingPrecedence(schema),
        distinguisher == null ? "<none>" : text(distinguisher, "type"), age(schema, now),
        missing);
  }

  /** spec.matchingPrecedence, which the decoder defaults from 0 to 1000. */
  private static long matchingPrecedence(ObjectNode schema) {
    long precedence = schema.path("spec").path("matchingPrecedence").asLong();
    return precedence == 0 ? 1000 : precedence;
  }

  private static Tables.Row priorityLevel(ObjectNode level, Instant now) {
    JsonNode spec = level.path("spec");
    JsonNode limited = object(spec, "limited");
    Object shares = "<none>";
    Object queues = "<none>";
    Object handSize = "<none>";
    Object queueLengthLimit = "<none>";
    if (limited != null) {
      // The decoder fills in what a limited level leaves out.
      shares = present(limited, "nominalConcurrencyShares")
          ? limited.get("nominalConcurrencyShares").asLong() : 30L;
      JsonNode queuing = object(limited.path("limitResponse"), "queuing");
      if (queuing != null) {
        queues = defaulted(queuing.path("queues").asLong(), 64);
        handSize = defaulted(queuing.path("handSize").asLong(), 8);
        queueLengthLimit = defaulted(queuing.path("queueLengthLimit").asLong(), 50);
      }
    }
    return Tables.Row.of(name(level), text(spec, "type"), shares, queues, handSize,
        queueLengthLimit, age(level, now));
  }

  /** A Go int32 the decoder defaults when it is zero. */
  private static long defaulted(long value, long fallback) {
    return value == 0 ? fallback : value;
  }

  /** The aggregator's own table: where the API is served, and whether it is available. */
  private static Tables.Row apiService(ObjectNode service, Instant now) {
    JsonNode reference = object(service.path("spec"), "service");
    String served = reference == null ? "Local"
        : text(reference, "namespace") + "/" + text(reference, "name");
    String available = "Unknown";
    for (JsonNode condition : service.path("status").path("conditions")) {
      if (text(condition, "type").equals("Available")) {
        String status = text(condition, "status");
        String reason = text(condition, "reason");
        available = status.equals("True") || reason.isEmpty() ? status
            : status + " (" + reason + ")";
        break;
      }
    }
    return Tables.Row.of(name(service), served, available, age(service, now));
  }

  // --- horizontal pod autoscalers ---

  /**
   * The TARGETS of an autoscaler: each metric's current value against its target. Both served
   * versions are read into the internal shape the printer sees; autoscaling/v1 keeps all but
   * the CPU metric in annotations, which conversion reads back.
   */
  static final class Autoscaler {
    private static final String METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
    private static final String CURRENT_METRICS_ANNOTATION =
        "autoscaling.alpha.kubernetes.io/current-metrics";
    private static final int DEFAULT_CPU_UTILIZATION = 80;

    /** A target or current value; quantities as printed, null for a pointer left nil. */
    record Amounts(String value, String averageValue, Long averageUtilization) {}

    /** One spec metric: its type, the resource it measures, and its target. */
    record MetricSpec(String type, String resource, Amounts target) {}

    /**
     * The spec metrics and, by position, the current ones; a current metric maps the source
     * fields it has (resource, pods, ...) to its values.
     */
    record Metrics(List<MetricSpec> specs, List<Map<String, Amounts>> current) {

      static Metrics fromV2(ObjectNode hpa) {
        List<MetricSpec> specs = new ArrayList<>();
        for (JsonNode metric : hpa.path("spec").path("metrics")) {
          String type = text(metric, "type");
          JsonNode source = metric.path(sourceField(type));
          JsonNode target = source.path("target");
          specs.add(new MetricSpec(type, text(source, "name"), new Amounts(
              quantity(target.get("value")), quantity(target.get("averageValue")),
              integer(target.get("averageUtilization")))));
        }
        if (specs.isEmpty()) {
          specs.add(defaultCpu()); // the decoder's default
        }
        List<Map<String, Amounts>> current = new ArrayList<>();
        for (JsonNode metric : hpa.path("status").path("currentMetrics")) {
          Map<String, Amounts> sources = new TreeMap<>();
          for (String field : List.of("resource", "pods", "object", "external",
              "containerResource")) {
            JsonNode source = object(metric, field);
            if (source != null) {
              JsonNode value = source.path("current");
              sources.put(field, new Amounts(quantity(value.get("value")),
                  quantity(value.get("averageValue")), integer(value.get("averageUtilization"))));
            }
          }
          current.add(sources);
        }
        return new Metrics(specs, current);
      }

      static Metrics fromV1(ObjectNode hpa) {
        JsonNode spec = hpa.path("spec");
        JsonNode annotations = hpa.path("metadata").path("annotations");
        List<MetricSpec> specs = new ArrayList<>();
        JsonNode annotated = annotationList(annotations, METRICS_ANNOTATION);
        if (annotated != null) {
          annotated.forEach(metric -> specs.add(v1Spec(metric)));
        }
        if (present(spec, "targetCPUUtilizationPercentage")) {
          specs.add(new MetricSpec("Resource", "cpu", new Amounts(null, null,
              spec.get("targetCPUUtilizationPercentage").asLong())));
        }
        if (specs.isEmpty()) {
          specs.add(defaultCpu());
        }
        List<Map<String, Amounts>> current = new ArrayList<>();
        JsonNode status = hpa.path("status");
        JsonNode annotatedCurrent = annotationList(annotations, CURRENT_METRICS_ANNOTATION);
        if (annotatedCurrent != null) {
          annotatedCurrent.forEach(metric -> current.add(v1Current(metric)));
        } else if (present(status, "currentCPUUtilizationPercentage")) {
          current.add(Map.of("resource", new Amounts(null, null,
              status.get("currentCPUUtilizationPercentage").asLong())));
        }
        return new Metrics(specs, current);
      }

      private static MetricSpec defaultCpu() {
        return new MetricSpec("Resource", "cpu",
            new Amounts(null, null, (long) DEFAULT_CPU_UTILIZATION));
      }

      /** An autoscaling/v1 MetricSpec from the annotation, converted to the internal target. */
      private static MetricSpec v1Spec(JsonNode metric) {
        String type = text(metric, "type");
        JsonNode source = object(metric, sourceField(type));
        if (source == null) {
          return new MetricSpec(type, "", new Amounts(null, null, null));
        }
        Amounts target = switch (type) {
          case "Object" -> new Amounts(Tables.Quantity.format(source.get("targetValue")),
              quantity(source.get("averageValue")), null);
          case "Pods" -> new Amounts(null, Tables.Quantity.format(source.get("targetAverageValue")),
              null);
          case "External" -> new Amounts(quantity(source.get("targetValue")),
              quantity(source.get("targetAverageValue")), null);
          default -> new Amounts(null, quantity(source.get("targetAverageValue")),
              integer(source.get("targetAverageUtilization")));
        };
        return new MetricSpec(type, text(source, "name"), target);
      }

      private static Map<String, Amounts> v1Current(JsonNode metric) {
        Map<String, Amounts> sources = new TreeMap<>();
        JsonNode object = object(metric, "object");
        if (object != null) {
          sources.put("object", new Amounts(Tables.Quantity.format(object.get("currentValue")),
              quantity(object.get("averageValue")), null));
        }
        JsonNode pods = object(metric, "pods");
        if (pods != null) {
          sources.put("pods",
              new Amounts(null, Tables.Quantity.format(pods.get("currentAverageValue")), null));
        }
        JsonNode external = object(metric, "external");
        if (external != null) {
          sources.put("external", new Amounts(Tables.Quantity.format(external.get("currentValue")),
              quantity(external.get("currentAverageValue")), null));
        }
        for (String field : List.of("resource", "containerResource")) {
          JsonNode resource = object(metric, field);
          if (resource != null) {
            sources.put(field, new Amounts(null,
                Tables.Quantity.format(resource.get("currentAverageValue")),
                integer(resource.get("currentAverageUtilization"))));
          }
        }
        return sources;
      }

      /** An annotation holding a JSON list, or null when absent or unreadable (then ignored). */
      private static JsonNode annotationList(JsonNode annotations, String name) {
        if (!present(annotations, name)) {
          return null;
        }
        try {
          JsonNode list = Json.MAPPER.readTree(annotations.get(name).asText());
          return list != null && list.isArray() ? list : null;
        } catch (JsonProcessingException e) {
          return null;
        }
      }

      private static String quantity(JsonNode node) {
        return node == null || node.isNull() ? null : Tables.Quantity.format(node);
      }

      private static Long integer(JsonNode node) {
        return node == null || node.isNull() ? null : node.asLong();
      }
    }

    private Autoscaler() {}

    private static String sourceField(String type) {
      return switch (type) {
        case "ContainerResource" -> "containerResource";
        default -> type.toLowerCase(Locale.ROOT);
      };
    }

    static Tables.Row row(ObjectNode hpa, Metrics metrics, Instant now) {
      JsonNode spec = hpa.path("spec");
      JsonNode target = spec.path("scaleTargetRef");
      // Both versions default minReplicas to 1.
      String minPods = present(spec, "minReplicas") ? spec.get("minReplicas").asText() : "1";
      return Tables.Row.of(name(hpa), text(target, "kind") + "/" + text(target, "name"),
          targets(metrics), minPods, spec.path("maxReplicas").asLong(),
          hpa.path("status").path("currentReplicas").asLong(), age(hpa, now));
    }

    /** The first two metrics as current/target, then how many more. */
    static String targets(Metrics metrics) {
      final int max = 2;
      List<String> shown = new ArrayList<>();
      for (int i = 0; i < metrics.specs().size(); i++) {
        MetricSpec spec = metrics.specs().get(i);
        Amounts current = i < metrics.current().size()
            ? metrics.current().get(i).get(sourceField(spec.type())) : null;
        shown.add(target(spec, current));
      }
      int count = shown.size();
      if (count > max) {
        return String.join(", ", shown.subList(0, max)) + " + " + (count - max) + " more...";
      }
      return String.join(", ", shown);
    }

    private static String target(MetricSpec spec, Amounts current) {
      Amounts target = spec.target();
      String unknown = "<unknown>";
      switch (spec.type()) {
        case "External", "Object" -> {
          if (target.averageValue() != null) {
            String now = current != null && current.averageValue() != null
                ? current.averageValue() : unknown;
            return now + "/" + target.averageValue() + " (avg)";
          }
          return (current != null ? nil(current.value()) : unknown) + "/" + nil(target.value());
        }
        case "Pods" -> {
          return (current != null ? nil(current.averageValue()) : unknown) + "/"
              + nil(target.averageValue());
        }
        case "Resource", "ContainerResource" -> {
          if (target.averageValue() != null) {
            return spec.resource() + ": "
                + (current != null ? nil(current.averageValue()) : unknown) + "/"
                + target.averageValue();
          }
          String now = current != null && current.averageUtilization() != null
              ? current.averageUtilization() + "%" : unknown;
          String wanted = target.averageUtilization() != null
              ? target.averageUtilization() + "%" : "<auto>";
          return spec.resource() + ": " + now + "/" + wanted;
        }
        default -> {
          return "<unknown type>";
        }
      }
    }

    /** A nil *Quantity prints as Go's "<nil>". */
    private static String nil(String quantity) {
      return quantity == null ? "<nil>" : quantity;
    }
  }

}
