package dev.kubetape.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Holds the sandbox against the real API server: the same kubectl commands (and raw HTTP
 * requests, for Status bodies) run against both, and their stdout, stderr and exit codes are
 * compared after normalising what legitimately differs between two clusters (generated names,
 * uids, resource versions, times, ages, allocated IPs, ports). The figure "N of M identical"
 * and every difference go to {@code testkit/target/differential-report.md}; the test fails for
 * any difference that the sandbox README does not list with the reason it stays.
 */
@DisplayName("the sandbox against the real API server, command by command")
class DifferentialIT {
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox();
  @RegisterExtension
  static final UpstreamExtension REAL = UpstreamExtension.real();

  /**
   * One step: a kubectl command (with optional stdin) or a raw request; {@code sorted} compares
   * its output lines as a set, for lists whose order is not part of the contract.
   */
  record Step(String id, List<String> kubectl, String stdin, Raw raw, boolean sorted) {
    Step(String id, List<String> kubectl, String stdin, Raw raw) {
      this(id, kubectl, stdin, raw, false);
    }

    Step sortedLines() {
      return new Step(id, kubectl, stdin, raw, true);
    }
  }

  /** A raw HTTP request whose status code and body are compared. */
  record Raw(String method, String path, String contentType, String body) {}

  /** One step's outcome on one upstream. */
  record Outcome(String text) {}

  private static Step k(String id, String... args) {
    return new Step(id, List.of(args), null, null);
  }

  private static Step kIn(String id, String stdin, String... args) {
    return new Step(id, List.of(args), stdin, null);
  }

  private static Step raw(String id, String method, String path, String contentType, String body) {
    return new Step(id, List.of(), null, new Raw(method, path, contentType, body));
  }

  private static final String NS = "kt-diff";

