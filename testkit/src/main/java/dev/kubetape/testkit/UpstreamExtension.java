package dev.kubetape.testkit;

import dev.kubetape.sandbox.SandboxConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a running upstream by name, started once before its tests and stopped
 * after them. An upstream that cannot run on this machine (no Docker for k3s, no built testbed)
 * skips the class with the reason printed, never passes it silently.
 *
 * <pre>
 * {@literal @}RegisterExtension static final UpstreamExtension upstream = UpstreamExtension.sandbox();
 * </pre>
 */
public final class UpstreamExtension implements BeforeAllCallback, AfterAllCallback {
  private final String name;
  private final Function<Path, Upstream> starter;
  private final java.util.function.Supplier<String> unavailable;
  private Upstream upstream;
  private Path folder;

  private UpstreamExtension(String name, Function<Path, Upstream> starter,
      java.util.function.Supplier<String> unavailable) {
    this.name = name;
    this.starter = starter;
    this.unavailable = unavailable;
  }

  /** The in-process sandbox; always available. */
  public static UpstreamExtension sandbox() {
    return sandbox(UnaryOperator.identity());
  }

  /** The in-process sandbox, configured otherwise (a faster clock, a shorter event TTL). */
  public static UpstreamExtension sandbox(UnaryOperator<SandboxConfig> adjust) {
    return new UpstreamExtension("sandbox", folder -> new SandboxUpstream(folder, adjust), () -> null);
  }

  /** k3s through Testcontainers; skipped where no Docker engine exists. */
  public static UpstreamExtension k3s() {
    return new UpstreamExtension("k3s", K3sUpstream::new, K3sUpstream::unavailableReason);
  }

  /** The real control plane of testbed/; skipped where it is not built (see testbed/README.md). */
  public static UpstreamExtension real() {
    return new UpstreamExtension("real", RealUpstream::new, RealUpstream::unavailableReason);
  }

  /** The upstream this extension runs. */
  public Upstream upstream() {
    if (upstream == null) {
      throw new IllegalStateException("the " + name + " upstream is not running (yet)");
    }
    return upstream;
  }

  /** A scratch folder for this test class (kubeconfigs, helm's home), removed afterwards. */
  public Path folder() {
    return folder;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    folder = Files.createTempDirectory("kubetape-" + name + "-");
    String unavailable = this.unavailable.get();
    if (unavailable != null) {
      System.err.println("[kubetape] skipping '" + context.getDisplayName() + "' (needs the " + name
          + " upstream): " + unavailable);
      Assumptions.abort(unavailable);
    }
    upstream = starter.apply(folder);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (upstream != null) {
        upstream.close();
      }
    } finally {
      upstream = null;
      deleteTree(folder);
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
