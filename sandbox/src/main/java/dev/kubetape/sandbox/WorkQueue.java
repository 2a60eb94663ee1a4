package dev.kubetape.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * client-go's rate-limited work queue, on the controller loop: a key added many times before it
 * is processed is processed once; a sync that throws is retried after a per-key exponential
 * back-off (5 ms doubling to 1000 s, real time, as the controllers' default rate limiter); a
 * delayed add keeps only the earliest pending time per key.
 *
 * <p>{@link #add} is safe from store listeners; everything else runs on the controller thread.
 */
final class WorkQueue {
  private static final Logger logger = LoggerFactory.getLogger(WorkQueue.class);
  private static final Duration BASE_DELAY = Duration.ofMillis(5);
  private static final Duration MAX_DELAY = Duration.ofSeconds(1000);

  private final ControllerLoop loop;
  private final ControllerClock clock;
  private final String name;
  private final Consumer<String> sync;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  /** Owned by the controller thread. */
  private final Map<String, Integer> failures = new HashMap<>();
  /** Owned by the controller thread: delayed adds not yet due, and when they are. */
  private final Map<String, Waiting> waiting = new HashMap<>();

  private record Waiting(Instant due, ScheduledFuture<?> timer) {}

  WorkQueue(ControllerLoop loop, ControllerClock clock, String name, Consumer<String> sync) {
    this.loop = loop;
    this.clock = clock;
    this.name = name;
    this.sync = sync;
  }

  void add(String key) {
    if (queued.add(key)) {
      loop.submit(name + " " + key, () -> process(key));
    }
  }

  /** Adds {@code key} after {@code delay} of simulated time. */
  void addAfter(String key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    Instant due = clock.now().plusNanos((long) (delay.toNanos() / clock.timeScale()));
    Waiting current = waiting.get(key);
    if (current != null && !current.due().isAfter(due)) {
      return;
    }
    if (current != null) {
      current.timer().cancel(false);
    }
    ScheduledFuture<?> timer = loop.after(delay, name + " " + key + " (delayed)", () -> {
      waiting.remove(key);
      add(key);
    });
    waiting.put(key, new Waiting(due, timer));
  }

  /** Adds {@code key} after its back-off, which doubles with each call until {@link #forget}. */
  void addRateLimited(String key) {
    int failed = failures.merge(key, 1, Integer::sum);
    Duration backoff = BASE_DELAY.multipliedBy(1L << Math.min(failed - 1, 30));
    if (backoff.compareTo(MAX_DELAY) > 0) {
      backoff = MAX_DELAY;
    }
    addAfter(key, clock.real(backoff));
  }

  void forget(String key) {
    failures.remove(key);
  }

  private void process(String key) {
    // Removed first: a change made while the sync runs queues the key again.
    queued.remove(key);
    try {
      sync.accept(key);
      forget(key);
    } catch (ApiException e) {
      logger.debug("{} {}: {}; retrying", name, key, e.getMessage());
      addRateLimited(key);
    } catch (RuntimeException e) {
      logger.warn("{} {} failed; retrying", name, key, e);
      addRateLimited(key);
    }
  }
}
