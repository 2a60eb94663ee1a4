package dev.kubetape.recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.Facets;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.LabelAndValue;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded archive: a {@link Journal} for durability and a Lucene index of it for search.
 * Records are acknowledged once the journal has them on disk; an indexer thread tails the
 * journal, and a committer thread commits the index every second, with the journal position
 * the index had reached when the commit began in the commit's user data
 * ({@code journal.position}, beside {@code archive.format} and, once retention has removed
 * records, {@code retention.cutoff}). At open the index replays the journal from there, so a
 * crash loses nothing that was acknowledged. Indexing goes on while a commit writes (a commit
 * mostly waits for the disk), so a commit may also hold some records past its position: the
 * replay skips those, found by their {@code position}.
 *
 * <p>Folder layout: {@code journal/} (see {@link Journal}) and {@code index/} (Lucene).
 *
 * <p>Object versions are stored as chains: a version stored whole starts a chain, and each of
 * the next {@value #FULL_VERSION_EVERY} - 1 versions of the object is stored as a delta
 * against it, computed on the appending thread (see {@link JournalRecords} for the layout). A
 * version that differs from the whole one by more than half its size starts a new chain.
 * Reading a version back takes its own record and its chain's whole version, whatever its
 * place in the chain. A chain's id is {@code UID@MILLIS.NANOS}: the object's uid, the whole
 * version's time, a tie-breaker.
 *
 * <p>Retention ({@link Retention}, enforced by {@link IndexRetention}) removes the oldest
 * records from the index, by their own time: those older than the maximum age, and as many
 * more as bring the folder back under its maximum size. Everything before one time, the cutoff,
 * goes; the cutoff is committed as {@code retention.cutoff} and searches, also of read-only
 * views, never return a record older than it. The exception: a chain's whole version older than
 * the cutoff stays, hidden, while newer deltas of the chain, or the chain still being extended,
 * need it; so every version still returned reads back whole. The journal is not trimmed by
 * retention: once a commit covers its segments they go anyway, except the one being written.
 *
 * <p>Index fields (the same names map onto OpenSearch unchanged). Each document stores one
 * field, {@code record}: the journal record itself; every other field is indexed only.
 * <pre>
 * field       Lucene type                               why
 * record      StoredField (bytes)                       the journal record: header, and the
 *                                                       body whole or as a delta (JournalRecords)
 * time        LongPoint + NumericDocValues (epoch ms)   time ranges, newest-first order
 * type        StringField                               object/event/request/log/rollout/gap
 * kind        StringField + facet                       Deployment, Pod, Event, ...
 * namespace   StringField + facet
 * name        StringField
 * uid         StringField                               one object across renames
 * rolloutId   StringField                               NAMESPACE/NAME#REVISION: a rollout's records
 * status      StringField + facet                       rollout state
 * reason      StringField + facet                       ImagePullBackOff, ScalingReplicaSet, ...
 * message     TextField (standard analyzer)             event messages, summaries
 * log         TextField (standard analyzer)             container log text (the body)
 * user        StringField + facet                       who deployed (attribute "user")
 * image       StringField, one per image                "which rollouts ran this image?"
 * node        StringField                               attribute "node"
 * revision    StringField                               attribute "revision"
 * attr.NAME   StringField                               every other attribute
 * chain       StringField, whole versions only          finds the version a delta applies to
 * position    LongPoint                                 the record's journal position: what a
 *                                                       replay at open may skip
 * </pre>
 * A facet is a sorted-set doc value (Lucene's {@code $facets} field) without drill-down terms:
 * the keyword fields above hold the same values for filtering. A query with no field names
 * searches {@code message} and {@code log}. {@link RecordDocument} builds the documents, from
 * the journal record's bytes.
 */
public final class LuceneArchive implements Archive {
  private static final Logger logger = LoggerFactory.getLogger(LuceneArchive.class);
  private static final String POSITION_KEY = "journal.position";
  private static final String FORMAT_KEY = "archive.format";
  /** Epoch ms before which retention has removed the records (see {@link IndexRetention}). */
  private static final String CUTOFF_KEY = "retention.cutoff";
  /** The index layout above; archives written in another cannot be read by this code. */
  private static final String FORMAT = "2";
  private static final List<String> FACETS = RecordDocument.FACETS;

  /**
   * A whole version every this many versions of an object. With deltas against the chain's
   * whole version a read costs the same for any length; longer chains save disk until the
   * object has drifted far from its whole version.
   */
  static final int FULL_VERSION_EVERY = 50;
  /**
   * The whole versions kept for the next deltas, by size: past this the least recently changed
   * objects are forgotten, and their next versions start new chains (a whole version more).
   */
  private static final long MAX_TRACKED_BYTES = 96L << 20;
  /** Threads that index the journal (IndexWriter takes documents from several at once). */
  private static final int INDEXING_THREADS = 2;
  /** Journal records indexed between two updates of the indexed position. */
  private static final int INDEXING_CHUNK = 4096;
  /** Fewer records than this a thread are indexed on one thread: handing over costs more. */
  private static final int MIN_SHARE = 256;

  private final Journal journal;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final ScheduledExecutorService indexer;
  /** Threads that index beside the indexer thread, or null on a single processor. */
  private final ExecutorService helpers;
  private final int fullVersionEvery;
  /**
   * The journal position before which every record is in the index; written by the indexer
   * thread, read by the committer.
   */
  private volatile long indexed;
  /** Records past {@link #indexed} that the last commit already holds: the replay skips them. */
  private Set<Long> committedAhead = Set.of();
  /** The position the previous commit reached: journal segments before it may go; guarded by {@link #commitLock}. */
  private long previousCommit;
  private final Object commitLock = new Object();
  private final ScheduledExecutorService committer;
  /** Removes what the retention does not keep; its cutoff is committed with the index. */
  private final IndexRetention retention;
  /** Facet ordinals of the searcher in use: costly to build, so built once per searcher. */
  private volatile View view;

  /** Each recently changed object's chain, least recently changed first; guarded by itself. */
  private final LinkedHashMap<String, Chain> chains = new LinkedHashMap<>(1024, 0.75f, true);
  /** Heap bytes of the whole versions in {@link #chains}, indexes included; guarded by it. */
  private long trackedBytes;

  /**
   * An object's chain: its whole version, the chain's id, how many versions it holds, and the
   * whole version's journal write (a delta counts as recorded only once that has succeeded).
   */
  private record Chain(JournalRecords.Whole whole, String id, int versions,
      CompletableFuture<Long> written) {
    Chain next() {
      return new Chain(whole, id, versions + 1, written);
    }
  }

  /** A searcher and the facet state of its reader (null when no document has a facet). */
  private record View(IndexSearcher searcher, SortedSetDocValuesReaderState facets) {
    static View of(IndexSearcher searcher) throws IOException {
      SortedSetDocValuesReaderState state;
      try {
        state = new DefaultSortedSetDocValuesReaderState(searcher.getIndexReader(), facetsConfig());
      } catch (IllegalArgumentException e) {
        state = null; // no document has a facet yet
      }
      return new View(searcher, state);
    }
  }

  private LuceneArchive(Path folder, Duration syncInterval, int fullVersionEvery,
      Retention retention, Clock clock, long segmentBytes) throws IOException {
    long minBytes = Retention.MIN_BYTES / Journal.DEFAULT_SEGMENT_BYTES * segmentBytes;
    if (retention.maxBytes() != null && retention.maxBytes() < minBytes) {
      throw new IllegalArgumentException("the archive's size limit, "
          + Retention.bytes(retention.maxBytes()) + ", is below the " + Retention.bytes(minBytes)
          + " its journal alone may take; allow at least " + Retention.bytes(minBytes));
    }
    this.fullVersionEvery = fullVersionEvery;
    journal = Journal.open(folder.resolve("journal"), syncInterval, segmentBytes);
    directory = FSDirectory.open(folder.resolve("index"));
    writer = new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer())
        // LZ4, not DEFLATE, for the stored records: deltas keep the index at about 2 % of the
        // raw JSON either way, and LZ4 costs a tenth of the ingest CPU less and reads a
        // search's 50 objects twice as fast.
        .setCodec(new Lucene104Codec(Lucene104Codec.Mode.BEST_SPEED))
        .setRAMBufferSizeMB(64)
        // A commit a second flushes a small segment; packing each into a compound file would
        // copy it once more, and merges pack the ones that last.
        .setUseCompoundFile(false)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
    checkFormat(writer.getLiveCommitData(), writer.getDocStats().maxDoc, folder);
    indexed = committedPosition(writer.getLiveCommitData());
    searchers = new SearcherManager(writer, null);
    this.retention = new IndexRetention(retention, clock, folder,
        journal::currentSegmentBytes, writer, searchers, fullVersionEvery,
        committedCutoff(writer.getLiveCommitData()));
    int threads = Math.min(INDEXING_THREADS, Runtime.getRuntime().availableProcessors());
    helpers = threads < 2 ? null : Executors.newFixedThreadPool(threads - 1, r -> Thread.ofPlatform()
        .name("archive-indexer-helper").daemon(true).unstarted(r));
    long replayed = indexed;
    committedAhead = indexedFrom(indexed);
    indexAvailable();
    committedAhead = Set.of();
    if (indexed > replayed) {
      logger.info("replayed the journal into the index from position {} to {}", replayed, indexed);
    }
    commit();
    indexer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
        .name("archive-indexer").daemon(true).unstarted(r));
    indexer.scheduleWithFixedDelay(this::tail, 100, 100, TimeUnit.MILLISECONDS);
    committer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
        .name("archive-committer").daemon(true).unstarted(r));
    committer.scheduleWithFixedDelay(this::commitQuietly, 1, 1, TimeUnit.SECONDS);
    if (!retention.keepsForever()) {
      indexer.scheduleWithFixedDelay(this::retainQuietly, 0, 1, TimeUnit.MINUTES);
    }
  }

  /** Opens (or creates) the archive in {@code folder} for writing, keeping every record. */
  public static LuceneArchive open(Path folder) throws IOException {
    return open(folder, Retention.FOREVER);
  }

  /**
   * Opens (or creates) the archive in {@code folder} for writing; one writer at a time. What
   * {@code retention} does not keep is removed at open and then every minute.
   *
   * @throws IllegalArgumentException when the size limit is below {@link Retention#MIN_BYTES}
   */
  public static LuceneArchive open(Path folder, Retention retention) throws IOException {
    return new LuceneArchive(folder, Duration.ofMillis(50), FULL_VERSION_EVERY, retention,
        Clock.systemUTC(), Journal.DEFAULT_SEGMENT_BYTES);
  }

  /** For measurements: {@code fullVersionEvery} 1 stores every version whole. */
  static LuceneArchive open(Path folder, int fullVersionEvery) throws IOException {
    return new LuceneArchive(folder, Duration.ofMillis(50), fullVersionEvery, Retention.FOREVER,
        Clock.systemUTC(), Journal.DEFAULT_SEGMENT_BYTES);
  }

  /**
   * For tests: retention by {@code clock}, journal segments of {@code segmentBytes} (the least
   * size limit scales with them).
   */
  static LuceneArchive open(Path folder, Retention retention, Clock clock, long segmentBytes)
      throws IOException {
    return new LuceneArchive(folder, Duration.ofMillis(50), FULL_VERSION_EVERY, retention, clock,
        segmentBytes);
  }

  private static FacetsConfig facetsConfig() {
    FacetsConfig config = new FacetsConfig();
    for (String facet : FACETS) {
      config.setMultiValued(facet, false);
      // Searches filter on the keyword fields, which hold the same values: facets only count.
      config.setDrillDownTermsIndexing(facet, FacetsConfig.DrillDownTermsIndexing.NONE);
    }
    return config;
  }

  private static String commitValue(Iterable<Map.Entry<String, String>> commitData, String key) {
    if (commitData != null) {
      for (Map.Entry<String, String> entry : commitData) {
        if (entry.getKey().equals(key)) {
          return entry.getValue();
        }
      }
    }
    return null;
  }

  private static long committedPosition(Iterable<Map.Entry<String, String>> commitData) {
    String position = commitValue(commitData, POSITION_KEY);
    return position == null ? 0 : Long.parseLong(position);
  }

  private static long committedCutoff(Iterable<Map.Entry<String, String>> commitData) {
    String cutoff = commitValue(commitData, CUTOFF_KEY);
    return cutoff == null ? IndexRetention.NONE : Long.parseLong(cutoff);
  }

  private static void checkFormat(Iterable<Map.Entry<String, String>> commitData, int documents,
      Path folder) throws IOException {
    String format = commitValue(commitData, FORMAT_KEY);
    if (documents > 0 && !FORMAT.equals(format)) {
      throw new IOException("the archive in " + folder + " was written by an earlier kubetape"
          + " (archive format " + (format == null ? "1" : format) + "; this one reads format "
          + FORMAT + "); move it aside or choose another --archive");
    }
  }

  /**
   * Journals a record. An object version is diffed here, on the appending thread, against its
   * chain's whole version: the journal and the index then hold a delta, with a whole version
   * every {@code fullVersionEvery} versions starting a new chain.
   */
  @Override
  public CompletableFuture<Void> append(ArchiveRecord record) {
    byte[] body = record.body() == null ? null : record.body().getBytes(StandardCharsets.UTF_8);
    if (body == null || !record.type().equals("object") || record.uid() == null) {
      return journal.append(JournalRecords.encode(record, body == null ? JournalRecords.NO_BODY
          : JournalRecords.FULL, null, body)).thenApply(position -> null);
    }
    String uid = record.uid();
    Chain chain;
    synchronized (chains) {
      chain = chains.get(uid);
    }
    if (chain != null && chain.versions() < fullVersionEvery) {
      byte[] delta = JournalRecords.delta(chain.whole(), body);
      if (delta.length <= body.length / 2) {
        byte[] payload = JournalRecords.encode(record, JournalRecords.DELTA, chain.id(), delta);
        CompletableFuture<Long> written = null;
        synchronized (chains) {
          // Only against a chain still tracked, whose whole version has not failed: a failed
          // one fails what queued behind it (see Journal#append), and a delta appended after
          // that would outlive it; retention keeps the whole versions of tracked chains, and
          // of those journaled deltas need. Else this version starts a new chain.
          if (chains.get(uid) == chain && !chain.written().isCompletedExceptionally()) {
            written = journal.append(payload);
            chains.put(uid, chain.next());
          }
        }
        if (written != null) {
          // Recorded only if the whole version it needs is too.
          return written.thenCombine(chain.written(), (position, whole) -> null);
        }
      }
    }
    String id = uid + "@" + record.time().toEpochMilli() + "." + System.nanoTime();
    JournalRecords.Whole whole = new JournalRecords.Whole(body);
    byte[] payload = JournalRecords.encode(record, JournalRecords.FULL, id, body);
    Chain started;
    synchronized (chains) {
      // Journaled under the lock: a delta against this version is always journaled after it.
      started = new Chain(whole, id, 1, journal.append(payload));
      track(uid, started);
    }
    started.written().whenComplete((position, failure) -> {
      if (failure != null) {
        synchronized (chains) {
          if (chains.get(uid) == started) {
            untrack(uid);
          }
        }
      }
    });
    return started.written().thenApply(position -> null);
  }

  /** Remembers an object's new chain; forgets the least recently changed past the budget. */
  private void track(String uid, Chain chain) {
    Chain previous = chains.put(uid, chain);
    trackedBytes += chain.whole().size() - (previous == null ? 0 : previous.whole().size());
    Iterator<Map.Entry<String, Chain>> eldest = chains.entrySet().iterator();
    while (trackedBytes > MAX_TRACKED_BYTES && eldest.hasNext()) {
      trackedBytes -= eldest.next().getValue().whole().size();
      eldest.remove();
    }
  }

  private void untrack(String uid) {
    Chain removed = chains.remove(uid);
    if (removed != null) {
      trackedBytes -= removed.whole().size();
    }
  }

  private void tail() {
    try {
      indexAvailable();
    } catch (RuntimeException e) {
      logger.warn("indexing the journal failed; will retry", e);
    }
  }

  /**
   * Indexes the journal from {@link #indexed} to its durable end, a chunk at a time, each chunk
   * split across the indexing threads: one thread cannot keep up with the journal. The index's
   * order of documents is then not quite the journal's; nothing depends on it.
   */
  private void indexAvailable() {
    indexUpTo(Long.MAX_VALUE);
  }

  /** As {@link #indexAvailable()}, stopping at the journal position {@code limit}. */
  private void indexUpTo(long limit) {
    List<Journal.Entry> chunk = new ArrayList<>(INDEXING_CHUNK);
    long end = journal.read(indexed, limit, entry -> {
      chunk.add(entry);
      if (chunk.size() == INDEXING_CHUNK) {
        indexChunk(chunk);
        chunk.clear();
      }
    });
    indexChunk(chunk);
    indexed = Math.max(indexed, end);
  }

  private void indexChunk(List<Journal.Entry> chunk) {
    if (chunk.isEmpty()) {
      return;
    }
    if (helpers == null || chunk.size() < 2 * MIN_SHARE) {
      chunk.forEach(this::index);
    } else {
      int share = chunk.size() / INDEXING_THREADS;
      List<Future<?>> others = new ArrayList<>();
      for (int from = share; from < chunk.size(); from += share) {
        List<Journal.Entry> part = chunk.subList(from, Math.min(chunk.size(), from + share));
        others.add(helpers.submit(() -> part.forEach(this::index)));
      }
      chunk.subList(0, share).forEach(this::index);
      for (Future<?> other : others) {
        try {
          other.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while indexing the journal", e);
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException runtime ? runtime
              : new IllegalStateException("indexing the journal failed", e.getCause());
        }
      }
    }
    Journal.Entry last = chunk.get(chunk.size() - 1);
    indexed = last.position() + Journal.HEADER_BYTES + last.payload().length;
  }

  private void retainQuietly() {
    try {
      retain();
    } catch (IOException | RuntimeException e) {
      logger.warn("applying the archive's retention failed; will retry in a minute", e);
    }
  }

  /**
   * A retention pass, on the indexer thread. The chains still extended are taken, and a barrier
   * queued in the journal, in one step under the lock that appends journal under: the index is
   * then brought exactly up to the barrier. Every delta is then either indexed, where retention
   * sees which whole version it needs, or was appended later, against a chain still extended.
   */
  private void retain() throws IOException {
    Set<String> extending = new HashSet<>();
    CompletableFuture<Long> barrier;
    synchronized (chains) {
      chains.values().forEach(chain -> extending.add(chain.id()));
      barrier = journal.barrier();
    }
    long reached;
    try {
      reached = barrier.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      logger.warn("the journal could not write ({}); retention waits for its next pass",
          e.getCause() == null ? "nothing written for 30 s" : e.getCause().getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    indexUpTo(reached);
    retention.enforce(extending, () -> {
      commit();
      searchers.maybeRefreshBlocking();
    });
    commit();
  }

  /** Runs a retention pass now and waits for it (tests; the archive runs one a minute). */
  void enforceRetention() {
    try {
      indexer.submit(() -> {
        retain();
        return null;
      }).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the retention pass failed", e.getCause());
    }
  }

  /** Bytes of the archive folder that a size limit counts: the journal and the index. */
  long folderBytes() {
    return retention.folderBytes();
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
    synchronized (commitLock) {
      long position = indexed;
      Map<String, String> data = new HashMap<>(Map.of(POSITION_KEY, Long.toString(position),
          FORMAT_KEY, FORMAT));
      if (retention.cutoff() != IndexRetention.NONE) {
        data.put(CUTOFF_KEY, Long.toString(retention.cutoff()));
      }
      writer.setLiveCommitData(data.entrySet());
      writer.commit();
      journal.deleteSegmentsBefore(previousCommit);
      previousCommit = position;
    }
  }

  /** The positions of the records at or past {@code from} that the index holds. */
  private Set<Long> indexedFrom(long from) throws IOException {
    Set<Long> positions = new HashSet<>();
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        PointValues points = leaf.reader().getPointValues("position");
        if (points == null) {
          continue;
        }
        points.intersect(new PointValues.IntersectVisitor() {
          @Override
          public void visit(int doc) {
            throw new IllegalStateException("every cell is visited value by value");
          }

          @Override
          public void visit(int doc, byte[] value) {
            long position = LongPoint.decodeDimension(value, 0);
            if (position >= from) {
              positions.add(position);
            }
          }

          @Override
          public PointValues.Relation compare(byte[] min, byte[] max) {
            return LongPoint.decodeDimension(max, 0) < from ? PointValues.Relation.CELL_OUTSIDE_QUERY
                : PointValues.Relation.CELL_CROSSES_QUERY;
          }
        });
      }
    }
    return positions;
  }

  private void index(Journal.Entry entry) {
    if (committedAhead.contains(entry.position())) {
      return;
    }
    try {
      writer.addDocument(RecordDocument.of(entry));
    } catch (IOException e) {
      throw new UncheckedIOException("could not index the journal record at " + entry.position(), e);
    }
  }

  /** Brings the index up to the journal's end first: whatever was acknowledged is found. */
  private void catchUp() {
    try {
      indexer.submit(this::tail).get();
      searchers.maybeRefreshBlocking();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("indexing the journal failed", e.getCause());
    } catch (IOException e) {
      throw new UncheckedIOException("could not open the archive's index for reading", e);
    }
  }

  /** The current searcher with its facet state; release the searcher after use. */
  private View acquire() throws IOException {
    IndexSearcher searcher = searchers.acquire();
    View current = view;
    if (current == null || current.searcher() != searcher) {
      current = View.of(searcher);
      view = current;
    }
    return current;
  }

  @Override
  public Hits search(Query query) {
    catchUp();
    try {
      View current = acquire();
      try {
        return search(current, query, retention.cutoff());
      } finally {
        searchers.release(current.searcher());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not search the archive", e);
    }
  }

  @Override
  public List<ArchiveRecord> rollout(String rolloutId) {
    catchUp();
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return rollout(searcher, rolloutId, retention.cutoff());
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the archive", e);
    }
  }

  private static List<ArchiveRecord> rollout(IndexSearcher searcher, String rolloutId,
      long cutoff) throws IOException {
    org.apache.lucene.search.Query query = new TermQuery(new Term("rolloutId", rolloutId));
    if (cutoff != IndexRetention.NONE) {
      query = new BooleanQuery.Builder().add(query, BooleanClause.Occur.MUST)
          .add(LongPoint.newRangeQuery("time", cutoff, Long.MAX_VALUE), BooleanClause.Occur.FILTER)
          .build();
    }
    // As many as there are, not as many as the index holds: the top-hits queue is that big.
    TopFieldDocs top = searcher.search(query, Math.max(1, searcher.count(query)),
        new Sort(new SortField("time", SortField.Type.LONG)));
    return records(searcher.getIndexReader(), top.scoreDocs);
  }

  /** Hides what is older than the retention's cutoff: whole versions kept for newer ones. */
  private static Hits search(View view, Query query, long cutoff) throws IOException {
    IndexSearcher searcher = view.searcher();
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    String text = query.text() == null ? "" : query.text().trim();
    if (text.isEmpty() || text.equals("*")) {
      builder.add(MatchAllDocsQuery.INSTANCE, BooleanClause.Occur.MUST);
    } else {
      QueryParser parser = new MultiFieldQueryParser(new String[] {"message", "log"},
          queryAnalyzer());
      parser.setAllowLeadingWildcard(true);
      try {
        builder.add(parser.parse(text), BooleanClause.Occur.MUST);
      } catch (ParseException e) {
        throw new IllegalArgumentException("the query '" + text + "' is not valid Lucene syntax: "
            + e.getMessage().lines().findFirst().orElse(""), e);
      }
    }
    if (query.from() != null || query.to() != null || cutoff != IndexRetention.NONE) {
      long from = Math.max(cutoff,
          query.from() == null ? Long.MIN_VALUE : query.from().toEpochMilli());
      long to = query.to() == null ? Long.MAX_VALUE : query.to().toEpochMilli();
      builder.add(LongPoint.newRangeQuery("time", from, to), BooleanClause.Occur.FILTER);
    }
    FacetsCollectorManager.FacetsResult result = FacetsCollectorManager.search(searcher,
        builder.build(), query.limit(), new Sort(new SortField("time", SortField.Type.LONG, true)),
        new FacetsCollectorManager());
    TopFieldDocs top = (TopFieldDocs) result.topDocs();
    List<ArchiveRecord> records = records(searcher.getIndexReader(), top.scoreDocs);
    return new Hits(top.totalHits.value(), records, facetCounts(view.facets(),
        result.facetsCollector()));
  }

  /** Text fields are analysed as they were indexed; every other field is an exact keyword. */
  private static Analyzer queryAnalyzer() {
    Analyzer text = new StandardAnalyzer();
    return new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), Map.of("message", text, "log", text));
  }

  private static Map<String, Map<String, Long>> facetCounts(SortedSetDocValuesReaderState state,
      FacetsCollector collector) throws IOException {
    Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    if (state == null) {
      return counts;
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

  /**
   * The records of some hits, in the hits' order. They are read in index order, with one
   * stored-fields reader, so that hits stored near each other share a decompressed block; a
   * chain's whole version is read once for all its hits.
   */
  private static List<ArchiveRecord> records(IndexReader reader, ScoreDoc[] hits)
      throws IOException {
    int[] docs = new int[hits.length];
    for (int i = 0; i < hits.length; i++) {
      docs[i] = hits[i].doc;
    }
    int[] order = docs.clone();
    Arrays.sort(order);
    StoredFields stored = reader.storedFields();
    Map<Integer, ArchiveRecord> read = new HashMap<>();
    Map<String, JournalRecords.Decoded> wholes = new HashMap<>();
    for (int doc : order) {
      read.put(doc, record(reader, stored, doc, wholes));
    }
    List<ArchiveRecord> records = new ArrayList<>(hits.length);
    for (int doc : docs) {
      records.add(read.get(doc));
    }
    return records;
  }

  /** One stored record, its body rebuilt when it is a delta. */
  static ArchiveRecord record(IndexReader reader, StoredFields stored, int doc,
      Map<String, JournalRecords.Decoded> wholes) throws IOException {
    JournalRecords.Decoded decoded = JournalRecords.decode(storedRecord(stored, doc));
    String body = decoded.bodyText();
    if (decoded.form() == JournalRecords.DELTA) { // rebuilt from the chain's whole version
      JournalRecords.Decoded whole = wholes.get(decoded.chain());
      if (whole == null) {
        whole = whole(reader, stored, doc, decoded.chain());
        wholes.put(decoded.chain(), whole);
      }
      body = whole == null ? null : decoded.bodyText(whole);
    }
    ArchiveRecord header = decoded.header();
    return new ArchiveRecord(header.time(), header.type(), header.kind(), header.namespace(),
        header.name(), header.uid(), header.rolloutId(), header.status(), header.reason(),
        header.message(), header.attributes(), header.images(), body);
  }

  /**
   * The whole version that starts a chain, looked up by its term: first in the delta's own
   * segment and those before it (it was indexed earlier), then the rest. Null when the
   * whole version is missing (its write failed, so the delta was never acknowledged).
   */
  private static JournalRecords.Decoded whole(IndexReader reader, StoredFields stored, int doc,
      String chain) throws IOException {
    List<LeafReaderContext> leaves = reader.leaves();
    int own = org.apache.lucene.index.ReaderUtil.subIndex(doc, leaves);
    BytesRef term = new BytesRef(chain);
    for (int i = 0; i < leaves.size(); i++) {
      LeafReaderContext leaf = leaves.get(i <= own ? own - i : i);
      Terms terms = leaf.reader().terms("chain");
      if (terms == null) {
        continue;
      }
      TermsEnum found = terms.iterator();
      if (!found.seekExact(term)) {
        continue;
      }
      PostingsEnum postings = found.postings(null, PostingsEnum.NONE);
      int whole = postings.nextDoc();
      if (whole != DocIdSetIterator.NO_MORE_DOCS) {
        return JournalRecords.decode(storedRecord(stored, leaf.docBase + whole));
      }
    }
    return null;
  }

  static byte[] storedRecord(StoredFields stored, int doc) throws IOException {
    byte[][] found = new byte[1][];
    stored.document(doc, new StoredFieldVisitor() {
      @Override
      public Status needsField(FieldInfo field) {
        return found[0] != null ? Status.STOP
            : field.name.equals("record") ? Status.YES : Status.NO;
      }

      @Override
      public void binaryField(FieldInfo field, byte[] value) {
        found[0] = value;
      }
    });
    if (found[0] == null) {
      throw new IOException("document " + doc + " of the archive's index has no stored record");
    }
    return found[0];
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
    private final View view;
    private final long cutoff;

    ReadOnlyArchive(Path folder) throws IOException {
      Path indexFolder = folder.resolve("index");
      long position = 0;
      long cutoff = IndexRetention.NONE;
      IndexReader onDisk = null;
      Directory disk = null;
      if (Files.isDirectory(indexFolder) && DirectoryReader.indexExists(FSDirectory.open(indexFolder))) {
        disk = FSDirectory.open(indexFolder);
        DirectoryReader reader = DirectoryReader.open(disk);
        Map<String, String> userData = reader.getIndexCommit().getUserData();
        checkFormat(userData.entrySet(), reader.maxDoc(), folder);
        position = committedPosition(userData.entrySet());
        cutoff = committedCutoff(userData.entrySet());
        onDisk = reader;
      }
      Directory memory = new ByteBuffersDirectory();
      try (IndexWriter tail = new IndexWriter(memory, new IndexWriterConfig(new StandardAnalyzer()))) {
        Journal.readOnly(folder.resolve("journal"), position, entry -> {
          try {
            tail.addDocument(RecordDocument.of(entry));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        tail.commit();
      }
      IndexReader inMemory = DirectoryReader.open(memory);
      this.reader = onDisk == null ? inMemory : new MultiReader(onDisk, inMemory);
      this.committed = disk;
      this.view = View.of(new IndexSearcher(reader));
      this.cutoff = cutoff;
    }

    @Override
    public CompletableFuture<Void> append(ArchiveRecord record) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException(
          "this archive was opened for reading"));
    }

    @Override
    public Hits search(Query query) {
      try {
        return LuceneArchive.search(view, query, cutoff);
      } catch (IOException e) {
        throw new UncheckedIOException("could not search the archive", e);
      }
    }

    @Override
    public List<ArchiveRecord> rollout(String rolloutId) {
      try {
        return LuceneArchive.rollout(view.searcher(), rolloutId, cutoff);
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
    committer.shutdown();
    indexer.shutdown();
    try {
      committer.awaitTermination(10, TimeUnit.SECONDS);
      indexer.awaitTermination(10, TimeUnit.SECONDS);
      journal.close();
      indexAvailable();
      commit();
      if (helpers != null) {
        helpers.shutdown();
      }
      searchers.close();
      writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not close the archive cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
