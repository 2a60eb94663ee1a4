package dev.kubetape.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * One change's watch event lines, {@code {"type":"MODIFIED","object":{...}}\n}, as the watches
 * that send the object as stored write them: serialized once, on first use, and then written as
 * the same buffer to every such watch (a response writes a slice of it, no copy). The same change
 * is ADDED to a watch it enters, MODIFIED to one it stays in and DELETED to one it leaves, so
 * there is a line per event type.
 *
 * <p>Read from every event loop at once; the first to need the object's JSON writes it while the
 * others wait, rather than each writing it again.
 */
final class WatchEventLines {
  private final ObjectNode object;
  private volatile byte[] json;
  private volatile Buffer added;
  private volatile Buffer modified;
  private volatile Buffer deleted;

  WatchEventLines(ObjectNode object) {
    this.object = object;
  }

  /** The line for {@code eventType} (ADDED, MODIFIED or DELETED); never to be modified. */
  Buffer line(String eventType) {
    return switch (eventType) {
      case "ADDED" -> {
        Buffer line = added;
        yield line != null ? line : (added = build(eventType));
      }
      case "MODIFIED" -> {
        Buffer line = modified;
        yield line != null ? line : (modified = build(eventType));
      }
      case "DELETED" -> {
        Buffer line = deleted;
        yield line != null ? line : (deleted = build(eventType));
      }
      default -> throw new IllegalArgumentException("no shared line for a " + eventType + " event");
    };
  }

  private Buffer build(String eventType) {
    byte[] body = json();
    // The same bytes as writing {"type":..., "object":...} whole, without writing the object again.
    byte[] head = ("{\"type\":\"" + eventType + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
    return Buffer.buffer(head.length + body.length + 2).appendBytes(head).appendBytes(body)
        .appendByte((byte) '}').appendByte((byte) '\n');
  }

  private byte[] json() {
    byte[] body = json;
    if (body == null) {
      synchronized (this) {
        body = json;
        if (body == null) {
          body = Json.bytes(object);
          json = body;
        }
      }
    }
    return body;
  }
}
