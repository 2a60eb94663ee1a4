package dev.kubetape.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TapDispatcherTest {
  private static ExchangeState exchange(String path) {
    return ExchangeState.of(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path), true);
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean(), "condition not met within 10s");
  }

  @Test
  @DisplayName("a tap that blocks never blocks offer: what does not fit the queue is dropped and counted")
  void blockedTap() throws InterruptedException {
    Metrics metrics = new Metrics();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger delivered = new AtomicInteger();
    try (TapDispatcher dispatcher = new TapDispatcher(exchange -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delivered.incrementAndGet();
    }, metrics, Duration.ofMinutes(1))) {
      dispatcher.offer(exchange("/first"));
      await(() -> metrics.tapDelivered.sum() == 0 && delivered.get() == 0);
      long started = System.nanoTime();
      int offered = TapDispatcher.QUEUE_CAPACITY + 1000;
      for (int i = 0; i < offered; i++) {
        dispatcher.offer(exchange("/api/v1/namespaces/n" + i));
      }
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "offer must not wait on the tap");
      long dropped = metrics.tapDropped.sum();
      assertTrue(dropped >= 1000 && dropped <= 1001, "dropped " + dropped);
      release.countDown();
      await(() -> delivered.get() + dropped == offered + 1);
      assertEquals(offered + 1 - dropped, metrics.tapDelivered.sum());
    }
  }

  @Test
  @DisplayName("a tap that throws is counted and the next exchanges still reach it")
  void failingTap() throws InterruptedException {
    Metrics metrics = new Metrics();
    AtomicInteger seen = new AtomicInteger();
    try (TapDispatcher dispatcher = new TapDispatcher(exchange -> {
      if (seen.incrementAndGet() % 2 == 1) {
        throw new IllegalStateException("recorder is broken");
      }
    }, metrics, Duration.ofMinutes(1))) {
      for (int i = 0; i < 10; i++) {
        dispatcher.offer(exchange("/api/v1/pods"));
      }
      await(() -> seen.get() == 10);
      await(() -> metrics.tapFailed.sum() == 5 && metrics.tapDelivered.sum() == 5);
    }
  }

  @Test
  @DisplayName("exchanges that keep coming are delivered in batches, and one after a quiet spell wakes the tap at once")
  void batchesAndWakes() throws InterruptedException {
    Metrics metrics = new Metrics();
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    // The interval is also how long the sleeping thread would wait unwoken: far beyond the bound below.
    try (TapDispatcher dispatcher = new TapDispatcher(exchange -> seen.add(exchange.path()), metrics,
        Duration.ofMinutes(1))) {
      for (int i = 0; i < 100; i++) {
        dispatcher.offer(exchange("/api/v1/namespaces/n" + i));
      }
      await(() -> metrics.tapDelivered.sum() == 100);
      assertEquals("/api/v1/namespaces/n0", seen.poll());
      seen.clear();
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(TapDispatcher.BATCH_NANOS) + 1500); // asleep by now
      long offered = System.nanoTime();
      dispatcher.offer(exchange("/api/v1/namespaces/late"));
      assertEquals("/api/v1/namespaces/late", seen.poll(10, TimeUnit.SECONDS));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - offered);
      assertTrue(waited < 5000, "the sleeping tap thread took " + waited + " ms to notice an exchange");
    }
  }

  @Test
  @DisplayName("without a tap nothing is queued and no body is captured")
  void noTap() {
    Metrics metrics = new Metrics();
    try (TapDispatcher dispatcher = new TapDispatcher(null, metrics, Duration.ofMinutes(1))) {
      dispatcher.offer(exchange("/api/v1/pods"));
      assertEquals(0, metrics.tapDropped.sum());
      assertTrue(!dispatcher.active());
    }
  }
}
