package dev.kubetape.proxy;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands finished exchanges to the {@link Tap} on a thread of its own. Event loops only ever
 * {@link #offer} (never blocking): when the queue is full, or holds too many captured body
 * bytes, the exchange is dropped and counted, and the drops are logged once per interval. The
 * proxy never waits on the tap.
 */
final class TapDispatcher implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(TapDispatcher.class);
  static final int QUEUE_CAPACITY = 4096;
  /** Captured bodies waiting in the queue may take this much heap at most. */
  static final long QUEUE_BODY_BYTES = 64L * 1024 * 1024;

  private final Tap tap;
  private final Metrics metrics;
  private final Duration interval;
  private final BlockingQueue<ExchangeState> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicLong queuedBodyBytes = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;
  /**
   * Set while the thread sleeps until an offer wakes it. While exchanges keep coming it is not
   * woken for each (a wake-up, a thread switch on a busy core, per request): it takes what has
   * queued every {@link #BATCH_NANOS}, and sleeps until woken once a second has gone by without any.
   */
  private final AtomicBoolean sleeping = new AtomicBoolean();
  static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long SLEEP_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** @param tap the listener, or null for none: then nothing is queued or captured */
  TapDispatcher(Tap tap, Metrics metrics, Duration interval) {
    this.tap = tap;
    this.metrics = metrics;
    this.interval = interval;
    this.thread = tap == null ? null : Thread.ofPlatform().daemon().name("kubetape-tap").start(this::run);
  }

  /** Whether anyone listens; without a listener, bodies are not even copied. */
  boolean active() {
    return tap != null;
  }

  /** The listener's own metrics, or nothing when there is none or it fails to say. */
  String listenerMetrics() {
    if (tap == null) {
      return "";
    }
    try {
      return tap.metrics();
    } catch (RuntimeException e) {
      logger.warn("the tap's metrics could not be read; /metrics shows the proxy's only", e);
      return "";
    }
  }

  /** Queues a finished exchange, or drops and counts it; never blocks. */
  void offer(ExchangeState exchange) {
    if (tap == null || closed) {
      return;
    }
    int bodyBytes = exchange.capturedBytes();
    if (queuedBodyBytes.addAndGet(bodyBytes) > QUEUE_BODY_BYTES) {
      queuedBodyBytes.addAndGet(-bodyBytes);
      metrics.tapDropped.increment();
      return;
    }
    if (!queue.offer(exchange)) {
      queuedBodyBytes.addAndGet(-bodyBytes);
      metrics.tapDropped.increment();
    } else if (sleeping.get() && sleeping.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    long reportedDrops = 0;
    long reportedFailures = 0;
    long nextReport = System.nanoTime() + interval.toNanos();
    long lastExchange = System.nanoTime();
    String lastFailure = null;
    while (!closed || !queue.isEmpty()) {
      for (ExchangeState next; (next = queue.poll()) != null; ) {
        lastExchange = System.nanoTime();
        queuedBodyBytes.addAndGet(-next.capturedBytes());
        try {
          tap.exchange(next.toExchange());
          metrics.tapDelivered.increment();
        } catch (RuntimeException | LinkageError | AssertionError e) {
          metrics.tapFailed.increment();
          lastFailure = e.toString();
        }
      }
      if (System.nanoTime() - nextReport >= 0) {
        nextReport = System.nanoTime() + interval.toNanos();
        long drops = metrics.tapDropped.sum();
        long failures = metrics.tapFailed.sum();
        if (drops > reportedDrops) {
          logger.warn("the tap did not keep up: {} exchanges dropped in the last {}s ({} in all); the recording"
              + " has a gap there", drops - reportedDrops, interval.toSeconds(), drops);
        }
        if (failures > reportedFailures) {
          logger.warn("the tap failed on {} exchanges in the last {}s ({} in all), the latest with {}",
              failures - reportedFailures, interval.toSeconds(), failures, lastFailure);
        }
        reportedDrops = drops;
        reportedFailures = failures;
      }
      if (closed) {
        if (Thread.interrupted()) {
          break; // close() waited long enough
        }
        continue;
      }
      if (System.nanoTime() - lastExchange < SLEEP_AFTER_NANOS) {
        LockSupport.parkNanos(BATCH_NANOS);
      } else {
        sleeping.set(true);
        // Checked after the flag is up: an offer made before it saw no sleeper to wake.
        if (queue.isEmpty() && !closed) {
          // Woken by the next offer or by close(); there is nothing to report meanwhile.
          LockSupport.parkNanos(interval.toNanos());
        }
        sleeping.set(false);
      }
    }
  }

  /** Delivers what is queued (for up to two seconds), then stops. */
  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread.interrupt();
    }
  }
}
