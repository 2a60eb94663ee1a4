package dev.kubetape.cli;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.Repository;
import dev.kubetape.testkit.Tool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The built {@code kubetape} jar run as a process of its own, as a user runs it: a long-running
 * {@code kubetape proxy}, and the one-shot commands that read its archive.
 */
final class KubetapeProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KubetapeProcess() {}

  /** A running {@code kubetape proxy}: its process, the kubeconfig it wrote, its stderr, its /metrics. */
  record Proxy(Process process, Path kubeconfig, Path stderrFile, URI metrics) {
    Tool kubectl() {
      return new Tool(KubeTools.kubectl(), kubeconfig, kubeconfig.getParent());
    }

    String stderr() {
      try {
        return Files.readString(stderrFile);
      } catch (IOException e) {
        return "";
      }
    }
  }

  /**
   * Starts {@code kubetape proxy} with {@code home} as its user's home and waits for its ready
   * line; with {@code web}, also for the line naming where /metrics is served.
   */
  static Proxy startProxy(Path home, Path upstreamKubeconfig, Path archive, boolean web) throws IOException {
    Path kubeconfig = home.resolve("proxy.kubeconfig");
    Path stderr = Files.createTempFile(home, "proxy", ".stderr");
    List<String> command = new ArrayList<>(List.of(java(), "-Duser.home=" + home, "-jar", jar().toString(), "proxy",
        "--upstream-kubeconfig", upstreamKubeconfig.toString(), "--listen", "127.0.0.1:0",
        "--kubeconfig-out", kubeconfig.toString(), "--archive", archive.toString()));
    command.addAll(web ? List.of("--web", "127.0.0.1:0") : List.of("--no-web"));
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready = out.readLine();
    if (ready == null || !ready.startsWith("proxy ready at ")) {
      process.destroyForcibly();
      fail("kubetape proxy did not get ready: " + ready + "\n" + Files.readString(stderr));
    }
    URI metrics = null;
    if (web) {
      String viewer = out.readLine();
      if (viewer == null || !viewer.startsWith("viewer at ")) {
        process.destroyForcibly();
        fail("kubetape proxy did not say where its viewer is: " + viewer + "\n" + Files.readString(stderr));
      }
      metrics = URI.create(viewer.substring("viewer at ".length()).trim()).resolve("/metrics");
    }
    Thread.ofVirtual().start(() -> out.lines().forEach(ignored -> { }));
    return new Proxy(process, kubeconfig, stderr, metrics);
  }

  /** Runs a one-shot command ({@code rollouts}, {@code search}, ...) to its end. */
  static Tool.Result run(String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Tool.Result(command, process.waitFor(), stdout, stderr);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("could not run kubetape " + String.join(" ", args), e);
    }
  }

  /** The rollout's status as {@code kubetape rollouts --json} shows it, or "" if it is not listed. */
  static String status(Path archive, String id) {
    Tool.Result result = run("rollouts", "--archive", archive.toString(), "--json");
    if (result.exitCode() != 0) {
      return "";
    }
    try {
      for (JsonNode rollout : JSON.readTree(result.stdout())) {
        if (rollout.path("id").asText().equals(id)) {
          return rollout.path("status").asText();
        }
      }
      return "";
    } catch (IOException e) {
      throw new IllegalStateException("kubetape rollouts --json printed no JSON: " + result.stdout(), e);
    }
  }

  /** How many records {@code kubetape search --json} finds for a query. */
  static long searchTotal(Path archive, String query) throws IOException {
    Tool.Result search = run("search", "--archive", archive.toString(), "--json", query);
    if (search.exitCode() != 0) {
      fail(search.describe());
    }
    return JSON.readTree(search.stdout()).path("total").asLong();
  }

  static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (check.ok()) {
        return;
      }
      Thread.sleep(300);
    }
    fail(what + ": not within 120 s");
  }

  @FunctionalInterface
  interface Check {
    boolean ok() throws Exception;
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static Path jar() {
    return Repository.root().resolve("cli/target/kubetape.jar");
  }
}
