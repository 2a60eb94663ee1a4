package dev.kubetape.recorder;

import dev.kubetape.testkit.UpstreamExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scenarios through a recording proxy in front of the real control plane of testbed/, its
 * controllers and KWOK's kubelets: the recorder's verdicts hold against the real thing. KWOK
 * runs no processes, so there are no container logs to check there.
 */
class RealRecordedScenariosIT extends RecordedScenarios {
  @RegisterExtension
  static final UpstreamExtension upstream = UpstreamExtension.real();

  @Override
  protected UpstreamExtension upstream() {
    return upstream;
  }

  @Override
  protected int deadlineSeconds() {
    return 45;
  }

  @Override
  protected Duration patience() {
    return Duration.ofMinutes(4);
  }

  @Override
  protected boolean containersRun() {
    return false;
  }

  @Override
  protected String cannotPlay(String scenario) {
    return switch (scenario) {
      case "crash-at-start", "oom" -> "the testbed's KWOK stages report the container Ready from its start until it"
          + " exits, ignoring the readiness probe, so the Deployment really does become available for a moment"
          + " (testbed/README.md, differences)";
      case "missing-configmap" -> "KWOK cannot tell that a ConfigMap is missing: no CreateContainerConfigError"
          + " there (testbed/README.md, differences)";
      default -> null;
    };
  }
}
