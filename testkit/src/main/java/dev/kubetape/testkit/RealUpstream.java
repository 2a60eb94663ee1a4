package dev.kubetape.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real control plane of {@code testbed/}: kube-apiserver, etcd, kube-controller-manager,
 * kube-scheduler and KWOK, started with {@code testbed/up} and stopped with SIGTERM.
 */
final class RealUpstream implements Upstream {
  private final Process process;
  private final Path kubeconfig;

  RealUpstream(Path folder) {
    kubeconfig = folder.resolve("real.kubeconfig");
    Path up = Repository.root().resolve("testbed/up");
    try {
      process = new ProcessBuilder(up.toString(), "--kubeconfig-out", kubeconfig.toString())
          .redirectError(folder.resolve("testbed-up.log").toFile())
          .start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          return null;
        }
      });
      String line = ready.get(180, TimeUnit.SECONDS);
      if (line == null || !line.startsWith("control plane ready at ")) {
        String log = Files.exists(folder.resolve("testbed-up.log"))
            ? Files.readString(folder.resolve("testbed-up.log")) : "";
        process.destroy();
        throw new IllegalStateException("testbed/up did not become ready: " + line + "\n" + log);
      }
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("testbed/up failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting testbed/up", e);
    }
  }

  /** Why the real control plane cannot run here, or null when it can. */
  static String unavailableReason() {
    Path build = Repository.root().resolve("testbed/build");
    if (!Files.isExecutable(build)) {
      return "testbed/build is missing from this checkout";
    }
    try {
      Process where = new ProcessBuilder(build.toString(), "--print-dir").start();
      String dir = new String(where.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!where.waitFor(30, TimeUnit.SECONDS) || where.exitValue() != 0 || dir.isEmpty()) {
        return "testbed/build --print-dir failed";
      }
      for (String binary : new String[] {"etcd", "kube-apiserver", "kube-controller-manager",
          "kube-scheduler", "kwok", "testbed-up"}) {
        if (!Files.isExecutable(Path.of(dir, binary))) {
          return "the real control plane is not built (" + Path.of(dir, binary)
              + " is missing); run testbed/build, which needs Go";
        }
      }
      return null;
    } catch (IOException e) {
      return "could not run testbed/build: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override
  public String name() {
    return "real";
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public String noContainerRuntime() {
    return "the testbed's KWOK nodes run no container processes: exec has nothing to run, and"
        + " every run of a container prints the same catalog lines";
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
