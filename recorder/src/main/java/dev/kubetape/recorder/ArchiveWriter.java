package dev.kubetape.recorder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every recorded thing goes: appends to the archive without waiting, and accounts for
 * what could not be written. When the archive fails (a full disk, most likely) recording stops
 * but nothing else does: kubectl keeps working through the proxy, the loss is counted, logged
 * once per interval and visible in {@link #problem()}; when appends succeed again, a "gap"
 * record says from when to when and how much was lost, and the log says recording resumed.
 *
 * <p>Thread-safe: the recorder thread, the log followers and the watches all append.
 */
final class ArchiveWriter {
  private static final Logger logger = LoggerFactory.getLogger(ArchiveWriter.class);

  private final Archive archive;
  private final Clock clock;
  private final Duration logInterval;
  final AtomicLong appended = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong gaps = new AtomicLong();
  /** The failing stretch, or null while appends succeed; guarded by {@code this}. */
  private Outage outage;
  private Instant nextLog = Instant.MIN;

  private static final class Outage {
    final Instant since;
    final String cause;
    long lost;
    long loggedLost;

    Outage(Instant since, String cause) {
      this.since = since;
      this.cause = cause;
    }
  }

  ArchiveWriter(Archive archive, Clock clock, Duration logInterval) {
    this.archive = archive;
    this.clock = clock;
    this.logInterval = logInterval;
  }

  Archive archive() {
    return archive;
  }

  /** Appends; the future completes once the record is durable, and never fails. */
  CompletableFuture<Boolean> append(ArchiveRecord record) {
    CompletableFuture<Void> written;
    try {
      written = archive.append(record);
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    return written.handle((ok, error) -> {
      if (error == null) {
        appended.incrementAndGet();
        recovered();
        return true;
      }
      failed.incrementAndGet();
      lost(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
          ? error.getCause() : error);
      return false;
    });
  }

  private void lost(Throwable error) {
    Instant now = clock.instant();
    synchronized (this) {
      if (outage == null) {
        outage = new Outage(now, error.getMessage() == null ? error.toString() : error.getMessage());
        logger.error("recording stopped: the archive cannot be written ({}); kubectl keeps working"
            + " through kubetape, what happens now is counted as lost, and recording resumes by"
            + " itself once the archive can be written again (free some disk space)", outage.cause);
        nextLog = now.plus(logInterval);
      }
      outage.lost++;
      if (!now.isBefore(nextLog)) {
        logger.error("recording is still stopped since {} ({}): {} records lost so far", outage.since,
            outage.cause, outage.lost);
        outage.loggedLost = outage.lost;
        nextLog = now.plus(logInterval);
      }
    }
  }

  private void recovered() {
    Outage ended;
    synchronized (this) {
      if (outage == null) {
        return;
      }
      ended = outage;
      outage = null;
    }
    Instant now = clock.instant();
    gaps.incrementAndGet();
    logger.warn("recording resumed: the archive is written again; {} records were lost between {} and {}"
        + " ({})", ended.lost, ended.since, now, ended.cause);
    append(new ArchiveRecord(now, "gap", null, null, null, null, null, null, "ArchiveUnwritable",
        "recording gap " + ended.since + " to " + now + ": " + ended.lost
            + " records lost because the archive could not be written (" + ended.cause + ")",
        Map.of("from", ended.since.toString(), "to", now.toString(), "lost", Long.toString(ended.lost)),
        null, null));
  }

  /** Since when recording is stopped, or null while it works. */
  synchronized Instant stoppedSince() {
    return outage == null ? null : outage.since;
  }

  /** Why recording is stopped, or null while it works. */
  synchronized String problem() {
    return outage == null ? null : "recording stopped since " + outage.since + " (" + outage.cause
        + "): " + outage.lost + " records lost so far";
  }
}
