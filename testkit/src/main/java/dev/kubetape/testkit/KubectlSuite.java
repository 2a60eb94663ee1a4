package dev.kubetape.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What a kubectl user does every day, driven through the real kubectl binary against an
 * upstream, checking outcomes rather than exit codes alone. Written once: subclasses pick the
 * upstream (the sandbox, the real control plane, k3s) and, later, put the proxy in between.
 * Every test works in a namespace of its own.
 */
public abstract class KubectlSuite {
  /** The upstream under test, as the subclass's registered extension provides it. */
  protected abstract UpstreamExtension upstream();

  /** The kubeconfig kubectl uses; subclasses that put something in between override it. */
  protected Path kubeconfig() {
    return upstream().upstream().kubeconfig();
  }

  /** The kubectl minor version to drive ("1.32"), or null for {@link KubeTools#kubectl()}. */
  protected String kubectlVersion() {
    return null;
  }

  /** The kubectl binary; a suite pinned to a version this machine lacks is skipped. */
  protected Path kubectlBinary() {
    String version = kubectlVersion();
    if (version == null) {
      return KubeTools.kubectl();
    }
    Path pinned = KubeTools.kubectl(version);
    if (pinned == null) {
      String reason = "no kubectl " + version + " on this machine (set KUBECTL_"
          + version.replace('.', '_') + " to one)";
      System.err.println("[kubetape] skipping a test with kubectl " + version + ": " + reason);
      org.junit.jupiter.api.Assumptions.abort(reason);
    }
    return pinned;
  }

  protected Tool kubectl;
  protected String ns;

  @BeforeEach
  void createNamespace(TestInfo test) {
    kubectl = new Tool(kubectlBinary(), kubeconfig(), upstream().folder());
    ns = TestNamespace.name(test);
    kubectl.run("create", "namespace", ns).ok();
  }

  @AfterEach
  void deleteNamespace() {
    if (kubectl != null && ns != null) {
      kubectl.run("delete", "namespace", ns, "--wait=false", "--ignore-not-found");
    }
  }

  /** kubectl in the test's namespace; the flag goes first so that it never lands after "--". */
  protected Tool.Result k(String... args) {
    return kubectl.run(inNamespace(args));
  }

  protected Tool.Result kIn(String stdin, String... args) {
    return kubectl.runWithInput(stdin, inNamespace(args));
  }

  private String[] inNamespace(String... args) {
    String[] withNamespace = new String[args.length + 2];
    withNamespace[0] = "-n";
    withNamespace[1] = ns;
    System.arraycopy(args, 0, withNamespace, 2, args.length);
    return withNamespace;
  }

  protected static List<String> lines(String text) {
    return text.lines().toList();
  }

  protected static void assertMatches(String regex, String actual) {
    assertTrue(Pattern.compile(regex, Pattern.DOTALL).matcher(actual).find(),
        () -> "expected to find /" + regex + "/ in:\n" + actual);
  }

