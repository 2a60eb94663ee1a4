package dev.kubetape.proxy;

import static dev.kubetape.testkit.KubectlSuite.POD;
import static dev.kubetape.testkit.KubectlSuite.configMap;
import static dev.kubetape.testkit.KubectlSuite.deployment;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.Repository;
import dev.kubetape.testkit.Tool;
import dev.kubetape.testkit.UpstreamExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility check of issue 5: one script of everyday kubectl commands (and a helm
 * release's life) runs against one sandbox twice, directly and through the proxy, each run in a
 * namespace of its own with a name of the same shape. The two runs take turns command by
 * command, so both see the cluster at about the same moment. After {@link Transcript} has rubbed
 * out what differs between any two runs, every command must print the same stdout and stderr and
 * exit with the same code, the code the script expects. Every mismatch is reported with both
 * outputs, not just the first.
 */
@DisplayName("kubectl and helm print the same directly and through the proxy, command by command")
class DirectVsProxyKubectlIT {
  // Controllers run four times faster than real time, so that rollouts finish in seconds;
  // timestamps stay wall-clock time.
  @RegisterExtension
  static final UpstreamExtension SANDBOX = UpstreamExtension.sandbox(config -> config.withTimeScale(4));
  @RegisterExtension
  static final ProxyExtension PROXY = new ProxyExtension(SANDBOX);

  private static final Duration STREAM_WAIT = Duration.ofSeconds(30);

  /** One of the two runs: kubectl and helm on one route to the sandbox, in a namespace of its own. */
  private record Route(String name, Tool kubectl, Tool helm, String namespace, String server) {
    /** The arguments with {ns} filled in, after "-n NAMESPACE" (first, so it never lands after "--"). */
    private String[] args(String... args) {
      return Stream.concat(Stream.of("-n", namespace), Arrays.stream(args))
          .map(arg -> arg.replace("{ns}", namespace)).toArray(String[]::new);
    }

    Tool.Result k(String... args) {
      return kubectl.run(args(args));
    }

    Tool.Result kIn(String stdin, String... args) {
      return kubectl.runWithInput(stdin, args(args));
    }

    Tool.Background background(String... args) {
      return kubectl.background(args(args));
    }

    Tool.Result helm(String... args) {
      return helm.run(args(args));
    }
  }

  /** A command of the script, the exit code it must end with, and how to run it on a route. */
  private record Step(String command, int expectedExit, Function<Route, Tool.Result> run) {}

  static Stream<Arguments> kubectls() {
    return Stream.of(Arguments.of("the suites' kubectl", null), Arguments.of("kubectl 1.32", "1.32"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kubectls")
  @DisplayName("kubectl: get, describe, apply, diff, create, patch, scale, rollout, wait, watch, logs, exec, auth, errors")
  void kubectlScript(String label, String version) {
    Path binary = version == null ? KubeTools.kubectl() : KubeTools.kubectl(version);
    if (binary == null) {
      String reason = "no kubectl " + version + " on this machine (set KUBECTL_" + version.replace('.', '_') + ")";
      System.err.println("[kubetape] skipping the direct-versus-proxy comparison with " + label + ": " + reason);
      Assumptions.abort(reason);
    }
    compare(binary, kubectlSteps());
  }

  @Test
  @DisplayName("helm: install, upgrade and rollback with --wait, history, values, list, uninstall, a missing release")
  void helmScript() {
    compare(KubeTools.kubectl(), helmSteps());
  }

  private void compare(Path kubectl, List<Step> steps) {
    // Same-shaped namespace names, so that no column is padded differently on one route.
    String tail = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36, 36 * 36 * 36 * 36 * 36), 36);
    Route direct = route("direct", kubectl, SANDBOX.upstream().kubeconfig(), "kt-cmp-d" + tail);
    Route proxied = route("proxied", kubectl, PROXY.kubeconfig(), "kt-cmp-p" + tail);
    List<String> mismatches = new ArrayList<>();
    try {
      for (Step step : steps) {
        Transcript fromDirect = run(step, direct);
        Transcript fromProxied = run(step, proxied);
        if (!fromDirect.equals(fromProxied)) {
          mismatches.add("`" + step.command() + "` differs through the proxy; first difference in "
              + (fromDirect.stdout().equals(fromProxied.stdout()) ? "stderr, " : "stdout, ")
              + Transcript.firstDifference(fromDirect.stdout() + "\n" + fromDirect.stderr(),
                  fromProxied.stdout() + "\n" + fromProxied.stderr())
              + "\n=== direct: " + fromDirect.describe() + "=== through the proxy: " + fromProxied.describe());
        } else if (fromDirect.exitCode() != step.expectedExit()) {
          mismatches.add("`" + step.command() + "` exited " + fromDirect.exitCode() + " on both routes, not "
              + step.expectedExit() + "; the script itself is off\n=== both: " + fromDirect.describe());
        }
      }
    } finally {
      for (Route route : List.of(direct, proxied)) {
        route.k("delete", "namespace", route.namespace(), "--wait=false", "--ignore-not-found");
      }
    }
    if (!mismatches.isEmpty()) {
      fail(mismatches.size() + " of " + steps.size() + " commands differ (" + kubectl + "):\n\n"
          + String.join("\n\n", mismatches));
    }
  }

  private static Route route(String name, Path kubectl, Path kubeconfig, String namespace) {
    Tool helm = new Tool(KubeTools.helm(), kubeconfig, SANDBOX.folder());
    return new Route(name, new Tool(kubectl, kubeconfig, SANDBOX.folder()), helm, namespace, server(kubeconfig));
  }

  /** The host:port a kubeconfig's cluster is at, as error messages may print it. */
  private static String server(Path kubeconfig) {
    try {
      Matcher matcher = Pattern.compile("server: https://(\\S+)").matcher(Files.readString(kubeconfig));
      if (!matcher.find()) {
        throw new IllegalStateException(kubeconfig + " names no https server");
      }
      return matcher.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a step; a step that cannot finish (a stream that never shows what it waits for) is an outcome too. */
  private static Transcript run(Step step, Route route) {
    Tool.Result result;
    try {
      result = step.run().apply(route);
    } catch (AssertionError e) {
      result = new Tool.Result(List.of(step.command()), -1, "", "the step did not finish: " + e.getMessage() + "\n");
    }
    return Transcript.of(result).normalised(route.namespace(), route.server());
  }

  // ---- the scripts -----------------------------------------------------------------------------

  private static Step k(int expectedExit, String... args) {
    return new Step(String.join(" ", args), expectedExit, route -> route.k(args));
  }

  private static Step kIn(int expectedExit, String stdin, String... args) {
    return new Step(String.join(" ", args) + " < " + firstLine(stdin), expectedExit, route -> route.kIn(stdin, args));
  }

  private static Step helm(int expectedExit, String... args) {
    return new Step("helm " + String.join(" ", args), expectedExit, route -> route.helm(args));
  }

  private static String firstLine(String text) {
    return text.lines().filter(line -> line.contains("name:")).findFirst().orElse("stdin").strip();
  }

  private static List<Step> kubectlSteps() {
    List<Step> steps = new ArrayList<>();
    steps.add(k(0, "create", "namespace", "{ns}"));
    steps.add(k(0, "get", "namespace", "{ns}"));
    steps.add(k(0, "version"));
    steps.add(k(0, "api-resources", "--api-group=apps"));
    steps.add(k(0, "explain", "deployment.spec.replicas"));

    // Who am I, and impersonation: the Impersonate-* headers pass the proxy untouched.
    steps.add(k(0, "auth", "whoami"));
    steps.add(k(0, "auth", "can-i", "create", "deployments"));
    steps.add(k(0, "auth", "can-i", "--list"));
    steps.add(k(0, "auth", "whoami", "--as=jane", "--as-group=devs"));
    steps.add(k(0, "auth", "can-i", "delete", "pods", "--as=jane"));
    steps.add(k(0, "get", "configmaps", "--as=jane"));

    // Reading: the server's tables, every output format, describe.
    steps.add(kIn(0, configMap("settings", "color", "blue"), "apply", "-f", "-"));
    steps.add(kIn(0, configMap("settings", "color", "blue"), "apply", "-f", "-"));
    steps.add(k(0, "get", "configmap", "settings"));
    steps.add(k(0, "get", "configmap", "settings", "-o", "wide"));
    steps.add(k(0, "get", "configmap", "settings", "-o", "yaml"));
    steps.add(k(0, "get", "configmap", "settings", "-o", "json"));
    steps.add(k(0, "get", "configmap", "settings", "-o", "jsonpath={.data}"));
    steps.add(k(0, "get", "configmaps", "-l", "app=settings", "-o", "name"));
    steps.add(k(0, "get", "--raw", "/api/v1/namespaces/{ns}/configmaps/settings"));
    steps.add(k(0, "describe", "configmap", "settings"));

    // Changing: patch, label, annotate, diff, server-side apply and its conflicts, create (protobuf).
    steps.add(k(0, "patch", "configmap", "settings", "--type=merge", "-p", "{\"data\":{\"size\":\"large\"}}"));
    steps.add(k(0, "label", "configmap", "settings", "team=payments"));
    steps.add(k(1, "label", "configmap", "settings", "team=search"));
    steps.add(k(0, "annotate", "configmap", "settings", "owner=alice"));
    steps.add(kIn(1, configMap("settings", "color", "green"), "diff", "-f", "-"));
    steps.add(kIn(0, configMap("ssa", "a", "1"), "apply", "--server-side", "-f", "-"));
    steps.add(k(0, "patch", "configmap", "ssa", "--type=merge", "-p", "{\"data\":{\"a\":\"other\"}}",
        "--field-manager=intruder"));
    steps.add(kIn(1, configMap("ssa", "a", "3"), "apply", "--server-side", "-f", "-"));
    steps.add(kIn(0, configMap("ssa", "a", "3"), "apply", "--server-side", "--force-conflicts", "-f", "-"));
    steps.add(k(0, "get", "configmap", "ssa", "--show-managed-fields", "-o", "yaml"));
    steps.add(k(0, "create", "configmap", "literal", "--from-literal=size=large"));
    steps.add(k(0, "create", "secret", "generic", "creds", "--from-literal=user=admin"));
    steps.add(k(0, "get", "secret", "creds", "-o", "yaml"));
    steps.add(k(0, "create", "service", "clusterip", "front", "--tcp=80:8080"));
    steps.add(k(0, "get", "service", "front", "-o", "wide"));
    steps.add(kIn(1, configMap("settings", "c", "3").replace("  name: settings\n",
        "  name: settings\n  resourceVersion: \"1\"\n"), "replace", "-f", "-"));

    // A deployment's life: rollouts, scale, history, undo, wait.
    steps.add(kIn(0, deployment("web", "registry.example/shop/web:1.4.1", 2), "apply", "-f", "-"));
    steps.add(k(0, "rollout", "status", "deployment/web", "--timeout=90s"));
    steps.add(k(0, "get", "deployments,replicasets,pods", "-o", "wide"));
    steps.add(k(0, "describe", "deployment", "web"));
    steps.add(k(0, "scale", "deployment", "web", "--replicas=3"));
    steps.add(k(0, "rollout", "status", "deployment/web", "--timeout=90s"));
    steps.add(k(0, "set", "image", "deployment/web", "web=registry.example/shop/web:1.4.2"));
    steps.add(k(0, "rollout", "status", "deployment/web", "--timeout=90s"));
    steps.add(k(0, "rollout", "history", "deployment/web"));
    steps.add(k(0, "rollout", "undo", "deployment/web"));
    steps.add(k(0, "rollout", "status", "deployment/web", "--timeout=90s"));
    steps.add(k(0, "rollout", "history", "deployment/web", "--revision=3"));
    steps.add(k(0, "wait", "--for=condition=Available", "deployment/web", "--timeout=60s"));
    steps.add(k(0, "get", "deployment", "web", "-o", "wide"));

    // Streams: a watch and a wait that see a change made while they are open.
    steps.add(kIn(0, configMap("watched", "v", "1"), "apply", "-f", "-"));
    steps.add(new Step("get configmap watched --watch --output-watch-events (patched while open)", 0,
        DirectVsProxyKubectlIT::watchWhileChanged));
    steps.add(kIn(0, configMap("awaited", "ready", "no"), "apply", "-f", "-"));
    steps.add(new Step("wait configmap/awaited --for=jsonpath={.data.ready}=yes (patched while waiting)", 0,
        DirectVsProxyKubectlIT::waitWhileChanged));

    // A pod: logs, exec with and without stdin, logs -f until the container stops.
    steps.add(kIn(0, POD, "apply", "-f", "-"));
    steps.add(k(0, "wait", "--for=condition=Ready", "pod/shell", "--timeout=60s"));
    steps.add(new Step("logs shell (once the container has logged its start)", 0,
        DirectVsProxyKubectlIT::logsOnceStarted));
    steps.add(k(0, "logs", "shell", "--tail=3", "--timestamps"));
    steps.add(k(1, "logs", "shell", "-c", "nope"));
    steps.add(k(1, "logs", "shell", "--previous"));
    steps.add(k(0, "exec", "shell", "--", "echo", "hi", "there"));
    steps.add(k(0, "exec", "shell", "--", "env"));
    steps.add(k(0, "exec", "shell", "--", "cat", "/etc/settings/color"));
    steps.add(k(3, "exec", "shell", "--", "sh", "-c", "exit 3"));
    steps.add(k(1, "exec", "shell", "--", "cat", "/etc/settings/none"));
    steps.add(kIn(0, "typed line\nand another\n", "exec", "-i", "shell", "--", "cat"));
    steps.add(new Step("logs -f shell (the pod deleted while following)", 0, DirectVsProxyKubectlIT::followUntilDeleted));

    // What goes wrong: the API server's errors, as kubectl prints them.
    steps.add(k(1, "get", "configmap", "nope"));
    steps.add(k(1, "get", "gizmos"));
    steps.add(k(1, "delete", "configmap", "nope"));
    steps.add(k(1, "scale", "deployment", "nope", "--replicas=1"));
    steps.add(kIn(1, configMap("Not_Valid", "a", "1"), "apply", "-f", "-"));
    steps.add(kIn(1, configMap("strict", "a", "1") + "bogus: true\n", "apply", "-f", "-"));
    steps.add(kIn(1, deployment("mismatch", "registry.example/shop/web:1.4.1", 1)
        .replace("      labels:\n        app: mismatch\n    spec:", "      labels:\n        app: other\n    spec:"),
        "apply", "-f", "-"));
    steps.add(k(1, "patch", "deployment", "web", "--type=json",
        "-p", "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":9}]"));
    steps.add(kIn(1, "{\"apiVersion\": \"v1\", \"kind\": ", "create", "--raw", "/api/v1/namespaces/{ns}/configmaps", "-f", "-"));
    steps.add(kIn(1, configMap("huge", "blob", "x".repeat(3 * 1024 * 1024 + 10)), "create", "-f", "-"));

    steps.add(k(0, "delete", "configmap", "settings", "ssa", "literal"));
    steps.add(k(0, "delete", "deployment", "web"));
    return steps;
  }

  private static List<Step> helmSteps() {
    String chart = Repository.root().resolve("examples/charts/hello").toString();
    List<Step> steps = new ArrayList<>();
    steps.add(k(0, "create", "namespace", "{ns}"));
    steps.add(helm(0, "install", "hello", chart, "--wait", "--timeout=90s"));
    steps.add(helm(0, "upgrade", "hello", chart, "--wait", "--timeout=90s", "--set", "image.tag=1.4.2",
        "--set", "greeting=hej"));
    steps.add(helm(0, "history", "hello"));
    steps.add(helm(0, "rollback", "hello", "1", "--wait", "--timeout=90s"));
    steps.add(k(0, "rollout", "status", "deployment/hello-web", "--timeout=90s"));
    steps.add(helm(0, "get", "values", "hello", "--all"));
    steps.add(helm(0, "list"));
    steps.add(helm(1, "history", "nope"));
    steps.add(helm(0, "uninstall", "hello", "--wait"));
    steps.add(k(0, "get", "deployments,services,configmaps", "-l", "app.kubernetes.io/instance=hello"));
    return steps;
  }

  // ---- steps with a stream open while something changes ----------------------------------------

  private static Tool.Result watchWhileChanged(Route route) {
    // The watch ends by itself: --request-timeout becomes the watch's timeoutSeconds.
    try (Tool.Background watch = route.background("get", "configmap", "watched", "--watch",
        "--output-watch-events", "--request-timeout=5s")) {
      watch.awaitStdout("ADDED", STREAM_WAIT);
      route.k("patch", "configmap", "watched", "--type=merge", "-p", "{\"data\":{\"v\":\"2\"}}").ok();
      watch.awaitStdout("MODIFIED", STREAM_WAIT);
      return new Tool.Result(List.of("get -w"), watch.waitFor(STREAM_WAIT), watch.stdout(), watch.stderr());
    }
  }

  private static Tool.Result waitWhileChanged(Route route) {
    try (Tool.Background wait = route.background("wait", "configmap/awaited", "--for=jsonpath={.data.ready}=yes",
        "--timeout=30s")) {
      route.k("patch", "configmap", "awaited", "--type=merge", "-p", "{\"data\":{\"ready\":\"yes\"}}").ok();
      return new Tool.Result(List.of("wait"), wait.waitFor(STREAM_WAIT), wait.stdout(), wait.stderr());
    }
  }

  /** The container is Ready before it has printed all of its start-up lines; they take a moment more. */
  private static Tool.Result logsOnceStarted(Route route) {
    long deadline = System.nanoTime() + STREAM_WAIT.toNanos();
    Tool.Result logs = route.k("logs", "shell");
    try {
      while (!logs.stdout().contains("Started WebApplication") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        logs = route.k("logs", "shell");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return logs;
  }

  private static Tool.Result followUntilDeleted(Route route) {
    try (Tool.Background follow = route.background("logs", "-f", "shell")) {
      follow.awaitStdout("Started WebApplication", STREAM_WAIT);
      // The container writes its shutdown lines while it stops, then its log ends.
      route.k("delete", "pod", "shell", "--wait=false").ok();
      return new Tool.Result(List.of("logs -f"), follow.waitFor(STREAM_WAIT), follow.stdout(), follow.stderr());
    }
  }
}
