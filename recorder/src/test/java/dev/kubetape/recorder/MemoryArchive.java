package dev.kubetape.recorder;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An archive in memory for unit tests: keeps what is appended, and fills up on command. */
final class MemoryArchive implements Archive {
  final List<ArchiveRecord> kept = new CopyOnWriteArrayList<>();
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
    throw new UnsupportedOperationException("MemoryArchive keeps records, it does not search them");
  }

  @Override
  public List<ArchiveRecord> rollout(String rolloutId) {
    return kept.stream().filter(record -> rolloutId.equals(record.rolloutId())).toList();
  }

  @Override
  public void close() {
  }
}
