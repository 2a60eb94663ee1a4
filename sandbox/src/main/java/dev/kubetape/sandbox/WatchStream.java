package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One open watch: store changes, filtered by namespace, name and selectors, written to the
 * client as a chunked stream of {@code {"type":..., "object":...}} lines, as kube-apiserver
 * streams them.
 *
 * <p>Changes arrive on the store's thread, under its lock; they are handed to the connection's
 * event loop, which owns the response. A client that cannot keep up is disconnected, like the
 * real watch cache does with an unresponsive watcher; it will relist.
 */
final class WatchStream {
  /** Queued events beyond which the client is considered unresponsive. */
  private static final int MAX_PENDING = 10_000;

  private final Context context;
  private final HttpServerResponse response;
  private final ResourceType type;
  private final String namespace;
  private final Predicate<ObjectNode> filter;
  private final Function<ObjectNode, ObjectNode> encoder;
  /** Whether events carry objects as stored: then they share one serialization per change. */
  private final boolean asStored;
  /** Written on the store's thread under its lock, read on the event loop. */
  private final java.util.concurrent.atomic.AtomicInteger pending =
      new java.util.concurrent.atomic.AtomicInteger();
  /** Owned by the event loop. */
  private boolean closed;
  private ObjectStore.Registration registration;

  WatchStream(Context context, HttpServerResponse response, ResourceType type, String namespace,
      Predicate<ObjectNode> filter, Function<ObjectNode, ObjectNode> encoder, boolean asStored) {
    this.context = context;
    this.response = response;
    this.type = type;
    this.namespace = namespace;
    this.filter = filter;
    this.encoder = encoder;
    this.asStored = asStored;
  }

  void registration(ObjectStore.Registration registration) {
    this.registration = registration;
  }

  /** Called by the store for every change, in revision order. */
  void onChange(ObjectStore.Change change) {
    if (change.resource() != type) {
      return;
    }
    if (namespace != null && type.namespaced()
        && !namespace.equals(Json.text(change.object(), "metadata", "namespace"))) {
      return;
    }
    boolean now = filter.test(change.object());
    boolean before = change.previous() != null && filter.test(change.previous());
    String eventType;
    ObjectNode object = change.object();
    switch (change.type()) {
      case "ADDED" -> eventType = now ? "ADDED" : null;
      case "MODIFIED" -> eventType = now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null;
      case "DELETED" -> eventType = before ? "DELETED" : null;
      default -> eventType = null;
    }
    if (eventType != null) {
      send(eventType, object, asStored ? change.json() : null);
    }
  }

  /** Queues one event; safe from any thread. */
  void send(String eventType, ObjectNode object) {
    send(eventType, object, null);
  }

  private void send(String eventType, ObjectNode object, ObjectStore.SharedJson json) {
    if (pending.incrementAndGet() > MAX_PENDING) {
      context.runOnContext(v -> close());
      return;
    }
    context.runOnContext(v -> {
      pending.decrementAndGet();
      if (closed) {
        return;
      }
      if (json != null) {
        // The same bytes as writing {"type":..., "object":...} whole, without writing the object again.
        byte[] head = ("{\"type\":\"" + eventType + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
        byte[] body = json.bytes();
        response.write(Buffer.buffer(head.length + body.length + 2).appendBytes(head).appendBytes(body)
            .appendByte((byte) '}').appendByte((byte) '\n'));
        return;
      }
      ObjectNode event = Json.object();
      event.put("type", eventType);
      event.set("object", encoder.apply(object));
      byte[] line = Json.bytes(event);
      Buffer buffer = Buffer.buffer(line.length + 1).appendBytes(line).appendByte((byte) '\n');
      response.write(buffer);
    });
  }

  /** Ends the stream (timeout, shutdown, or a client that fell behind); event-loop only. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (registration != null) {
      registration.close();
    }
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }

  /** The client went away; event-loop only. */
  void clientGone() {
    closed = true;
    if (registration != null) {
      registration.close();
    }
  }
}
