package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Policy;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request bodies in Kubernetes' protobuf encoding, {@code application/vnd.kubernetes.protobuf}.
 * client-go's generated typed clients prefer protobuf for built-in kinds, so kubectl (1.32 and
 * 1.33 at least) sends it from every command that creates, updates or deletes through a typed
 * clientset: {@code create configmap|secret|deployment|namespace|serviceaccount|service|quota|
 * job|role|...}, {@code create token} (TokenRequest), {@code auth can-i} (SelfSubjectAccessReview,
 * or SelfSubjectRulesReview with {@code --list}), {@code auth whoami} (SelfSubjectReview), {@code
 * debug} (Pod) and {@code drain --disable-eviction} (DeleteOptions). Commands that work from
 * manifests (apply, create -f, replace, run, expose) send JSON, as do the hand-written client
 * methods (pod evictions, bindings), and patches are never protobuf.
 *
 * <p>A body is the magic {@code k8s\0} and a {@code runtime.Unknown} whose typeMeta names the
 * kind and whose raw field holds the object's own message. The tree returned is the one
 * kube-apiserver's round trip gives: protobuf into the Go structs of k8s.io/api v0.34, then
 * encoding/json, which is also the JSON body kubectl would have sent. The walk is driven by the
 * descriptors of client-java-proto's generated classes; what descriptors cannot tell (pointers,
 * omitempty, inline structs) comes from {@link #GO_FIELDS}.
 */
final class ProtobufBodies {
  static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

  private static final Logger logger = LoggerFactory.getLogger(ProtobufBodies.class);
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  /** kube-apiserver names its scheme after the line that created it (pkg/api/legacyscheme). */
  private static final String SCHEME = "pkg/api/legacyscheme/scheme.go:30";
  /** kube-apiserver's answer to a protobuf body for a resource without protobuf (a CRD's). */
  private static final String NO_PROTOBUF = "the body of the request was in an unknown format - "
      + "accepted media types include: application/json, application/yaml";
  /** Go's zero time.Time in Unix seconds; encoding/json renders it as null. */
  private static final long GO_ZERO_TIME = -62135596800L;

  private static final String TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.Time";
  private static final String MICRO_TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime";
  private static final String DURATION = "k8s.io.apimachinery.pkg.apis.meta.v1.Duration";
  private static final String FIELDS_V1 = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1";
  private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
  private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
  private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

  /** The proto files of the group versions whose kinds can be decoded. */
  private static final Map<String, FileDescriptor> FILES = Map.of(
      "v1", V1.getDescriptor(),
      "apps/v1", V1Apps.getDescriptor(),
      "authentication.k8s.io/v1", V1Authentication.getDescriptor(),
      "authorization.k8s.io/v1", V1Authorization.getDescriptor(),
      "autoscaling/v1", V1Autoscaling.getDescriptor(),
      "policy/v1", V1Policy.getDescriptor());

  /**
   * Kinds that arrive as bodies of subresources. kubectl sends Eviction and Binding as JSON, but
   * Go clients configured for protobuf (controllers, schedulers) do not.
   */
  private static final List<String> SUBRESOURCE_KINDS = List.of("v1 Binding",
      "policy/v1 Eviction", "authentication.k8s.io/v1 TokenRequest", "autoscaling/v1 Scale");

  /**
   * What the descriptors cannot tell: how encoding/json renders each Go field. go-to-protobuf
   * makes every field proto2 {@code optional}, and Go's Marshal writes every non-pointer field,
   * zero or not, but a pointer only when it is set. So on the wire an absent field was a nil
   * pointer (or an empty list or map), while a present zero value is ambiguous: encoding/json
   * drops it for a plain {@code omitempty} field, but keeps it for a pointer ({@code replicas:
   * 0}) and for a field without omitempty ({@code allowed: false}). Present messages are always
   * rendered, as encoding/json never omits a struct; that is why kubectl's JSON for {@code create
   * deployment} has {@code resources: {}}, {@code strategy: {}} and {@code status: {}}.
   *
   * <p>Flags after a field name (fields that need none are not listed): {@code *} Go pointer, a
   * present zero value is kept; {@code !} no omitempty, a zero value is kept and an absent list,
   * map or pointer is null; {@code ^} embedded {@code json:",inline"}, its fields belong to the
   * enclosing object; {@code ~} omitzero (metadata.creationTimestamp since 1.34), a zero time is
   * left out; {@code =name} the JSON name differs from the proto name.
   *
   * <p>Generated by reflection over the structs of k8s.io/api v0.34.4 (their json and protobuf
   * tags), for every message reachable from the kinds in {@link #MESSAGES} that
   * client-java-proto has; extend it when kinds are added.
   */
  private static final String GO_FIELDS = """
      k8s.io.api.apps.v1
        ControllerRevision revision!
        DeploymentCondition type! status!
        DeploymentSpec replicas* selector*! revisionHistoryLimit* progressDeadlineSeconds*
        DeploymentStatus collisionCount*
        ReplicaSetCondition type! status!
        ReplicaSetSpec replicas* selector*!
        ReplicaSetStatus replicas!
      k8s.io.api.authentication.v1
        BoundObjectReference uID=uid
        TokenRequestSpec audiences! expirationSeconds*! boundObjectRef*!
        TokenRequestStatus token!
      k8s.io.api.authorization.v1
        NonResourceRule verbs!
        ResourceRule verbs!
        SubjectAccessReviewStatus allowed!
        SubjectRulesReviewStatus resourceRules! nonResourceRules! incomplete!
      k8s.io.api.autoscaling.v1
        ScaleStatus replicas!
      k8s.io.api.core.v1
        AWSElasticBlockStoreVolumeSource volumeID!
        AppArmorProfile type! localhostProfile*
        AttachedVolume name! devicePath!
        AzureDiskVolumeSource diskName! diskURI! cachingMode* fsType* readOnly* kind*
        AzureFileVolumeSource secretName! shareName!
        CSIVolumeSource driver! readOnly* fsType*
        CephFSVolumeSource monitors!
        CinderVolumeSource volumeID!
        ClientIPConfig timeoutSeconds*
        ClusterTrustBundleProjection name* signerName* optional* path!
        ConfigMap immutable*
        ConfigMapEnvSource localObjectReference^ optional*
        ConfigMapKeySelector localObjectReference^ key! optional*
        ConfigMapNodeConfigSource namespace! name! kubeletConfigKey!
        ConfigMapProjection localObjectReference^ optional*
        ConfigMapVolumeSource localObjectReference^ defaultMode* optional*
        Container name! restartPolicy*
        ContainerImage names!
        ContainerPort containerPort!
        ContainerResizePolicy resourceName! restartPolicy!
        ContainerStateTerminated exitCode!
        ContainerStatus name! ready! restartCount! image! imageID! started*
        DaemonEndpoint Port!
        DownwardAPIVolumeFile path! mode*
        DownwardAPIVolumeSource defaultMode*
        EndpointAddress ip! nodeName*
        EndpointPort port! appProtocol*
        EnvVar name!
        EphemeralContainer ephemeralContainerCommon^
        EphemeralContainerCommon name! restartPolicy*
        Event reportingComponent! reportingInstance!
        FCVolumeSource lun*
        FlexVolumeSource driver!
        GCEPersistentDiskVolumeSource pdName!
        GRPCAction port! service*!
        GitRepoVolumeSource repository!
        GlusterfsVolumeSource endpoints! path!
        HTTPHeader name! value!
        HostAlias ip!
        HostIP ip!
        HostPathVolumeSource path! type*
        ISCSIVolumeSource targetPortal! iqn! lun! initiatorName*
        KeyToPath key! path! mode*
        LoadBalancerIngress ipMode*
        NFSVolumeSource server! path!
        NamespaceCondition type! status!
        NodeAddress type! address!
        NodeCondition type! status!
        NodeRuntimeHandler name!
        NodeRuntimeHandlerFeatures recursiveReadOnlyMounts*
        NodeSelector nodeSelectorTerms!
        NodeSelectorRequirement key! operator!
        NodeSystemInfo machineID! systemUUID! bootID! kernelVersion! osImage!
        NodeSystemInfo containerRuntimeVersion! kubeletVersion! kubeProxyVersion!
        NodeSystemInfo operatingSystem! architecture!
        ObjectFieldSelector fieldPath!
        PersistentVolumeClaimSpec storageClassName* volumeMode* volumeAttributesClassName*
        PersistentVolumeClaimVolumeSource claimName!
        PhotonPersistentDiskVolumeSource pdID!
        PodAffinityTerm topologyKey!
        PodCondition type! status!
        PodDNSConfigOption value*
        PodIP ip!
        PodOS name!
        PodReadinessGate conditionType!
        PodResourceClaim name!
        PodResourceClaimStatus name! resourceClaimName*
        PodSchedulingGate name!
        PodSecurityContext runAsUser* runAsGroup* runAsNonRoot* fsGroup* fsGroupChangePolicy*
        PodSpec containers! terminationGracePeriodSeconds* activeDeadlineSeconds*
        PodSpec automountServiceAccountToken* shareProcessNamespace* priority*
        PodSpec runtimeClassName* enableServiceLinks* preemptionPolicy* setHostnameAsFQDN*
        PodSpec hostUsers*
        PortStatus port! protocol! error*
        PortworxVolumeSource volumeID!
        PreferredSchedulingTerm weight!
        Probe handler^ terminationGracePeriodSeconds*
        ProjectedVolumeSource sources! defaultMode*
        QuobyteVolumeSource registry! volume!
        RBDVolumeSource monitors! image!
        ResourceClaim name!
        ResourceFieldSelector resource!
        ScaleIOVolumeSource gateway! system! secretRef*!
        ScopedResourceSelectorRequirement scopeName! operator!
        SeccompProfile type! localhostProfile*
        Secret immutable*
        SecretEnvSource localObjectReference^ optional*
        SecretKeySelector localObjectReference^ key! optional*
        SecretProjection localObjectReference^ optional*
        SecretVolumeSource defaultMode* optional*
        SecurityContext privileged* runAsUser* runAsGroup* runAsNonRoot*
        SecurityContext readOnlyRootFilesystem* allowPrivilegeEscalation* procMount*
        ServiceAccount automountServiceAccountToken*
        ServiceAccountTokenProjection expirationSeconds* path!
        ServicePort appProtocol* port!
        ServiceSpec ipFamilyPolicy* allocateLoadBalancerNodePorts* loadBalancerClass*
        ServiceSpec internalTrafficPolicy* trafficDistribution*
        SleepAction seconds!
        Sysctl name! value!
        Taint key! effect!
        Toleration tolerationSeconds*
        TopologySpreadConstraint maxSkew! topologyKey! whenUnsatisfiable! minDomains*
        TopologySpreadConstraint nodeAffinityPolicy* nodeTaintsPolicy*
        TypedLocalObjectReference apiGroup*! kind! name!
        TypedObjectReference apiGroup*! kind! name! namespace*
        Volume name! volumeSource^
        VolumeDevice name! devicePath!
        VolumeMount name! recursiveReadOnly* mountPath! mountPropagation*
        VolumeMountStatus name! mountPath! recursiveReadOnly*
        VsphereVirtualDiskVolumeSource volumePath!
        WeightedPodAffinityTerm weight!
        WindowsSecurityContextOptions gmsaCredentialSpecName* gmsaCredentialSpec*
        WindowsSecurityContextOptions runAsUserName* hostProcess*
      k8s.io.apimachinery.pkg.apis.meta.v1
        Condition type! status! reason! message!
        DeleteOptions gracePeriodSeconds* orphanDependents* propagationPolicy*
        LabelSelectorRequirement key! operator!
        ObjectMeta creationTimestamp~ deletionGracePeriodSeconds*
        OwnerReference apiVersion! kind! name! uid! controller* blockOwnerDeletion*
        Preconditions uid* resourceVersion*
      """;

  private static final Map<String, GoField> GO_FIELD_RULES = goFieldRules();
  /** "apiVersion kind" to the message of that kind. */
  private static final Map<String, Descriptor> MESSAGES = new HashMap<>();
  /** Kinds the sandbox serves that client-java-proto has no message for, as it predates them. */
  private static final Set<String> WITHOUT_MESSAGE = new HashSet<>();

  static {
    List<String> kinds = new ArrayList<>(SUBRESOURCE_KINDS);
    new ApiResources().all().forEach(type -> kinds.add(type.groupVersion() + " " + type.kind()));
    for (String key : kinds) {
      int space = key.indexOf(' ');
      FileDescriptor file = FILES.get(key.substring(0, space));
      String kind = key.substring(space + 1);
      Descriptor message = file == null ? null : file.findMessageTypeByName(kind);
      if (message != null) {
        MESSAGES.put(key, message);
      } else {
        WITHOUT_MESSAGE.add(key);
      }
    }
    // Typed clients send DeleteOptions in the group version of the resource they delete.
    for (String apiVersion : FILES.keySet()) {
      MESSAGES.put(apiVersion + " DeleteOptions", Meta.DeleteOptions.getDescriptor());
    }
  }

  private ProtobufBodies() {}

  /** How encoding/json renders one Go field; see {@link #GO_FIELDS}. */
  private record GoField(String jsonName, boolean pointer, boolean always, boolean inline,
      boolean omitZero) {
    static GoField of(FieldDescriptor field) {
      GoField rule = GO_FIELD_RULES.get(field.getFullName());
      return rule != null ? rule : new GoField(field.getName(), false, false, false, false);
    }
  }

  /** A group, version and kind, as the envelope names them (any may be empty). */
  private record GroupVersionKind(String group, String version, String kind) {
    static GroupVersionKind of(String apiVersion, String kind) {
      String[] parts = apiVersion == null ? new String[0] : apiVersion.split("/", -1);
      return switch (parts.length) {
        case 1 -> new GroupVersionKind("", parts[0], kind == null ? "" : kind);
        case 2 -> new GroupVersionKind(parts[0], parts[1], kind == null ? "" : kind);
        default -> new GroupVersionKind("", "", kind == null ? "" : kind);
      };
    }

    String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    /** Go's copyKindDefaults: the endpoint's kind and version fill what the body leaves out. */
    GroupVersionKind defaultedBy(GroupVersionKind endpoint) {
      String kind = this.kind.isEmpty() ? endpoint.kind : this.kind;
      return version.isEmpty() && !endpoint.version.isEmpty()
          ? new GroupVersionKind(endpoint.group, endpoint.version, kind)
          : new GroupVersionKind(group, version, kind);
    }
  }

  /** Decodes a body without knowing the endpoint; errors then cannot name the expected kind. */
  static ObjectNode decode(byte[] body) {
    return decode(body, "", "");
  }

  /**
   * Decodes a protobuf body into the JSON object a JSON body would have given, with kind and
   * apiVersion set. {@code apiVersion} and {@code kind} are the endpoint's (for a subresource, the
   * kind it takes, such as policy/v1 Eviction): as in kube-apiserver, they fill in a kind or
   * version the envelope leaves empty, and error messages name them.
   *
   * @throws ApiException 400 when the body is not a protobuf object, as kube-apiserver words it;
   *     415 when the sandbox has no message for the kind, or the body has fields that
   *     client-java-proto does not know (a Kubernetes release newer than its messages).
   */
  static ObjectNode decode(byte[] body, String apiVersion, String kind) {
    GroupVersionKind endpoint = GroupVersionKind.of(apiVersion, kind);
    if (body.length == 0) {
      throw unrecognized(endpoint, "empty data", body);
    }
    if (body.length < MAGIC.length
        || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw unrecognized(endpoint, "provided data does not appear to be a protobuf message, "
          + "expected prefix [107 56 115 0]", body);
    }
    if (body.length == MAGIC.length) {
      throw unrecognized(endpoint, "empty body", body);
    }
    Runtime.Unknown envelope;
    try {
      envelope = Runtime.Unknown.parseFrom(
          ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
    } catch (InvalidProtocolBufferException e) {
      throw unrecognized(endpoint, goError(e, "Unknown"), body);
    }
    Runtime.TypeMeta typeMeta = envelope.getTypeMeta();
    GroupVersionKind actual = GroupVersionKind.of(typeMeta.getApiVersion(), typeMeta.getKind())
        .defaultedBy(endpoint);
    String goTypeMeta = "runtime.TypeMeta{APIVersion:" + goQuote(typeMeta.getApiVersion())
        + ", Kind:" + goQuote(typeMeta.getKind()) + "}";
    if (actual.kind().isEmpty()) {
      throw unrecognized(endpoint, "Object 'Kind' is missing in '" + goTypeMeta + "'", body);
    }
    if (actual.version().isEmpty()) {
      throw cannotHandle(actual, endpoint,
          "Object 'apiVersion' is missing in '" + goTypeMeta + "'");
    }
    String key = actual.apiVersion() + " " + actual.kind();
    Descriptor type = MESSAGES.get(key);
    if (type == null && WITHOUT_MESSAGE.contains(key)) {
      logger.debug("no protobuf message for {}; answering as for a resource without protobuf", key);
      throw new ApiException(415, "UnsupportedMediaType", NO_PROTOBUF, null);
    }
    if (type == null) {
      throw cannotHandle(actual, endpoint, "no kind " + goQuote(actual.kind())
          + " is registered for version " + goQuote(actual.apiVersion()) + " in scheme "
          + goQuote(SCHEME));
    }
    DynamicMessage object;
    try {
      object = DynamicMessage.parseFrom(type, envelope.getRaw());
    } catch (InvalidProtocolBufferException e) {
      throw cannotHandle(actual, endpoint, goError(e, type.getName()));
    }
    String problem = unknownFields(object);
    if (problem != null) {
      throw cannotHandle(actual, endpoint, problem);
    }
    ObjectNode json = Json.object();
    json.put("kind", actual.kind());
    json.put("apiVersion", actual.apiVersion());
    try {
      writeFields(object, json);
    } catch (IllegalArgumentException e) {
      throw cannotHandle(actual, endpoint, e.getMessage());
    }
    return json;
  }

  /**
   * Checks what the Java messages left as unknown fields. A field number the message knows was
   * sent with the wrong wire type, which Go's decoder rejects. Other numbers are fields added to
   * Kubernetes after client-java-proto was generated: Go writes its non-pointer fields even when
   * zero, so zero values are expected and dropped (as omitempty would), but a value the sandbox
   * cannot name would be silently lost, so it is refused.
   *
   * @return Go's error text for a wrong wire type, or null when the message is fine
   */
  private static String unknownFields(Message message) {
    Descriptor type = message.getDescriptorForType();
    for (Map.Entry<Integer, UnknownFieldSet.Field> unknown
        : message.getUnknownFields().asMap().entrySet()) {
      FieldDescriptor known = type.findFieldByNumber(unknown.getKey());
      UnknownFieldSet.Field value = unknown.getValue();
      if (known != null) {
        return "proto: wrong wireType = " + wireType(value) + " for field "
            + Character.toUpperCase(known.getName().charAt(0)) + known.getName().substring(1);
      }
      if (!isZero(value)) {
        logger.debug("field {} of {} is newer than client-java-proto", unknown.getKey(),
            type.getFullName());
        throw new ApiException(415, "UnsupportedMediaType", NO_PROTOBUF, null);
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      List<?> values = field.isRepeated() ? (List<?>) message.getField(field)
          : message.hasField(field) ? List.of(message.getField(field)) : List.of();
      for (Object value : values) {
        String problem = unknownFields((Message) value);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static int wireType(UnknownFieldSet.Field value) {
    if (!value.getVarintList().isEmpty()) {
      return 0;
    }
    if (!value.getFixed64List().isEmpty()) {
      return 1;
    }
    if (!value.getLengthDelimitedList().isEmpty()) {
      return 2;
    }
    return value.getGroupList().isEmpty() ? 5 : 3;
  }

  private static boolean isZero(UnknownFieldSet.Field value) {
    return value.getVarintList().stream().allMatch(v -> v == 0)
        && value.getFixed32List().stream().allMatch(v -> v == 0)
        && value.getFixed64List().stream().allMatch(v -> v == 0)
        && value.getLengthDelimitedList().stream().allMatch(ByteString::isEmpty)
        && value.getGroupList().isEmpty();
  }

  /** Writes a message's fields into an object, as encoding/json renders the Go struct. */
  private static void writeFields(Message message, ObjectNode into) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      GoField go = GoField.of(field);
      if (go.inline()) {
        if (message.hasField(field)) {
          writeFields((Message) message.getField(field), into);
        }
      } else if (field.isRepeated()) {
        if (message.getRepeatedFieldCount(field) > 0) {
          into.set(go.jsonName(), field.isMapField() ? map(message, field) : list(message, field));
        } else if (go.always()) {
          into.putNull(go.jsonName());
        }
      } else if (!message.hasField(field)) {
        // A nil pointer; or, from an encoder other than Go's, a zero non-pointer field.
        if (go.always() && go.pointer()) {
          into.putNull(go.jsonName());
        } else if (go.always()) {
          into.set(go.jsonName(), value(field, zero(field)));
        }
      } else {
        Object value = message.getField(field);
        if (!dropped(value, go)) {
          into.set(go.jsonName(), value(field, value));
        }
      }
    }
  }

  /** The zero value Go decodes an absent non-pointer field to. */
  private static Object zero(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        ? DynamicMessage.getDefaultInstance(field.getMessageType())
        : field.getDefaultValue();
  }

  /** Whether encoding/json leaves out a value that is on the wire. */
  private static boolean dropped(Object value, GoField go) {
    if (value instanceof Message message) {
      return go.omitZero() && isZeroTime(message);
    }
    if (go.pointer() || go.always()) {
      return false;
    }
    return switch (value) {
      case String text -> text.isEmpty();
      case Number number -> number.doubleValue() == 0;
      case Boolean flag -> !flag;
      case ByteString bytes -> bytes.isEmpty();
      default -> false;
    };
  }

  private static ObjectNode map(Message message, FieldDescriptor field) {
    Descriptor entryType = field.getMessageType();
    FieldDescriptor keyField = entryType.findFieldByName("key");
    FieldDescriptor valueField = entryType.findFieldByName("value");
    // encoding/json writes map keys sorted, and a repeated key's last entry wins.
    TreeMap<String, JsonNode> entries = new TreeMap<>();
    for (Object item : (List<?>) message.getField(field)) {
      Message entry = (Message) item;
      entries.put(String.valueOf(entry.getField(keyField)),
          value(valueField, entry.getField(valueField)));
    }
    ObjectNode node = Json.object();
    entries.forEach(node::set);
    return node;
  }

  private static ArrayNode list(Message message, FieldDescriptor field) {
    ArrayNode array = Json.array();
    for (Object item : (List<?>) message.getField(field)) {
      array.add(value(field, item));
    }
    return array;
  }

  private static JsonNode value(FieldDescriptor field, Object value) {
    return switch (field.getJavaType()) {
      case STRING -> Json.NODES.textNode((String) value);
      case INT, LONG -> number(((Number) value).longValue());
      case BOOLEAN -> Json.NODES.booleanNode((Boolean) value);
      case FLOAT, DOUBLE -> Json.NODES.numberNode(new BigDecimal(value.toString()));
      case BYTE_STRING -> Json.NODES.textNode(
          Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM -> Json.NODES.textNode(((EnumValueDescriptor) value).getName());
      case MESSAGE -> message((Message) value);
    };
  }

  /** The kinds with their own JSON form in apimachinery; every other message is an object. */
  private static JsonNode message(Message message) {
    return switch (message.getDescriptorForType().getFullName()) {
      case TIME -> isZeroTime(message) ? Json.NODES.nullNode()
          : Json.NODES.textNode(Json.time(Instant.ofEpochSecond(longField(message, "seconds"))));
      case MICRO_TIME -> isZeroTime(message) ? Json.NODES.nullNode()
          : Json.NODES.textNode(Json.microTime(Instant.ofEpochSecond(
              longField(message, "seconds"), longField(message, "nanos"))));
      case DURATION -> Json.NODES.textNode(goDuration(longField(message, "duration")));
      case QUANTITY -> {
        // Go writes a quantity in its canonical form; only the zero quantity has no text.
        Object text = field(message, "string");
        yield Json.NODES.textNode(text == null || text.equals("") ? "0" : text.toString());
      }
      case INT_OR_STRING -> longField(message, "type") == 1
          ? Json.NODES.textNode(String.valueOf(field(message, "strVal")))
          : number(longField(message, "intVal"));
      case RAW_EXTENSION ->
          embeddedJson((ByteString) field(message, "raw"), "runtime.RawExtension");
      case FIELDS_V1 -> embeddedJson((ByteString) field(message, "Raw"), "v1.FieldsV1");
      default -> isSliceType(message.getDescriptorForType())
          ? list(message, message.getDescriptorForType().getFields().get(0))
          : object(message);
    };
  }

  private static ObjectNode object(Message message) {
    ObjectNode node = Json.object();
    writeFields(message, node);
    return node;
  }

  /**
   * A Go named slice, such as authentication's {@code ExtraValue []string}, becomes a message
   * with one repeated field named items; encoding/json renders the slice itself.
   */
  private static boolean isSliceType(Descriptor type) {
    return type.getFields().size() == 1 && type.getFields().get(0).isRepeated()
        && type.getFields().get(0).getName().equals("items");
  }

  /** Go's Time and MicroTime read an empty message as the zero time, rendered as null. */
  private static boolean isZeroTime(Message time) {
    FieldDescriptor seconds = time.getDescriptorForType().findFieldByName("seconds");
    if (seconds == null) {
      return false;
    }
    if (time.getSerializedSize() == 0) {
      return true;
    }
    return longField(time, "seconds") == GO_ZERO_TIME && longField(time, "nanos") == 0;
  }

  private static JsonNode embeddedJson(ByteString raw, String goType) {
    if (raw == null || raw.isEmpty()) {
      return Json.NODES.nullNode();
    }
    try {
      return Json.MAPPER.readTree(raw.toByteArray());
    } catch (IOException e) {
      throw new IllegalArgumentException("json: error calling MarshalJSON for type " + goType
          + ": invalid JSON in the embedded object", e);
    }
  }

  private static Object field(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    return field == null || !message.hasField(field) ? null : message.getField(field);
  }

  private static long longField(Message message, String name) {
    Object value = field(message, name);
    return value == null ? 0 : ((Number) value).longValue();
  }

  /** The node Json.MAPPER would parse the number into, so that trees compare equal. */
  private static JsonNode number(long value) {
    return value == (int) value ? Json.NODES.numberNode((int) value) : Json.NODES.numberNode(value);
  }

  /** Go's time.Duration.String: "1h2m3.5s", "1.5ms", "0s". */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    // Long.MIN_VALUE has no positive counterpart; Go works on the unsigned magnitude too.
    BigDecimal magnitude = new BigDecimal(nanos).abs();
    BigDecimal second = BigDecimal.valueOf(1_000_000_000L);
    if (magnitude.compareTo(second) < 0) {
      long value = magnitude.longValue();
      if (value < 1_000) {
        return sign + value + "ns";
      }
      return value < 1_000_000
          ? sign + decimal(magnitude.movePointLeft(3)) + "\u00b5s"
          : sign + decimal(magnitude.movePointLeft(6)) + "ms";
    }
    BigDecimal seconds = magnitude.movePointLeft(9);
    long whole = seconds.longValue();
    StringBuilder text = new StringBuilder(sign);
    if (whole >= 3600) {
      text.append(whole / 3600).append('h');
    }
    if (whole >= 60) {
      text.append(whole / 60 % 60).append('m');
    }
    return text.append(decimal(seconds.subtract(BigDecimal.valueOf(whole - whole % 60))))
        .append('s').toString();
  }

  private static String decimal(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() <= 0 ? stripped.toBigInteger().toString() : stripped.toPlainString();
  }

  /** The Go error text for what protobuf-java reports, in the common cases. */
  private static String goError(InvalidProtocolBufferException e, String goType) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("ended unexpectedly")) {
      return "unexpected EOF";
    }
    if (message.contains("negative size")) {
      return "proto: negative length found during unmarshaling";
    }
    if (message.contains("malformed varint")) {
      return "proto: integer overflow";
    }
    if (message.contains("invalid tag (zero)")) {
      return "proto: " + goType + ": illegal tag 0 (wire type 0)";
    }
    if (message.contains("end-group tag")) {
      return "proto: " + goType + ": wiretype end group for non-group";
    }
    if (message.contains("invalid wire type")) {
      return "proto: illegal wireType";
    }
    return "proto: " + message;
  }

  /** kube-apiserver's transformDecodeError when the body's kind is known. */
  private static ApiException cannotHandle(GroupVersionKind actual, GroupVersionKind endpoint,
      String error) {
    String expected = endpoint.kind().isEmpty() ? actual.kind() : endpoint.kind();
    return ApiException.badRequest(actual.kind() + " in version " + goQuote(actual.version())
        + " cannot be handled as a " + expected + ": " + error);
  }

  /** kube-apiserver's transformDecodeError when the body's kind could not be read. */
  private static ApiException unrecognized(GroupVersionKind endpoint, String error, byte[] body) {
    String expected = endpoint.kind().isEmpty() ? "" : " (must be of type " + endpoint.kind() + ")";
    return ApiException.badRequest("the object provided is unrecognized" + expected + ": " + error
        + " (" + summary(body) + ")");
  }

  /** The start of a body, as kube-apiserver quotes it in decode errors. */
  private static String summary(byte[] body) {
    if (body.length == 0) {
      return "<empty>";
    }
    int length = Math.min(body.length, 30);
    String start = body[0] == '{'
        ? new String(body, 0, length, StandardCharsets.UTF_8)
        : HexFormat.of().formatHex(body, 0, length);
    return body.length > length ? start + " ..." : start;
  }

  /** Go's %q for the plain strings kinds and versions are. */
  private static String goQuote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }

  private static Map<String, GoField> goFieldRules() {
    Map<String, GoField> rules = new HashMap<>();
    String protoPackage = "";
    for (String line : GO_FIELDS.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (!line.startsWith(" ")) {
        protoPackage = line.strip();
        continue;
      }
      String[] words = line.strip().split(" +");
      for (int i = 1; i < words.length; i++) {
        int equals = words[i].indexOf('=');
        String flags = equals < 0 ? words[i] : words[i].substring(0, equals);
        String name = flags.replaceAll("[*!^~]", "");
        String jsonName = equals < 0 ? name : words[i].substring(equals + 1);
        rules.put(protoPackage + "." + words[0] + "." + name, new GoField(jsonName,
            flags.contains("*"), flags.contains("!"), flags.contains("^"), flags.contains("~")));
      }
    }
    return rules;
  }
}
