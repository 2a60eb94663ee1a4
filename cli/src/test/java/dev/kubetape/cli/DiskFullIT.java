package dev.kubetape.cli;

import static dev.kubetape.cli.KubetapeProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetape.cli.KubetapeProcess.Proxy;
import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.Repository;
import dev.kubetape.testkit.Tool;
import dev.kubetape.testkit.UpstreamExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubetape proxy} with its archive on a real, small file system (a tmpfs) that fills up:
 * kubectl must not notice, the user must be told (log and /metrics), and recording must come
 * back by itself once there is room again, with the lost stretch kept as a gap record.
 */
class DiskFullIT {
  @RegisterExtension
  static final UpstreamExtension upstream = UpstreamExtension.sandbox(config -> config.withTimeScale(4));

  private Path home;
  private Path small;
  private Proxy proxy;
  private Tool direct;
  private final String ns = "diskfull-" + System.nanoTime() % 100_000;

  @BeforeEach
  void mountSmallFileSystem() throws Exception {
    home = Files.createTempDirectory(upstream.folder(), "home");
    small = Files.createDirectories(home.resolve("small"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "kubetape-disk-full", small.toString())
        .redirectErrorStream(true).start();
    String output = new String(mount.getInputStream().readAllBytes()).trim();
    if (mount.waitFor() != 0) {
      small = null;
      String reason = "cannot mount a small tmpfs here (needs root or CAP_SYS_ADMIN): " + output;
      System.err.println("[kubetape] skipping the disk-full test: " + reason);
      Assumptions.abort(reason);
    }
    direct = new Tool(KubeTools.kubectl(), upstream.upstream().kubeconfig(), home);
    direct.run("create", "namespace", ns).ok();
  }

  @AfterEach
  void unmount() throws Exception {
    if (proxy != null) {
      proxy.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (small != null) {
      new ProcessBuilder("umount", "-l", small.toString()).start().waitFor();
      direct.run("delete", "namespace", ns, "--wait=false", "--ignore-not-found");
    }
  }

  @Test
  @DisplayName("a full disk: kubectl keeps working, the log and /metrics say recording stopped, and it resumes with a gap record once there is room")
  void fullDisk() throws Exception {
    Path archive = small.resolve("archive");
    proxy = KubetapeProcess.startProxy(home, upstream.upstream().kubeconfig(), archive, true);
    Tool kubectl = proxy.kubectl();
    kubectl.runWithInput(Files.readString(Repository.root().resolve("examples/scenarios/good-rollout/deployment.yaml")),
        "apply", "-n", ns, "-f", "-").ok();
    await("the first rollout is recorded as succeeded", () -> KubetapeProcess.status(archive, ns + "/web#1").equals("succeeded"));

    Path filler = small.resolve("filler");
    fill(filler);
    kubectl.run("set", "image", "deployment/web", "web=registry.example/shop/web:1.4.1", "-n", ns).ok();
    Tool.Result status = kubectl.run("rollout", "status", "deployment/web", "-n", ns, "--timeout=120s").ok();
    assertTrue(status.stdout().contains("successfully rolled out"), status::describe);
    await("the log says recording stopped and why",
        () -> proxy.stderr().contains("recording stopped: the archive cannot be written"));
    assertTrue(proxy.stderr().contains("kubectl keeps working"), proxy::stderr);
    assertEquals(1, metric("kubetape_recorder_stopped"), proxy::stderr);
    assertTrue(metric("kubetape_recorder_records_lost_total") > 0, "lost records are counted");
    assertEquals(0, metric("kubetape_proxy_errors_total{class=\"upstream"), "the proxy reached the API server every time");

    Files.delete(filler);
    // Something to record once there is room: the scale's pods and events.
    kubectl.run("scale", "deployment/web", "--replicas=4", "-n", ns).ok();
    await("the log says recording resumed", () -> proxy.stderr().contains("recording resumed"));
    assertEquals(0, metric("kubetape_recorder_stopped"), proxy::stderr);
    assertTrue(metric("kubetape_recorder_gaps_total") >= 1, "the gap is counted");
    await("the gap is in the archive", () -> KubetapeProcess.searchTotal(archive, "type:gap AND reason:ArchiveUnwritable") >= 1);

    kubectl.run("set", "image", "deployment/web", "web=registry.example/shop/web:1.5.0", "-n", ns).ok();
    await("a rollout after the gap is recorded as succeeded", () -> KubetapeProcess.status(archive, ns + "/web#3").equals("succeeded"));
  }

  /** Writes zeros until the file system is full. */
  private static void fill(Path filler) {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      assertTrue(String.valueOf(full.getMessage()).contains("No space left"), "filling stopped for another reason: " + full);
    }
  }

  /** The sum of a metric's /metrics lines (over all its labels), or 0 if there are none. */
  private long metric(String name) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxy.metrics()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response::body);
    String rest = name.contains("{") ? "[^ ]*" : "(?:\\{[^ ]*)?"; // "a{class=\"x" matches a prefix of the labels
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + rest + " (\\d+)$").matcher(response.body());
    long sum = 0;
    while (line.find()) {
      sum += Long.parseLong(line.group(1));
    }
    return sum;
  }
}
