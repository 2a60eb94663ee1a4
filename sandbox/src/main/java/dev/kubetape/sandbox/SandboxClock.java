package dev.kubetape.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The two kinds of time the simulated components live in. Timestamps they write into objects,
 * events and logs are real wall-clock time, as a user reading them expects; durations they
 * reason about (back-off, probe periods, how long a pull took) are simulated: with
 * {@code --time-scale 20}, ten simulated seconds pass in half a real second.
 */
final class SandboxClock {
  private final Clock wall;
  private final double timeScale;
  private final long origin = System.nanoTime();

  SandboxClock(Clock wall, double timeScale) {
    this.wall = wall;
    this.timeScale = timeScale;
  }

  /** Wall-clock time, for timestamps. */
  Instant now() {
    return wall.instant();
  }

  /** A monotonic reading of simulated time, for comparing durations. */
  Duration elapsed() {
    return Duration.ofNanos((long) ((System.nanoTime() - origin) * timeScale));
  }

  double timeScale() {
    return timeScale;
  }
}
