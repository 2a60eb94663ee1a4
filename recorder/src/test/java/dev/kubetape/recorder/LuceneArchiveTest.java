package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneArchiveTest {
  @TempDir
  Path folder;

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private static ArchiveRecord event(int second, String namespace, String reason, String message,
      String rollout) {
    return new ArchiveRecord(T0.plusSeconds(second), "event", "Pod", namespace, "web-" + second,
        "uid-" + second, rollout, null, reason, message, Map.of("user", "alice", "node", "node-1"),
        List.of("registry.example/shop/web:1.4.2"), "{\"kind\":\"Event\"}");
  }

  private static void appendAll(Archive archive, List<ArchiveRecord> records) {
    CompletableFuture.allOf(records.stream().map(archive::append).toArray(CompletableFuture[]::new)).join();
  }

  @Test
  @DisplayName("a search by field, text and time range returns the newest first, with facet counts")
  void searchWithFacets() throws Exception {
    try (LuceneArchive archive = LuceneArchive.open(folder)) {
      appendAll(archive, List.of(
          event(1, "payments", "Pulling", "Pulling image registry.example/shop/web:1.4.2", "payments/web#2"),
          event(2, "payments", "BackOff", "Back-off restarting failed container web", "payments/web#2"),
          event(3, "shop", "BackOff", "Back-off restarting failed container api", "shop/api#5"),
          event(4, "payments", "BackOff", "Back-off restarting failed container web", "payments/web#2")));
      Archive.Hits hits = archive.search(new Archive.Query("reason:BackOff AND namespace:payments",
          null, null, 10));
      assertEquals(2, hits.total());
      assertEquals(List.of("web-4", "web-2"), hits.records().stream().map(ArchiveRecord::name).toList());
      assertEquals(Map.of("BackOff", 2L), hits.facets().get("reason"));
      Archive.Hits text = archive.search(new Archive.Query("restarting AND container", T0.plusSeconds(3),
          null, 10));
      assertEquals(List.of("web-4", "web-3"), text.records().stream().map(ArchiveRecord::name).toList());
      assertEquals(List.of("web-1", "web-2", "web-4"), archive.rollout("payments/web#2").stream()
          .map(ArchiveRecord::name).toList());
      ArchiveRecord back = archive.rollout("shop/api#5").get(0);
      assertEquals(event(3, "shop", "BackOff", "Back-off restarting failed container api", "shop/api#5"), back);
    }
  }

  @Test
  @DisplayName("a reader sees everything, from the index and from the journal's unindexed tail")
  void readOnlySeesJournalTail() throws Exception {
    try (LuceneArchive archive = LuceneArchive.open(folder)) {
      appendAll(archive, List.of(event(1, "shop", "Created", "Created container web", null)));
      try (Archive reader = LuceneArchive.readOnly(folder)) {
        assertEquals(1, reader.search(new Archive.Query("*", null, null, 10)).total());
      }
      appendAll(archive, List.of(event(2, "shop", "Started", "Started container web", null)));
      try (Archive reader = LuceneArchive.readOnly(folder)) {
        assertEquals(2, reader.search(new Archive.Query("*", null, null, 10)).total());
      }
    }
    try (Archive reader = LuceneArchive.readOnly(folder)) {
      assertEquals(2, reader.search(new Archive.Query("reason:Started OR reason:Created", null, null, 10)).total());
    }
  }

  @Test
  @DisplayName("every version of an object comes back whole, though most are stored as patches")
  void versionsRoundTrip() throws Exception {
    List<ArchiveRecord> written = new java.util.ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String body = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\",\"resourceVersion\":\"" + (100 + i)
          + "\",\"labels\":{\"app\":\"web\"" + (i % 7 == 0 ? ",\"extra\":\"" + i + "\"" : "")
          + "}},\"status\":{\"phase\":\"" + (i < 60 ? "Pending" : "Running") + "\",\"restartCount\":" + i / 10 + "}}";
      written.add(new ArchiveRecord(T0.plusMillis(i), "object", "Pod", "shop", "web-1", "uid-web-1",
          "shop/web#1", null, null, "version " + i, Map.of(), List.of(), body));
    }
    try (LuceneArchive archive = LuceneArchive.open(folder)) {
      appendAll(archive, written);
      assertEquals(written, archive.rollout("shop/web#1"));
    }
    try (Archive reader = LuceneArchive.readOnly(folder)) {
      assertEquals(written, reader.rollout("shop/web#1"));
    }
  }

  @Test
  @DisplayName("a query that is not Lucene syntax is refused with a message that says so")
  void badQuery() throws Exception {
    try (LuceneArchive archive = LuceneArchive.open(folder)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> archive.search(new Archive.Query("reason:(BackOff", null, null, 10)));
      assertEquals(true, e.getMessage().startsWith("the query 'reason:(BackOff' is not valid Lucene syntax"));
    }
  }

  /** Versions of one pod as a watch sees them: small changes, and now and then a big one. */
  private static List<ArchiveRecord> versions(String uid, int count) {
    List<ArchiveRecord> versions = new java.util.ArrayList<>();
    StringBuilder padding = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      padding.append("{\"f:field-").append(i).append("\":{}},");
    }
    for (int i = 0; i < count; i++) {
      String spec = i >= 70 && i < 75 ? "{\"replaced\":" + i + ",\"all\":\"" + "x".repeat(4000 + i) + "\"}"
          : "{\"containers\":[{\"name\":\"web\",\"image\":\"web:1.4." + i / 30 + "\"}]}";
      String body = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\",\"resourceVersion\":\""
          + (1000 + i) + "\",\"managedFields\":[" + padding + "{}]},\"spec\":" + spec
          + ",\"status\":{\"phase\":\"" + (i < 3 ? "Pending" : "Running") + "\",\"startTime\":null,"
          + "\"message\":\"ünïcode ✓ " + i + "\", \"restartCount\": " + i / 10 + " }}";
      versions.add(new ArchiveRecord(T0.plusMillis(i), "object", "Pod", "shop", "web-1", uid,
          "shop/web#1", null, i % 2 == 0 ? "Even" : "Odd", "version " + i, Map.of(), List.of(), body));
    }
    return versions;
  }

  @Test
  @DisplayName("versions stored as deltas come back byte for byte, across chains and whole-version changes")
  void versionsComeBackByteForByte() throws Exception {
    List<ArchiveRecord> written = new java.util.ArrayList<>(versions("uid-a", 130));
    written.addAll(versions("uid-b", 7));
    try (LuceneArchive archive = LuceneArchive.open(folder)) {
      appendAll(archive, written);
      assertEquals(written, archive.rollout("shop/web#1").stream()
          .sorted(java.util.Comparator.comparing(ArchiveRecord::uid).thenComparing(ArchiveRecord::time))
          .toList());
      Archive.Hits odd = archive.search(new Archive.Query("reason:Odd AND uid:uid-a", null, null, 100));
      assertEquals(65, odd.total());
      assertEquals(written.get(129), odd.records().get(0));
      assertEquals(written.get(29), odd.records().get(50));
    }
  }

  @Test
  @DisplayName("the journal alone (as after a crash before the index was committed) rebuilds the index")
  void journalRebuildsTheIndex() throws Exception {
    List<ArchiveRecord> written = versions("uid-a", 60);
    Path copy = folder.resolve("copy");
    try (LuceneArchive archive = LuceneArchive.open(folder.resolve("live"))) {
      appendAll(archive, written);
      java.nio.file.Files.createDirectories(copy.resolve("journal"));
      try (var segments = java.nio.file.Files.list(folder.resolve("live/journal"))) {
        for (Path segment : segments.toList()) {
          java.nio.file.Files.copy(segment, copy.resolve("journal").resolve(segment.getFileName()));
        }
      }
    }
    try (Archive reader = LuceneArchive.readOnly(copy)) {
      assertEquals(written, reader.rollout("shop/web#1"));
    }
    try (LuceneArchive reopened = LuceneArchive.open(copy)) {
      assertEquals(written, reopened.rollout("shop/web#1"));
    }
    try (Archive reader = LuceneArchive.readOnly(copy)) {
      assertEquals(written, reader.rollout("shop/web#1"));
    }
  }

  @Test
  @DisplayName("records a commit holds past its journal position (indexing went on while it wrote) are not indexed twice at open")
  void replaySkipsWhatTheCommitHolds() throws Exception {
    List<ArchiveRecord> written = versions("uid-a", 60);
    try (LuceneArchive archive = LuceneArchive.open(folder)) {
      appendAll(archive, written);
    }
    // As if the last commit had begun before any of them was indexed, and still held them all.
    try (var directory = org.apache.lucene.store.FSDirectory.open(folder.resolve("index"));
        var writer = new org.apache.lucene.index.IndexWriter(directory,
            new org.apache.lucene.index.IndexWriterConfig().setOpenMode(org.apache.lucene.index.IndexWriterConfig.OpenMode.APPEND))) {
      Map<String, String> data = new java.util.HashMap<>();
      writer.getLiveCommitData().forEach(entry -> data.put(entry.getKey(), entry.getValue()));
      data.put("journal.position", "0");
      writer.setLiveCommitData(data.entrySet());
      writer.commit();
    }
    try (LuceneArchive reopened = LuceneArchive.open(folder)) {
      assertEquals(written, reopened.rollout("shop/web#1"));
      assertEquals(written.size(), reopened.search(new Archive.Query("*", null, null, 1)).total());
    }
  }
}
