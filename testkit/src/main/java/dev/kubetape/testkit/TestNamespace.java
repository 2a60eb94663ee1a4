package dev.kubetape.testkit;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.TestInfo;

/** A namespace name of its own for each test: "kt-" + the method's name + a random tail. */
public final class TestNamespace {
  private TestNamespace() {}

  public static String name(TestInfo test) {
    String method = test.getTestMethod().map(m -> m.getName()).orElse("test")
        .replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    return "kt-" + method.substring(0, Math.min(40, method.length())) + "-"
        + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
  }
}
