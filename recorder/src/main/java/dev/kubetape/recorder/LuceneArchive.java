package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.Facets;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.LabelAndValue;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded archive: a {@link Journal} for durability and a Lucene index of it for search.
 * Records are acknowledged once the journal has them on disk; an indexer thread tails the
 * journal and commits the index at least every second, with the journal position it has
 * reached in the commit's user data ({@code journal.position}). At open the index replays the
 * journal from there, so a crash loses nothing that was acknowledged.
 *
 * <p>Folder layout: {@code journal/} (see {@link Journal}) and {@code index/} (Lucene).
 *
 * <p>Index fields (the same names map onto OpenSearch unchanged):
 * <pre>
 * field       Lucene type                               stored  why
 * time        LongPoint + NumericDocValues (epoch ms)   yes     time ranges, newest-first order
 * type        StringField                               yes     object/event/request/log/rollout/gap
 * kind        StringField + facet                       yes     Deployment, Pod, Event, ...
 * namespace   StringField + facet                       yes
 * name        StringField                               yes
 * uid         StringField                               yes     one object across renames
 * rolloutId   StringField                               yes     NAMESPACE/NAME#REVISION: a rollout's records
 * status      StringField + facet                       yes     rollout state
 * reason      StringField + facet                       yes     ImagePullBackOff, ScalingReplicaSet, ...
 * message     TextField (standard analyzer)             yes     event messages, summaries
 * log         TextField (standard analyzer)             no      container log text (also in body)
 * user        StringField + facet                       yes     who deployed (attribute "user")
 * image       StringField, one per image                yes     "which rollouts ran this image?"
 * node        StringField                               yes     attribute "node"
 * revision    StringField                               yes     attribute "revision"
 * attr.NAME   StringField                               yes     every other attribute
 * body        StoredField (JSON)                        yes     the full object or request
 * position    LongPoint                                 yes     journal position, for replays
 * </pre>
 * A query with no field names searches {@code message} and {@code log}.
 */
public final class LuceneArchive implements Archive {
  private static final Logger logger = LoggerFactory.getLogger(LuceneArchive.class);
  private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
      .build();
  private static final String POSITION_KEY = "journal.position";
  private static final List<String> FACETS = List.of("kind", "namespace", "status", "reason", "user");

  private final Journal journal;
  private final Directory directory;
  private final IndexWriter writer;
  private final FacetsConfig facets = new FacetsConfig();
  private final ScheduledExecutorService indexer;
  /** The journal position the index has reached; owned by the indexer thread. */
  private long indexed;
  /** The position the previous commit reached: journal segments before it may go. */
  private long previousCommit;
  /**
   * The last version of each recently changed object, for storing the next as a patch; used by
   * the threads that append, one object at a time (compute() serialises per uid).
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Chain> chains =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * An object's last stored version (as bytes: a parsed tree costs ten times the memory), its
   * chain of versions, and how many patches since the chain's whole version.
   */
  private record Chain(byte[] last, String id, int sinceFull) {}

  /**
   * A whole version every this many versions bounds how many patches a read applies: 20 keeps
   * a search that fetches 50 objects fast, for a few percent more disk than 50 would.
   */
  static final int FULL_VERSION_EVERY = 20;
  /** The longest chain a read may meet (archives written with another setting included). */
  private static final int MAX_CHAIN = 1000;
  private static final int MAX_TRACKED_OBJECTS = 200_000;
  private static final com.fasterxml.jackson.databind.ObjectMapper BODIES =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final int fullVersionEvery;

