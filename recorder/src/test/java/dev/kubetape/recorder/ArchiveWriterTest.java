package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ArchiveWriterTest {
  private static ArchiveRecord event(int n) {
    return new ArchiveRecord(Instant.now(), "event", "Pod", "shop", "web-" + n, null, null, null, "Started",
        "Started container web", Map.of(), List.of(), null);
  }

  @Test
  @DisplayName("a full disk stops recording without failing the caller, says so, and a gap record follows once writes succeed")
  void diskFullThenRecovered() {
    MemoryArchive archive = new MemoryArchive();
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