  protected static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), () -> "expected '" + expected + "' in:\n" + actual);
  }

  protected Path file(String name, String text) {
    try {
      Path file = upstream().folder().resolve(ns + "-" + name);
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A ConfigMap labelled {@code app: NAME} with the given keys and values, as YAML. */
  public static String configMap(String name, String... data) {
    StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name + "\n  labels:\n    app: " + name + "\ndata:\n");
    for (int i = 0; i + 1 < data.length; i += 2) {
      yaml.append("  ").append(data[i]).append(": \"").append(data[i + 1]).append("\"\n");
    }
    return yaml.toString();
  }

  /** A one-container Deployment labelled and selected by {@code app: NAME}, as YAML. */
  public static String deployment(String name, String image, int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
          labels:
            app: %1$s
        spec:
          replicas: %3$d
          selector:
            matchLabels:
              app: %1$s
          template:
            metadata:
              labels:
                app: %1$s
            spec:
              containers:
              - name: web
                image: %2$s
                ports:
                - containerPort: 8080
                env:
                - name: MODE
                  value: blue
        """.formatted(name, image, replicas);
  }

  // ---- get -----------------------------------------------------------------------------------

  @Test
  @DisplayName("get prints the server's table: NAME, STATUS and AGE for a namespace")
  void getPrintsServerTable() {
    List<String> out = lines(kubectl.run("get", "namespace", ns).ok().stdout());
    assertMatches("^NAME\\s+STATUS\\s+AGE$", out.get(0));
    assertMatches("^" + ns + "\\s+Active\\s+\\d+s$", out.get(1));
  }

  @Test
  @DisplayName("get -o yaml, -o json and -o jsonpath show the stored object with server fields")
  void getOutputFormats() {
    kIn(configMap("settings", "color", "blue"), "apply", "-f", "-").ok();
    String yaml = k("get", "configmap", "settings", "-o", "yaml").ok().stdout();
    assertContains("color: blue", yaml);
    assertMatches("uid: [0-9a-f-]{36}", yaml);
    assertMatches("resourceVersion: \"\\d+\"", yaml);
    assertMatches("creationTimestamp: \"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"", yaml);
    String json = k("get", "configmap", "settings", "-o", "json").ok().stdout();
    assertContains("\"kind\": \"ConfigMap\"", json);
    assertContains("\"namespace\": \"" + ns + "\"", json);
    assertEquals("blue", k("get", "configmap", "settings", "-o", "jsonpath={.data.color}").ok().stdout());
  }

  @Test
  @DisplayName("get with label and field selectors returns only the matching objects")
  void getWithSelectors() {
    kIn(configMap("one", "k", "1"), "apply", "-f", "-").ok();
    kIn(configMap("two", "k", "2"), "apply", "-f", "-").ok();
    String byLabel = k("get", "configmaps", "-l", "app=two", "-o", "name").ok().stdout();
    assertEquals("configmap/two\n", byLabel);
    String notIn = k("get", "configmaps", "-l", "app notin (two),app", "-o", "name").ok().stdout();
    assertEquals("configmap/one\n", notIn);
    String byField = k("get", "configmaps", "--field-selector", "metadata.name=one", "-o", "name").ok().stdout();
    assertEquals("configmap/one\n", byField);
    Tool.Result badField = k("get", "configmaps", "--field-selector", "spec.nonsense=1");
    assertNotEquals(0, badField.exitCode());
    assertContains("\"spec.nonsense\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
        badField.stderr());
  }

  @Test
  @DisplayName("get -o wide on a deployment adds CONTAINERS, IMAGES and SELECTOR columns")
  void getWide() {
    kIn(deployment("web", "registry.example/shop/web:1.4.1", 0), "apply", "-f", "-").ok();
    List<String> out = lines(k("get", "deployment", "web", "-o", "wide").ok().stdout());
    assertMatches("^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR$", out.get(0));
    assertMatches("^web\\s+0/0\\s+0\\s+0\\s+\\d+s\\s+web\\s+registry.example/shop/web:1.4.1\\s+app=web$", out.get(1));
  }

  @Test
  @DisplayName("get --watch prints a change made while the watch is open")
  void getWatchReceivesChange() {
    kIn(configMap("watched", "v", "1"), "apply", "-f", "-").ok();
    try (Tool.Background watch = kubectl.background("get", "configmap", "watched", "-n", ns,
        "--watch", "-o", "jsonpath={.data.v}{\"\\n\"}")) {
      watch.awaitStdout("1\n", Duration.ofSeconds(20));
      k("patch", "configmap", "watched", "--type=merge", "-p", "{\"data\":{\"v\":\"2\"}}").ok();
      watch.awaitStdout("2\n", Duration.ofSeconds(20));
    }
  }

  // ---- describe, explain, discovery ----------------------------------------------------------

  @Test
  @DisplayName("describe shows a config map's name, namespace, labels and data")
  void describeConfigMap() {
    kIn(configMap("described", "greeting", "hello"), "apply", "-f", "-").ok();
    String out = k("describe", "configmap", "described").ok().stdout();
    assertMatches("Name:\\s+described", out);
    assertMatches("Namespace:\\s+" + ns, out);
    assertMatches("Labels:\\s+app=described", out);
    assertMatches("greeting:\\s*\\n----\\s*\\nhello", out);
  }

  @Test
  @DisplayName("explain describes a field from the server's OpenAPI")
  void explainField() {
    String out = kubectl.run("explain", "deployment.spec.replicas").ok().stdout();
    assertMatches("GROUP:\\s+apps", out);
    assertMatches("KIND:\\s+Deployment", out);
    assertMatches("FIELD:\\s+replicas <integer>", out);
    assertContains("Number of desired pods.", out);
  }

  @Test
  @DisplayName("api-resources and api-versions list the core and apps kinds")
  void discovery() {
    String resources = kubectl.run("api-resources").ok().stdout();
    assertMatches("\\ndeployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment\\n", resources);
    assertMatches("\\npods\\s+po\\s+v1\\s+true\\s+Pod\\n", resources);
    assertMatches("\\nnamespaces\\s+ns\\s+v1\\s+false\\s+Namespace\\n", resources);
    String versions = kubectl.run("api-versions").ok().stdout();
    assertTrue(lines(versions).containsAll(List.of("v1", "apps/v1", "authorization.k8s.io/v1")), versions);
  }

  @Test
  @DisplayName("auth can-i and auth whoami answer for the kubeconfig's user")
  void auth() {
    Tool.Result canI = k("auth", "can-i", "create", "deployments");
    assertEquals("yes\n", canI.stdout(), canI::describe);
    assertEquals(0, canI.exitCode());
    String whoami = kubectl.run("auth", "whoami").ok().stdout();
    assertMatches("Username\\s+\\S+", whoami);
    assertContains("system:masters", whoami);
  }

  // ---- create, apply, diff -------------------------------------------------------------------

  @Test
  @DisplayName("create sends protobuf and the objects are stored as sent")
  void createSendsProtobuf() {
    k("create", "configmap", "literal", "--from-literal=size=large").ok();
    assertEquals("large", k("get", "configmap", "literal", "-o", "jsonpath={.data.size}").ok().stdout());
    k("create", "secret", "generic", "creds", "--from-literal=user=admin").ok();
    assertEquals("YWRtaW4=", k("get", "secret", "creds", "-o", "jsonpath={.data.user}").ok().stdout());
    k("create", "deployment", "made", "--image=registry.example/shop/web:1.4.1", "--replicas=2").ok();
    assertEquals("2 registry.example/shop/web:1.4.1", k("get", "deployment", "made", "-o",
        "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}").ok().stdout());
    k("create", "serviceaccount", "robot").ok();
    assertEquals("robot", k("get", "serviceaccount", "robot", "-o", "jsonpath={.metadata.name}").ok().stdout());
  }

  @Test
  @DisplayName("apply (client-side) creates, configures, and leaves an unchanged object unchanged")
  void applyClientSide() {
    assertEquals("configmap/app created\n", kIn(configMap("app", "a", "1"), "apply", "-f", "-").ok().stdout());
    String version = k("get", "configmap", "app", "-o", "jsonpath={.metadata.resourceVersion}").ok().stdout();
    assertEquals("configmap/app unchanged\n", kIn(configMap("app", "a", "1"), "apply", "-f", "-").ok().stdout());
    assertEquals(version, k("get", "configmap", "app", "-o", "jsonpath={.metadata.resourceVersion}").ok().stdout());
    assertEquals("configmap/app configured\n", kIn(configMap("app", "a", "2"), "apply", "-f", "-").ok().stdout());
    assertEquals("2", k("get", "configmap", "app", "-o", "jsonpath={.data.a}").ok().stdout());
    // A key removed from the file is removed from the object (the three-way merge).
    kIn(configMap("app", "b", "3"), "apply", "-f", "-").ok();
    assertEquals("{\"b\":\"3\"}", k("get", "configmap", "app", "-o", "jsonpath={.data}").ok().stdout());
  }

  @Test
  @DisplayName("apply of a deployment change configures it and bumps its generation")
  void applyDeploymentChange() {
    kIn(deployment("shop", "registry.example/shop/web:1.4.1", 0), "apply", "-f", "-").ok();
    assertEquals("1", k("get", "deployment", "shop", "-o", "jsonpath={.metadata.generation}").ok().stdout());
    String changed = deployment("shop", "registry.example/shop/web:1.4.2", 0);
    assertEquals("deployment.apps/shop configured\n", kIn(changed, "apply", "-f", "-").ok().stdout());
    assertEquals("2 registry.example/shop/web:1.4.2", k("get", "deployment", "shop", "-o",
        "jsonpath={.metadata.generation} {.spec.template.spec.containers[0].image}").ok().stdout());
  }

  @Test
  @DisplayName("apply --server-side creates, changes, reports a conflict, and forces it")
  void applyServerSide() {
    assertEquals("configmap/ssa serverside-applied\n",
        kIn(configMap("ssa", "a", "1"), "apply", "--server-side", "-f", "-").ok().stdout());
    assertEquals("configmap/ssa serverside-applied\n",
        kIn(configMap("ssa", "a", "2"), "apply", "--server-side", "-f", "-").ok().stdout());
    assertEquals("2", k("get", "configmap", "ssa", "-o", "jsonpath={.data.a}").ok().stdout());
    String managers = k("get", "configmap", "ssa", "--show-managed-fields", "-o",
        "jsonpath={.metadata.managedFields[*].manager}").ok().stdout();
    assertEquals("kubectl", managers);
    // Another manager takes the field over, then our apply with a different value conflicts.
    k("patch", "configmap", "ssa", "--type=merge", "-p", "{\"data\":{\"a\":\"other\"}}",
        "--field-manager=intruder").ok();
    Tool.Result conflict = kIn(configMap("ssa", "a", "3"), "apply", "--server-side", "-f", "-");
    assertNotEquals(0, conflict.exitCode());
    assertContains("Apply failed with 1 conflict: conflict with \"intruder\"", conflict.stderr());
    assertContains(".data.a", conflict.stderr());
    kIn(configMap("ssa", "a", "3"), "apply", "--server-side", "--force-conflicts", "-f", "-").ok();
    assertEquals("3", k("get", "configmap", "ssa", "-o", "jsonpath={.data.a}").ok().stdout());
  }

  @Test
  @DisplayName("diff shows the change and changes nothing on the server")
  void diffChangesNothing() {
    kIn(configMap("diffed", "a", "1"), "apply", "-f", "-").ok();
    String before = k("get", "configmap", "diffed", "-o", "jsonpath={.metadata.resourceVersion}").ok().stdout();
    Tool.Result diff = kIn(configMap("diffed", "a", "2"), "diff", "-f", "-");
    assertEquals(1, diff.exitCode(), diff::describe);
    assertContains("-  a: \"1\"", diff.stdout());
    assertContains("+  a: \"2\"", diff.stdout());
    Tool.Result newObject = kIn(configMap("not-there-yet", "a", "1"), "diff", "-f", "-");
    assertEquals(1, newObject.exitCode(), newObject::describe);
    assertEquals(before, k("get", "configmap", "diffed", "-o", "jsonpath={.metadata.resourceVersion}").ok().stdout());
    assertEquals("1", k("get", "configmap", "diffed", "-o", "jsonpath={.data.a}").ok().stdout());
    Tool.Result missing = k("get", "configmap", "not-there-yet");
    assertNotEquals(0, missing.exitCode());
  }

  // ---- patch, replace, label, annotate, scale, set image -------------------------------------

  @Test
  @DisplayName("patch applies strategic merge, JSON merge and JSON patches")
  void patchAllTypes() {
    kIn(deployment("patched", "registry.example/shop/web:1.4.1", 0), "apply", "-f", "-").ok();
    // Strategic merge: the container list merges by name, so the image changes and env stays.
    k("patch", "deployment", "patched", "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"registry.example/shop/web:2.0.0\"}]}}}}").ok();
    assertEquals("registry.example/shop/web:2.0.0 blue", k("get", "deployment", "patched", "-o",
        "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].value}").ok().stdout());
    k("patch", "deployment", "patched", "--type=merge", "-p", "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}").ok();
    assertEquals("front", k("get", "deployment", "patched", "-o", "jsonpath={.metadata.labels.tier}").ok().stdout());
    k("patch", "deployment", "patched", "--type=json",
        "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]").ok();
    assertEquals("3", k("get", "deployment", "patched", "-o", "jsonpath={.spec.replicas}").ok().stdout());
    Tool.Result failedTest = k("patch", "deployment", "patched", "--type=json",
        "-p", "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":9}]");
    assertNotEquals(0, failedTest.exitCode());
  }

  @Test
  @DisplayName("replace swaps the stored object for the file's; a stale resourceVersion conflicts")
  void replace() {
    kIn(configMap("replaced", "a", "1"), "apply", "-f", "-").ok();
    k("replace", "-f", file("r.yaml", configMap("replaced", "b", "2")).toString()).ok();
    assertEquals("{\"b\":\"2\"}", k("get", "configmap", "replaced", "-o", "jsonpath={.data}").ok().stdout());
    String stale = configMap("replaced", "c", "3").replace("  name: replaced\n",
        "  name: replaced\n  resourceVersion: \"1\"\n");
    Tool.Result conflict = k("replace", "-f", file("stale.yaml", stale).toString());
    assertNotEquals(0, conflict.exitCode());
    assertContains("the object has been modified; please apply your changes to the latest version and try again",
        conflict.stderr());
  }

  @Test
  @DisplayName("label and annotate add, overwrite only with --overwrite, and remove")
  void labelAndAnnotate() {
    kIn(configMap("tagged", "a", "1"), "apply", "-f", "-").ok();
    k("label", "configmap", "tagged", "team=payments").ok();
    Tool.Result noOverwrite = k("label", "configmap", "tagged", "team=search");
    assertNotEquals(0, noOverwrite.exitCode());
    assertContains("already has a value (payments)", noOverwrite.stderr());
    k("label", "configmap", "tagged", "team=search", "--overwrite").ok();
    k("annotate", "configmap", "tagged", "owner=alice").ok();
    assertEquals("search alice", k("get", "configmap", "tagged", "-o",
        "jsonpath={.metadata.labels.team} {.metadata.annotations.owner}").ok().stdout());
    k("label", "configmap", "tagged", "team-").ok();
    assertEquals("", k("get", "configmap", "tagged", "-o", "jsonpath={.metadata.labels.team}").ok().stdout());
  }

  @Test
  @DisplayName("scale and set image change the deployment's spec")
  void scaleAndSetImage() {
    kIn(deployment("scaled", "registry.example/shop/web:1.4.1", 0), "apply", "-f", "-").ok();
    assertEquals("deployment.apps/scaled scaled\n", k("scale", "deployment", "scaled", "--replicas=0").ok().stdout());
    k("scale", "deployment", "scaled", "--replicas=4").ok();
    assertEquals("4", k("get", "deployment", "scaled", "-o", "jsonpath={.spec.replicas}").ok().stdout());
    assertEquals("deployment.apps/scaled image updated\n",
        k("set", "image", "deployment/scaled", "web=registry.example/shop/web:1.5.0").ok().stdout());
    assertEquals("registry.example/shop/web:1.5.0", k("get", "deployment", "scaled", "-o",
        "jsonpath={.spec.template.spec.containers[0].image}").ok().stdout());
  }

  // ---- wait, delete --------------------------------------------------------------------------

  @Test
  @DisplayName("wait returns when a jsonpath condition holds and when an object is deleted")
  void waitForConditions() {
    kIn(configMap("awaited", "ready", "no"), "apply", "-f", "-").ok();
    try (Tool.Background wait = kubectl.background("wait", "-n", ns, "configmap/awaited",
        "--for=jsonpath={.data.ready}=yes", "--timeout=30s")) {
      k("patch", "configmap", "awaited", "--type=merge", "-p", "{\"data\":{\"ready\":\"yes\"}}").ok();
      assertEquals(0, wait.waitFor(Duration.ofSeconds(30)), wait::stderr);
      assertContains("configmap/awaited condition met", wait.stdout());
    }
    try (Tool.Background wait = kubectl.background("wait", "-n", ns, "configmap/awaited",
        "--for=delete", "--timeout=30s")) {
      k("delete", "configmap", "awaited").ok();
      assertEquals(0, wait.waitFor(Duration.ofSeconds(30)), wait::stderr);
    }
  }

  @Test
  @DisplayName("delete cascades to dependents through ownerReferences, or orphans them")
  void deleteCascades() {
    kIn(configMap("owner", "a", "1"), "apply", "-f", "-").ok();
    String uid = k("get", "configmap", "owner", "-o", "jsonpath={.metadata.uid}").ok().stdout();
    for (String dependent : List.of("child-a", "child-b")) {
      String yaml = configMap(dependent, "b", "2").replace("metadata:\n",
          "metadata:\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: owner\n    uid: " + uid + "\n");
      kIn(yaml, "apply", "-f", "-").ok();
    }
    assertEquals("configmap \"owner\" deleted\n", k("delete", "configmap", "owner").ok().stdout());
    k("wait", "--for=delete", "configmap/child-a", "configmap/child-b", "--timeout=30s").ok();

    kIn(configMap("keeper", "a", "1"), "apply", "-f", "-").ok();
    String keeperUid = k("get", "configmap", "keeper", "-o", "jsonpath={.metadata.uid}").ok().stdout();
    kIn(configMap("orphan", "b", "2").replace("metadata:\n",
        "metadata:\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: keeper\n    uid: " + keeperUid + "\n"),
        "apply", "-f", "-").ok();
    k("delete", "configmap", "keeper", "--cascade=orphan").ok();
    k("wait", "--for=delete", "configmap/keeper", "--timeout=30s").ok();
    assertEquals("", k("get", "configmap", "orphan", "-o", "jsonpath={.metadata.ownerReferences}").ok().stdout());
  }

  // ---- pods: logs and exec ------------------------------------------------------------------

  /** A pod with an env variable and a mounted ConfigMap {@code settings}: what exec and logs use. */
  public static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: shell
      spec:
        containers:
        - name: web
          image: registry.example/shop/web:1.4.1
          ports:
          - containerPort: 8080
          env:
          - name: GREETING
            value: hello
          volumeMounts:
          - name: settings
            mountPath: /etc/settings
        volumes:
        - name: settings
          configMap:
            name: settings
      """;

  /** Skips, with the reason printed, where the upstream's nodes run no real containers. */
  private void needContainerRuntime() {
    String reason = upstream().upstream().noContainerRuntime();
    if (reason != null) {
      System.err.println("[kubetape] skipping part of the suite against "
          + upstream().upstream().name() + ": " + reason);
      org.junit.jupiter.api.Assumptions.abort(reason);
    }
  }

  private void runningPod() {
    kIn(configMap("settings", "color", "blue"), "apply", "-f", "-").ok();
    kIn(POD, "apply", "-f", "-").ok();
    k("wait", "--for=condition=Ready", "pod/shell", "--timeout=60s").ok();
  }

  @Test
  @DisplayName("exec runs a command in the container: output, environment, mounted files, exit code")
  void execInContainer() {
    needContainerRuntime();
    runningPod();
    assertEquals("hi there\n", k("exec", "shell", "--", "echo", "hi", "there").ok().stdout());
    assertContains("GREETING=hello", k("exec", "shell", "--", "env").ok().stdout());
    assertEquals("blue", k("exec", "shell", "--", "cat", "/etc/settings/color").ok().stdout());
    Tool.Result failed = k("exec", "shell", "--", "sh", "-c", "exit 3");
    assertEquals(3, failed.exitCode(), failed::describe);
    assertContains("command terminated with exit code 3", failed.stderr());
    Tool.Result missing = k("exec", "shell", "--", "cat", "/etc/settings/none");
    assertEquals(1, missing.exitCode(), missing::describe);
    assertContains("No such file or directory", missing.stderr());
  }

  @Test
  @DisplayName("exec -i passes stdin through to the container and back")
  void execWithStdin() {
    needContainerRuntime();
    runningPod();
    assertEquals("typed line\n", kIn("typed line\n", "exec", "-i", "shell", "--", "cat").ok().stdout());
  }

  @Test
  @DisplayName("port-forward reaches a port the container listens on, and kubectl reports one nothing listens on")
  void portForward() throws Exception {
    needContainerRuntime();
    runningPod();
    int local = freeLocalPort();
    try (Tool.Background forward = kubectl.background("port-forward", "pod/shell", local + ":8080", "-n", ns)) {
      forward.awaitStdout("Forwarding from 127.0.0.1:" + local + " -> 8080", Duration.ofSeconds(30));
      HttpResponse<String> response = localGet(local, "/hello");
      assertEquals(200, response.statusCode(), response::body);
      assertContains("container web of pod shell", response.body());
      assertEquals(200, localGet(local, "/again").statusCode(), "a second connection is forwarded too");
      assertTrue(forward.isAlive(), forward::stderr);
      assertContains("Handling connection for " + local, forward.stdout());
    }
    int refused = freeLocalPort();
    try (Tool.Background forward = kubectl.background("port-forward", "pod/shell", refused + ":9090", "-n", ns)) {
      forward.awaitStdout("Forwarding from 127.0.0.1:" + refused, Duration.ofSeconds(30));
      assertThrows(IOException.class, () -> localGet(refused, "/"));
      assertEquals(1, forward.waitFor(Duration.ofSeconds(30)), forward::stderr);
      assertContains("an error occurred forwarding " + refused + " -> 9090", forward.stderr());
      assertContains("dial tcp4 127.0.0.1:9090: connect: connection refused", forward.stderr());
      assertContains("error: lost connection to pod", forward.stderr());
    }
  }

  private static int freeLocalPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> localGet(int port, String path) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  // attach and cp (an exec of tar) are not here: the sandbox's kubelet serves neither
  // (PodStreams), so they could only fail against it.

  /**
   * {@code script} from util-linux, which gives kubectl a pseudo-terminal: without one, kubectl
   * refuses {@code -t} ("input is not a terminal") and a TTY session is never asked for.
   */
  private Tool terminal() {
    Path script = Path.of("/usr/bin/script");
    if (!Files.isExecutable(script)) {
      String reason = "no /usr/bin/script (util-linux) to give kubectl a terminal";
      System.err.println("[kubetape] skipping a TTY test: " + reason);
      org.junit.jupiter.api.Assumptions.abort(reason);
    }
    return new Tool(script, kubeconfig(), upstream().folder());
  }

  @Test
  @DisplayName("exec -t runs the command with a TTY, and exec -it carries typed input to it and its output back")
  void execWithTty() throws IOException {
    needContainerRuntime();
    Tool terminal = terminal();
    runningPod();
    String exec = "exec '" + kubectl.binary() + "' -n " + ns + " exec";
    Tool.Result tty = terminal.run("-qec", exec + " -t shell -- echo hi", "/dev/null");
    assertEquals(0, tty.exitCode(), tty::describe);
    // The terminal's line discipline may turn the newline into CR LF; the text is what counts.
    assertEquals("hi\n", tty.stdout().replace("\r", ""), tty::describe);
    // Local echo is off before kubectl starts, so what comes back was echoed by the container.
    try (Tool.Background session = terminal.background("-qc",
        "stty -echo; " + exec + " -it shell -- cat", "/dev/null")) {
      session.stdin().write("typed line\n".getBytes(StandardCharsets.UTF_8));
      session.stdin().flush();
      session.awaitStdout("typed line", Duration.ofSeconds(20));
      assertEquals(1, session.stdout().split("typed line", -1).length - 1, session::stdout);
      assertTrue(session.isAlive(), "the session stays open while stdin is open\n" + session.stderr());
    }
  }

  @Test
  @DisplayName("logs -f prints what the container writes after following began, and ends when the container stops")
  void logsFollow() {
    needContainerRuntime();
    runningPod();
    try (Tool.Background follow = kubectl.background("logs", "-f", "shell", "-n", ns)) {
      follow.awaitStdout("Started WebApplication", Duration.ofSeconds(20));
      assertTrue(follow.isAlive(), "logs -f keeps following a running container\n" + follow.stderr());
      assertFalse(follow.stdout().contains("Commencing graceful shutdown"), follow::stdout);
      // Deleting the pod stops the container: its shutdown lines are written now, then it exits.
      k("delete", "pod", "shell", "--wait=false").ok();
      follow.awaitStdout("Graceful shutdown complete", Duration.ofSeconds(30));
      assertEquals(0, follow.waitFor(Duration.ofSeconds(30)), follow::stderr);
      assertTrue(follow.stdout().indexOf("Started WebApplication")
          < follow.stdout().indexOf("Commencing graceful shutdown"), follow::stdout);
    }
  }

  @Test
  @DisplayName("logs answers for a running container and names the choices when none is given")
  void logs() {
    runningPod();
    k("logs", "shell").ok();
    k("logs", "shell", "--tail=5", "--timestamps").ok();
    Tool.Result wrong = k("logs", "shell", "-c", "nope");
    assertNotEquals(0, wrong.exitCode());
    assertContains("container nope is not valid for pod shell", wrong.stderr());
    needContainerRuntime();
    Tool.Result previous = k("logs", "shell", "--previous");
    assertNotEquals(0, previous.exitCode());
    assertContains("previous terminated container \"web\" in pod \"shell\" not found", previous.stderr());
  }

  // ---- helm ----------------------------------------------------------------------------------

  @Test
  @DisplayName("helm installs, upgrades, rolls back and uninstalls a chart")
  void helmLifecycle() {
    Tool helm = new Tool(KubeTools.helm(), kubeconfig(), upstream().folder());
    String chart = Repository.root().resolve("examples/charts/hello").toString();
    helm.run("install", "hello", chart, "-n", ns).ok();
    assertEquals("registry.example/shop/web:1.4.1", k("get", "deployment", "hello-web", "-o",
        "jsonpath={.spec.template.spec.containers[0].image}").ok().stdout());
    assertContains("STATUS: deployed", helm.run("status", "hello", "-n", ns).ok().stdout());
    helm.run("upgrade", "hello", chart, "-n", ns, "--set", "image.tag=1.4.2", "--set", "greeting=hej").ok();
    assertEquals("registry.example/shop/web:1.4.2 hej", k("get", "deployment/hello-web", "configmap/hello-settings", "-o",
        "jsonpath={.items[0].spec.template.spec.containers[0].image} {.items[1].data.greeting}").ok().stdout());
    helm.run("rollback", "hello", "1", "-n", ns).ok();
    assertEquals("registry.example/shop/web:1.4.1", k("get", "deployment", "hello-web", "-o",
        "jsonpath={.spec.template.spec.containers[0].image}").ok().stdout());
    String history = helm.run("history", "hello", "-n", ns).ok().stdout();
    assertEquals(4, lines(history).size(), history);
    helm.run("uninstall", "hello", "-n", ns).ok();
    assertEquals("", k("get", "deployments,services,configmaps", "-l", "app.kubernetes.io/instance=hello",
        "-o", "name").ok().stdout());
  }

  // ---- bad input -----------------------------------------------------------------------------

  @Test
  @DisplayName("an invalid object is refused with 422 and the field that is wrong")
  void invalidObject() {
    Tool.Result badName = kIn(configMap("Not_Valid", "a", "1"), "apply", "-f", "-");
    assertNotEquals(0, badName.exitCode());
    assertContains("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value: \"Not_Valid\": "
        + "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters", badName.stderr());
    String mismatched = deployment("mismatch", "registry.example/shop/web:1.4.1", 1)
        .replace("    metadata:\n      labels:\n        app: mismatch", "    metadata:\n      labels:\n        app: other");
    Tool.Result selector = kIn(mismatched, "apply", "-f", "-");
    assertNotEquals(0, selector.exitCode());
    assertContains("spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: "
        + "`selector` does not match template `labels`", selector.stderr());
  }

  @Test
  @DisplayName("unknown kinds and names give NotFound, unknown fields a strict decoding error")
  void notFoundAndUnknownFields() {
    Tool.Result missing = k("get", "configmap", "nope");
    assertNotEquals(0, missing.exitCode());
    assertEquals("Error from server (NotFound): configmaps \"nope\" not found\n", missing.stderr());
    Tool.Result unknownKind = k("get", "gizmos");
    assertNotEquals(0, unknownKind.exitCode());
    assertContains("the server doesn't have a resource type \"gizmos\"", unknownKind.stderr());
    Tool.Result unknownField = kIn(configMap("strict", "a", "1") + "bogus: true\n", "apply", "-f", "-");
    assertNotEquals(0, unknownField.exitCode());
    assertContains("strict decoding error: unknown field \"bogus\"", unknownField.stderr());
  }

  @Test
  @DisplayName("a malformed body is refused with 400 and the decoder's message")
  void malformedBody() {
    Path body = file("malformed.json", "{\"apiVersion\": \"v1\", \"kind\": ");
    Tool.Result result = kubectl.run("create", "--raw",
        "/api/v1/namespaces/" + ns + "/configmaps", "-f", body.toString());
    assertNotEquals(0, result.exitCode());
    assertContains("Error from server (BadRequest)", result.stderr());
    assertContains("json parse error: unexpected end of JSON input", result.stderr());
  }

  @Test
  @DisplayName("a wrong token is refused with 401 Unauthorized")
  void wrongToken() throws IOException {
    String config = Files.readString(kubeconfig());
    Path wrong = upstream().folder().resolve(ns + "-wrong.kubeconfig");
    Files.writeString(wrong, config.replaceAll("token: \\S+", "token: not-the-token"));
    Tool bad = new Tool(kubectl.binary(), wrong, upstream().folder());
    Tool.Result result = bad.run("get", "namespaces");
    assertNotEquals(0, result.exitCode());
    assertContains("You must be logged in to the server", result.stderr());
  }

  @Test
  @DisplayName("a body over the API server's 3 MiB limit is refused with 413")
  void bodyTooLarge() {
    String big = configMap("huge", "blob", "x".repeat(3 * 1024 * 1024 + 10));
    Tool.Result result = kIn(big, "create", "-f", "-");
    assertNotEquals(0, result.exitCode());
    assertMatches("Request entity too large|RequestEntityTooLarge|too large", result.stderr());
    assertFalse(k("get", "configmap", "huge").exitCode() == 0);
  }
}
