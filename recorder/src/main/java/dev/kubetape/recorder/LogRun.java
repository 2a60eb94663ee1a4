package dev.kubetape.recorder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of one run of a container, kept within bounds: the first {@code headBytes} as they
 * come (a start-up is what Kubernetes loses first and what a postmortem needs most), and the
 * last {@code tailBytes} of the rest, written when the run ends. What falls between is cut, and
 * the cut is marked in the text with how many bytes it took.
 *
 * <p>Lines arrive on the follower's thread; the head is taken out periodically by another.
 */
final class LogRun {
  /** A piece of the run's text: "head" (written as it comes) or "tail" (written at the end). */
  record Chunk(Instant time, String text, String part, long cutBytes) {}

  private record Line(Instant time, String text, int bytes) {}

  private final long headLimit;
  private final long tailLimit;
  private long headTaken;
  private final StringBuilder pending = new StringBuilder();
  private Instant pendingSince;
  private final ArrayDeque<Line> tail = new ArrayDeque<>();
  private long tailBytes;
  private long cut;
  private long lines;

  LogRun(long headLimit, long tailLimit) {
    this.headLimit = headLimit;
    this.tailLimit = tailLimit;
  }

  synchronized void line(Instant time, String text) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length + 1;
    lines++;
    if (tail.isEmpty() && headTaken + bytes <= headLimit) {
      if (pendingSince == null) {
        pendingSince = time;
      }
      pending.append(text).append('\n');
      headTaken += bytes;
      return;
    }
    tail.addLast(new Line(time, text, bytes));
    tailBytes += bytes;
    while (tailBytes > tailLimit && !tail.isEmpty()) {
      Line dropped = tail.removeFirst();
      tailBytes -= dropped.bytes();
      cut += dropped.bytes();
    }
  }

  synchronized long lines() {
    return lines;
  }

  /** The head text that arrived since the last call, or null. */
  synchronized Chunk takeHead() {
    if (pending.isEmpty()) {
      return null;
    }
    Chunk chunk = new Chunk(pendingSince, pending.toString(), "head", 0);
    pending.setLength(0);
    pendingSince = null;
    return chunk;
  }

  /** Everything not yet taken: the rest of the head, then the tail behind its cut mark. */
  synchronized List<Chunk> finish() {
    List<Chunk> chunks = new ArrayList<>();
    Chunk head = takeHead();
    if (head != null) {
      chunks.add(head);
    }
    if (!tail.isEmpty()) {
      StringBuilder text = new StringBuilder();
      if (cut > 0) {
        text.append("[kubetape: ").append(cut).append(" bytes of this run cut here; kept are its first ")
            .append(headLimit / 1024).append(" KiB and its last ").append(tailLimit / 1024).append(" KiB]\n");
      }
      for (Line line : tail) {
        text.append(line.text()).append('\n');
      }
      chunks.add(new Chunk(tail.getFirst().time(), text.toString(), "tail", cut));
      tail.clear();
      tailBytes = 0;
    }
    return chunks;
  }
}
