package dev.kubetape.sandbox;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread the simulated controllers run on. Store listeners only enqueue work here, so a
 * controller never writes while the store holds its lock, and controllers never race each
 * other. Delays are in simulated time: divided by the time scale.
 */
final class ControllerLoop implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ControllerLoop.class);

  // After close, a controller still running hands in work that no one will do: it is dropped
  // (without the discard policy, every such hand-in logged a RejectedExecutionException).
  private final ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(1, r -> {
    Thread thread = new Thread(r, "sandbox-controllers");
    thread.setDaemon(true);
    return thread;
  }, new ThreadPoolExecutor.DiscardPolicy());
  private final double timeScale;

  ControllerLoop(double timeScale) {
    this.timeScale = timeScale;
  }

  void submit(String what, Runnable task) {
    executor.execute(() -> run(what, task));
  }

  ScheduledFuture<?> after(Duration simulated, String what, Runnable task) {
    long nanos = (long) (simulated.toNanos() / timeScale);
    return executor.schedule(() -> run(what, task), nanos, TimeUnit.NANOSECONDS);
  }

  ScheduledFuture<?> every(Duration simulated, String what, Runnable task) {
    long nanos = Math.max(1, (long) (simulated.toNanos() / timeScale));
    return executor.scheduleWithFixedDelay(() -> run(what, task), nanos, nanos, TimeUnit.NANOSECONDS);
  }

  private static void run(String what, Runnable task) {
    try {
      task.run();
    } catch (ApiException e) {
      // Conflicts and vanished objects are normal for controllers: the next event retries.
      logger.debug("{}: {}", what, e.getMessage());
    } catch (RuntimeException e) {
      logger.warn("{} failed", what, e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
