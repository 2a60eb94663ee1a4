package dev.kubetape.recorder;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The watches of one namespace: an informer per watched kind, shared by every rollout in the
 * namespace. They start one after the other, each once the previous has listed (for at most a
 * few seconds), so that a Deployment is known before its ReplicaSets, and they before their
 * Pods and Events: what is recorded first can then be tied to its rollout at once.
 */
final class NamespaceWatch implements AutoCloseable {
  private final String namespace;
  private final List<Informer> informers = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  NamespaceWatch(KubeApi api, String namespace, Informer.Listener listener, Clock clock) {
    this.namespace = namespace;
    Thread.ofVirtual().name("kubetape-watch-start-" + namespace).start(() -> {
      for (WatchedKind kind : WatchedKind.values()) {
        if (closed) {
          return;
        }
        Informer informer = new Informer(api, kind, namespace, listener, clock);
        informers.add(informer.start());
        if (closed) {
          informer.close();
          return;
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!informer.synced() && !closed && System.nanoTime() < deadline) {
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    });
  }

  String namespace() {
    return namespace;
  }

  /** Whether every kind has delivered its first list. */
  boolean synced() {
    return informers.size() == WatchedKind.values().length && informers.stream().allMatch(Informer::synced);
  }

  @Override
  public void close() {
    closed = true;
    informers.forEach(Informer::close);
  }
}
