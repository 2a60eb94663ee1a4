package dev.kubetape.proxy;

/**
 * Listens to every exchange the proxy forwards; the recorder implements it.
 *
 * <p>Called on one dispatcher thread of its own, never on a thread that serves a request, in
 * the order exchanges finish. A listener that is slow or throws never delays kubectl: what it
 * cannot keep up with is dropped, counted in {@code kubetape_proxy_tap_dropped_total} and logged
 * once per interval; what it throws is counted and logged the same way.
 */
@FunctionalInterface
public interface Tap {
  /** One finished exchange. Never carries the client's or the upstream's credentials. */
  void exchange(Exchange exchange);

  /**
   * The listener's own metrics in the Prometheus text format, served after the proxy's on
   * {@code /metrics} (the recorder reports what it could not record there). Called on the
   * metrics endpoint's thread; must not block.
   */
  default String metrics() {
    return "";
  }
}
