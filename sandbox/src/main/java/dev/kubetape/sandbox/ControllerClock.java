package dev.kubetape.sandbox;

import java.time.Duration;
import java.time.Instant;

/**
 * The time the simulated controllers reason in. Timestamps they write are the registry's wall
 * clock, as on a real cluster; durations they compare with a spec (progressDeadlineSeconds,
 * minReadySeconds) are simulated: elapsed wall time multiplied by the time scale, so that a
 * 30-second deadline passes in 3 seconds at {@code --time-scale 10}.
 *
 * <p>If the registry's clock itself runs in simulated time, build this with a scale of 1.
 */
record ControllerClock(Registry registry, double timeScale) {

  Instant now() {
    return registry.now();
  }

  /** Simulated time elapsed since {@code then}, measured on the registry's clock. */
  Duration since(Instant then) {
    Duration wall = Duration.between(then, registry.now());
    return Duration.ofNanos((long) (wall.toNanos() * timeScale));
  }

  /** Real time, as a duration that {@link ControllerLoop#after} (which divides by the scale) waits. */
  Duration real(Duration wall) {
    return Duration.ofNanos((long) (wall.toNanos() * timeScale));
  }
}
