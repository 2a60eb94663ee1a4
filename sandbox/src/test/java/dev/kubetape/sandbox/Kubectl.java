package dev.kubetape.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real kubectl, pointed at a sandbox: {@code $KUBECTL}, else the Google Cloud SDK's plain
 * kubectl 1.33, else {@code kubectl} on the PATH.
 */
final class Kubectl {
  record Result(int code, String stdout, String stderr) {
    Result ok() {
      if (code != 0) {
        throw new AssertionError("kubectl failed (" + code + "): " + stderr + stdout);
      }
      return this;
    }
  }

  /** A running {@code kubectl ... --watch}: the lines it printed so far. */
  static final class Watch implements AutoCloseable {
    private final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private Watch(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          // The watch was closed.
        }
      }, "kubectl-watch");
      reader.setDaemon(true);
      reader.start();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final Path binary;
  private final Path kubeconfig;

  Kubectl(Path kubeconfig) {
    this.binary = find();
    this.kubeconfig = kubeconfig;
  }

  private static Path find() {
    String env = System.getenv("KUBECTL");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path sdk = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");
    if (Files.isExecutable(sdk)) {
      return sdk;
    }
    return Path.of("kubectl");
  }

  Result run(String... args) {
    return runWithInput(null, args);
  }

  Result runWithInput(String stdin, String... args) {
    try {
      Process process = start(args);
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      var out = process.getInputStream().readAllBytes();
      var err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish");
      }
      return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("could not run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Watch watch(String... args) {
    try {
      Process process = start(args);
      process.getOutputStream().close();
      return new Watch(process);
    } catch (IOException e) {
      throw new AssertionError("could not run " + binary + ": " + e.getMessage(), e);
    }
  }

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  /** Runs a command until its output satisfies {@code done}; fails with the last output. */
  String until(Duration timeout, Predicate<String> done, String... args) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Result result = run(args);
      last = result.stdout() + result.stderr();
      if (result.code() == 0 && done.test(result.stdout())) {
        return result.stdout();
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("kubectl " + String.join(" ", args) + " never showed what was expected; last:\n" + last);
  }
}
