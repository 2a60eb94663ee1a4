package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One version of a watched object as the recorder received it.
 *
 * @param type ADDED, MODIFIED, DELETED as the watch says; LISTED for an object read by a list
 *     (at start, and after a 410 Gone); GONE for an object a relist no longer returns (deleted
 *     while the watch was broken: {@code object} is the last version seen)
 * @param kind which of the watched kinds
 * @param object the object, with its kind and apiVersion filled in
 * @param received when the recorder received it
 */
record WatchEvent(String type, WatchedKind kind, ObjectNode object, Instant received) {
  boolean deleted() {
    return type.equals("DELETED") || type.equals("GONE");
  }

  /** True when the object came from a list rather than a watch: it may be old news. */
  boolean listed() {
    return type.equals("LISTED");
  }
}