  private static final String CONFIG_MAP = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        labels: {app: shop}
      data:
        color: blue
        size: large
      """;

  private static final String SECRET = """
      apiVersion: v1
      kind: Secret
      metadata:
        name: creds
      stringData:
        user: admin
      """;

  private static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        labels: {app: shop}
      spec:
        selector: {app: shop}
        ports:
        - name: http
          port: 80
          targetPort: 8080
      """;

  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: shop
        labels: {app: shop}
      spec:
        replicas: 0
        selector:
          matchLabels: {app: shop}
        template:
          metadata:
            labels: {app: shop}
          spec:
            containers:
            - name: web
              image: registry.example/shop/web:1.4.1
              ports:
              - containerPort: 8080
              resources:
                requests: {cpu: 100m, memory: 128Mi}
                limits: {memory: 256Mi}
      """;

  private static final String BAD_DEPLOYMENT = DEPLOYMENT.replace("name: shop\n", "name: broken\n")
      .replace("      labels: {app: shop}\n    spec:", "      labels: {app: other}\n    spec:");

  private static final String MORE_KINDS = """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: reader}
      rules:
      - apiGroups: [""]
        resources: [pods, configmaps]
        verbs: [get, list, watch]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: reader}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
      subjects:
      - {kind: ServiceAccount, name: robot}
      - {kind: User, apiGroup: rbac.authorization.k8s.io, name: alice}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web-only}
      spec:
        podSelector: {matchLabels: {app: shop}}
        policyTypes: [Ingress]
        ingress:
        - ports: [{port: 8080}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop}
      spec:
        rules:
        - host: shop.example
          http:
            paths:
            - path: /
              pathType: Prefix
              backend: {service: {name: web, port: {number: 80}}}
      ---
      apiVersion: v1
      kind: LimitRange
      metadata: {name: defaults}
      spec:
        limits:
        - type: Container
          default: {memory: 256Mi}
          defaultRequest: {cpu: 100m}
      """;

  private static final String RS = "rollout-ns";

  private static String rollout(String name, String image, int replicas, String extra) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
        spec:
          replicas: %3$d
          progressDeadlineSeconds: 20
          selector:
            matchLabels: {app: %1$s}
          template:
            metadata:
              labels: {app: %1$s}
            spec:
              containers:
              - name: web
                image: %2$s
        %4$s""".formatted(name, image, replicas, extra);
  }

  /** The deployment's status fields and conditions, one per line, times left out. */
  private static final String STATUS = "jsonpath={.metadata.annotations} {.metadata.generation}"
      + " {.status.observedGeneration} {.status.replicas} {.status.updatedReplicas}"
      + " {.status.readyReplicas} {.status.availableReplicas} {.status.unavailableReplicas}"
      + "{\"\\n\"}{range .status.conditions[*]}{.type} {.status} {.reason} {.message}{\"\\n\"}{end}";

  private static final String EVENTS = "jsonpath={range .items[*]}{.involvedObject.kind} {.reason}"
      + " {.message}{\"\\n\"}{end}";

  /** Rollouts, as the real deployment and replica set controllers and scheduler run them. */
  static List<Step> rolloutSteps() {
    return List.of(
        k("rollout-create-namespace", "create", "namespace", RS),
        kIn("rollout-good-apply", rollout("shop", "registry.example/shop/web:1.4.1", 3, ""),
            "apply", "-n", RS, "-f", "-"),
        k("rollout-good-status", "rollout", "status", "deployment/shop", "-n", RS, "--timeout=90s"),
        k("rollout-good-deployment", "get", "deployment", "shop", "-n", RS, "-o", STATUS),
        k("rollout-good-replicasets", "get", "replicasets", "-n", RS, "-l", "app=shop"),
        kIn("rollout-update-apply", rollout("shop", "registry.example/shop/web:1.4.2", 3, ""),
            "apply", "-n", RS, "-f", "-"),
        k("rollout-update-status", "rollout", "status", "deployment/shop", "-n", RS, "--timeout=90s"),
        k("rollout-update-deployment", "get", "deployment", "shop", "-n", RS, "-o", STATUS),
        k("rollout-update-replicasets", "get", "replicasets", "-n", RS, "-l", "app=shop"),
        k("rollout-history", "rollout", "history", "deployment/shop", "-n", RS),
        k("rollout-update-events", "get", "events", "-n", RS, "--field-selector",
            "involvedObject.kind=Deployment", "-o", EVENTS).sortedLines(),
        kIn("rollout-missing-image-apply", rollout("ghost", "registry.example/shop/web:9.9.9-missing", 2, ""),
            "apply", "-n", RS, "-f", "-"),
        k("rollout-missing-image-status", "rollout", "status", "deployment/ghost", "-n", RS, "--timeout=90s"),
        k("rollout-missing-image-deployment", "get", "deployment", "ghost", "-n", RS, "-o", STATUS),
        kIn("rollout-too-large-apply", rollout("huge", "registry.example/shop/web:1.4.1", 1,
            "        resources:\n          requests: {cpu: \"64\"}\n"),
            "apply", "-n", RS, "-f", "-"),
        k("rollout-too-large-status", "rollout", "status", "deployment/huge", "-n", RS, "--timeout=90s"),
        k("rollout-too-large-scheduling", "get", "events", "-n", RS, "--field-selector",
            "reason=FailedScheduling", "-o", "jsonpath={range .items[*]}{.reason} {.message}{\"\\n\"}{end}"),
        kIn("rollout-crash-apply", rollout("crash", "registry.example/shop/web:1.5.1", 2, ""),
            "apply", "-n", RS, "-f", "-"),
        k("rollout-crash-status", "rollout", "status", "deployment/crash", "-n", RS, "--timeout=90s"),
        k("rollout-crash-deployment", "get", "deployment", "crash", "-n", RS, "-o", STATUS),
        kIn("rollout-never-ready-apply", rollout("unready", "registry.example/shop/web:1.7.0", 2,
            "        ports: [{name: http, containerPort: 8080}]\n"
                + "        readinessProbe:\n          httpGet: {path: /ready, port: http}\n"),
            "apply", "-n", RS, "-f", "-"),
        k("rollout-never-ready-status", "rollout", "status", "deployment/unready", "-n", RS, "--timeout=90s"),
        k("rollout-never-ready-deployment", "get", "deployment", "unready", "-n", RS, "-o", STATUS),
        k("rollout-delete-namespace", "delete", "namespace", RS, "--wait=false"));
  }

  /** The scenario: each step's outputs are compared; later steps see earlier steps' objects. */
  static List<Step> steps() {
    String cm = "/api/v1/namespaces/" + NS + "/configmaps";
    return List.of(
        // discovery and schema
        k("api-resources", "api-resources"),
        k("api-resources-wide", "api-resources", "-o", "wide", "--api-group=apps"),
        k("api-versions", "api-versions"),
        k("explain-deployment", "explain", "deployment"),
        k("explain-replicas", "explain", "deployment.spec.replicas"),
        k("explain-containers", "explain", "pod.spec.containers.ports"),
        k("version-server", "version", "-o", "json", "--client=false"),
        // system objects
        k("get-namespaces", "get", "namespaces"),
        k("get-namespace-default-yaml", "get", "namespace", "default", "-o", "yaml"),
        k("get-service-kubernetes-yaml", "get", "service", "kubernetes", "-n", "default", "-o", "yaml"),
        k("get-serviceaccount-default", "get", "serviceaccount", "default", "-n", "default", "-o", "yaml"),
        k("get-nodes", "get", "nodes"),
        // create each kind, then read it back
        k("create-namespace", "create", "namespace", NS),
        kIn("apply-configmap", CONFIG_MAP, "apply", "-n", NS, "-f", "-"),
        k("get-configmap-yaml", "get", "configmap", "settings", "-n", NS, "-o", "yaml"),
        k("get-configmap-json-managed", "get", "configmap", "settings", "-n", NS, "-o", "json", "--show-managed-fields"),
        k("get-configmaps", "get", "configmaps", "-n", NS),
        kIn("apply-secret", SECRET, "apply", "-n", NS, "-f", "-"),
        k("get-secret-yaml", "get", "secret", "creds", "-n", NS, "-o", "yaml"),
        k("get-secrets", "get", "secrets", "-n", NS),
        k("describe-secret", "describe", "secret", "creds", "-n", NS),
        k("create-configmap-protobuf", "create", "configmap", "literal", "-n", NS, "--from-literal=a=b"),
        k("get-configmap-literal-yaml", "get", "configmap", "literal", "-n", NS, "-o", "yaml", "--show-managed-fields"),
        // (one key: describe prints a config map's keys in Go's random map order)
        k("describe-configmap", "describe", "configmap", "literal", "-n", NS),
        k("create-serviceaccount", "create", "serviceaccount", "robot", "-n", NS),
        k("get-serviceaccounts", "get", "serviceaccounts", "-n", NS),
        k("describe-serviceaccount", "describe", "serviceaccount", "robot", "-n", NS),
        kIn("apply-service", SERVICE, "apply", "-n", NS, "-f", "-"),
        k("get-services-wide", "get", "services", "-n", NS, "-o", "wide"),
        k("get-service-yaml", "get", "service", "web", "-n", NS, "-o", "yaml"),
        k("describe-service", "describe", "service", "web", "-n", NS),
        kIn("apply-deployment", DEPLOYMENT, "apply", "-n", NS, "-f", "-"),
        k("get-deployment-spec", "get", "deployment", "shop", "-n", NS, "-o", "jsonpath={.spec}"),
        k("get-deployment-metadata", "get", "deployment", "shop", "-n", NS, "-o",
            "jsonpath={.metadata.labels} {.metadata.generation} {.metadata.name}"),
        kIn("apply-deployment-unchanged", DEPLOYMENT, "apply", "-n", NS, "-f", "-"),
        kIn("apply-more-kinds", MORE_KINDS, "apply", "-n", NS, "-f", "-"),
        k("get-more-kinds-wide", "get", "roles,rolebindings,networkpolicies,ingresses,limitranges",
            "-n", NS, "-o", "wide"),
        k("get-rolebinding-yaml", "get", "rolebinding", "reader", "-n", NS, "-o", "yaml"),
        k("get-ingress-yaml", "get", "ingress", "shop", "-n", NS, "-o", "yaml"),
        k("describe-role", "describe", "role", "reader", "-n", NS),
        k("get-priorityclasses", "get", "priorityclasses"),
        k("get-all", "get", "all", "-n", NS),
        kIn("apply-server-side", CONFIG_MAP.replace("blue", "green"), "apply", "--server-side", "-n", NS, "-f", "-"),
        kIn("apply-server-side-conflict", DEPLOYMENT.replace("replicas: 0", "replicas: 2"),
            "apply", "--server-side", "-n", NS, "-f", "-"),
        k("patch-merge", "patch", "configmap", "settings", "-n", NS, "--type=merge", "-p", "{\"data\":{\"size\":\"small\"}}"),
        k("patch-json-failing-test", "patch", "configmap", "settings", "-n", NS, "--type=json",
            "-p", "[{\"op\":\"test\",\"path\":\"/data/size\",\"value\":\"huge\"}]"),
        k("label-overwrite-refused", "label", "configmap", "settings", "-n", NS, "app=other"),
        k("scale", "scale", "deployment", "shop", "-n", NS, "--replicas=0"),
        // bad input, as kubectl prints it
        kIn("invalid-name", CONFIG_MAP.replace("name: settings", "name: Bad_Name"), "apply", "-n", NS, "-f", "-"),
        kIn("invalid-selector", BAD_DEPLOYMENT, "apply", "-n", NS, "-f", "-"),
        kIn("unknown-field", CONFIG_MAP + "bogus: 1\n", "apply", "-n", NS, "-f", "-"),
        kIn("already-exists", CONFIG_MAP, "create", "-n", NS, "-f", "-"),
        k("not-found", "get", "configmap", "missing", "-n", NS),
        k("unknown-resource", "get", "gizmos"),
        k("bad-field-selector", "get", "pods", "-n", NS, "--field-selector", "spec.nope=1"),
        k("bad-label-selector", "get", "pods", "-n", NS, "-l", "app in (a"),
        // raw Status bodies
        raw("status-400-malformed", "POST", cm, "application/json", "{\"kind\": "),
        raw("status-404-name", "GET", cm + "/missing", null, null),
        raw("status-404-path", "GET", "/apis/gizmo.example/v1/things", null, null),
        raw("status-409-exists", "POST", cm, "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\"}}"),
        raw("status-409-conflict", "PUT", cm + "/settings", "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"resourceVersion\":\"1\"}}"),
        raw("status-422-invalid", "POST", cm, "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"Bad_Name\"},\"data\":{\"bad key\":\"x\"}}"),
        raw("status-405-method", "PUT", cm, "application/json", "{}"),
        raw("status-415-media", "POST", cm, "text/plain", "x"),
        // deletion
        k("delete-configmap", "delete", "configmap", "settings", "-n", NS),
        k("delete-namespace", "delete", "namespace", NS, "--wait=false"));
  }

  @Test
  @DisplayName("every difference from the real API server is known and explained in the sandbox README")
  void sandboxMatchesRealServer() throws IOException {
    Upstream sandbox = SANDBOX.upstream();
    Upstream real = REAL.upstream();
    List<String> identical = new ArrayList<>();
    List<String> report = new ArrayList<>();
    Set<String> differing = new LinkedHashSet<>();
    List<Step> all = new ArrayList<>(steps());
    all.addAll(rolloutSteps());
    for (Step step : all) {
      String onSandbox = normalise(run(step, sandbox, SANDBOX.folder()), step.sorted());
      String onReal = normalise(run(step, real, REAL.folder()), step.sorted());
      if (onSandbox.equals(onReal)) {
        identical.add(step.id());
      } else {
        differing.add(step.id());
        report.add("### " + step.id() + "\n\n" + describe(step) + "\n\n```diff\n"
            + Diff.unified(onReal, onSandbox) + "```\n");
      }
    }
    int total = all.size();
    String summary = identical.size() + " of " + total + " identical";
    Path out = Path.of("target", "differential-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "# Sandbox vs real API server: " + summary + "\n\n"
        + "Lines starting with `-` are the real server's, `+` the sandbox's.\n\n"
        + String.join("\n", report), StandardCharsets.UTF_8);
    String readme = Files.readString(Repository.root().resolve("sandbox/README.md"));
    List<String> unexplained = differing.stream()
        .filter(id -> !readme.contains("`" + id + "`")).toList();
    assertTrue(unexplained.isEmpty(), () -> summary + "; these differ from the real server and"
        + " the sandbox README does not explain them: " + unexplained + " (see " + out.toAbsolutePath() + ")");
  }

  private static String describe(Step step) {
    return step.raw() != null
        ? "`" + step.raw().method() + " " + step.raw().path() + "`"
        : "`kubectl " + String.join(" ", step.kubectl()) + "`";
  }

  private static String run(Step step, Upstream upstream, Path folder) {
    if (step.raw() != null) {
      return RawClient.of(upstream.kubeconfig()).send(step.raw().method(), step.raw().path(),
          step.raw().contentType(), step.raw().body());
    }
    Tool kubectl = new Tool(KubeTools.kubectl(), upstream.kubeconfig(), folder);
    Tool.Result result = kubectl.run(step.stdin(), java.time.Duration.ofSeconds(60),
        step.kubectl().toArray(String[]::new));
    return "exit " + result.exitCode() + "\n--- stdout\n" + result.stdout() + "--- stderr\n" + result.stderr();
  }

  /** A normalisation: a pattern and its replacement (which may refer to groups). */
  private record Rule(Pattern pattern, String replacement) {}

  private static final List<Rule> RULES = new ArrayList<>();

  private static void rule(String regex, String replacement) {
    RULES.add(new Rule(Pattern.compile(regex, Pattern.MULTILINE), replacement));
  }

  static {
    // rollout status prints the states it happens to see on the way: timing, not behaviour
    // (its outcome, and the states themselves, are compared by the other steps).
    rule("^Waiting for deployment .*\\n", "");
    // The testbed's own additions, which a real cluster would not have.
    rule("^.*kwok\\.x-k8s\\.io.*\\n", "");
    rule("(\"goVersion\": \")[^\"]+", "$1<go>");
    rule("(\"gitCommit\": \")([0-9a-f]{40}|unknown)", "$1<commit>");
    rule("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uid>");
    rule("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>");
    rule("(resourceVersion\"?:\\s*\"?)\\d+", "$1<rv>");
    rule("(\"rv\"\\s*:\\s*)\\d+", "$1<rv>");
    rule("kube-api-access-[a-z0-9]{5}", "kube-api-access-<x>");
    // A pod's generated name: its owner's name and five random characters.
    rule("\\b([a-z0-9-]+-[a-z0-9]{8,10})-[bcdfghjklmnpqrstvwxz2456789]{5}\\b", "$1-<x>");
    rule("\\b10\\.(9[6-9]|1[01]\\d)\\.\\d{1,3}\\.\\d{1,3}\\b", "<cluster-ip>");
    rule("\\b10\\.244\\.\\d{1,3}\\.\\d{1,3}\\b", "<pod-ip>");
    rule("127\\.0\\.0\\.1:\\d+", "127.0.0.1:<port>");
    rule("(targetPort:\\s*)\\d{4,5}$", "$1<port>");
    rule("(\\s)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(?=\\s|$)", "$1");
    rule("(?<=\\s)<(unknown|invalid)>(?=\\s|$)", "");
    rule("[ \\t]{2,}", "  ");
    rule("[ \\t]+$", "");
  }

  /** Removes what legitimately differs between two clusters. */
  static String normalise(String text, boolean sorted) {
    String out = text;
    for (Rule rule : RULES) {
      out = rule.pattern().matcher(out).replaceAll(rule.replacement());
    }
    if (sorted) {
      out = out.lines().sorted().collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }
    return out;
  }
}
