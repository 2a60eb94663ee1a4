package dev.kubetape.recorder;

import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene document of a journal record (the fields are listed in {@link LuceneArchive}).
 * Built on the indexing threads, the busiest of the archive, so it takes each keyword term
 * straight from the record's bytes ({@link JournalRecords.Spans}): no header is decoded into
 * strings that Lucene would encode back to UTF-8. Facets are written as the sorted-set doc
 * values that {@code FacetsConfig.build} would make of them (one {@code $facets} value
 * {@code DIMENSION<US>VALUE} each, no drill-down terms), without copying the document again.
 */
final class RecordDocument {
  /** Where sorted-set facets live: FacetsConfig's default index field, which searches read. */
  static final String FACETS_FIELD = FacetsConfig.DEFAULT_INDEX_FIELD_NAME;
  /** The facet dimensions; "user" comes from the attribute of that name. */
  static final List<String> FACETS = List.of("kind", "namespace", "status", "reason", "user");
  private static final int[] KEYWORDS = {JournalRecords.Spans.TYPE, JournalRecords.Spans.KIND,
      JournalRecords.Spans.NAMESPACE, JournalRecords.Spans.NAME, JournalRecords.Spans.UID,
      JournalRecords.Spans.ROLLOUT_ID, JournalRecords.Spans.STATUS, JournalRecords.Spans.REASON};
  private static final String[] KEYWORD_FIELDS = {"type", "kind", "namespace", "name", "uid",
      "rolloutId", "status", "reason"};
  /** FacetsConfig's separator of dimension and value, and its escape for both in a value. */
  private static final byte DELIMITER = (byte) FacetsConfig.DELIM_CHAR;
  private static final byte ESCAPE = 0x1E;

  private RecordDocument() {}

  static Document of(Journal.Entry entry) {
    JournalRecords.Spans record = new JournalRecords.Spans(entry.payload());
    byte[] bytes = record.payload;
    Document doc = new Document();
    doc.add(new LongPoint("time", record.millis));
    doc.add(new NumericDocValuesField("time", record.millis));
    for (int i = 0; i < KEYWORDS.length; i++) {
      int length = record.length(KEYWORDS[i]);
      if (length > 0) {
        doc.add(new StringField(KEYWORD_FIELDS[i],
            new BytesRef(bytes, record.offset(KEYWORDS[i]), length), Field.Store.NO));
      }
    }
    String message = record.text(JournalRecords.Spans.MESSAGE);
    if (message != null) {
      doc.add(new TextField("message", message, Field.Store.NO));
    }
    for (int i = 0; i < record.images.length; i += 2) {
      keyword(doc, "image", bytes, record.images[i], record.images[i + 1]);
    }
    int userOffset = 0;
    int userLength = -1;
    for (int i = 0; i < record.attributes.length; i += 4) {
      String key = new String(bytes, record.attributes[i], Math.max(0, record.attributes[i + 1]),
          java.nio.charset.StandardCharsets.UTF_8);
      String field = switch (key) {
        case "user", "node", "revision" -> key;
        default -> "attr." + key;
      };
      keyword(doc, field, bytes, record.attributes[i + 2], record.attributes[i + 3]);
      if (key.equals("user")) {
        userOffset = record.attributes[i + 2];
        userLength = record.attributes[i + 3];
      }
    }
    facet(doc, "kind", bytes, record.offset(JournalRecords.Spans.KIND),
        record.length(JournalRecords.Spans.KIND));
    facet(doc, "namespace", bytes, record.offset(JournalRecords.Spans.NAMESPACE),
        record.length(JournalRecords.Spans.NAMESPACE));
    facet(doc, "status", bytes, record.offset(JournalRecords.Spans.STATUS),
        record.length(JournalRecords.Spans.STATUS));
    facet(doc, "reason", bytes, record.offset(JournalRecords.Spans.REASON),
        record.length(JournalRecords.Spans.REASON));
    facet(doc, "user", bytes, userOffset, userLength);
    if (record.form == JournalRecords.FULL && record.is(JournalRecords.Spans.TYPE, "log")) {
      doc.add(new TextField("log", record.body(), Field.Store.NO));
    }
    if (record.form == JournalRecords.FULL && record.chainLength >= 0) {
      doc.add(new StringField("chain", new BytesRef(bytes, record.chainOffset, record.chainLength),
          Field.Store.NO));
    }
    doc.add(new StoredField("record", bytes));
    doc.add(new LongPoint("position", entry.position()));
    return doc;
  }

  private static void keyword(Document doc, String field, byte[] bytes, int offset, int length) {
    if (length > 0) {
      doc.add(new StringField(field, new BytesRef(bytes, offset, length), Field.Store.NO));
    }
  }

  /**
   * A facet value as FacetsConfig writes it: the dimension, the separator, the value with each
   * separator or escape byte escaped. In UTF-8 those two bytes only ever stand for themselves,
   * so escaping bytes is escaping characters.
   */
  private static void facet(Document doc, String dimension, byte[] bytes, int offset, int length) {
    if (length <= 0) {
      return;
    }
    int escapes = 0;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == DELIMITER || bytes[i] == ESCAPE) {
        escapes++;
      }
    }
    byte[] path = new byte[dimension.length() + 1 + length + escapes];
    int at = 0;
    for (int i = 0; i < dimension.length(); i++) {
      path[at++] = (byte) dimension.charAt(i);
    }
    path[at++] = DELIMITER;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == DELIMITER || bytes[i] == ESCAPE) {
        path[at++] = ESCAPE;
      }
      path[at++] = bytes[i];
    }
    doc.add(new SortedSetDocValuesField(FACETS_FIELD, new BytesRef(path)));
  }
}
