package dev.kubetape.sandbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The kubelet's per-item exponential back-off (client-go's flowcontrol.Backoff without jitter),
 * in simulated time: the first failure waits {@code initial}, each further failure twice as long
 * up to {@code max}; an item quiet for longer than {@code expiry} starts over. The kubelet keeps
 * one for image pulls (key pod UID + image) and one for restarts (key pod + container), both 10 s
 * doubling to 5 min. Owned by the controller thread.
 */
final class Backoff {
  private record Entry(Duration backoff, Duration lastUpdate) {}

  private final Duration initial;
  private final Duration max;
  private final Duration expiry;
  private final Map<String, Entry> entries = new HashMap<>();

  Backoff(Duration initial, Duration max, Duration expiry) {
    this.initial = initial;
    this.max = max;
    this.expiry = expiry;
  }

  /** The kubelet's image pull back-off: quiet for twice the maximum and it starts over. */
  static Backoff imagePulls() {
    return new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));
  }

  /** The kubelet's crash-loop back-off: ten minutes of running and it starts over. */
  static Backoff containerRestarts() {
    return new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(600));
  }

  /** The current delay of an item; zero when it has none. */
  Duration get(String key) {
    Entry entry = entries.get(key);
    return entry == null ? Duration.ZERO : entry.backoff();
  }

  /** Records a failure at {@code now}: the delay starts at the initial value or doubles. */
  void next(String key, Duration eventTime, Duration now) {
    Entry entry = entries.get(key);
    Duration delay;
    if (entry == null || expired(eventTime, entry)) {
      delay = initial;
    } else {
      delay = entry.backoff().multipliedBy(2);
      if (delay.compareTo(max) > 0) {
        delay = max;
      }
    }
    entries.put(key, new Entry(delay, now));
  }

  /** Whether an item that failed at {@code eventTime} must still wait, measured to now. */
  boolean inBackoffSince(String key, Duration eventTime, Duration now) {
    Entry entry = entries.get(key);
    if (entry == null || expired(eventTime, entry)) {
      return false;
    }
    return now.minus(eventTime).compareTo(entry.backoff()) < 0;
  }

  /** Whether an item must still wait, measured from its last recorded failure. */
  boolean inBackoffSinceUpdate(String key, Duration now) {
    Entry entry = entries.get(key);
    if (entry == null || expired(now, entry)) {
      return false;
    }
    return now.minus(entry.lastUpdate()).compareTo(entry.backoff()) < 0;
  }

  void forget(String key) {
    entries.remove(key);
  }

  private boolean expired(Duration eventTime, Entry entry) {
    return eventTime.minus(entry.lastUpdate()).compareTo(expiry) > 0;
  }
}
