package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogRunTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  @DisplayName("a long run keeps its first and last bytes, and marks the cut between them with its size")
  void headAndTailWithTheCutMarked() {
    LogRun run = new LogRun(1024, 2048);
    for (int i = 0; i < 1000; i++) {
      run.line(T0.plusMillis(i), "line %04d %s".formatted(i, "x".repeat(40)));
    }
    LogRun.Chunk head = run.takeHead();
    assertTrue(head.text().startsWith("line 0000 "), head.text());
    assertTrue(head.text().length() <= 1024);
    assertNull(run.takeHead(), "the head is taken once");
    List<LogRun.Chunk> rest = run.finish();
    assertEquals(1, rest.size());
    LogRun.Chunk tail = rest.get(0);
    assertEquals("tail", tail.part());
    assertTrue(tail.text().startsWith("[kubetape: " + tail.cutBytes() + " bytes of this run cut here"), tail.text());
    assertTrue(tail.text().endsWith("line 0999 " + "x".repeat(40) + "\n"));
    long kept = head.text().length() + tail.text().lines().skip(1).mapToLong(line -> line.length() + 1).sum();
    assertEquals(1000 * ("line 0000 ".length() + 40 + 1), kept + tail.cutBytes(), "every byte is kept or counted as cut");
    assertEquals(1000, run.lines());
  }

  @Test
  @DisplayName("a short run is all head: nothing cut, no mark")
  void shortRun() {
    LogRun run = new LogRun(1024, 2048);
    run.line(T0, "Starting WebApplication");
    run.line(T0.plusSeconds(1), "java.lang.IllegalStateException: DATABASE_URL is not set");
    List<LogRun.Chunk> chunks = run.finish();
    assertEquals(1, chunks.size());
    assertEquals("head", chunks.get(0).part());
    assertEquals("Starting WebApplication\njava.lang.IllegalStateException: DATABASE_URL is not set\n", chunks.get(0).text());
  }
}
