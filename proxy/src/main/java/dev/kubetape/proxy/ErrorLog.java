package dev.kubetape.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs connection and forwarding errors one line per error class per interval, never one per
 * request: a cluster that is down would otherwise write a line for every kubectl retry. Every
 * occurrence is counted in {@link Metrics}; the occurrences an interval held back are reported
 * in the next line of their class, or by {@link #flush()}.
 */
final class ErrorLog {
  private static final Logger logger = LoggerFactory.getLogger(ErrorLog.class);

  private final Metrics metrics;
  private final long intervalNanos;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** Per class: when it was last logged and how many occurrences were held back since. */
  private static final class Entry {
    long loggedAt;
    long heldBack;
    String lastMessage;
  }

  ErrorLog(Metrics metrics, Duration interval) {
    this.metrics = metrics;
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Counts an occurrence of what is routine rather than wrong (a client that exits without
   * closing its connection cleanly): metrics only, and a debug line.
   */
  void count(String errorClass, String message) {
    metrics.error(errorClass);
    logger.debug("{} [{}]", message, errorClass);
  }

  /** Counts one occurrence and logs it unless its class was logged within the interval. */
  void report(String errorClass, String message) {
    report(errorClass, message, null);
  }

  /**
   * As {@link #report(String, String)}; {@code bug} is an exception no network condition
   * explains (a NullPointerException, say), logged with its stack trace when the line is.
   */
  void report(String errorClass, String message, Throwable bug) {
    metrics.error(errorClass);
    Entry entry = entries.computeIfAbsent(errorClass, c -> {
      Entry fresh = new Entry();
      fresh.loggedAt = System.nanoTime() - intervalNanos;
      return fresh;
    });
    long heldBack;
    synchronized (entry) {
      long now = System.nanoTime();
      if (now - entry.loggedAt < intervalNanos) {
        entry.heldBack++;
        entry.lastMessage = message;
        return;
      }
      heldBack = entry.heldBack;
      entry.heldBack = 0;
      entry.loggedAt = now;
    }
    String suffix = heldBack == 0 ? "" : "; " + heldBack + " more since the last line";
    if (bug == null) {
      logger.warn("{} [{}{}]", message, errorClass, suffix);
    } else {
      logger.warn("{} [{}{}]", message, errorClass, suffix, bug);
    }
  }

  /** Reports what the last interval held back, for classes that did not occur again. */
  void flush() {
    entries.forEach((errorClass, entry) -> {
      long heldBack;
      String message;
      synchronized (entry) {
        if (entry.heldBack == 0 || System.nanoTime() - entry.loggedAt < intervalNanos) {
          return;
        }
        heldBack = entry.heldBack;
        message = entry.lastMessage;
        entry.heldBack = 0;
        entry.loggedAt = System.nanoTime();
      }
      logger.warn("{} more like this since the last line, the latest: {} [{}]", heldBack, message, errorClass);
    });
  }
}
