package dev.kubetape.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real command-line client (kubectl or helm) pointed at one kubeconfig. Runs to completion
 * with a time limit, or in the background for streams such as {@code get -w} and
 * {@code logs -f}.
 */
public final class Tool {
  /** What a finished command printed and returned. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** The result, or an AssertionError that shows everything when the command failed. */
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError(describe());
      }
      return this;
    }

    public String describe() {
      return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout
          + "--- stderr\n" + stderr;
    }
  }

  private final Path binary;
  private final Path kubeconfig;
  private final Path home;

  public Tool(Path binary, Path kubeconfig, Path home) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.home = home;
  }

  public Path binary() {
    return binary;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Result run(String... args) {
    return run(null, Duration.ofSeconds(90), args);
  }

  public Result runWithInput(String stdin, String... args) {
    return run(stdin, Duration.ofSeconds(90), args);
  }

  public Result run(String stdin, Duration timeout, String... args) {
    Process process = start(args);
    try {
      OutputStream in = process.getOutputStream();
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      in.close();
      Drain out = new Drain(process.getInputStream());
      Drain err = new Drain(process.getErrorStream());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        throw new AssertionError(String.join(" ", command(args)) + " did not finish within "
            + timeout + "\n--- stdout\n" + out.text() + "--- stderr\n" + err.text());
      }
      out.join();
      err.join();
      return new Result(command(args), process.exitValue(), out.text(), err.text());
    } catch (IOException e) {
      throw new AssertionError("could not run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + binary, e);
    }
  }

  /** Starts a command that keeps running (a watch, a follow); the caller stops it. */
  public Background background(String... args) {
    Process process = start(args);
    return new Background(process, new Drain(process.getInputStream()),
        new Drain(process.getErrorStream()));
  }

  private Process start(String... args) {
    ProcessBuilder builder = new ProcessBuilder(command(args));
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("HOME", home.toString());
    env.put("HELM_CACHE_HOME", home.resolve(".cache/helm").toString());
    env.put("HELM_CONFIG_HOME", home.resolve(".config/helm").toString());
    env.put("HELM_DATA_HOME", home.resolve(".local/share/helm").toString());
    env.remove("KUBECTL_EXTERNAL_DIFF");
    env.put("NO_COLOR", "1");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new AssertionError("could not start " + binary + ": " + e.getMessage(), e);
    }
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(Arrays.asList(args));
    return command;
  }

  /** A running command and what it printed so far. */
  public static final class Background implements AutoCloseable {
    private final Process process;
    private final Drain out;
    private final Drain err;

    Background(Process process, Drain out, Drain err) {
      this.process = process;
      this.out = out;
      this.err = err;
    }

    public String stdout() {
      return out.text();
    }

    public String stderr() {
      return err.text();
    }

    public OutputStream stdin() {
      return process.getOutputStream();
    }

    /** Waits until stdout contains {@code text}; fails with what was printed otherwise. */
    public void awaitStdout(String text, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (out.text().contains(text)) {
          return;
        }
        if (!process.isAlive() && !out.text().contains(text)) {
          break;
        }
        sleep(50);
      }
      if (!out.text().contains(text)) {
        throw new AssertionError("expected '" + text + "' within " + timeout + "\n--- stdout\n"
            + out.text() + "--- stderr\n" + err.text());
      }
    }

    public int waitFor(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError("still running after " + timeout + "\n--- stdout\n"
              + out.text() + "--- stderr\n" + err.text());
        }
        out.join();
        err.join();
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads a stream to the end on its own thread, so a chatty command never blocks on a pipe. */
  static final class Drain {
    private final StringBuffer text = new StringBuffer();
    private final Thread thread;

    Drain(InputStream in) {
      thread = Thread.ofVirtual().start(() -> {
        byte[] buffer = new byte[8192];
        try (in) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          // The process went away; what it printed so far is all there is.
        }
      });
    }

    /** What was read so far. */
    String text() {
      return text.toString();
    }

    /** Waits for the end of the stream (the process has exited). */
    void join() {
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
