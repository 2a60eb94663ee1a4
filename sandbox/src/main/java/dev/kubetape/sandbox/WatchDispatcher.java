package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The watches served by one event loop, and the way the store's changes reach them: the part of
 * kube-apiserver's cacher that dispatches each event to its watchers. A writer holding the
 * store's lock only queues a change here, once per event loop rather than once per watch; the
 * loop then filters it for each of its watches and writes it. So the controllers' writes do not
 * slow down with the number of watches, and a burst of changes wakes the loop once.
 *
 * <p>Everything that must line up with the changes (a watch's start with its replayed history or
 * its initial objects, a bookmark's revision) is queued under the store's lock too, so each
 * watch sees every change after its starting point exactly once, in revision order.
 */
final class WatchDispatcher {
  /** Queued items handled before the loop turns to its sockets again. */
  private static final int BATCH = 256;

  private record Start(WatchStream watch, List<ObjectStore.Change> replay, List<ObjectNode> initial,
      long initialEventsEnd) {}

  private record Bookmark(WatchStream watch, long revision) {}

  private final Context context;
  private final ObjectStore store;
  /** Filled under the store's lock, so in revision order; drained on the event loop. */
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  /** Guarded by the store's lock: this loop's watches per resource, while it has any. */
  private final Map<ResourceType, Subscription> subscriptions = new HashMap<>();
  /** Owned by the event loop. */
  private final Map<ResourceType, List<WatchStream>> watches = new HashMap<>();
  private final List<WatchStream> ended = new ArrayList<>();
  private boolean draining;

  private static final class Subscription {
    int watches;
    ObjectStore.Registration registration;
  }

  /** Dispatches on {@code context}'s event loop, where the watches' responses live. */
  WatchDispatcher(Context context, ObjectStore store) {
    this.context = context;
    this.store = store;
  }

  /** Starts a watch with the changes after {@code fromRevision}; on the event loop. */
  void watchFrom(WatchStream watch, long fromRevision) throws ObjectStore.ExpiredException {
    store.exclusively(() -> {
      List<ObjectStore.Change> replay = store.changesAfter(watch.storage(), fromRevision);
      subscribe(watch);
      enqueue(new Start(watch, replay, List.of(), -1));
    });
  }

  /**
   * Starts a watch with the current objects as ADDED events, then the changes after them; with
   * {@code initialEventsEnd}, a bookmark marks where the initial objects end.
   */
  void watchWithState(WatchStream watch, boolean initialEventsEnd) {
    store.exclusively(() -> {
      ObjectStore.Snapshot snapshot = store.list(watch.storage(), watch.namespace());
      subscribe(watch);
      enqueue(new Start(watch, List.of(), snapshot.items(), initialEventsEnd ? snapshot.revision() : -1));
    });
  }

  /** Sends {@code watch} a bookmark at the store's revision, behind every change up to it. */
  void bookmark(WatchStream watch) {
    store.exclusively(() -> enqueue(new Bookmark(watch, store.revision())));
  }

  /** The watch has ended; on the event loop. */
  void end(WatchStream watch) {
    if (draining) {
      // Ended while the loop walks the watches (cut off for falling behind): removed right after.
      ended.add(watch);
    } else {
      remove(watch);
    }
    store.exclusively(() -> {
      Subscription subscription = subscriptions.get(watch.storage());
      if (--subscription.watches == 0) {
        subscription.registration.close();
        subscriptions.remove(watch.storage());
      }
    });
  }

  /** Under the store's lock; from here on the watch must {@link #end} here. */
  private void subscribe(WatchStream watch) {
    Subscription subscription = subscriptions.computeIfAbsent(watch.storage(), r -> new Subscription());
    if (subscription.watches++ == 0) {
      subscription.registration = store.watch(watch.storage(), this::enqueue);
    }
    watch.dispatcher(this);
  }

  /** From the store's writers, under its lock. */
  private void enqueue(Object item) {
    queue.add(item);
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  private void drain() {
    drainScheduled.set(false);
    draining = true;
    try {
      for (int handled = 0; handled < BATCH; handled++) {
        Object item = queue.poll();
        if (item == null) {
          return;
        }
        dispatch(item);
        if (!ended.isEmpty()) {
          ended.forEach(this::remove);
          ended.clear();
        }
      }
      // More than a batch waits: let the loop read and write its sockets (the clients' window
      // updates among them) before the next one.
      if (!queue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> drain());
      }
    } finally {
      draining = false;
    }
  }

  private void dispatch(Object item) {
    switch (item) {
      case ObjectStore.Change change -> {
        List<WatchStream> ofResource = watches.get(change.resource());
        if (ofResource != null) {
          for (int i = 0; i < ofResource.size(); i++) {
            ofResource.get(i).onChange(change);
          }
        }
      }
      case Start start -> {
        WatchStream watch = start.watch();
        if (watch.closed()) {
          return;
        }
        start.initial().forEach(watch::initial);
        if (start.initialEventsEnd() >= 0) {
          watch.bookmark(start.initialEventsEnd(), true);
        }
        start.replay().forEach(watch::onChange);
        if (!watch.closed()) {
          watches.computeIfAbsent(watch.storage(), r -> new ArrayList<>()).add(watch);
        }
      }
      case Bookmark bookmark -> bookmark.watch().bookmark(bookmark.revision(), false);
      default -> throw new IllegalStateException("nothing to dispatch in " + item);
    }
  }

  private void remove(WatchStream watch) {
    List<WatchStream> ofResource = watches.get(watch.storage());
    if (ofResource != null) {
      ofResource.remove(watch);
      if (ofResource.isEmpty()) {
        watches.remove(watch.storage());
      }
    }
  }
}