  private LuceneArchive(Path folder, Duration syncInterval, int fullVersionEvery) throws IOException {
    this.fullVersionEvery = fullVersionEvery;
    for (String facet : FACETS) {
      facets.setMultiValued(facet, false);
    }
    journal = Journal.open(folder.resolve("journal"), syncInterval);
    directory = FSDirectory.open(folder.resolve("index"));
    writer = new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer())
        .setCodec(new org.apache.lucene.codecs.lucene104.Lucene104Codec(
            org.apache.lucene.codecs.lucene104.Lucene104Codec.Mode.BEST_COMPRESSION))
        .setRAMBufferSizeMB(64)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
    indexed = committedPosition(writer.getLiveCommitData());
    long replayed = indexed;
    indexed = journal.read(indexed, this::index);
    if (indexed > replayed) {
      logger.info("replayed the journal into the index from position {} to {}", replayed, indexed);
    }
    commit();
    indexer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
        .name("archive-indexer").daemon(true).unstarted(r));
    indexer.scheduleWithFixedDelay(this::tail, 100, 100, TimeUnit.MILLISECONDS);
    indexer.scheduleWithFixedDelay(this::commitQuietly, 1, 1, TimeUnit.SECONDS);
  }

  /** Opens (or creates) the archive in {@code folder} for writing; one writer at a time. */
  public static LuceneArchive open(Path folder) throws IOException {
    return new LuceneArchive(folder, Duration.ofMillis(50), FULL_VERSION_EVERY);
  }

  /** For measurements: {@code fullVersionEvery} 1 stores every version whole. */
  static LuceneArchive open(Path folder, int fullVersionEvery) throws IOException {
    return new LuceneArchive(folder, Duration.ofMillis(50), fullVersionEvery);
  }

  private static long committedPosition(Iterable<Map.Entry<String, String>> commitData) {
    if (commitData != null) {
      for (Map.Entry<String, String> entry : commitData) {
        if (entry.getKey().equals(POSITION_KEY)) {
          return Long.parseLong(entry.getValue());
        }
      }
    }
    return 0;
  }

  /**
   * Journals a record. An object version is diffed here, on the appending thread, against the
   * object's previous version: the journal and the index then hold a merge patch, with a whole
   * version every {@value #FULL_VERSION_EVERY} versions starting a new chain.
   */
  @Override
  public CompletableFuture<Void> append(ArchiveRecord record) {
    try {
      byte[] body = record.body() == null ? null : record.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (body == null || !record.type().equals("object") || record.uid() == null) {
        return journal.append(JournalRecords.encode(record, body == null ? JournalRecords.NO_BODY
            : JournalRecords.FULL, null, body)).thenApply(position -> null);
      }
      com.fasterxml.jackson.databind.JsonNode current = BODIES.readTree(body);
      java.util.concurrent.atomic.AtomicReference<CompletableFuture<Long>> appended =
          new java.util.concurrent.atomic.AtomicReference<>();
      chains.compute(record.uid(), (uid, previous) -> {
        com.fasterxml.jackson.databind.JsonNode patch = previous == null
            || previous.sinceFull() + 1 >= fullVersionEvery ? null
            : MergePatch.diff(tree(previous.last()), current);
        Chain next;
        byte[] payload;
        if (patch == null) {
          next = new Chain(body, uid + "@" + record.time().toEpochMilli() + "." + System.nanoTime(), 0);
          payload = JournalRecords.encode(record, JournalRecords.FULL, next.id(), body);
        } else {
          next = new Chain(body, previous.id(), previous.sinceFull() + 1);
          payload = JournalRecords.encode(record, JournalRecords.PATCH, next.id(), bytes(patch));
        }
        appended.set(journal.append(payload));
        return next;
      });
      if (chains.size() > MAX_TRACKED_OBJECTS) {
        chains.clear(); // next versions start new chains: a full version costs a little more
      }
      return appended.get().thenApply(position -> null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(byte[] json) {
    try {
      return BODIES.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(com.fasterxml.jackson.databind.JsonNode node) {
    try {
      return BODIES.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void tail() {
    try {
      indexed = journal.read(indexed, this::index);
    } catch (RuntimeException e) {
      logger.warn("indexing the journal failed; will retry", e);
    }
  }

  private void commitQuietly() {
    try {
      commit();
    } catch (IOException e) {
      logger.warn("committing the index failed; will retry", e);
    }
  }

  /**
   * Commits the index with the journal position it reached. The journal is a write-ahead log:
   * once a commit covers its records, whole segments before the previous commit are deleted
   * (one commit of slack for readers that opened the index just before).
   */
  private void commit() throws IOException {
    writer.setLiveCommitData(Map.of(POSITION_KEY, Long.toString(indexed)).entrySet());
    writer.commit();
    journal.deleteSegmentsBefore(previousCommit);
    previousCommit = indexed;
  }

  private void index(Journal.Entry entry) {
    try {
      writer.addDocument(facets.build(indexDocument(entry)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not index the journal record at " + entry.position(), e);
    }
  }

  /** The Lucene document of a journal record: its fields, and its body or patch as bytes. */
  static Document indexDocument(Journal.Entry entry) {
    JournalRecords.Decoded decoded = JournalRecords.decode(entry.payload());
    ArchiveRecord header = decoded.header();
    Document doc = document(header, entry.position());
    if (header.type().equals("log") && decoded.form() != JournalRecords.NO_BODY) {
      doc.add(new TextField("log", decoded.bodyText(), Field.Store.NO));
    }
    org.apache.lucene.util.BytesRef bytes = new org.apache.lucene.util.BytesRef(
        decoded.payload(), decoded.bodyOffset(), decoded.bodyLength());
    if (decoded.chain() != null) {
      doc.add(new StringField("chain", decoded.chain(), Field.Store.YES));
    }
    switch (decoded.form()) {
      case JournalRecords.FULL -> doc.add(new StoredField("body", bytes));
      case JournalRecords.PATCH -> doc.add(new StoredField("patch", bytes));
      default -> { }
    }
    return doc;
  }

  static Document document(ArchiveRecord record, long position) {
    Document doc = new Document();
    long millis = record.time().toEpochMilli();
    doc.add(new LongPoint("time", millis));
    doc.add(new NumericDocValuesField("time", millis));
    doc.add(new StoredField("time", millis));
    doc.add(new LongPoint("position", position));
    doc.add(new NumericDocValuesField("position", position));
    doc.add(new StoredField("position", position));
    keyword(doc, "type", record.type());
    keyword(doc, "kind", record.kind());
    keyword(doc, "namespace", record.namespace());
    keyword(doc, "name", record.name());
    keyword(doc, "uid", record.uid());
    keyword(doc, "rolloutId", record.rolloutId());
    keyword(doc, "status", record.status());
    keyword(doc, "reason", record.reason());
    if (record.message() != null) {
      doc.add(new TextField("message", record.message(), Field.Store.YES));
    }
    for (String image : record.images()) {
      keyword(doc, "image", image);
    }
    for (Map.Entry<String, String> attribute : record.attributes().entrySet()) {
      String field = switch (attribute.getKey()) {
        case "user", "node", "revision" -> attribute.getKey();
        default -> "attr." + attribute.getKey();
      };
      keyword(doc, field, attribute.getValue());
    }
    for (String facet : FACETS) {
      String value = facet.equals("user") ? record.attributes().get("user") : switch (facet) {
        case "kind" -> record.kind();
        case "namespace" -> record.namespace();
        case "status" -> record.status();
        default -> record.reason();
      };
      if (value != null && !value.isEmpty()) {
        doc.add(new SortedSetDocValuesFacetField(facet, value));
      }
    }
    return doc;
  }

  private static void keyword(Document doc, String field, String value) {
    if (value != null && !value.isEmpty()) {
      doc.add(new StringField(field, value, Field.Store.YES));
    }
  }

  /** Brings the index up to the journal's end first: whatever was acknowledged is found. */
  private void catchUp() {
    try {
      indexer.submit(this::tail).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("indexing the journal failed", e.getCause());
    }
  }

  @Override
  public Hits search(Query query) {
    catchUp();
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      return search(reader, query);
    } catch (IOException e) {
      throw new UncheckedIOException("could not search the archive", e);
    }
  }

  @Override
  public List<ArchiveRecord> rollout(String rolloutId) {
    catchUp();
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      return rollout(reader, rolloutId);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the archive", e);
    }
  }

  static List<ArchiveRecord> rollout(IndexReader reader, String rolloutId) throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    TopFieldDocs top = searcher.search(new TermQuery(new Term("rolloutId", rolloutId)),
        Math.max(1, reader.numDocs()), new Sort(new SortField("time", SortField.Type.LONG)));
    List<ArchiveRecord> records = new ArrayList<>();
    for (ScoreDoc hit : top.scoreDocs) {
      records.add(record(searcher, searcher.storedFields().document(hit.doc)));
    }
    return records;
  }

  static Hits search(IndexReader reader, Query query) throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    String text = query.text() == null ? "" : query.text().trim();
    if (text.isEmpty() || text.equals("*")) {
      builder.add(MatchAllDocsQuery.INSTANCE, BooleanClause.Occur.MUST);
    } else {
      QueryParser parser = new org.apache.lucene.queryparser.classic.MultiFieldQueryParser(
          new String[] {"message", "log"}, queryAnalyzer());
      parser.setAllowLeadingWildcard(true);
      try {
        builder.add(parser.parse(text), BooleanClause.Occur.MUST);
      } catch (ParseException e) {
        throw new IllegalArgumentException("the query '" + text + "' is not valid Lucene syntax: "
            + e.getMessage().lines().findFirst().orElse(""), e);
      }
    }
    if (query.from() != null || query.to() != null) {
      long from = query.from() == null ? Long.MIN_VALUE : query.from().toEpochMilli();
      long to = query.to() == null ? Long.MAX_VALUE : query.to().toEpochMilli();
      builder.add(LongPoint.newRangeQuery("time", from, to), BooleanClause.Occur.FILTER);
    }
    org.apache.lucene.search.Query built = builder.build();
    FacetsCollectorManager.FacetsResult result = FacetsCollectorManager.search(searcher, built,
        query.limit(), new Sort(new SortField("time", SortField.Type.LONG, true)),
        new FacetsCollectorManager());
    TopFieldDocs top = (TopFieldDocs) result.topDocs();
    List<ArchiveRecord> records = new ArrayList<>();
    for (ScoreDoc hit : top.scoreDocs) {
      records.add(record(searcher, searcher.storedFields().document(hit.doc)));
    }
    Map<String, Map<String, Long>> counts = facetCounts(reader, result.facetsCollector());
    return new Hits(top.totalHits.value(), records, counts);
  }

  /** Text fields are analysed as they were indexed; every other field is an exact keyword. */
  private static org.apache.lucene.analysis.Analyzer queryAnalyzer() {
    org.apache.lucene.analysis.Analyzer text = new StandardAnalyzer();
    return new org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper(
        new org.apache.lucene.analysis.core.KeywordAnalyzer(), Map.of("message", text, "log", text));
  }

  private static Map<String, Map<String, Long>> facetCounts(IndexReader reader,
      FacetsCollector collector) throws IOException {
    Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    SortedSetDocValuesReaderState state;
    try {
      state = new DefaultSortedSetDocValuesReaderState(reader, new FacetsConfig());
    } catch (IllegalArgumentException e) {
      return counts; // no document has a facet yet
    }
    Facets facets = new SortedSetDocValuesFacetCounts(state, collector);
    for (String dimension : FACETS) {
      Map<String, Long> values = new LinkedHashMap<>();
      FacetResult result;
      try {
        result = facets.getTopChildren(20, dimension);
      } catch (IllegalArgumentException e) {
        result = null;
      }
      if (result != null) {
        for (LabelAndValue label : result.labelValues) {
          values.put(label.label, label.value.longValue());
        }
      }
      counts.put(dimension, values);
    }
    return counts;
  }

  /** The body of a stored record: as stored, or rebuilt from its chain's full version and patches. */
  private static String body(IndexSearcher searcher, Document doc) throws IOException {
    org.apache.lucene.util.BytesRef body = doc.getBinaryValue("body");
    if (body != null) {
      return body.utf8ToString();
    }
    if (doc.getBinaryValue("patch") == null) {
      return null;
    }
    long position = doc.getField("position").numericValue().longValue();
    BooleanQuery chain = new BooleanQuery.Builder()
        .add(new TermQuery(new Term("chain", doc.get("chain"))), BooleanClause.Occur.FILTER)
        .add(LongPoint.newRangeQuery("position", Long.MIN_VALUE, position), BooleanClause.Occur.FILTER)
        .build();
    TopFieldDocs versions = searcher.search(chain, MAX_CHAIN + 1,
        new Sort(new SortField("position", SortField.Type.LONG)));
    com.fasterxml.jackson.databind.JsonNode rebuilt = null;
    for (ScoreDoc hit : versions.scoreDocs) {
      Document version = searcher.storedFields().document(hit.doc);
      org.apache.lucene.util.BytesRef full = version.getBinaryValue("body");
      org.apache.lucene.util.BytesRef patch = version.getBinaryValue("patch");
      rebuilt = full != null ? BODIES.readTree(full.bytes, full.offset, full.length)
          : MergePatch.apply(rebuilt, BODIES.readTree(patch.bytes, patch.offset, patch.length));
    }
    return rebuilt == null ? null : BODIES.writeValueAsString(rebuilt);
  }

  private static ArchiveRecord record(IndexSearcher searcher, Document doc) throws IOException {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (var field : doc.getFields()) {
      String name = field.name();
      if (name.startsWith("attr.")) {
        attributes.put(name.substring(5), field.stringValue());
      } else if (name.equals("user") || name.equals("node") || name.equals("revision")) {
        attributes.put(name, field.stringValue());
      }
    }
    List<String> images = List.of(doc.getValues("image"));
    return new ArchiveRecord(
        java.time.Instant.ofEpochMilli(doc.getField("time").numericValue().longValue()),
        doc.get("type"), doc.get("kind"), doc.get("namespace"), doc.get("name"), doc.get("uid"),
        doc.get("rolloutId"), doc.get("status"), doc.get("reason"), doc.get("message"),
        attributes, images, body(searcher, doc));
  }

  /**
   * Reads an archive folder without writing to it: safe while a proxy writes to it, and on a
   * copied folder. Sees the last index commit (at most a second old) plus whatever the journal
   * holds beyond it, indexed in memory.
   */
  public static Archive readOnly(Path folder) throws IOException {
    if (!Files.isDirectory(folder.resolve("journal"))) {
      throw new IOException(folder + " is not a kubetape archive (it has no journal/ folder);"
          + " check --archive");
    }
    return new ReadOnlyArchive(folder);
  }

  /** A read-only view: the committed index plus the journal's tail. */
  private static final class ReadOnlyArchive implements Archive {
    private final IndexReader reader;
    private final Directory committed;

    ReadOnlyArchive(Path folder) throws IOException {
      Path indexFolder = folder.resolve("index");
      long position = 0;
      IndexReader onDisk = null;
      Directory disk = null;
      if (Files.isDirectory(indexFolder) && DirectoryReader.indexExists(FSDirectory.open(indexFolder))) {
        disk = FSDirectory.open(indexFolder);
        DirectoryReader reader = DirectoryReader.open(disk);
        position = committedPosition(reader.getIndexCommit().getUserData().entrySet());
        onDisk = reader;
      }
      Directory memory = new ByteBuffersDirectory();
      FacetsConfig config = new FacetsConfig();
      try (IndexWriter tail = new IndexWriter(memory, new IndexWriterConfig(new StandardAnalyzer()))) {
        Journal.readOnly(folder.resolve("journal"), position, entry -> {
          try {
            tail.addDocument(config.build(indexDocument(entry)));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        tail.commit();
      }
      IndexReader inMemory = DirectoryReader.open(memory);
      this.reader = onDisk == null ? inMemory : new MultiReader(onDisk, inMemory);
      this.committed = disk;
    }

    @Override
    public CompletableFuture<Void> append(ArchiveRecord record) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException(
          "this archive was opened for reading"));
    }

    @Override
    public Hits search(Query query) {
      try {
        return LuceneArchive.search(reader, query);
      } catch (IOException e) {
        throw new UncheckedIOException("could not search the archive", e);
      }
    }

    @Override
    public List<ArchiveRecord> rollout(String rolloutId) {
      try {
        return LuceneArchive.rollout(reader, rolloutId);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the archive", e);
      }
    }

    @Override
    public void close() {
      try {
        reader.close();
        if (committed != null) {
          committed.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    indexer.shutdown();
    try {
      indexer.awaitTermination(10, TimeUnit.SECONDS);
      journal.close();
      indexed = journal.read(indexed, this::index);
      commit();
      writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not close the archive cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
