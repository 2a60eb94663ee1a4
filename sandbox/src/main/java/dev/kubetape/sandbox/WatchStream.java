package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open watch: a resource's changes, filtered by namespace, name and selectors, written to the
 * client as a chunked stream of {@code {"type":..., "object":...}} lines, as kube-apiserver
 * streams them. Lives on its connection's event loop: its {@link WatchDispatcher} hands it the
 * store's changes there, in revision order, and every method runs there.
 *
 * <p>A client that does not read what it is sent is cut off once more than
 * {@link #MAX_UNSENT_BYTES} wait to go out, as kube-apiserver's watch cache terminates a watcher
 * whose buffer stays full: the stream ends normally after what was already queued, and the
 * client, like an informer, watches again from the last resourceVersion it saw.
 */
final class WatchStream {
  private static final Logger logger = LoggerFactory.getLogger(WatchStream.class);

  /**
   * Bytes written to the response that have not reached the socket yet, beyond which the client is
   * considered unresponsive. The real server holds a watcher's 10 to 1,000 queued events plus what
   * the client's HTTP/2 window admits (client-go: 4 MiB per stream) before it gives up.
   */
  static final long MAX_UNSENT_BYTES = 8L << 20;

  private final HttpServerResponse response;
  /** The resource whose changes the watch follows (events.k8s.io Events: the core Events). */
  private final ResourceType storage;
  /** The resource as the client asked for it, which its bookmarks name. */
  private final ResourceType shown;
  private final String namespace;
  private final Predicate<ObjectNode> filter;
  private final Function<ObjectNode, ObjectNode> encoder;
  /** Whether events carry objects as stored: then they share one serialization per change. */
  private final boolean asStored;
  private WatchDispatcher dispatcher;
  private long unsent;
  private boolean closed;

  WatchStream(HttpServerResponse response, ResourceType storage, ResourceType shown, String namespace,
      Predicate<ObjectNode> filter, Function<ObjectNode, ObjectNode> encoder, boolean asStored) {
    this.response = response;
    this.storage = storage;
    this.shown = shown;
    this.namespace = namespace;
    this.filter = filter;
    this.encoder = encoder;
    this.asStored = asStored;
  }

  ResourceType storage() {
    return storage;
  }

  String namespace() {
    return namespace;
  }

  boolean closed() {
    return closed;
  }

  /** Joined to a dispatcher, which must hear when the watch ends. */
  void dispatcher(WatchDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  /** A change of the watched resource, in revision order. */
  void onChange(ObjectStore.Change change) {
    if (closed) {
      return;
    }
    if (namespace != null && storage.namespaced()
        && !namespace.equals(Json.text(change.object(), "metadata", "namespace"))) {
      return;
    }
    boolean now = filter.test(change.object());
    boolean before = change.previous() != null && filter.test(change.previous());
    String eventType = switch (change.type()) {
      case "ADDED" -> now ? "ADDED" : null;
      case "MODIFIED" -> now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null;
      case "DELETED" -> before ? "DELETED" : null;
      default -> null;
    };
    if (eventType == null) {
      return;
    }
    if (asStored && change.events() != null) {
      write(change.events().line(eventType));
    } else {
      send(eventType, change.object());
    }
  }

  /** An object that exists as the watch starts without a resourceVersion: a synthetic ADDED. */
  void initial(ObjectNode object) {
    if (!closed && filter.test(object)) {
      send("ADDED", object);
    }
  }

  /** Tells the client that it has seen every change up to {@code revision}. */
  void bookmark(long revision, boolean initialEventsEnd) {
    if (closed) {
      return;
    }
    ObjectNode object = Json.object();
    object.put("kind", shown.kind());
    object.put("apiVersion", shown.groupVersion());
    ObjectNode metadata = object.putObject("metadata").put("resourceVersion", Long.toString(revision));
    if (initialEventsEnd) {
      metadata.putObject("annotations").put("k8s.io/initial-events-end", "true");
    }
    send("BOOKMARK", object);
  }

  /** Writes one event of this watch's own making. */
  void send(String eventType, ObjectNode object) {
    if (closed) {
      return;
    }
    ObjectNode event = Json.object();
    event.put("type", eventType);
    event.set("object", encoder.apply(object));
    byte[] line = Json.bytes(event);
    write(Buffer.buffer(line.length + 1).appendBytes(line).appendByte((byte) '\n'));
  }

  private void write(Buffer line) {
    int length = line.length();
    unsent += length;
    if (unsent > MAX_UNSENT_BYTES) {
      logger.debug("watch of {} in {} cut off: {} bytes not sent", storage.qualifiedResource(),
          namespace == null ? "all namespaces" : namespace, unsent - length);
      close();
      return;
    }
    response.write(line).onComplete(written -> unsent -= length);
  }

  /** Ends the stream (timeout, shutdown, or a client that fell behind). */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (dispatcher != null) {
      dispatcher.end(this);
    }
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }

  /** The client went away. */
  void clientGone() {
    if (closed) {
      return;
    }
    closed = true;
    if (dispatcher != null) {
      dispatcher.end(this);
    }
  }
}
