package dev.kubetape.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordDocumentTest {
  @TempDir
  Path folder;

  private static final Instant TIME = Instant.parse("2026-11-25T10:00:00.123456789Z");

  private static ArchiveRecord record(String type, String kind, String namespace, String reason,
      Map<String, String> attributes, String body) {
    return new ArchiveRecord(TIME, type, kind, namespace, "web-1", "uid-1", "shop/web#7", null,
        reason, "Back-off restarting failed container web", attributes,
        List.of("registry.example/shop/web:1.4.2", "busybox:1.36"), body);
  }

  private static Document document(ArchiveRecord record, byte form, String chain) {
    byte[] body = record.body() == null ? null : record.body().getBytes(StandardCharsets.UTF_8);
    return RecordDocument.of(new Journal.Entry(4096,
        JournalRecords.encode(record, form, chain, body)));
  }

  /** Each field's values as text (terms and doc values are UTF-8; not points), by field name. */
  private static Map<String, List<String>> values(Document doc) {
    Map<String, List<String>> values = new TreeMap<>();
    for (IndexableField field : doc) {
      BytesRef bytes = field.binaryValue();
      String value = field.fieldType().pointDimensionCount() > 0 ? "<point>"
          : field.fieldType().stored() ? "<stored>"
          : field.stringValue() != null ? field.stringValue()
          : bytes != null ? bytes.utf8ToString()
          : field.numericValue() != null ? field.numericValue().toString() : "<point>";
      values.computeIfAbsent(field.name(), name -> new java.util.ArrayList<>()).add(value);
    }
    return values;
  }

  @Test
  @DisplayName("facet values are written exactly as FacetsConfig writes them, escapes and UTF-8 included")
  void facetsAsFacetsConfigWritesThem() throws Exception {
    ArchiveRecord record = record("event", "Pod\u001fodd", "équipe-\u001e-ü", "BackOff",
        Map.of("user", "alice@example.com", "node", "node-1"), "{}");
    FacetsConfig config = new FacetsConfig();
    for (String facet : RecordDocument.FACETS) {
      config.setDrillDownTermsIndexing(facet, FacetsConfig.DrillDownTermsIndexing.NONE);
    }
    Document reference = new Document();
    reference.add(new SortedSetDocValuesFacetField("kind", record.kind()));
    reference.add(new SortedSetDocValuesFacetField("namespace", record.namespace()));
    reference.add(new SortedSetDocValuesFacetField("reason", record.reason()));
    reference.add(new SortedSetDocValuesFacetField("user", "alice@example.com"));
    List<String> expected = values(config.build(reference)).get(RecordDocument.FACETS_FIELD);
    List<String> written = values(document(record, JournalRecords.FULL, "uid-1@1"))
        .get(RecordDocument.FACETS_FIELD);
    assertEquals(expected.stream().sorted().toList(), written.stream().sorted().toList());
  }

  @Test
  @DisplayName("keyword fields hold the header's values, attributes under their field names, empty ones left out")
  void keywordFields() {
    Map<String, List<String>> fields = values(document(record("object", "Pod", "shop", "",
        Map.of("user", "bob", "node", "node-2", "revision", "7", "verb", "patch"),
        "{\"kind\":\"Pod\"}"), JournalRecords.FULL, "uid-1@1"));
    assertEquals(List.of("object"), fields.get("type"));
    assertEquals(List.of("Pod"), fields.get("kind"));
    assertEquals(List.of("shop"), fields.get("namespace"));
    assertEquals(List.of("web-1"), fields.get("name"));
    assertEquals(List.of("uid-1"), fields.get("uid"));
    assertEquals(List.of("shop/web#7"), fields.get("rolloutId"));
    assertNull(fields.get("status"), "a null status is not indexed");
    assertNull(fields.get("reason"), "an empty reason is not indexed");
    assertEquals(List.of("bob"), fields.get("user"));
    assertEquals(List.of("node-2"), fields.get("node"));
    assertEquals(List.of("7"), fields.get("revision"));
    assertEquals(List.of("patch"), fields.get("attr.verb"));
    assertEquals(List.of("registry.example/shop/web:1.4.2", "busybox:1.36"), fields.get("image"));
    assertEquals(List.of("Back-off restarting failed container web"), fields.get("message"));
    assertEquals(List.of("uid-1@1"), fields.get("chain"));
    assertEquals(List.of(Long.toString(TIME.toEpochMilli())), fields.get("time").subList(1, 2));
    assertNull(fields.get("log"), "only log records index their body");
  }

  @Test
  @DisplayName("a log's body is indexed as text; a delta names no chain of its own")
  void logBodyAndDeltas() {
    Map<String, List<String>> log = values(document(record("log", null, "shop", null, Map.of(),
        "java.lang.OutOfMemoryError: Java heap space"), JournalRecords.FULL, null));
    assertEquals(List.of("java.lang.OutOfMemoryError: Java heap space"), log.get("log"));
    assertNull(log.get("chain"));
    assertNull(log.get("kind"));
    Map<String, List<String>> delta = values(document(record("object", "Pod", "shop", null,
        Map.of(), "delta bytes"), JournalRecords.DELTA, "uid-1@1"));
    assertNull(delta.get("chain"), "a delta is found through its chain's whole version");
    assertNull(delta.get("log"));
  }

  @Test
  @DisplayName("searches count facets with values that need escaping or are not ASCII")
  void facetCountsThroughTheArchive() throws Exception {
    try (LuceneArchive archive = LuceneArchive.open(folder)) {
      java.util.concurrent.CompletableFuture.allOf(
          archive.append(record("event", "Pod", "équipe", "BackOff", Map.of("user", "zoë"), "{}")),
          archive.append(record("event", "Pod", "équipe", "Pulled", Map.of("user", "zoë"), "{}")),
          archive.append(record("event", "Pod", "a\u001fb", "BackOff", Map.of(), "{}"))).join();
      Archive.Hits hits = archive.search(new Archive.Query("*", null, null, 10));
      assertEquals(Map.of("équipe", 2L, "a\u001fb", 1L), hits.facets().get("namespace"));
      assertEquals(Map.of("zoë", 2L), hits.facets().get("user"));
      assertEquals(Map.of("BackOff", 2L, "Pulled", 1L), hits.facets().get("reason"));
      assertEquals(2, archive.search(new Archive.Query("namespace:équipe", null, null, 10)).total());
    }
  }
}
