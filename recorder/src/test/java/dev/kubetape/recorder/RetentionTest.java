package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  @TempDir
  Path folder;

  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  /** Small journal segments, so that tests roll several and the least size limit is 256 KiB. */
  private static final long SEGMENT_BYTES = 64 * 1024;

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private LuceneArchive open(Retention retention, TestClock clock) throws IOException {
    return LuceneArchive.open(folder, retention, clock, SEGMENT_BYTES);
  }

  private static ArchiveRecord event(Instant time, String body) {
    return new ArchiveRecord(time, "event", "Pod", "shop", "web-" + time.getEpochSecond(),
        "event-" + time, "shop/web#1", null, "BackOff", "Back-off restarting failed container",
        Map.of(), List.of(), body);
  }

  /** Versions of one pod a minute apart, each a small change: chains start at 0, 50, 100. */
  private static List<ArchiveRecord> versions(String uid, int from, int count) {
    List<ArchiveRecord> versions = new ArrayList<>();
    String padding = "{\"f:field\":{}},".repeat(100);
    for (int i = from; i < from + count; i++) {
      String body = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + uid + "\",\"uid\":\"" + uid
          + "\",\"resourceVersion\":\"" + (1000 + i) + "\",\"managedFields\":[" + padding
          + "{}]},\"status\":{\"phase\":\"Running\",\"restartCount\":" + i + "}}";
      versions.add(new ArchiveRecord(T0.plus(Duration.ofMinutes(i)), "object", "Pod", "shop", uid,
          uid, "shop/web#1", null, null, "version " + i, Map.of(), List.of(), body));
    }
    return versions;
  }

  private static void appendAll(Archive archive, List<ArchiveRecord> records) {
    CompletableFuture.allOf(records.stream().map(archive::append)
        .toArray(CompletableFuture[]::new)).join();
  }

  private static List<ArchiveRecord> everything(Archive archive) {
    return archive.search(new Archive.Query("*", null, null, 100_000)).records().stream()
        .sorted(Comparator.comparing(ArchiveRecord::time).thenComparing(ArchiveRecord::uid))
        .toList();
  }

  private static List<ArchiveRecord> byTime(List<ArchiveRecord> records) {
    return records.stream()
        .sorted(Comparator.comparing(ArchiveRecord::time).thenComparing(ArchiveRecord::uid))
        .toList();
  }

  /**
   * Runs retention passes, as the archive does every minute, until the segments that held the
   * removed records are merged away and the archive fits; returns its size then.
   */
  private static long settle(LuceneArchive archive, long limit) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    archive.enforceRetention();
    while (archive.folderBytes() > limit && System.nanoTime() < deadline) {
      Thread.sleep(100);
      archive.enforceRetention();
    }
    return archive.folderBytes();
  }

  /** Documents in the committed index, hidden ones included. */
  private int committedDocuments() throws IOException {
    try (Directory directory = FSDirectory.open(folder.resolve("index"));
        DirectoryReader reader = DirectoryReader.open(directory)) {
      return reader.numDocs();
    }
  }

  @Test
  @DisplayName("records older than the age are removed from the index, not only hidden, and later ones follow as time passes")
  void byAge() throws Exception {
    TestClock clock = new TestClock(T0.plus(Duration.ofHours(48)));
    List<ArchiveRecord> hourly = new ArrayList<>();
    for (int hour = 0; hour < 48; hour++) {
      hourly.add(event(T0.plus(Duration.ofHours(hour)), "{\"hour\":" + hour + "}"));
    }
    try (LuceneArchive archive = open(Retention.ofAge(Duration.ofHours(24)), clock)) {
      appendAll(archive, hourly);
      archive.enforceRetention();
      assertEquals(hourly.subList(24, 48), everything(archive));
      Archive.Hits old = archive.search(new Archive.Query("*", T0, T0.plus(Duration.ofHours(30)), 100));
      assertEquals(7, old.total(), "a time range reaching back past the cutoff finds the kept part only");
      assertEquals(24, committedDocuments());

      clock.now = clock.now.plus(Duration.ofHours(12));
      archive.enforceRetention();
      assertEquals(hourly.subList(36, 48), everything(archive));
      assertEquals(12, committedDocuments());

      // A record stamped before the cutoff (an old event seen late) is hidden, then removed.
      appendAll(archive, List.of(event(T0.plus(Duration.ofHours(2)), "{\"late\":true}")));
      assertEquals(hourly.subList(36, 48), everything(archive));
      archive.enforceRetention();
      assertEquals(12, committedDocuments());
    }
  }

  @Test
  @DisplayName("over its size the archive drops its oldest records until journal and index fit, and the disk is freed")
  void bySize() throws Exception {
    long limit = 512 * 1024;
    Random random = new Random(7);
    List<ArchiveRecord> written = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      byte[] noise = new byte[600]; // hex of random bytes: LZ4 cannot shrink it much
      random.nextBytes(noise);
      written.add(event(T0.plusSeconds(i), "{\"noise\":\"" + HexFormat.of().formatHex(noise) + "\"}"));
    }
    TestClock clock = new TestClock(T0.plusSeconds(1500));
    try (LuceneArchive archive = open(Retention.ofSize(limit), clock)) {
      appendAll(archive, written);
      long settled = settle(archive, limit);
      List<ArchiveRecord> kept = everything(archive);
      assertTrue(settled <= limit, "the archive takes " + settled
          + " bytes, more than its limit of " + limit);
      assertTrue(kept.size() > 100 && kept.size() < written.size() / 2,
          "kept " + kept.size() + " of " + written.size() + " records in "
              + archive.folderBytes() + " bytes");
      assertEquals(written.subList(written.size() - kept.size(), written.size()), kept,
          "the newest records stay, intact, and only they");
      assertEquals(kept.size(), committedDocuments());

      archive.enforceRetention();
      assertEquals(kept, everything(archive), "a pass under the limit removes nothing");
    }
  }

  @Test
  @DisplayName("versions stored as deltas stay readable when their chain's whole version is older than the cutoff, also after a reopen")
  void chainsSurvive() throws Exception {
    List<ArchiveRecord> pod = versions("uid-a", 0, 120);
    List<ArchiveRecord> other = versions("uid-b", 0, 60);
    TestClock clock = new TestClock(T0.plus(Duration.ofMinutes(75)).plus(Duration.ofHours(1)));
    try (LuceneArchive archive = LuceneArchive.open(folder)) {
      appendAll(archive, pod);
      appendAll(archive, other);
    }
    // Reopened, no chain is extended any more: the kept whole versions are those deltas need.
    try (LuceneArchive archive = open(Retention.ofAge(Duration.ofHours(1)), clock)) {
      archive.enforceRetention();
      assertEquals(pod.subList(75, 120), archive.rollout("shop/web#1"),
          "uid-a's versions from the cutoff on, and none of uid-b's, all older");
      assertEquals(pod.subList(75, 120), everything(archive));
      Archive.Hits found = archive.search(new Archive.Query("uid:uid-a AND message:\"version 80\"",
          null, null, 10));
      assertEquals(List.of(pod.get(80)), found.records());
    }
    // uid-a's chain from version 50 serves its deltas 75..99; nothing needs the rest.
    assertEquals(45 + 1, committedDocuments());
    try (Archive reader = LuceneArchive.readOnly(folder)) {
      assertEquals(pod.subList(75, 120), reader.rollout("shop/web#1"));
    }
    try (LuceneArchive reopened = LuceneArchive.open(folder)) {
      assertEquals(pod.subList(75, 120), reopened.rollout("shop/web#1"),
          "opened to keep everything, the archive still lacks what retention removed");
    }
  }

  @Test
  @DisplayName("a chain still being extended keeps its whole version, hidden, and its next versions read back whole")
  void chainBeingExtended() throws Exception {
    TestClock clock = new TestClock(T0.plus(Duration.ofMinutes(20)).plus(Duration.ofHours(1)));
    List<ArchiveRecord> pod = versions("uid-a", 0, 30);
    try (LuceneArchive archive = open(Retention.ofAge(Duration.ofHours(1)), clock)) {
      appendAll(archive, pod.subList(0, 10));
      archive.enforceRetention();
      assertEquals(List.of(), archive.rollout("shop/web#1"));
      assertEquals(1, committedDocuments(), "the chain's whole version stays for its next deltas");
      appendAll(archive, pod.subList(10, 30));
      archive.enforceRetention();
      assertEquals(pod.subList(20, 30), archive.rollout("shop/web#1"));
      assertEquals(10 + 1, committedDocuments());
    }
    try (Archive reader = LuceneArchive.readOnly(folder)) {
      assertEquals(pod.subList(20, 30), reader.rollout("shop/web#1"));
    }
  }

  @Test
  @DisplayName("retention never drops the journal segment being written, nor the newest records, however small the limit")
  void currentSegmentStays() throws Exception {
    Random random = new Random(11);
    List<ArchiveRecord> written = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      byte[] noise = new byte[400];
      random.nextBytes(noise);
      // Ten records share each second: the newest second is what stays at the least.
      written.add(event(T0.plusMillis(i / 10 * 1000L + i % 10), "{\"noise\":\""
          + HexFormat.of().formatHex(noise) + "\"}"));
    }
    TestClock clock = new TestClock(T0.plus(Duration.ofDays(1)));
    long least = Retention.MIN_BYTES / Journal.DEFAULT_SEGMENT_BYTES * SEGMENT_BYTES;
    try (LuceneArchive archive = open(Retention.ofSize(least), clock)) {
      appendAll(archive, written);
      settle(archive, least);
      List<ArchiveRecord> kept = everything(archive);
      assertTrue(!kept.isEmpty() && kept.size() < written.size(), "kept " + kept.size());
      assertEquals(written.subList(written.size() - kept.size(), written.size()), kept);
      Path journal = folder.resolve("journal");
      try (Stream<Path> segments = Files.list(journal)) {
        List<Path> files = segments.sorted().toList();
        assertTrue(!files.isEmpty() && Files.size(files.get(files.size() - 1)) > 0,
            "the segment being written is there: " + files);
      }
      appendAll(archive, List.of(event(T0.plusSeconds(200), "{\"after\":true}")));
      assertEquals(event(T0.plusSeconds(200), "{\"after\":true}"),
          archive.search(new Archive.Query("*", null, null, 1)).records().get(0));
    }
    try (LuceneArchive reopened = open(Retention.ofSize(least), clock)) {
      reopened.enforceRetention();
      assertEquals(event(T0.plusSeconds(200), "{\"after\":true}"),
          reopened.search(new Archive.Query("*", null, null, 1)).records().get(0));
    }
  }

  @Test
  @DisplayName("what retention removed stays removed after a reopen, for the writer and for readers")
  void survivesReopen() throws Exception {
    TestClock clock = new TestClock(T0.plus(Duration.ofDays(10)));
    List<ArchiveRecord> daily = new ArrayList<>();
    for (int day = 0; day < 10; day++) {
      daily.add(event(T0.plus(Duration.ofDays(day)), "{\"day\":" + day + "}"));
    }
    try (LuceneArchive archive = open(Retention.ofAge(Duration.ofDays(3)), clock)) {
      appendAll(archive, daily);
      archive.enforceRetention();
      assertEquals(daily.subList(7, 10), everything(archive));
    }
    try (LuceneArchive reopened = LuceneArchive.open(folder)) {
      assertEquals(daily.subList(7, 10), everything(reopened));
      assertEquals(3, reopened.search(new Archive.Query("reason:BackOff", null, null, 10)).total());
    }
    try (Archive reader = LuceneArchive.readOnly(folder)) {
      assertEquals(daily.subList(7, 10), everything(reader));
    }
    try (LuceneArchive reopened = open(Retention.ofAge(Duration.ofDays(3)), clock)) {
      reopened.enforceRetention();
      assertEquals(daily.subList(7, 10), everything(reopened));
    }
    assertEquals(3, committedDocuments());
  }

  @Test
  @DisplayName("a size limit below what the journal alone takes is refused, saying the least")
  void tooSmall() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LuceneArchive.open(folder, Retention.ofSize(10 << 20)));
    assertEquals("the archive's size limit, 10 MiB, is below the 64 MiB its journal alone may"
        + " take; allow at least 64 MiB", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Retention.ofAge(Duration.ZERO));
    assertEquals("30d, 1 GiB", new Retention(Duration.ofDays(30), 1L << 30).toString());
    assertEquals("1d12h30m, 1.5 GiB", new Retention(Duration.ofMinutes(36 * 60 + 30), 3L << 29)
        .toString());
  }
}
