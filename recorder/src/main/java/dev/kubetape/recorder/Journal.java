package dev.kubetape.recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive's memory: an append-only log of records in segment files. A record counts as
 * recorded once it is fsynced; {@link #append} completes then, never before. Appends are
 * grouped: one writer thread writes whatever has queued and forces it to disk at most every
 * {@code syncInterval}, so thousands of records share one fsync.
 *
 * <p>Storage layout, one folder:
 * <pre>
 *   00000000000000000000.seg     segment files, named by the journal position of their
 *   00000000000016777216.seg     first record (20 digits), rolled at about 16 MiB
 *
 *   record := length u32 (big-endian, bytes of payload)
 *             crc32c u32 (of payload)
 *             payload    (length bytes)
 * </pre>
 * A position is the byte offset of a record in the whole journal, so it orders records and
 * names where a reader (the Lucene index) has got to. At open, a torn or corrupt tail of the
 * last segment (a crash mid-write) is cut off, with a warning that says how many bytes.
 */
final class Journal implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Journal.class);

  /** Small enough that the current segment, which stays until the next, costs little disk. */
  static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
  static final int HEADER_BYTES = 8;
  /** No record is bigger than this; a larger length in a header means corruption. */
  static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
  private static final int READ_BUFFER_BYTES = 1 << 20;
  /** A batch is written in pieces of about this size: one system call each, not one a record. */
  private static final int WRITE_BUFFER_BYTES = 1 << 20;

  /** One record as read back: where it is and what it holds. */
  record Entry(long position, byte[] payload) {}

  /** A record to write, or (payload null) a barrier that completes when those before it have. */
  private record Pending(byte[] payload, CompletableFuture<Long> done) {}

  private final Path folder;
  private final Duration syncInterval;
  private final long segmentBytes;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  /** Segment start position to file; read by any thread, changed by the writer and retention. */
  private final NavigableMap<Long, Path> segments = new ConcurrentSkipListMap<>();
  private final Thread writer;
  /** Owned by the writer thread. */
  private FileChannel channel;
  private ByteBuffer writeBuffer = ByteBuffer.allocate(WRITE_BUFFER_BYTES).order(ByteOrder.BIG_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private long segmentStart;
  private long end;
  private volatile long durable;
  private volatile boolean closed;
  private volatile IOException failure;

  private Journal(Path folder, Duration syncInterval, long segmentBytes) throws IOException {
    this.folder = folder;
    this.syncInterval = syncInterval;
    this.segmentBytes = segmentBytes;
    Files.createDirectories(folder);
    try (Stream<Path> files = Files.list(folder)) {
      files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.seg"))
          .forEach(f -> segments.put(startOf(f), f));
    }
    if (segments.isEmpty()) {
      segments.put(0L, segmentPath(0));
      Files.createFile(segmentPath(0));
    }
    segmentStart = segments.lastKey();
    end = segmentStart + recover(segments.lastEntry().getValue());
    durable = end;
    channel = FileChannel.open(segments.lastEntry().getValue(), StandardOpenOption.WRITE);
    channel.position(end - segmentStart);
    writer = Thread.ofPlatform().name("journal-writer").daemon(true).start(this::writeLoop);
  }

  /** Opens (or creates) the journal in {@code folder}, cutting off a torn tail. */
  static Journal open(Path folder, Duration syncInterval) throws IOException {
    return new Journal(folder, syncInterval, DEFAULT_SEGMENT_BYTES);
  }

  /** As {@link #open(Path, Duration)}, rolling to a new segment at about {@code segmentBytes}. */
  static Journal open(Path folder, Duration syncInterval, long segmentBytes) throws IOException {
    return new Journal(folder, syncInterval, segmentBytes);
  }

  private static long startOf(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - ".seg".length()));
  }

  private Path segmentPath(long start) {
    return folder.resolve(String.format("%020d.seg", start));
  }

  /** Checks every record of the last segment; cuts the file after the last good one. */
  private static long recover(Path segment) throws IOException {
    long size = Files.size(segment);
    long good;
    try (FileChannel in = FileChannel.open(segment, StandardOpenOption.READ)) {
      good = scan(in, 0, 0, Long.MAX_VALUE, entry -> { });
    }
    if (good < size) {
      logger.warn("the journal segment {} ends in {} bytes that are not a whole, intact record"
          + " (a crash while writing); cutting them off. Nothing acknowledged is lost: records"
          + " count as recorded only once fsynced.", segment, size - good);
      try (FileChannel out = FileChannel.open(segment, StandardOpenOption.WRITE)) {
        out.truncate(good);
        out.force(true);
      }
    }
    return good;
  }

  /**
   * Hands every whole, intact record of a segment from {@code offset} on, and before the journal
   * position {@code limit}, to the consumer; returns the offset after the last one. Reads a
   * megabyte at a time, not two system calls a record.
   */
  private static long scan(FileChannel in, long segmentStart, long offset, long limit,
      java.util.function.Consumer<Entry> consumer) throws IOException {
    long size = Math.min(in.size(), limit - segmentStart);
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES).order(ByteOrder.BIG_ENDIAN);
    buffer.limit(0);
    CRC32C check = new CRC32C();
    while (offset + HEADER_BYTES <= size) {
      buffer = fill(in, buffer, offset, HEADER_BYTES);
      int length = buffer.getInt(buffer.position());
      int crc = buffer.getInt(buffer.position() + 4);
      if (length < 0 || length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > size) {
        break;
      }
      buffer = fill(in, buffer, offset, HEADER_BYTES + length);
      if (buffer.remaining() < HEADER_BYTES + length) {
        break; // the file is shorter than its size said: being cut
      }
      byte[] payload = new byte[length];
      buffer.get(buffer.position() + HEADER_BYTES, payload);
      check.reset();
      check.update(payload);
      if ((int) check.getValue() != crc) {
        break;
      }
      consumer.accept(new Entry(segmentStart + offset, payload));
      buffer.position(buffer.position() + HEADER_BYTES + length);
      offset += HEADER_BYTES + length;
    }
    return offset;
  }

  /**
   * Makes {@code buffer} (positioned at the file's {@code offset}) hold at least {@code needed}
   * bytes from there, as far as the file has them; may return a bigger buffer.
   */
  private static ByteBuffer fill(FileChannel in, ByteBuffer buffer, long offset, int needed)
      throws IOException {
    if (buffer.remaining() >= needed) {
      return buffer;
    }
    buffer.compact();
    if (buffer.capacity() < needed) {
      buffer = ByteBuffer.allocate(needed).order(ByteOrder.BIG_ENDIAN).put(buffer.flip());
    }
    long at = offset + buffer.position();
    while (buffer.position() < needed) {
      int read = in.read(buffer, at);
      if (read <= 0) {
        break;
      }
      at += read;
    }
    return buffer.flip();
  }

  /**
   * Queues a record; the future completes with its position once it is on disk, or fails when
   * it could not be written (disk full, closed journal), as do the records queued behind it at
   * that moment. A failed record is not in the journal.
   */
  CompletableFuture<Long> append(byte[] payload) {
    if (payload.length > MAX_RECORD_BYTES) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "a journal record is limited to " + MAX_RECORD_BYTES + " bytes, not " + payload.length));
    }
    return enqueue(payload);
  }

  /**
   * Completes once every record appended before this call is on disk or has failed, with the
   * position then reached; writes nothing. Retention waits on it for the records already handed
   * to the journal, so that it sees every delta an object's whole version is still needed by.
   */
  CompletableFuture<Long> barrier() {
    return enqueue(null);
  }

  /** Queues a record, or with a null payload a barrier, for the writer thread. */
  private CompletableFuture<Long> enqueue(byte[] payload) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("the journal is closed"));
      return done;
    }
    queue.add(new Pending(payload, done));
    return done;
  }

  /** The position after the last record known to be on disk. */
  long durablePosition() {
    return durable;
  }

  /** The last write failure, or null while writes succeed (e.g. the disk is full). */
  IOException failure() {
    return failure;
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    long lastSync = System.nanoTime();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        // Group commit: wait out the rest of the sync interval so that one fsync covers all
        // that arrives meanwhile.
        long wait = syncInterval.toNanos() - (System.nanoTime() - lastSync);
        if (wait > 0 && !closed) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        batch.add(first);
        queue.drainTo(batch);
        write(batch);
        lastSync = System.nanoTime();
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  private void write(List<Pending> batch) {
    List<Long> positions = new ArrayList<>(batch.size());
    long start = end;
    try {
      for (Pending pending : batch) {
        if (pending.payload() == null) {
          positions.add(end);
          continue;
        }
        int length = pending.payload().length;
        if (end - segmentStart + HEADER_BYTES + length > segmentBytes && end > segmentStart) {
          flush();
          roll();
        }
        if (writeBuffer.remaining() < HEADER_BYTES + length) {
          flush();
          if (writeBuffer.capacity() < HEADER_BYTES + length) {
            writeBuffer = ByteBuffer.allocate(HEADER_BYTES + length).order(ByteOrder.BIG_ENDIAN);
          }
        }
        crc.reset();
        crc.update(pending.payload());
        writeBuffer.putInt(length).putInt((int) crc.getValue()).put(pending.payload());
        positions.add(end);
        end += HEADER_BYTES + length;
      }
      flush();
      channel.force(false);
      durable = end;
      if (failure != null) {
        logger.info("the journal writes again after {}", failure.getMessage());
        failure = null;
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).done().complete(positions.get(i));
      }
    } catch (IOException e) {
      // Nothing of this batch counts: cut what was written, so no half-recorded batch stays.
      failure = e;
      writeBuffer.clear();
      try {
        if (start >= segmentStart) {
          channel.truncate(start - segmentStart);
          channel.position(start - segmentStart);
          end = start;
        }
      } catch (IOException ignored) {
        // The next open cuts a torn tail anyway.
      }
      for (Pending pending : batch) {
        pending.done().completeExceptionally(e);
      }
      // What queued behind the failed batch fails with it, unwritten: a record may depend on
      // one before it (a delta on its whole version), and must never outlive it in the journal.
      List<Pending> behind = new ArrayList<>();
      queue.drainTo(behind);
      for (Pending pending : behind) {
        pending.done().completeExceptionally(e);
      }
    }
  }

  private void flush() throws IOException {
    writeBuffer.flip();
    while (writeBuffer.hasRemaining()) {
      channel.write(writeBuffer);
    }
    writeBuffer.clear();
  }

  private void roll() throws IOException {
    channel.force(false);
    channel.close();
    segmentStart = end;
    Path next = segmentPath(segmentStart);
    channel = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    segments.put(segmentStart, next);
  }

  /**
   * Reads the records from {@code from} (a position, or 0) up to the durable end, in order,
   * handing each to {@code consumer}; returns the position after the last one read. Safe while
   * the journal is being written, and on a journal that another process writes.
   */
  long read(long from, java.util.function.Consumer<Entry> consumer) {
    return read(folder, segments, from, durable, consumer);
  }

  /** As {@link #read(long, java.util.function.Consumer)}, stopping at {@code limit}. */
  long read(long from, long limit, java.util.function.Consumer<Entry> consumer) {
    return read(folder, segments, from, Math.min(limit, durable), consumer);
  }

  private static long read(Path folder, NavigableMap<Long, Path> segments, long from, long limit,
      java.util.function.Consumer<Entry> consumer) {
    long at = from;
    boolean scanned = false;
    try {
      for (var segment : segments.entrySet()) {
        long start = segment.getKey();
        Long next = segments.higherKey(start);
        if (next != null && next <= at) {
          continue;
        }
        if (start >= limit || (scanned && at < start)) {
          break; // past the durable end, or the segment before ends early: not written yet
        }
        if (!Files.exists(segment.getValue())) {
          continue;
        }
        scanned = true;
        try (FileChannel in = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
          long offset = Math.max(0, at - start);
          at = start + scan(in, start, offset, limit, consumer);
        }
      }
      return at;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the journal in " + folder, e);
    }
  }

  /**
   * Reads a journal folder without opening it for writing (no recovery, no writer): for readers
   * beside a live writer, or of a copied archive. Stops at the first incomplete record.
   */
  static long readOnly(Path folder, long from, java.util.function.Consumer<Entry> consumer) {
    NavigableMap<Long, Path> found = new ConcurrentSkipListMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.seg"))
          .forEach(f -> found.put(startOf(f), f));
    } catch (IOException e) {
      throw new UncheckedIOException("could not list the journal in " + folder, e);
    }
    return read(folder, found, from, Long.MAX_VALUE, consumer);
  }

  /** Segment files with their start positions, oldest first. */
  NavigableMap<Long, Path> segments() {
    return new ConcurrentSkipListMap<>(segments);
  }

  /** Bytes of the segment being written: what the journal takes once the index is committed. */
  long currentSegmentBytes() {
    try {
      return Files.size(segments.lastEntry().getValue());
    } catch (IOException e) {
      return 0; // rolled meanwhile
    }
  }

  /** Deletes whole segments that end at or before {@code position} (never the current one). */
  void deleteSegmentsBefore(long position) throws IOException {
    for (var segment : segments.entrySet()) {
      Long next = segments.higherKey(segment.getKey());
      if (next == null || next > position) {
        return;
      }
      Files.deleteIfExists(segment.getValue());
      segments.remove(segment.getKey());
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    try {
      writer.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.force(true);
    channel.close();
    Pending left;
    while ((left = queue.poll()) != null) {
      left.done().completeExceptionally(new IllegalStateException("the journal is closed"));
    }
  }
}
