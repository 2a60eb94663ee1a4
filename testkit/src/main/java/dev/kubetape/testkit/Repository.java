package dev.kubetape.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the kubetape checkout is, for tests that use its examples. */
public final class Repository {
  private Repository() {}

  /** The nearest folder above the working directory that holds {@code examples/}. */
  public static Path root() {
    Path at = Path.of("").toAbsolutePath();
    while (at != null) {
      if (Files.isDirectory(at.resolve("examples")) && Files.exists(at.resolve("pom.xml"))) {
        return at;
      }
      at = at.getParent();
    }
    throw new IllegalStateException("no kubetape checkout above " + Path.of("").toAbsolutePath());
  }
}
