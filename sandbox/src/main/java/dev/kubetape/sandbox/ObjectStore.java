package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The sandbox's etcd: every object by resource, namespace and name, one revision counter for
 * all of them (an object's {@code resourceVersion} is the revision of its last write), and a
 * bounded history of changes from which watches resume.
 *
 * <p>Objects handed in and out are never mutated after they are stored; callers copy before
 * they change one. Listeners run under the store's lock, in revision order, and must not block.
 *
 * <p>Keys sort like etcd's {@code /registry/RESOURCE/NAMESPACE/NAME}, so lists come out in the
 * real server's order: by namespace, then name.
 */
final class ObjectStore {

  /**
   * A change as a watch sees it; {@code previous} is null for ADDED. Listeners get it with
   * {@code events}, its watch event lines written once for all the watches that send the object
   * as stored (kube-apiserver's watch cache shares one serialization among its watchers the same
   * way); the history keeps it without, so that it does not hold 100,000 serializations.
   */
  record Change(String type, ResourceType resource, ObjectNode object, ObjectNode previous,
      long revision, WatchEventLines events) {
    Change(String type, ResourceType resource, ObjectNode object, ObjectNode previous, long revision) {
      this(type, resource, object, previous, revision, null);
    }
  }

  /** The result of a list: the items and the revision they were read at. */
  record Snapshot(List<ObjectNode> items, long revision) {}

  /** A registered watch; {@link #close()} stops delivery. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /** Work done under the store's lock; it may fail as a watch that asked for too old a revision does. */
  interface Exclusive<E extends Exception> {
    void run() throws E;
  }

  /** A watch asked to resume from a revision the history no longer holds. */
  static final class ExpiredException extends Exception {
    private static final long serialVersionUID = 1L;
    final long requested;
    final long oldest;

    ExpiredException(long requested, long oldest) {
      super("too old resource version: " + requested + " (" + oldest + ")");
      this.requested = requested;
      this.oldest = oldest;
    }
  }

  private final int historyLimit;
  private final Map<ResourceType, NavigableMap<String, ObjectNode>> objects = new HashMap<>();
  private final ArrayDeque<Change> history = new ArrayDeque<>();
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  /**
   * Watches by the resource they watch: a write reaches only its resource's watches, not every
   * open watch (with thousands open, calling each one under the lock slowed every writer).
   */
  private final Map<ResourceType, List<Consumer<Change>>> watches = new ConcurrentHashMap<>();
  private long revision = 1;
  /** The newest revision that is no longer in the history (etcd's compacted revision). */
  private long compacted = 1;

  ObjectStore(int historyLimit) {
    this.historyLimit = historyLimit;
  }

  static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  synchronized long revision() {
    return revision;
  }

  synchronized ObjectNode get(ResourceType type, String namespace, String name) {
    NavigableMap<String, ObjectNode> byKey = objects.get(type);
    return byKey == null ? null : byKey.get(key(namespace, name));
  }

  /** Every object of a type, or only those in {@code namespace} when it is not null. */
  synchronized Snapshot list(ResourceType type, String namespace) {
    NavigableMap<String, ObjectNode> byKey = objects.get(type);
    List<ObjectNode> items = new ArrayList<>();
    if (byKey != null) {
      if (namespace == null || !type.namespaced()) {
        items.addAll(byKey.values());
      } else {
        // Namespaced keys are "ns/name"; '0' is the character after '/'.
        items.addAll(byKey.subMap(namespace + "/", true, namespace + "0", false).values());
      }
    }
    return new Snapshot(items, revision);
  }

  /** Stores a new object; fails with AlreadyExists when the name is taken. */
  synchronized ObjectNode create(ResourceType type, ObjectNode object) {
    String namespace = Json.text(object, "metadata", "namespace");
    String name = Json.text(object, "metadata", "name");
    NavigableMap<String, ObjectNode> byKey = objects.computeIfAbsent(type, t -> new TreeMap<>());
    String key = key(namespace, name);
    if (byKey.containsKey(key)) {
      throw ApiException.alreadyExists(type, name);
    }
    long next = ++revision;
    ((ObjectNode) object.get("metadata")).put("resourceVersion", Long.toString(next));
    byKey.put(key, object);
    publish(new Change("ADDED", type, object, null, next));
    return object;
  }

  /**
   * Replaces an object if its stored resourceVersion is still {@code expectedVersion}; the
   * optimistic concurrency of every update, patch and status write.
   */
  synchronized ObjectNode update(ResourceType type, ObjectNode object, String expectedVersion) {
    String namespace = Json.text(object, "metadata", "namespace");
    String name = Json.text(object, "metadata", "name");
    ObjectNode current = current(type, namespace, name, expectedVersion);
    long next = ++revision;
    ((ObjectNode) object.get("metadata")).put("resourceVersion", Long.toString(next));
    objects.get(type).put(key(namespace, name), object);
    publish(new Change("MODIFIED", type, object, current, next));
    return object;
  }

  /** Removes an object if its resourceVersion still matches (when given); returns it as deleted. */
  synchronized ObjectNode delete(ResourceType type, String namespace, String name,
      String expectedVersion) {
    ObjectNode current = current(type, namespace, name, expectedVersion);
    objects.get(type).remove(key(namespace, name));
    long next = ++revision;
    // A watch sees the deleted object at the revision of its deletion, as etcd reports it.
    ObjectNode deleted = current.deepCopy();
    ((ObjectNode) deleted.get("metadata")).put("resourceVersion", Long.toString(next));
    publish(new Change("DELETED", type, deleted, current, next));
    return deleted;
  }

  /** The stored object a write replaces: 404 when missing, 409 when its version moved on. */
  private ObjectNode current(ResourceType type, String namespace, String name, String expectedVersion) {
    NavigableMap<String, ObjectNode> byKey = objects.get(type);
    ObjectNode current = byKey == null ? null : byKey.get(key(namespace, name));
    if (current == null) {
      throw ApiException.notFound(type, name);
    }
    if (expectedVersion != null
        && !expectedVersion.equals(Json.text(current, "metadata", "resourceVersion"))) {
      throw ApiException.conflict(type, name,
          "the object has been modified; please apply your changes to the latest version and try again");
    }
    return current;
  }

  /** Listens to every change from now on. */
  Registration listen(Consumer<Change> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Replays the changes after {@code fromRevision} to {@code listener}, then keeps it informed of
   * new ones, with nothing missed or repeated in between.
   */
  synchronized Registration watchFrom(long fromRevision, Consumer<Change> listener)
      throws ExpiredException {
    return watchFrom(null, fromRevision, listener);
  }

  /** {@link #watchFrom(long, Consumer)}, for the changes of one resource only (every one when null). */
  synchronized Registration watchFrom(ResourceType type, long fromRevision, Consumer<Change> listener)
      throws ExpiredException {
    changesAfter(type, fromRevision).forEach(listener);
    return type == null ? listen(listener) : watch(type, listener);
  }

  /** The changes after {@code fromRevision} still in the history, of one resource (every one when null). */
  synchronized List<Change> changesAfter(ResourceType type, long fromRevision) throws ExpiredException {
    if (fromRevision < compacted) {
      throw new ExpiredException(fromRevision, compacted + 1);
    }
    List<Change> changes = new ArrayList<>();
    // The history is in revision order: walk back from the newest to the first one wanted.
    var newestFirst = history.descendingIterator();
    while (newestFirst.hasNext()) {
      Change change = newestFirst.next();
      if (change.revision() <= fromRevision) {
        break;
      }
      if (type == null || change.resource() == type) {
        changes.add(change);
      }
    }
    return changes.reversed();
  }

  /**
   * Runs {@code action} while no change can be published: what it reads (history, lists) and
   * what it registers or queues line up exactly with the changes before and after it.
   */
  synchronized <E extends Exception> void exclusively(Exclusive<E> action) throws E {
    action.run();
  }

  /** Informs {@code listener} of every change of one resource from now on. */
  synchronized Registration watch(ResourceType type, Consumer<Change> listener) {
    List<Consumer<Change>> ofType = watches.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>());
    ofType.add(listener);
    return () -> ofType.remove(listener);
  }

  private void publish(Change change) {
    history.addLast(change);
    while (history.size() > historyLimit) {
      compacted = history.removeFirst().revision();
    }
    Change shared = new Change(change.type(), change.resource(), change.object(), change.previous(),
        change.revision(), new WatchEventLines(change.object()));
    for (Consumer<Change> listener : listeners) {
      listener.accept(shared);
    }
    for (Consumer<Change> watch : watches.getOrDefault(change.resource(), List.of())) {
      watch.accept(shared);
    }
  }
}
