package dev.kubetape.recorder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How an {@link ArchiveRecord} is laid out in a journal record:
 * <pre>
 *   headerLength u32 | header: the record without its body, as JSON
 *   form u8          | 0 no body, 1 the whole body, 2 a merge patch against the object's
 *                    |   previous version in the same chain
 *   chainLength u16 | chain: UTF-8, the id of the object's chain of versions (form 1 and 2)
 *   body             | UTF-8 bytes
 * </pre>
 * The body, most of a record's bytes, stays out of the JSON header so that it is neither
 * escaped on the way in nor unescaped on the way out; an object's versions are stored as
 * patches from the start, so the journal and the index both stay small.
 */
final class JournalRecords {
  static final byte NO_BODY = 0;
  static final byte FULL = 1;
  static final byte PATCH = 2;

  private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();

  /** A decoded journal record: the header, and where its body is in the payload. */
  record Decoded(ArchiveRecord header, byte form, String chain, byte[] payload, int bodyOffset) {
    int bodyLength() {
      return payload.length - bodyOffset;
    }

    String bodyText() {
      return form == NO_BODY ? null
          : new String(payload, bodyOffset, bodyLength(), StandardCharsets.UTF_8);
    }
  }

  private JournalRecords() {}

  static byte[] encode(ArchiveRecord record, byte form, String chain, byte[] body) {
    try {
      ArchiveRecord header = new ArchiveRecord(record.time(), record.type(), record.kind(),
          record.namespace(), record.name(), record.uid(), record.rolloutId(), record.status(),
          record.reason(), record.message(), record.attributes(), record.images(), null);
      byte[] head = JSON.writeValueAsBytes(header);
      byte[] chainBytes = chain == null ? new byte[0] : chain.getBytes(StandardCharsets.UTF_8);
      byte[] bodyBytes = body == null ? new byte[0] : body;
      return ByteBuffer.allocate(4 + head.length + 1 + 2 + chainBytes.length + bodyBytes.length)
          .putInt(head.length).put(head).put(form).putShort((short) chainBytes.length)
          .put(chainBytes).put(bodyBytes).array();
    } catch (IOException e) {
      throw new UncheckedIOException("a record could not be encoded", e);
    }
  }

  static Decoded decode(byte[] payload) {
    try {
      ByteBuffer in = ByteBuffer.wrap(payload);
      int headLength = in.getInt();
      ArchiveRecord header = JSON.readValue(payload, 4, headLength, ArchiveRecord.class);
      in.position(4 + headLength);
      byte form = in.get();
      int chainLength = Short.toUnsignedInt(in.getShort());
      String chain = chainLength == 0 ? null
          : new String(payload, in.position(), chainLength, StandardCharsets.UTF_8);
      return new Decoded(header, form, chain, payload, in.position() + chainLength);
    } catch (IOException e) {
      throw new UncheckedIOException("a journal record could not be decoded", e);
    }
  }
}
