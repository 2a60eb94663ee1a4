package dev.kubetape.proxy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A tap that keeps every exchange, for tests to look at. */
final class RecordingTap implements Tap {
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

  @Override
  public void exchange(Exchange exchange) {
    exchanges.add(exchange);
  }

  List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** Waits for an exchange that matches; fails with what was seen otherwise. */
  Exchange await(Predicate<Exchange> matching, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Exchange exchange : exchanges) {
        if (matching.test(exchange)) {
          return exchange;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no matching exchange within " + timeout + "; saw:\n"
        + String.join("\n", exchanges.stream().map(e -> e.method() + " " + e.path() + " " + e.statusCode()).toList()));
  }
}
