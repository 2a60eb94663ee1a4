package dev.kubetape.recorder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an {@link ArchiveRecord} is laid out in a journal record (and, byte for byte, in the
 * index's stored {@code record} field):
 * <pre>
 *   format u8         2 (the first format, a JSON header, began with a zero byte)
 *   seconds i64, nanos i32                          the record's time
 *   type kind namespace name uid rolloutId status reason message   (strings)
 *   attributes        count varint, then key and value strings
 *   images            count varint, then strings
 *   form u8           0 no body, 1 the whole body, 3 a delta against the whole version
 *                     that starts the object's chain
 *   chain             string: the id of the object's chain of versions (forms 1 and 3), or null
 *   body              the rest: UTF-8 bytes (form 1) or the delta (form 3)
 *
 *   string := varint (byte length + 1; 0 is null), UTF-8 bytes
 *   varint := 7 bits a byte, low bits first, high bit set on all but the last byte
 *
 *   delta  := targetLength varint, then ops until the end:
 *             varint (n << 1 | 0), n bytes      insert these bytes
 *             varint (n << 1 | 1), offset varint copy n bytes of the whole version from offset
 * </pre>
 * The body, most of a record's bytes, stays out of the header so that it is neither escaped on
 * the way in nor parsed on the way out. An object's versions are stored as deltas from the
 * start, so the journal and the index both stay small. A delta is computed on bytes, not on
 * parsed JSON (parsing a 10 KB pod costs ten times more than the whole delta), and against the
 * chain's whole version rather than the previous one: a version is then rebuilt from exactly
 * two stored records, however long its chain, and byte for byte as it was recorded.
 */
final class JournalRecords {
  static final byte NO_BODY = 0;
  static final byte FULL = 1;
  static final byte DELTA = 3;
  private static final byte FORMAT = 2;

  /** A decoded journal record: the header, and where its body is in the payload. */
  record Decoded(ArchiveRecord header, byte form, String chain, byte[] payload, int bodyOffset) {
    int bodyLength() {
      return payload.length - bodyOffset;
    }

    /** The body as text; null without one, and for a delta (see {@link #bodyText(Decoded)}). */
    String bodyText() {
      return form != FULL ? null
          : new String(payload, bodyOffset, bodyLength(), StandardCharsets.UTF_8);
    }

    /** The body rebuilt from this record's delta and the chain's whole version's body. */
    String bodyText(Decoded whole) {
      if (form != DELTA) {
        return bodyText();
      }
      byte[] rebuilt = applyDelta(whole.payload, whole.bodyOffset, whole.bodyLength(), payload,
          bodyOffset, payload.length);
      return new String(rebuilt, StandardCharsets.UTF_8);
    }
  }

  private JournalRecords() {}

  static byte[] encode(ArchiveRecord record, byte form, String chain, byte[] body) {
    Bytes out = new Bytes(256 + (body == null ? 0 : body.length));
    out.put(FORMAT);
    out.putLong(record.time().getEpochSecond());
    out.putInt(record.time().getNano());
    for (String field : new String[] {record.type(), record.kind(), record.namespace(),
        record.name(), record.uid(), record.rolloutId(), record.status(), record.reason(),
        record.message()}) {
      out.string(field);
    }
    out.varint(record.attributes().size());
    for (Map.Entry<String, String> attribute : record.attributes().entrySet()) {
      out.string(attribute.getKey());
      out.string(attribute.getValue());
    }
    out.varint(record.images().size());
    for (String image : record.images()) {
      out.string(image);
    }
    out.put(form);
    out.string(chain);
    if (body != null) {
      out.put(body, 0, body.length);
    }
    return out.toArray();
  }

  private static void checkFormat(byte format) {
    if (format != FORMAT) {
      throw new IllegalArgumentException("a journal record in format " + format + " cannot be"
          + " read by this kubetape (it reads format " + FORMAT + "); record into a new archive"
          + " folder, or read this one with the kubetape that wrote it");
    }
  }

  static Decoded decode(byte[] payload) {
    In in = new In(payload, 0);
    checkFormat(in.get());
    Instant time = Instant.ofEpochSecond(in.getLong(), in.getInt());
    String[] fields = new String[9];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = in.string();
    }
    int attributeCount = in.varint();
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < attributeCount; i++) {
      attributes.put(in.string(), in.string());
    }
    int imageCount = in.varint();
    List<String> images = new ArrayList<>(imageCount);
    for (int i = 0; i < imageCount; i++) {
      images.add(in.string());
    }
    byte form = in.get();
    String chain = in.string();
    ArchiveRecord header = new ArchiveRecord(time, fields[0], fields[1], fields[2], fields[3],
        fields[4], fields[5], fields[6], fields[7], fields[8], attributes, images, null);
    return new Decoded(header, form, chain, payload, in.at);
  }

  /**
   * Where each part of a record's header lies in its payload, found without decoding any of it:
   * the index takes its keyword terms straight from these bytes (UTF-8, as Lucene keeps terms),
   * with no string made and encoded again on the way.
   */
  static final class Spans {
    /** The header's strings, in the order of the layout above: type, kind, ... message. */
    static final int TYPE = 0;
    static final int KIND = 1;
    static final int NAMESPACE = 2;
    static final int NAME = 3;
    static final int UID = 4;
    static final int ROLLOUT_ID = 5;
    static final int STATUS = 6;
    static final int REASON = 7;
    static final int MESSAGE = 8;
    private static final int FIELDS = 9;

    final byte[] payload;
    final long millis;
    /** Offset and length of each header string; length -1 for null. */
    private final int[] fields = new int[2 * FIELDS];
    /** Offset and length of each attribute's key, then its value. */
    final int[] attributes;
    /** Offset and length of each image. */
    final int[] images;
    final byte form;
    /** Offset and length of the chain id; length -1 for none. */
    final int chainOffset;
    final int chainLength;
    final int bodyOffset;

    Spans(byte[] payload) {
      this.payload = payload;
      In in = new In(payload, 0);
      checkFormat(in.get());
      long seconds = in.getLong();
      millis = seconds * 1000 + in.getInt() / 1_000_000;
      for (int i = 0; i < FIELDS; i++) {
        fields[2 * i + 1] = in.span();
        fields[2 * i] = in.at - Math.max(0, fields[2 * i + 1]);
      }
      attributes = new int[4 * in.varint()];
      for (int i = 0; i < attributes.length; i += 2) {
        attributes[i + 1] = in.span();
        attributes[i] = in.at - Math.max(0, attributes[i + 1]);
      }
      images = new int[2 * in.varint()];
      for (int i = 0; i < images.length; i += 2) {
        images[i + 1] = in.span();
        images[i] = in.at - Math.max(0, images[i + 1]);
      }
      form = in.get();
      chainLength = in.span();
      chainOffset = in.at - Math.max(0, chainLength);
      bodyOffset = in.at;
    }

    int offset(int field) {
      return fields[2 * field];
    }

    /** Bytes of a header string, -1 when it is null. */
    int length(int field) {
      return fields[2 * field + 1];
    }

    /** A header string, decoded: for the few fields that are analysed as text. */
    String text(int field) {
      int length = length(field);
      return length < 0 ? null
          : new String(payload, offset(field), length, StandardCharsets.UTF_8);
    }

    /** Whether a header string is exactly {@code ascii}. */
    boolean is(int field, String ascii) {
      int length = length(field);
      if (length != ascii.length()) {
        return false;
      }
      for (int i = 0; i < length; i++) {
        if (payload[offset(field) + i] != ascii.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    String body() {
      return new String(payload, bodyOffset, payload.length - bodyOffset, StandardCharsets.UTF_8);
    }
  }

  // ---- deltas between versions of an object ----

  /** Copies shorter than this cost more to encode than the bytes they replace. */
  private static final int MIN_COPY = 8;
  /**
   * Bytes of a changed stretch before the index is probed: most changes in an object are shorter,
   * and a match found later still grows backwards over them.
   */
  private static final int PROBE_AFTER = 16;
  /** Where a match is looked for first, relative to where the last copy ended. */
  private static final int[] NUDGES = {0, 1, -1, 2, -2, 3, -3, 4, -4};
  /** How many places with the same 8 bytes a match is looked for in, after that. */
  private static final int MAX_CANDIDATES = 8;

  /**
   * A whole version, indexed for computing deltas against it: every 8 bytes, the place of those
   * 8 bytes in a hash table (0 is empty, else place / 8 + 1; {@code next} chains a bucket).
   */
  static final class Whole {
    final byte[] bytes;
    private final int bits;
    private final int[] head;
    private final int[] next;

    Whole(byte[] bytes) {
      this.bytes = bytes;
      int slots = bytes.length / 8;
      bits = Math.max(4, 32 - Integer.numberOfLeadingZeros(Math.max(1, slots)));
      head = new int[1 << bits];
      next = new int[slots + 1];
      // Later slots first, so that each bucket lists the version's places in order.
      for (int slot = slots - 1; slot >= 0; slot--) {
        int bucket = bucket(longAt(bytes, slot * 8), bits);
        next[slot + 1] = head[bucket];
        head[bucket] = slot + 1;
      }
    }

    /** Heap bytes this holds, roughly. */
    long size() {
      return bytes.length + 4L * (head.length + next.length) + 64;
    }
  }

  /**
   * The delta that rebuilds {@code target} from {@code whole}. Greedy, one pass: the target is
   * walked with a guess of where it is in the whole version (where the last copy ended, give or
   * take a few bytes: a value changed for one of about the same length), and the whole
   * version's index when the guess fails. The index is probed only then because its probes miss
   * the processor's caches: with hundreds of objects changing, each whole version is cold.
   */
  static byte[] delta(Whole whole, byte[] target) {
    byte[] base = whole.bytes;
    int bits = whole.bits;
    int[] head = whole.head;
    int[] next = whole.next;
    Bytes out = new Bytes(256);
    out.varint(target.length);
    int literal = 0;
    int at = 0;
    int shift = 0; // base position minus target position of the last copy
    while (at + MIN_COPY <= target.length) {
      int from = -1;
      int length = 0;
      long here = longAt(target, at);
      // Near where the last copy ended first: a value changed for one of about the same length.
      for (int nudge : NUDGES) {
        int guess = at + shift + nudge;
        if (guess >= 0 && guess + 8 <= base.length && longAt(base, guess) == here) {
          from = guess;
          length = 8 + common(base, guess + 8, target, at + 8);
          break;
        }
      }
      if (length < MIN_COPY && at - literal >= PROBE_AFTER) {
        int probes = 0;
        for (int slot = head[bucket(here, bits)]; slot > 0 && probes < MAX_CANDIDATES;
            slot = next[slot], probes++) {
          int place = (slot - 1) * 8;
          if (longAt(base, place) != here) {
            continue;
          }
          int found = 8 + common(base, place + 8, target, at + 8);
          if (found > length) {
            length = found;
            from = place;
          }
        }
      }
      if (length < MIN_COPY) {
        at++;
        continue;
      }
      while (from > 0 && at > literal && base[from - 1] == target[at - 1]) {
        from--;
        at--;
        length++;
      }
      if (at > literal) {
        out.varint((at - literal) << 1);
        out.put(target, literal, at - literal);
      }
      out.varint(length << 1 | 1);
      out.varint(from);
      at += length;
      literal = at;
      shift = from + length - at;
    }
    if (target.length > literal) {
      out.varint((target.length - literal) << 1);
      out.put(target, literal, target.length - literal);
    }
    return out.toArray();
  }

  /** Rebuilds a version from the whole version's bytes and a delta made by {@link #delta}. */
  static byte[] applyDelta(byte[] base, int baseOffset, int baseLength, byte[] delta,
      int deltaOffset, int deltaEnd) {
    In in = new In(delta, deltaOffset);
    byte[] target = new byte[in.varint()];
    int filled = 0;
    while (in.at < deltaEnd) {
      int op = in.varint();
      int length = op >>> 1;
      if ((op & 1) == 0) {
        System.arraycopy(delta, in.at, target, filled, length);
        in.at += length;
      } else {
        int from = in.varint();
        if (from + length > baseLength) {
          throw new IllegalArgumentException("a delta copies past the end of its whole version");
        }
        System.arraycopy(base, baseOffset + from, target, filled, length);
      }
      filled += length;
    }
    if (filled != target.length) {
      throw new IllegalArgumentException("a delta rebuilt " + filled + " bytes, not "
          + target.length);
    }
    return target;
  }

  private static int common(byte[] base, int from, byte[] target, int at) {
    if (from >= base.length || at >= target.length) {
      return 0;
    }
    int mismatch = Arrays.mismatch(base, from, base.length, target, at, target.length);
    return mismatch < 0 ? Math.min(base.length - from, target.length - at) : mismatch;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
          java.nio.ByteOrder.LITTLE_ENDIAN);

  private static long longAt(byte[] bytes, int at) {
    return (long) LONGS.get(bytes, at);
  }

  private static int bucket(long key, int bits) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - bits));
  }

  /** A growing byte array. */
  private static final class Bytes {
    private byte[] bytes;
    private int size;

    Bytes(int capacity) {
      bytes = new byte[capacity];
    }

    private void room(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    void put(byte b) {
      room(1);
      bytes[size++] = b;
    }

    void put(byte[] from, int offset, int length) {
      room(length);
      System.arraycopy(from, offset, bytes, size, length);
      size += length;
    }

    void putLong(long value) {
      room(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        bytes[size++] = (byte) (value >>> shift);
      }
    }

    void putInt(int value) {
      room(4);
      for (int shift = 24; shift >= 0; shift -= 8) {
        bytes[size++] = (byte) (value >>> shift);
      }
    }

    void varint(int value) {
      room(5);
      while ((value & ~0x7F) != 0) {
        bytes[size++] = (byte) (value & 0x7F | 0x80);
        value >>>= 7;
      }
      bytes[size++] = (byte) value;
    }

    void string(String value) {
      if (value == null) {
        varint(0);
        return;
      }
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length + 1);
      put(utf8, 0, utf8.length);
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, size);
    }
  }

  /** Reads what {@link Bytes} wrote; a record cut short throws. */
  private static final class In {
    private final byte[] bytes;
    int at;

    In(byte[] bytes, int at) {
      this.bytes = bytes;
      this.at = at;
    }

    byte get() {
      return bytes[at++];
    }

    long getLong() {
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = value << 8 | (bytes[at++] & 0xFF);
      }
      return value;
    }

    int getInt() {
      return (int) (getLong4());
    }

    private long getLong4() {
      long value = 0;
      for (int i = 0; i < 4; i++) {
        value = value << 8 | (bytes[at++] & 0xFF);
      }
      return value;
    }

    int varint() {
      int value = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        byte b = bytes[at++];
        value |= (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("a varint in a journal record is too long");
    }

    /** Skips a string; returns its byte length, -1 for null (it ends where this now is). */
    int span() {
      int length = varint() - 1;
      if (length > bytes.length - at) {
        throw new IllegalArgumentException("a string in a journal record runs past its end");
      }
      at += Math.max(0, length);
      return length;
    }

    String string() {
      int length = varint() - 1;
      if (length < 0) {
        return null;
      }
      String value = new String(bytes, at, length, StandardCharsets.UTF_8);
      at += length;
      return value;
    }
  }
}
