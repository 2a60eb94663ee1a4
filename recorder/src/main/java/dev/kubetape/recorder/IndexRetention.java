package dev.kubetape.recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link LuceneArchive} within its {@link Retention}: removes the oldest records from
 * the index, everything before a time, the <em>cutoff</em>, which only moves forward and is
 * committed with the index ({@code retention.cutoff}) so that readers hide what is older too.
 * Runs on the archive's indexer thread, once at open and then every minute, after the journal
 * has been indexed up to a barrier; the journal needs nothing of its own, its segments go once
 * a commit covers them (the one being written stays, and is only read to replay after a crash,
 * from the committed position on).
 *
 * <p>An object version stored as a delta is rebuilt from its chain's whole version, which may
 * be older than the cutoff while the delta is not. Such whole versions are kept, hidden behind
 * the cutoff, for as long as a delta newer than the cutoff, or the chain still being extended,
 * needs them: a chain holds at most 50 versions, so they cost little. Their deltas are found
 * among the object's oldest versions after the cutoff, as an object's versions are recorded
 * in the order they are received.
 */
final class IndexRetention {
  private static final Logger logger = LoggerFactory.getLogger(IndexRetention.class);
  /** Before the first cutoff: nothing removed. */
  static final long NONE = Long.MIN_VALUE;
  /** A size pass removes down to this share of the limit, so that it need not run again soon. */
  private static final double SIZE_TARGET = 0.9;

  /** Commits the index, with the cutoff, and brings the searchers up to date. */
  interface Commit {
    void run() throws IOException;
  }

  /** What one removal took: how many records, their time span, whole versions kept. */
  private record Removal(long records, long first, long last, int kept) {
    static final Removal NOTHING = new Removal(0, 0, 0, 0);
  }

  private final Retention retention;
  private final Clock clock;
  private final Path folder;
  /** Bytes the journal keeps once the index is committed: its current segment. */
  private final LongSupplier journalBytes;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final int fullVersionEvery;
  /** Records before this time (epoch ms) are removed but for kept whole versions. */
  private volatile long cutoff;
  /**
   * The newest time of a delta found for a kept whole version, by chain id: the version is
   * kept without looking again until the cutoff passes that. Owned by the indexer thread.
   */
  private final Map<String, Long> neededUntil = new HashMap<>();
  /** Documents left before the cutoff by the last pass (kept whole versions), or -1. */
  private long leftBefore = -1;

  IndexRetention(Retention retention, Clock clock, Path folder, LongSupplier journalBytes,
      IndexWriter writer, SearcherManager searchers, int fullVersionEvery, long cutoff) {
    this.retention = retention;
    this.clock = clock;
    this.folder = folder;
    this.journalBytes = journalBytes;
    this.writer = writer;
    this.searchers = searchers;
    this.fullVersionEvery = fullVersionEvery;
    this.cutoff = cutoff;
  }

  /** Records older than this (epoch ms) are gone from the archive; {@link #NONE} if none. */
  long cutoff() {
    return cutoff;
  }

  /**
   * One pass: by age, then by size. {@code extending} holds the ids of the chains that new
   * deltas may still be stored against, taken when the journal had been handed every record
   * now indexed, and nothing since.
   */
  void enforce(Set<String> extending, Commit commit) throws IOException {
    searchers.maybeRefreshBlocking();
    if (retention.maxAge() != null) {
      long age = ageCutoff();
      if (age > cutoff || recordedBehindCutoff()) {
        Removal removal = remove(Math.max(age, cutoff), extending);
        commit.run();
        if (removal.records() > 0) {
          logger.info("retention removed {} records from {} to {}, older than {}{}",
              removal.records(), Instant.ofEpochMilli(removal.first()),
              Instant.ofEpochMilli(removal.last()), Retention.age(retention.maxAge()),
              keptNote(removal));
        }
      }
    }
    if (retention.maxBytes() != null) {
      enforceSize(extending, commit);
    }
  }

  /**
   * The age cutoff moves in steps of 1 % of the age (a minute to an hour): a pass a step, not a
   * deletion and a log line a minute.
   */
  private long ageCutoff() {
    long age = retention.maxAge().toMillis();
    long step = Math.clamp(age / 100, 60_000L, 3_600_000L);
    return Math.floorDiv(clock.millis() - age, step) * step;
  }

