package dev.kubetape.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.kubetape.cli.KubetapeProcess.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetape.cli.KubetapeProcess.Proxy;
import dev.kubetape.recorder.Archive;
import dev.kubetape.recorder.ArchiveRecord;
import dev.kubetape.recorder.LuceneArchive;
import dev.kubetape.testkit.KubeTools;
import dev.kubetape.testkit.Repository;
import dev.kubetape.testkit.Tool;
import dev.kubetape.testkit.UpstreamExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubetape proxy} as a process of its own, killed and started again over the same
 * archive: what it acknowledged survives, the rollout it was following is taken up again, and
 * a damaged journal tail is cut off with a warning while kubectl keeps working.
 */
class RecorderCrashIT {
  @RegisterExtension
  static final UpstreamExtension upstream = UpstreamExtension.sandbox(config -> config.withTimeScale(4));

  private final List<Process> processes = new ArrayList<>();
  private Path home;
  private Path archive;
  private Tool direct;
  private String ns;

  @BeforeEach
  void setUp(TestInfo test) throws IOException {
    home = Files.createTempDirectory(upstream.folder(), "home");
    archive = home.resolve("archive");
    direct = new Tool(KubeTools.kubectl(), upstream.upstream().kubeconfig(), home);
    ns = "crash-" + test.getTestMethod().orElseThrow().getName().toLowerCase() + "-" + System.nanoTime() % 100_000;
    direct.run("create", "namespace", ns).ok();
  }

  @AfterEach
  void tearDown() {
    processes.forEach(Process::destroyForcibly);
    direct.run("delete", "namespace", ns, "--wait=false", "--ignore-not-found");
  }

  @Test
  @DisplayName("kill -9 mid-rollout: every acknowledged record is still there, and the restarted proxy ends the rollout as succeeded")
  void killedMidRollout() throws Exception {
    Proxy first = startProxy();
    Tool kubectl = first.kubectl();
    // The pods wait for a ConfigMap that is not there yet: the rollout cannot end before the test
    // creates it, whatever the machine's speed.
    kubectl.runWithInput(Files.readString(Repository.root().resolve("examples/scenarios/missing-configmap/deployment.yaml")),
        "apply", "-n", ns, "-f", "-").ok();
    String id = ns + "/web#1";
    await("the rollout is recorded as progressing with a pod", () -> count("rolloutId:\"" + id + "\" AND kind:Pod") > 0
        && count("rolloutId:\"" + id + "\" AND type:rollout AND status:progressing") > 0);
    Set<String> acknowledged = records();
    assertEquals("progressing", status(id), "the rollout is still going when the proxy is killed");
    first.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    Proxy second = startProxy();
    direct.run("create", "configmap", "web-settings", "-n", ns, "--from-literal=greeting=hello").ok();
    await("the resumed rollout succeeds", () -> status(id).equals("succeeded"));
    Set<String> after = records();
    acknowledged.removeAll(after);
    assertEquals(Set.of(), acknowledged, "records acknowledged before the kill are missing after it");
    second.process().destroy();
    assertTrue(second.process().waitFor(10, TimeUnit.SECONDS), "SIGTERM stops the proxy within 10 s");

    // A copy of the folder, taken off the machine for a postmortem, reads the same.
    Path copy = home.resolve("copied-archive");
    try (Stream<Path> files = Files.walk(archive)) {
      for (Path file : files.toList()) {
        Path target = copy.resolve(archive.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    assertTrue(KubetapeProcess.searchTotal(copy, "rolloutId:\"" + id + "\"") > 0, "the copied archive finds the rollout");
  }

  @Test
  @DisplayName("a damaged journal tail is cut off with a warning saying how much; kubectl and search keep working")
  void corruptTail() throws Exception {
    Proxy first = startProxy();
    first.kubectl().runWithInput(Files.readString(Repository.root().resolve("examples/scenarios/good-rollout/deployment.yaml")),
        "apply", "-n", ns, "-f", "-").ok();
    await("the rollout succeeds", () -> status(ns + "/web#1").equals("succeeded"));
    first.process().destroy();
    assertTrue(first.process().waitFor(10, TimeUnit.SECONDS));
    Path lastSegment;
    try (Stream<Path> segments = Files.list(archive.resolve("journal"))) {
      lastSegment = segments.filter(f -> f.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    Files.write(lastSegment, "\u0000\u0007 torn write".repeat(9).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    Proxy second = startProxy();
    await("the proxy warns about the cut", () -> second.stderr().contains("bytes that are not a whole, intact record"));
    assertTrue(second.stderr().contains("cutting them off"), second::stderr);
    assertEquals("web", second.kubectl().run("get", "deployment", "web", "-n", ns, "-o", "name").ok().stdout().trim()
        .replace("deployment.apps/", ""));
    assertTrue(KubetapeProcess.searchTotal(archive, "namespace:" + ns + " AND type:rollout") > 0,
        "search finds the rollout after the cut");
  }

  // ---- helpers

  private Proxy startProxy() throws IOException {
    Proxy proxy = KubetapeProcess.startProxy(home, upstream.upstream().kubeconfig(), archive, false);
    processes.add(proxy.process());
    return proxy;
  }

  private String status(String id) {
    return KubetapeProcess.status(archive, id);
  }

  private long count(String query) throws IOException {
    if (!Files.isDirectory(archive.resolve("journal"))) {
      return 0;
    }
    try (Archive copy = LuceneArchive.readOnly(archive)) {
      return copy.search(new Archive.Query(query, null, null, 1)).total();
    }
  }

  /** Every record of the namespace, as text: what a reader sees now, journal tail included. */
  private Set<String> records() throws IOException {
    try (Archive copy = LuceneArchive.readOnly(archive)) {
      Set<String> records = new HashSet<>();
      for (ArchiveRecord record : copy.search(new Archive.Query("namespace:" + ns, null, null, 1_000_000)).records()) {
        records.add(record.toString());
      }
      return records;
    }
  }
}
