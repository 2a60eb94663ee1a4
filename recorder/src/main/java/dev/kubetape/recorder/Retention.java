package dev.kubetape.recorder;

import java.time.Duration;

/**
 * How much the archive keeps: records up to an age, and the archive folder (journal and index)
 * up to a size. Either limit may be null, for none; {@link #FOREVER} keeps everything. The
 * oldest records go first, whichever limit is reached; see {@link LuceneArchive} for what is
 * removed when and what is kept regardless.
 *
 * @param maxAge how old a record (by its own time) may get, or null to keep records forever
 * @param maxBytes how big the archive folder may get, at least {@link #MIN_BYTES}, or null for
 *     no limit
 */
public record Retention(Duration maxAge, Long maxBytes) {
  /** Keeps every record. */
  public static final Retention FOREVER = new Retention(null, null);
  /**
   * The smallest size limit: the journal, which retention does not shrink (its segments go
   * once the index has committed them), may take 32 MiB of it by itself.
   */
  public static final long MIN_BYTES = 64L << 20;

  public Retention {
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("the archive's maximum age must be positive, not "
          + maxAge);
    }
    if (maxBytes != null && maxBytes <= 0) {
      throw new IllegalArgumentException("the archive's maximum size must be positive, not "
          + maxBytes + " bytes");
    }
  }

  /** Keeps records younger than {@code maxAge}. */
  public static Retention ofAge(Duration maxAge) {
    return new Retention(maxAge, null);
  }

  /** Keeps the newest records that fit in {@code maxBytes}. */
  public static Retention ofSize(long maxBytes) {
    return new Retention(null, maxBytes);
  }

  public Retention withMaxAge(Duration age) {
    return new Retention(age, maxBytes);
  }

  public Retention withMaxBytes(Long bytes) {
    return new Retention(maxAge, bytes);
  }

  /** True when nothing is ever removed. */
  public boolean keepsForever() {
    return maxAge == null && maxBytes == null;
  }

  /** As a person reads it in the effective configuration: {@code 30d, 10 GiB}. */
  @Override
  public String toString() {
    if (keepsForever()) {
      return "forever";
    }
    String age = maxAge == null ? null : age(maxAge);
    String size = maxBytes == null ? null : bytes(maxBytes);
    return age == null ? size : size == null ? age : age + ", " + size;
  }

  /** {@code 30d}, {@code 36h}, {@code 1d12h30m}: how flags spell durations. */
  static String age(Duration age) {
    StringBuilder text = new StringBuilder();
    long seconds = age.toSeconds();
    long[] units = {86_400, 3_600, 60, 1};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (seconds >= units[i]) {
        text.append(seconds / units[i]).append(names[i]);
        seconds %= units[i];
      }
    }
    return text.isEmpty() ? age.toMillis() + "ms" : text.toString();
  }

  static String bytes(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return (value == Math.rint(value) ? String.valueOf((long) value)
        : String.format(java.util.Locale.ROOT, "%.1f", value)) + " " + units[unit];
  }
}
