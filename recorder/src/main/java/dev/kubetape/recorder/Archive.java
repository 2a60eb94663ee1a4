package dev.kubetape.recorder;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The seam between kubetape and its storage: the recorder writes through it, replay, the web
 * viewer and the CLI read through it. The embedded Lucene archive implements it; the field
 * mapping documented on {@link LuceneArchive} carries over unchanged to OpenSearch, which teams
 * that outgrow one machine will use. No Lucene type appears here.
 */
public interface Archive extends AutoCloseable {

  /** Records durably; the future completes once the record survives a crash. */
  CompletableFuture<Void> append(ArchiveRecord record);

  /** Records matching a query (Lucene syntax over the documented fields), newest first. */
  Hits search(Query query);

  /** Every record of one rollout, in time order. */
  List<ArchiveRecord> rollout(String rolloutId);

  /** What a search asks: the query text, a time range (either end may be null), a limit. */
  record Query(String text, Instant from, Instant to, int limit) {
    public Query {
      if (limit <= 0) {
        throw new IllegalArgumentException("limit must be positive, not " + limit);
      }
    }
  }

  /** Search results: how many matched, the first {@code limit} of them, and facet counts. */
  record Hits(long total, List<ArchiveRecord> records, Map<String, Map<String, Long>> facets) {}

  @Override
  void close();
}
