package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetape.testkit.UpstreamExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scenarios through a recording proxy in front of the sandbox, its clock ten times faster
 * and its Events expiring after 20 s, so that "after the event TTL" comes within the test.
 */
class SandboxRecordedScenariosIT extends RecordedScenarios {
  @RegisterExtension
  static final UpstreamExtension upstream = UpstreamExtension.sandbox(config -> config.withTimeScale(10)
      .withEventTtl(Duration.ofSeconds(20)));

  @Override
  protected UpstreamExtension upstream() {
    return upstream;
  }

  @Override
  protected int deadlineSeconds() {
    return 60;
  }

  @Override
  protected Duration patience() {
    return Duration.ofSeconds(90);
  }

  @Override
  protected boolean containersRun() {
    return true;
  }

  @Test
  @Order(20)
  @DisplayName("after kubectl delete deployment and the event TTL, search still finds the crash's events, pods and logs")
  void keptAfterDeletionAndEventTtl() throws IOException {
    String ns = namespace("crash-at-start");
    awaitRollouts(ns, rollouts -> rollouts.size() == 1 && !rollouts.get(0).status().equals("progressing"));
    kubectl.run("delete", "deployment", "web", "-n", ns).ok();
    await("the sandbox expired the events", () -> direct.run("get", "events", "-n", ns, "-o", "name").stdout().isBlank());
    await("the pods are gone", () -> direct.run("get", "pods", "-n", ns, "-o", "name").stdout().isBlank());
    try (Archive copy = LuceneArchive.readOnly(archiveFolder)) {
      for (String query : List.of("type:event AND reason:BackOff", "type:object AND kind:Pod AND attr.change:DELETED",
          "type:log AND \"DATABASE_URL is not set\"", "type:rollout AND status:failed AND reason:CrashLoopBackOff")) {
        long total = copy.search(new Archive.Query("namespace:" + ns + " AND " + query, null, null, 1)).total();
        assertTrue(total > 0, "nothing found for " + query);
      }
    }
  }

  @Test
  @Order(21)
  @DisplayName("no secret value reaches the journal or the index: Secret data and secret-looking env values are salted hashes")
  void secretsNeverStored() throws IOException {
    String ns = namespace("good-rollout");
    String password = "hunter2-correct-horse-" + System.nanoTime();
    String token = "tok-" + System.nanoTime();
    kubectl.run("create", "secret", "generic", "db", "-n", ns, "--from-literal=password=" + password).ok();
    kubectl.runWithInput("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          replicas: 1
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
              - name: api
                image: registry.example/shop/web:1.4.2
                env:
                - {name: DB_PASSWORD, value: "%s"}
                - {name: API_TOKEN, value: "%s"}
                - {name: GREETING, value: hello-visible}
        """.formatted(password, token), "apply", "-n", ns, "-f", "-").ok();
    awaitRollouts(ns, rollouts -> rollouts.stream().anyMatch(r -> r.name().equals("api") && r.status().equals("succeeded")));
    awaitHits("namespace:" + ns + " AND kind:Secret AND type:request");
    List<String> secrets = List.of(password, token,
        Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
    try (Archive copy = LuceneArchive.readOnly(archiveFolder)) {
      boolean sawVisible = false;
      for (ArchiveRecord record : copy.search(new Archive.Query("namespace:" + ns, null, null, 100_000)).records()) {
        String all = record.toString();
        for (String secret : secrets) {
          assertFalse(all.contains(secret), () -> "a secret value is in the archive: " + record);
        }
        sawVisible |= all.contains("hello-visible");
      }
      assertTrue(sawVisible, "ordinary env values are kept");
    }
    // The files as they are on disk too (the journal holds record bodies as written; index files
    // are compressed, so the records check above is the one that covers them).
    for (Path file : filesOf(archiveFolder)) {
      String bytes;
      try {
        bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      } catch (java.nio.file.NoSuchFileException replaced) {
        continue; // replaced by a commit since the listing
      }
      for (String secret : secrets) {
        assertFalse(bytes.contains(secret), "a secret value is in " + file);
      }
    }
    assertEquals(0, hits("\"" + password + "\""));
  }

  /** The archive's files; a listing races the writer's commits, so it is retried. */
  private static List<Path> filesOf(Path folder) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> files = Files.walk(folder)) {
        return files.filter(Files::isRegularFile).toList();
      } catch (java.io.UncheckedIOException replaced) {
        if (attempt == 5) {
          throw replaced;
        }
      }
    }
  }
}
