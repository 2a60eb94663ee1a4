package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir
  Path folder;

  private static List<String> readAll(Journal journal) {
    List<String> texts = new ArrayList<>();
    journal.read(0, entry -> texts.add(new String(entry.payload(), StandardCharsets.UTF_8)));
    return texts;
  }

  @Test
  @DisplayName("appended records come back in order, at increasing positions, after a reopen")
  void appendAndReadBack() throws Exception {
    List<Long> positions = new ArrayList<>();
    try (Journal journal = Journal.open(folder, Duration.ofMillis(5))) {
      List<CompletableFuture<Long>> appended = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        appended.add(journal.append(("record " + i).getBytes(StandardCharsets.UTF_8)));
      }
      for (CompletableFuture<Long> future : appended) {
        positions.add(future.get());
      }
      assertEquals(journal.durablePosition(), positions.get(99) + Journal.HEADER_BYTES + "record 99".length());
    }
    for (int i = 1; i < positions.size(); i++) {
      assertTrue(positions.get(i) > positions.get(i - 1));
    }
    try (Journal reopened = Journal.open(folder, Duration.ofMillis(5))) {
      List<String> texts = readAll(reopened);
      assertEquals(100, texts.size());
      assertEquals("record 0", texts.get(0));
      assertEquals("record 99", texts.get(99));
      long next = reopened.append("after".getBytes(StandardCharsets.UTF_8)).get();
      assertEquals(reopened.durablePosition() - Journal.HEADER_BYTES - 5, next);
      assertEquals("after", readAll(reopened).get(100));
    }
  }

  @Test
  @DisplayName("a torn tail left by a crash is cut off at open, keeping every whole record")
  void tornTailIsCut() throws Exception {
    try (Journal journal = Journal.open(folder, Duration.ofMillis(5))) {
      journal.append("one".getBytes(StandardCharsets.UTF_8)).get();
      journal.append("two".getBytes(StandardCharsets.UTF_8)).get();
    }
    Path segment = folder.resolve(String.format("%020d.seg", 0));
    long whole = Files.size(segment);
    // A crash in the middle of a third record: its header and half its payload.
    try (FileChannel out = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      out.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 10, 1, 2, 3, 4, 'h', 'a'}));
    }
    try (Journal journal = Journal.open(folder, Duration.ofMillis(5))) {
      assertEquals(List.of("one", "two"), readAll(journal));
      assertEquals(whole, Files.size(segment));
      assertEquals(whole, journal.durablePosition());
    }
  }

  @Test
  @DisplayName("a record whose checksum does not match ends the readable journal there")
  void corruptRecordIsCut() throws Exception {
    try (Journal journal = Journal.open(folder, Duration.ofMillis(5))) {
      journal.append("good".getBytes(StandardCharsets.UTF_8)).get();
      journal.append("flipped".getBytes(StandardCharsets.UTF_8)).get();
    }
    Path segment = folder.resolve(String.format("%020d.seg", 0));
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(segment, bytes);
    try (Journal journal = Journal.open(folder, Duration.ofMillis(5))) {
      assertEquals(List.of("good"), readAll(journal));
    }
  }

  @Test
  @DisplayName("segments roll at their size limit, are read across, and old ones can be dropped")
  void segmentsRollAndRetire() throws Exception {
    try (Journal journal = Journal.open(folder, Duration.ofMillis(1), 100)) {
      for (int i = 0; i < 20; i++) {
        journal.append(("record-" + i).getBytes(StandardCharsets.UTF_8)).get();
      }
      assertTrue(journal.segments().size() > 3, "segments: " + journal.segments());
      assertEquals(20, readAll(journal).size());
      long third = new ArrayList<>(journal.segments().keySet()).get(2);
      journal.deleteSegmentsBefore(third);
      assertEquals(third, journal.segments().firstKey());
      List<String> left = readAll(journal);
      assertTrue(left.size() < 20 && left.get(left.size() - 1).equals("record-19"), left.toString());
    }
  }

  @Test
  @DisplayName("a barrier completes once the records appended before it are on disk, at the position after them, and writes nothing")
  void barrier() throws Exception {
    try (Journal journal = Journal.open(folder, Duration.ofMillis(20))) {
      List<CompletableFuture<Long>> before = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        before.add(journal.append(("record " + i).getBytes(StandardCharsets.UTF_8)));
      }
      long reached = journal.barrier().get();
      for (CompletableFuture<Long> record : before) {
        assertTrue(record.isDone() && !record.isCompletedExceptionally());
      }
      assertEquals(before.get(49).get() + Journal.HEADER_BYTES + "record 49".length(), reached);
      long next = journal.append("after".getBytes(StandardCharsets.UTF_8)).get();
      assertEquals(reached, next, "the barrier took no room in the journal");
      assertEquals(51, readAll(journal).size());
      List<String> upToBarrier = new ArrayList<>();
      journal.read(0, reached, entry -> upToBarrier.add(new String(entry.payload(), StandardCharsets.UTF_8)));
      assertEquals(50, upToBarrier.size());
    }
  }

  @Test
  @DisplayName("records appended together share one fsync and all complete")
  void groupCommit() throws IOException {
    try (Journal journal = Journal.open(folder, Duration.ofMillis(50))) {
      List<CompletableFuture<Long>> appended = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        appended.add(journal.append(new byte[100]));
      }
      CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new)).join();
      assertEquals(5000L * (100 + Journal.HEADER_BYTES), journal.durablePosition());
    }
  }

  @Test
  @DisplayName("a reader of the live journal gets only what is fsynced, though more is in the file")
  void readsStopAtTheDurableEnd() throws Exception {
    try (Journal journal = Journal.open(folder, Duration.ofMillis(5))) {
      journal.append("synced".getBytes(StandardCharsets.UTF_8)).get();
      // A whole, intact record the writer has not fsynced (as if written a moment ago).
      byte[] payload = "not yet".getBytes(StandardCharsets.UTF_8);
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(payload);
      try (FileChannel out = FileChannel.open(folder.resolve(String.format("%020d.seg", 0)),
          StandardOpenOption.APPEND)) {
        out.write(java.nio.ByteBuffer.allocate(8 + payload.length).putInt(payload.length)
            .putInt((int) crc.getValue()).put(payload).flip());
      }
      assertEquals(List.of("synced"), readAll(journal));
      List<String> outside = new ArrayList<>();
      Journal.readOnly(folder, 0, entry -> outside.add(new String(entry.payload(), StandardCharsets.UTF_8)));
      assertEquals(List.of("synced", "not yet"), outside, "a reader in another process sees the file");
    }
  }

  @Test
  @DisplayName("records bigger than the read buffer, and many across segments, read back whole")
  void bigRecordsReadBack() throws Exception {
    byte[] big = new byte[3 << 20];
    new java.util.Random(3).nextBytes(big);
    try (Journal journal = Journal.open(folder, Duration.ofMillis(1), 4 << 20)) {
      List<CompletableFuture<Long>> appended = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        appended.add(journal.append(big));
        for (int j = 0; j < 1000; j++) {
          appended.add(journal.append(("small " + i + "." + j).getBytes(StandardCharsets.UTF_8)));
        }
      }
      CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new)).join();
      List<byte[]> read = new ArrayList<>();
      journal.read(0, entry -> read.add(entry.payload()));
      assertEquals(3003, read.size());
      assertTrue(java.util.Arrays.equals(big, read.get(2002)));
      assertEquals("small 2.999", new String(read.get(3002), StandardCharsets.UTF_8));
    }
  }

  @Test
  @DisplayName("a delta rebuilds a version from the whole one byte for byte, whatever changed")
  void deltasRoundTrip() {
    java.util.Random random = new java.util.Random(5);
    String alphabet = "{}[]\":,abcdefghijklmnopqrstuvwxyz0123456789-T:Z. é€";
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(round < 10 ? 20 : 12_000);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(random.nextBoolean() ? 12 : alphabet.length())));
      }
      byte[] whole = text.toString().getBytes(StandardCharsets.UTF_8);
      StringBuilder changed = new StringBuilder(text);
      for (int edit = random.nextInt(30); edit > 0 && changed.length() > 0; edit--) {
        int at = random.nextInt(changed.length());
        int span = Math.min(changed.length() - at, random.nextInt(40));
        switch (random.nextInt(4)) {
          case 0 -> changed.replace(at, at + span, Integer.toString(random.nextInt()));
          case 1 -> changed.delete(at, at + span);
          case 2 -> changed.insert(at, changed.substring(random.nextInt(changed.length())));
          default -> changed.insert(at, "\"inserted\":" + random.nextLong());
        }
        if (changed.length() > 40_000) {
          changed.setLength(40_000);
        }
      }
      byte[] target = changed.toString().getBytes(StandardCharsets.UTF_8);
      byte[] delta = JournalRecords.delta(new JournalRecords.Whole(whole), target);
      assertTrue(java.util.Arrays.equals(target,
          JournalRecords.applyDelta(whole, 0, whole.length, delta, 0, delta.length)), "round " + round);
    }
  }

  @Test
  @DisplayName("a record's header and body survive encoding, nulls and all")
  void recordsRoundTrip() {
    ArchiveRecord record = new ArchiveRecord(java.time.Instant.parse("2026-11-25T10:00:00.123456789Z"),
        "object", "Pod", "shop", "web-1", "uid-1", null, null, "Started", "ünïcode ✓",
        java.util.Map.of("user", "alice", "node", ""), List.of("a:1", "b:2"), null);
    JournalRecords.Decoded decoded = JournalRecords.decode(JournalRecords.encode(record,
        JournalRecords.FULL, "uid-1@1", "{\"a\":null}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(record, decoded.header());
    assertEquals("uid-1@1", decoded.chain());
    assertEquals("{\"a\":null}", decoded.bodyText());
  }
}
