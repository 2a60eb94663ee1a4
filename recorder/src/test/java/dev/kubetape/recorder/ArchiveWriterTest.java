package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ArchiveWriterTest {
  /** An archive whose disk fills up and empties again on command. */
  private static final class FillingArchive implements Archive {
    final List<ArchiveRecord> kept = new ArrayList<>();
    volatile boolean full;

    @Override
    public CompletableFuture<Void> append(ArchiveRecord record) {
      if (full) {
        return CompletableFuture.failedFuture(new IOException("No space left on device"));
      }
      kept.add(record);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Hits search(Query query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ArchiveRecord> rollout(String rolloutId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
  }

  private static ArchiveRecord event(int n) {
    return new ArchiveRecord(Instant.now(), "event", "Pod", "shop", "web-" + n, null, null, null, "Started",
        "Started container web", Map.of(), List.of(), null);
  }

  @Test
  @DisplayName("a full disk stops recording without failing the caller, says so, and a gap record follows once writes succeed")
  void diskFullThenRecovered() {
    FillingArchive archive = new FillingArchive();
    ArchiveWriter writer = new ArchiveWriter(archive, Clock.systemUTC(), Duration.ofMinutes(1));
    writer.append(event(1)).join();
    archive.full = true;
    for (int n = 2; n <= 4; n++) {
      assertEquals(false, writer.append(event(n)).join(), "the caller hears the record was not kept, never an exception");
    }
    assertTrue(writer.problem().contains("No space left on device") && writer.problem().contains("3 records lost"),
        writer.problem());
    archive.full = false;
    writer.append(event(5)).join();
    assertNull(writer.problem());
    ArchiveRecord gap = archive.kept.stream().filter(r -> r.type().equals("gap")).findFirst().orElseThrow();
    assertEquals("3", gap.attributes().get("lost"));
    assertTrue(gap.message().contains("No space left on device"), gap.message());
    assertEquals(List.of("web-1", "web-5"), archive.kept.stream().filter(r -> r.type().equals("event"))
        .map(ArchiveRecord::name).toList());
  }
}