  /** Whether records older than the cutoff came in since it was applied (times in the past). */
  private boolean recordedBehindCutoff() throws IOException {
    if (cutoff == NONE) {
      return false;
    }
    IndexSearcher searcher = searchers.acquire();
    try {
      return searcher.count(before(cutoff)) != leftBefore;
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * Removes the oldest records when the archive is over its size, then has the segments that
   * held them merged away without waiting (the merge policy alone would leave up to a fifth of
   * the index deleted on disk). The next pass measures again once no merge is running: while
   * one is, the folder holds both its input and its output. The journal counts as it is once
   * the index is committed, its current segment: the older ones go within a second or two,
   * and what they hold not yet indexed counts once it is.
   */
  private void enforceSize(Set<String> extending, Commit commit) throws IOException {
    long limit = retention.maxBytes();
    if (writer.hasPendingMerges() || !writer.getMergingSegments().isEmpty()) {
      return;
    }
    commit.run(); // lets go of the files that finished merges replaced
    long size = committedBytes();
    if (size <= limit) {
      return;
    }
    long next = sizeCutoff(size, limit);
    if (next <= cutoff) {
      return; // all but the newest records are gone already
    }
    Removal removal = remove(next, extending);
    writer.forceMergeDeletes(false);
    commit.run();
    if (removal.records() > 0) {
      logger.info("retention removed {} records from {} to {}, the archive taking {}, over its"
              + " {}; their space is freed as their segments are merged{}", removal.records(),
          Instant.ofEpochMilli(removal.first()), Instant.ofEpochMilli(removal.last()),
          Retention.bytes(size), Retention.bytes(limit), keptNote(removal));
    }
  }

  private static String keptNote(Removal removal) {
    return removal.kept() == 0 ? "" : " (kept " + removal.kept()
        + " whole versions, hidden, that newer versions are stored against)";
  }

  /**
   * The time before which enough records go to bring the archive to {@link #SIZE_TARGET} of
   * its limit, taking the index's bytes as spread evenly over its records. Never past the
   * newest record's time: the newest records stay, whatever the limit.
   */
  private long sizeCutoff(long size, long limit) throws IOException {
    long indexBytes = bytes(folder.resolve("index"));
    IndexSearcher searcher = searchers.acquire();
    try {
      IndexReader reader = searcher.getIndexReader();
      byte[] min = PointValues.getMinPackedValue(reader, "time");
      byte[] max = PointValues.getMaxPackedValue(reader, "time");
      if (min == null || indexBytes == 0) {
        return cutoff;
      }
      long low = Math.max(cutoff, LongPoint.decodeDimension(min, 0));
      long high = LongPoint.decodeDimension(max, 0);
      long excess = size - (long) (limit * SIZE_TARGET);
      long kept = searcher.count(from(cutoff));
      long wanted = (long) Math.ceil(kept * Math.min(1.0, (double) excess / indexBytes));
      // The earliest time with at least that many records before it.
      while (low < high) {
        long middle = low + (high - low) / 2;
        if (searcher.count(between(cutoff, middle)) >= wanted) {
          high = middle;
        } else {
          low = middle + 1;
        }
      }
      return low;
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * Removes the records before {@code next}, but for the whole versions still needed, and moves
   * the cutoff there.
   */
  private Removal remove(long next, Set<String> extending) throws IOException {
    searchers.maybeRefreshBlocking();
    IndexSearcher searcher = searchers.acquire();
    try {
      Set<String> keep = wholesToKeep(searcher, next, extending);
      BooleanQuery.Builder query = new BooleanQuery.Builder()
          .add(before(next), BooleanClause.Occur.FILTER);
      if (!keep.isEmpty()) {
        query.add(new TermInSetQuery("chain", keep.stream().map(BytesRef::new).toList()),
            BooleanClause.Occur.MUST_NOT);
      }
      Query expired = query.build();
      long count = searcher.count(expired);
      Removal removal = Removal.NOTHING;
      if (count > 0) {
        removal = new Removal(count, edge(searcher, expired, false), edge(searcher, expired, true),
            keep.size());
        writer.deleteDocuments(expired);
      }
      cutoff = next;
      leftBefore = keep.size();
      return removal;
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * The whole versions before {@code next} that must stay: those of chains still extended, and
   * those a delta at or after {@code next} is stored against.
   */
  private Set<String> wholesToKeep(IndexSearcher searcher, long next, Set<String> extending)
      throws IOException {
    Set<String> keep = new HashSet<>();
    Map<String, Set<String>> unsure = new HashMap<>(); // uid to its chains' ids
    for (String chain : wholesBefore(searcher.getIndexReader(), next)) {
      int at = chain.lastIndexOf('@'); // UID@MILLIS.NANOS
      if (at < 0 || extending.contains(chain) || neededUntil.getOrDefault(chain, NONE) >= next) {
        keep.add(chain);
      } else {
        neededUntil.remove(chain); // needed until before the cutoff: look again
        unsure.computeIfAbsent(chain.substring(0, at), uid -> new HashSet<>()).add(chain);
      }
    }
    Set<String> candidates = new HashSet<>(keep);
    unsure.values().forEach(candidates::addAll);
    neededUntil.keySet().retainAll(candidates);
    StoredFields stored = searcher.getIndexReader().storedFields();
    for (Map.Entry<String, Set<String>> object : unsure.entrySet()) {
      Query newer = new BooleanQuery.Builder()
          .add(new TermQuery(new Term("uid", object.getKey())), BooleanClause.Occur.FILTER)
          .add(new TermQuery(new Term("type", "object")), BooleanClause.Occur.FILTER)
          .add(from(next), BooleanClause.Occur.FILTER)
          .build();
      // A chain's versions follow each other: its deltas after the cutoff, if any, come first.
      TopFieldDocs oldest = searcher.search(newer, fullVersionEvery,
          new Sort(new SortField("time", SortField.Type.LONG)));
      for (ScoreDoc hit : oldest.scoreDocs) {
        JournalRecords.Decoded decoded = JournalRecords.decode(
            LuceneArchive.storedRecord(stored, hit.doc));
        if (decoded.form() == JournalRecords.DELTA && object.getValue().contains(decoded.chain())) {
          neededUntil.merge(decoded.chain(), (Long) ((FieldDoc) hit).fields[0], Math::max);
        }
      }
      for (String chain : object.getValue()) {
        if (neededUntil.containsKey(chain)) {
          keep.add(chain);
        }
      }
    }
    return keep;
  }

  /** The ids of the chains whose whole version is older than {@code next}. */
  private static List<String> wholesBefore(IndexReader reader, long next) throws IOException {
    List<String> chains = new ArrayList<>();
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms terms = leaf.reader().terms("chain");
      if (terms == null) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      Map<Integer, String> byDoc = new TreeMap<>(); // doc values read in doc order
      TermsEnum each = terms.iterator();
      PostingsEnum postings = null;
      for (BytesRef term = each.next(); term != null; term = each.next()) {
        postings = each.postings(postings, PostingsEnum.NONE);
        for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS;
            doc = postings.nextDoc()) {
          if (live == null || live.get(doc)) {
            byDoc.put(doc, term.utf8ToString());
          }
        }
      }
      NumericDocValues times = DocValues.getNumeric(leaf.reader(), "time");
      for (Map.Entry<Integer, String> whole : byDoc.entrySet()) {
        if (times.advanceExact(whole.getKey()) && times.longValue() < next) {
          chains.add(whole.getValue());
        }
      }
    }
    return chains;
  }

  /** The time of the oldest, or newest, record a query finds. */
  private static long edge(IndexSearcher searcher, Query query, boolean newest)
      throws IOException {
    TopFieldDocs top = searcher.search(query, 1,
        new Sort(new SortField("time", SortField.Type.LONG, newest)));
    return (Long) ((FieldDoc) top.scoreDocs[0]).fields[0];
  }

  private static Query before(long time) {
    return LongPoint.newRangeQuery("time", Long.MIN_VALUE, time - 1);
  }

  private static Query from(long time) {
    return LongPoint.newRangeQuery("time", time, Long.MAX_VALUE);
  }

  private static Query between(long from, long before) {
    return LongPoint.newRangeQuery("time", from, before - 1);
  }

  private long committedBytes() {
    return journalBytes.getAsLong() + bytes(folder.resolve("index"));
  }

  /** Bytes of the archive folder that retention answers for: the journal and the index. */
  long folderBytes() {
    return bytes(folder.resolve("journal")) + bytes(folder.resolve("index"));
  }

  private static long bytes(Path directory) {
    long total = 0;
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        try {
          total += Files.size(file);
        } catch (NoSuchFileException e) {
          // merged away or rolled off while counted
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("could not measure the archive folder " + directory, e);
    }
    return total;
  }
}
